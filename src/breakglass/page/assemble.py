"""Assemble the recovery page: the HTML (templates/recovery-page.html), its style, its scripts and the QR
decoder's WebAssembly, all inlined into one file that makes no request (its Content-Security-Policy forbids every
connection). The result depends only on the installed files, so one version always gives the same bytes and the
same SHA-256 (printed by `breakglass --version` and recorded when sheets are printed)."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib import resources

from ..errors import BreakglassError

# The page's own scripts, in load order (each defines one global the next ones use).
SCRIPTS = ("field.js", "shares.js", "qr.js", "typed.js", "combine.js", "reader.js", "app.js")


def _read(package: str, name: str) -> bytes:
    try:
        return resources.files(package).joinpath(name).read_bytes()
    except OSError as e:
        raise BreakglassError(
            f"the recovery page's part {package}/{name} is missing from this installation ({e.strerror})"
        ) from None


def _script(text: str) -> str:
    # A script inlined in HTML must not close its own element early.
    return text.replace("</script", "<\\/script")


def vendored_versions() -> str:
    return _read("breakglass.page", "vendor/VERSION").decode("ascii").strip()


def _check_vendored() -> None:
    """The vendored decoder must be the one its checksums name (a changed file would change what reads codes)."""
    sums = _read("breakglass.page", "vendor/SHA256SUMS").decode("ascii")
    for line in sums.splitlines():
        digest, name = line.split()
        if hashlib.sha256(_read("breakglass.page", f"vendor/{name}")).hexdigest() != digest:
            raise BreakglassError(
                f"the vendored QR decoder file {name} does not match its checksum: reinstall breakglass"
            )


@cache
def page_html() -> bytes:
    from .. import __version__

    _check_vendored()
    html = _read("breakglass.templates", "recovery-page.html").decode("utf-8")
    style = _read("breakglass.page", "js/page.css").decode("utf-8")
    scripts = [_read("breakglass.page", "vendor/zxing_reader.js").decode("utf-8")]
    scripts += [_read("breakglass.page", f"js/{name}").decode("utf-8") for name in SCRIPTS]
    wasm = base64.b64encode(_read("breakglass.page", "vendor/zxing_reader.wasm")).decode("ascii")
    parts = {
        "/*@STYLE@*/": style,
        "@VERSION@": __version__,
        "@ZXING_VERSION@": vendored_versions(),
        "@WASM_BASE64@": wasm,
        "/*@SCRIPTS@*/": "\n;\n".join(_script(s) for s in scripts),
    }
    for marker, value in parts.items():
        if html.count(marker) != 1:
            raise BreakglassError(f"the recovery page template has {html.count(marker)} {marker} markers, not one")
        html = html.replace(marker, value)
    return html.encode("utf-8")


def page_sha256() -> str:
    """The SHA-256 of the page this installation writes, as `sha256sum recover.html` prints it."""
    return hashlib.sha256(page_html()).hexdigest()
