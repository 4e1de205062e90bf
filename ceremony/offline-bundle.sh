#!/usr/bin/env bash
# Carry breakglass to a machine that never sees a network.
#
#   On a connected machine (same OS family, CPU and Python minor version as the offline one):
#     bash ceremony/offline-bundle.sh make BUNDLE_DIR
#   Copy BUNDLE_DIR to the offline machine (it holds this script too), then:
#     bash BUNDLE_DIR/offline-bundle.sh install BUNDLE_DIR VENV_DIR
#
# "make" downloads binary wheels of breakglass's dependencies, builds breakglass's own wheel, and writes
# requirements.txt pinning every wheel by SHA-256. "install" creates a virtual environment and installs with
# --no-index --require-hashes: pip never looks at a network, and a wheel altered in transit is refused.
# For another target platform, set PIP_PLATFORM (e.g. manylinux2014_x86_64) and PIP_PYTHON (e.g. 3.11).
set -euo pipefail

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"

make_bundle() {
  local bundle="$1" project
  project="$(cd "$here/.." && pwd)"
  [ -f "$project/pyproject.toml" ] || { echo "error: run 'make' from a breakglass source checkout" >&2; exit 1; }
  mkdir -p "$bundle/wheels"
  local target=()
  [ -n "${PIP_PLATFORM:-}" ] && target+=(--platform "$PIP_PLATFORM")
  [ -n "${PIP_PYTHON:-}" ] && target+=(--python-version "$PIP_PYTHON")
  python3 -m pip wheel --no-deps --quiet -w "$bundle/wheels" "$project"
  # The runtime dependencies, read from pyproject.toml so this list cannot drift; pyzbar as the second decoder.
  python3 - "$project/pyproject.toml" > "$bundle/dependencies.txt" <<'PY'
import sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["zbar"]))
PY
  python3 -m pip download --quiet --only-binary=:all: "${target[@]}" -d "$bundle/wheels" -r "$bundle/dependencies.txt"
  python3 - "$bundle" > "$bundle/requirements.txt" <<'PY'
import hashlib, pathlib, re, sys
from collections import defaultdict
hashes = defaultdict(list)
for wheel in sorted(pathlib.Path(sys.argv[1], "wheels").glob("*.whl")):
    name, version = wheel.name.split("-")[:2]
    key = (re.sub(r"[-_.]+", "-", name).lower(), version)
    hashes[key].append(hashlib.sha256(wheel.read_bytes()).hexdigest())
for (name, version), digests in sorted(hashes.items()):
    print(f"{name}=={version} " + " ".join(f"--hash=sha256:{d}" for d in digests))
PY
  cp "$0" "$bundle/offline-bundle.sh"
  echo "bundle ready in $bundle: $(ls "$bundle/wheels" | wc -l) wheels, pinned in requirements.txt"
}

install_bundle() {
  local bundle="$1" venv="$2"
  [ -f "$bundle/requirements.txt" ] || { echo "error: $bundle has no requirements.txt; make the bundle first" >&2; exit 1; }
  [ -e "$venv" ] && { echo "error: $venv already exists; choose a new folder" >&2; exit 1; }
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --no-index --find-links "$bundle/wheels" --require-hashes -r "$bundle/requirements.txt"
  echo "installed: $("$venv/bin/breakglass" --version); run $venv/bin/breakglass --help"
}

case "${1:-}" in
  make) [ $# -eq 2 ] || usage; make_bundle "$2" ;;
  install) [ $# -eq 3 ] || usage; install_bundle "$2" "$3" ;;
  *) usage ;;
esac
