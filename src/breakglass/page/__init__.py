"""The recovery page: one offline HTML file that reads the sheets in any browser (docs/RECOVERY-PAGE.md).

Its JavaScript (js/) is a second implementation of docs/FORMAT.md written from the spec; its QR decoder is the
vendored zxing-wasm (vendor/, pinned, with licence and checksums). `page_html()` assembles the one file from
these parts at run time, so users need neither Node nor npm. This layer imports only `system`.
"""

from .assemble import page_html, page_sha256

__all__ = ["page_html", "page_sha256"]
