#!/bin/sh
# Re-fetch the vendored QR reader of the recovery page (zxing-wasm, MIT: ZXing-C++ compiled to WebAssembly)
# from the npm registry at the pinned version, and check it against the checksums kept in the repository.
#   sh scripts/fetch_zxing_wasm.sh          re-fetch into a temporary folder and compare (nothing changes)
#   sh scripts/fetch_zxing_wasm.sh --write  also copy the files over src/breakglass/page/vendor/ (after a
#                                           version bump: then update VERSION and SHA256SUMS and review)
# Needs npm (only here, by a maintainer: users and CI never run it).
set -eu
cd "$(dirname "$0")/.."
vendor=src/breakglass/page/vendor
version="$(cat "$vendor/VERSION")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "zxing-wasm@$version" >/dev/null && tar xzf "zxing-wasm-$version.tgz")
mkdir -p "$work/out"
cp "$work/package/dist/iife/reader/index.js" "$work/out/zxing_reader.js"
cp "$work/package/dist/reader/zxing_reader.wasm" "$work/out/zxing_reader.wasm"
cp "$work/package/LICENSE" "$work/out/LICENSE-zxing-wasm.txt"
grep -q '^MIT License' "$work/out/LICENSE-zxing-wasm.txt" || { echo "error: zxing-wasm $version is not MIT-licensed" >&2; exit 1; }
if [ "${1:-}" = "--write" ]; then
  cp "$work/out/"* "$vendor/"
  echo "copied zxing-wasm $version into $vendor; now check and commit SHA256SUMS:"
  (cd "$vendor" && sha256sum zxing_reader.js zxing_reader.wasm LICENSE-zxing-wasm.txt)
  exit 0
fi
(cd "$work/out" && sha256sum -c "$OLDPWD/$vendor/SHA256SUMS")
(cd "$vendor" && sha256sum -c SHA256SUMS)
echo "zxing-wasm $version: the registry's files and the vendored copy match SHA256SUMS"
