#!/bin/sh
# Install breakglass from this checkout into ./.venv; "sh install.sh test" adds the test extras.
#
# On Debian/Ubuntu it first installs, with apt-get (as root, or through sudo), what a fresh machine lacks:
# python3-venv (to make the virtual environment), libzbar0 (the second QR decoder; optional in use, exercised
# by the tests) and, for the tests, poppler-utils (pdftotext/pdftoppm). Nothing else is touched.
set -eu
cd "$(dirname "$0")"
extras=""
[ "${1:-}" = "test" ] && extras="[test]"

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "error: breakglass needs Python >= 3.11" >&2; exit 1; }

missing=""
python3 -c 'import ensurepip, venv' 2>/dev/null || missing="$missing python3-venv"
python3 -c 'import ctypes.util, sys; sys.exit(ctypes.util.find_library("zbar") is None)' || missing="$missing libzbar0"
[ -n "$extras" ] && ! command -v pdftotext >/dev/null 2>&1 && missing="$missing poppler-utils"

if [ -n "$missing" ] && command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then as_root=""; elif command -v sudo >/dev/null 2>&1; then as_root="sudo"; else as_root="none"; fi
  if [ "$as_root" = none ]; then
    echo "note: cannot install$missing (not root and no sudo); continuing without them" >&2
  else
    echo "installing system packages:$missing"
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e ".$extras"
echo "breakglass installed in .venv: $(.venv/bin/breakglass --version)"
