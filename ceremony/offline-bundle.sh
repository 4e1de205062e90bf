#!/usr/bin/env bash
# Carry breakglass to a machine that never sees a network.
#
#   On a connected machine (same OS family, CPU and Python minor version as the offline one):
#     bash ceremony/offline-bundle.sh make BUNDLE_DIR
#   Copy BUNDLE_DIR to the offline machine (it holds this script too), then:
#     bash BUNDLE_DIR/offline-bundle.sh install BUNDLE_DIR VENV_DIR
#
# "make" downloads binary wheels of breakglass's dependencies, builds breakglass's own wheel, and writes
# requirements.txt pinning every wheel by SHA-256, and writes recover.html (the offline recovery page). Where apt exists it also carries the .deb files of libzbar0
# (the system library of the second QR decoder) and of what it depends on, pinned in debs/SHA256SUMS.
# "install" creates a virtual environment and installs with --no-index --require-hashes: pip never looks at a
# network, and a wheel altered in transit is refused. It installs libzbar0 from the bundle when it is missing
# (as root, or through sudo); where it cannot, a note says so and zxing-cpp reads QR codes alone.
# For another target platform, set PIP_PLATFORM (e.g. manylinux2014_x86_64) and PIP_PYTHON (e.g. 3.11).
set -euo pipefail

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
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
  # The runtime dependencies, read from pyproject.toml so this list cannot drift.
  python3 - "$project/pyproject.toml" > "$bundle/dependencies.txt" <<'PY'
import sys, tomllib
print("\n".join(tomllib.load(open(sys.argv[1], "rb"))["project"]["dependencies"]))
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
  carry_zbar_debs "$bundle"
  # The recovery page (docs/RECOVERY-PAGE.md), assembled from the wheel just built: the same bytes, and the same
  # SHA-256, as `breakglass recovery-page` and `breakglass --version` give once installed.
  python3 - "$bundle" <<'PY'
import glob, hashlib, pathlib, sys
sys.path.insert(0, glob.glob(f"{sys.argv[1]}/wheels/breakglass-*.whl")[0])
from breakglass.page import page_html
page = page_html()
pathlib.Path(sys.argv[1], "recover.html").write_bytes(page)
print(f"recovery page: recover.html, SHA-256 {hashlib.sha256(page).hexdigest()}")
PY
  cp "$0" "$bundle/offline-bundle.sh"
  echo "bundle ready in $bundle: $(ls "$bundle/wheels" | wc -l) wheels, pinned in requirements.txt"
}

zbar_missing() { ! python3 -c 'import ctypes.util, sys; sys.exit(ctypes.util.find_library("zbar") is None)'; }

carry_zbar_debs() {
  local bundle="$1" packages
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "note: no apt-get here, so the bundle carries no libzbar0; install it on the offline machine by other means, or zxing-cpp reads alone" >&2
    return 0
  fi
  mkdir -p "$bundle/debs"
  # libzbar0 and everything it depends on, taking the first of alternatives as apt does (most are on any
  # Debian system already; "install" installs only the missing ones).
  packages="$(python3 - libzbar0 <<'PY'
import subprocess, sys
def depends(package):
    lines = subprocess.run(["apt-cache", "depends", "--no-recommends", "--no-suggests", "--no-conflicts",
                            "--no-breaks", "--no-replaces", "--no-enhances", package],
                           capture_output=True, text=True).stdout.splitlines()[1:]
    chosen, alternative = [], False
    for line in lines:
        kind, _, name = line.strip().partition(": ")
        if kind.lstrip("|") in ("Depends", "PreDepends") and not alternative and not name.startswith("<"):
            chosen.append(name)
        if kind.lstrip("|") in ("Depends", "PreDepends"):
            alternative = kind.startswith("|")  # "a | b": the next line is b, an alternative to a
    return chosen
seen, todo = set(), sys.argv[1:]
while todo:
    package = todo.pop()
    if package not in seen:
        seen.add(package)
        todo += depends(package)
print(" ".join(sorted(seen)))
PY
)"
  if [ -z "$packages" ] || ! (cd "$bundle/debs" && apt-get download $packages >/dev/null 2>&1); then
    echo "note: could not download libzbar0's .deb files (run apt-get update?); the bundle installs without the zbar decoder" >&2
    rm -rf "$bundle/debs"
    return 0
  fi
  (cd "$bundle/debs" && sha256sum -- *.deb > SHA256SUMS)
}

install_zbar_debs() {
  local bundle="$1" as_root=""
  zbar_missing || return 0
  if [ ! -f "$bundle/debs/SHA256SUMS" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "note: libzbar0 is not installed and the bundle cannot install it here; zxing-cpp reads QR codes alone" >&2
    return 0
  fi
  (cd "$bundle/debs" && sha256sum --quiet -c SHA256SUMS) || { echo "error: a .deb file in $bundle/debs was altered; refusing to install it" >&2; exit 1; }
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 && as_root="sudo" || { echo "note: installing libzbar0 needs root; zxing-cpp reads QR codes alone" >&2; return 0; }
  fi
  local deb name missing=()
  for deb in "$bundle"/debs/*.deb; do  # only what this machine lacks; apt takes the rest from the system
    name="$(dpkg-deb -f "$deb" Package)"
    dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed" || missing+=("$deb")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-download --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || echo "note: libzbar0 could not be installed from the bundle (another OS release?); zxing-cpp reads QR codes alone" >&2
}

install_bundle() {
  local bundle="$1" venv="$2"
  [ -f "$bundle/requirements.txt" ] || { echo "error: $bundle has no requirements.txt; make the bundle first" >&2; exit 1; }
  [ -e "$venv" ] && { echo "error: $venv already exists; choose a new folder" >&2; exit 1; }
  python3 -m venv "$venv"
  install_zbar_debs "$bundle"
  "$venv/bin/python" -m pip install --quiet --no-index --find-links "$bundle/wheels" --require-hashes -r "$bundle/requirements.txt"
  echo "installed: $("$venv/bin/breakglass" --version); run $venv/bin/breakglass --help"
}

case "${1:-}" in
  make) [ $# -eq 2 ] || usage; make_bundle "$2" ;;
  install) [ $# -eq 3 ] || usage; install_bundle "$2" "$3" ;;
  *) usage ;;
esac
