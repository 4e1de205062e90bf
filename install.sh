#!/bin/sh
# Install breakglass from this checkout into ./.venv; "sh install.sh test" adds the test extras.
#
# On Debian/Ubuntu it first installs, with apt-get (as root, or through sudo), what a fresh machine lacks:
# python3-venv (to make the virtual environment), libzbar0 (the system library of pyzbar, the second QR
# decoder; where it cannot be installed, a note says so and zxing-cpp reads alone) and, for the tests,
# poppler-utils (pdftotext/pdftoppm/pdffonts), groff (the man page check), and for the recovery page's tests
# nodejs (node --test runs its JavaScript core) and chromium (Debian's browser, which Playwright drives; no
# browser is ever downloaded). Nothing else is touched.
# The fonts printed text uses ship inside the package; the man page is copied to .venv/share/man/man1.
set -eu
cd "$(dirname "$0")"
extras=""
[ "${1:-}" = "test" ] && extras="[test]"

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "error: breakglass needs Python >= 3.11" >&2; exit 1; }

missing=""
python3 -c 'import ensurepip, venv' 2>/dev/null || missing="$missing python3-venv"
python3 -c 'import ctypes.util, sys; sys.exit(ctypes.util.find_library("zbar") is None)' || missing="$missing libzbar0"
[ -n "$extras" ] && ! command -v pdftotext >/dev/null 2>&1 && missing="$missing poppler-utils"
[ -n "$extras" ] && ! command -v groff >/dev/null 2>&1 && missing="$missing groff"
[ -n "$extras" ] && ! command -v node >/dev/null 2>&1 && missing="$missing nodejs"
[ -n "$extras" ] && [ ! -x /usr/bin/chromium ] && missing="$missing chromium"

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
# An editable install leaves data files out: put the man page where `man -M .venv/share/man breakglass` finds it.
mkdir -p .venv/share/man/man1 && cp share/man/man1/breakglass.1 .venv/share/man/man1/
python3 -c 'import ctypes.util, sys; sys.exit(ctypes.util.find_library("zbar") is None)' \
  || echo "note: libzbar0 is not installed, so zxing-cpp reads QR codes alone (apt-get install libzbar0 adds the second decoder)" >&2
echo "breakglass installed in .venv: $(.venv/bin/breakglass --version)"
