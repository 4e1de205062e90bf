"""`breakglass recovery-page`: write the offline recovery page (docs/RECOVERY-PAGE.md)."""

from __future__ import annotations

from pathlib import Path

import click

from ..page import page_html, page_sha256
from ..system.files import DOCUMENT, write_new_file
from .common import CONTEXT, say


@click.command("recovery-page", context_settings=CONTEXT)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML file to write (refused if it exists).",
)
def recovery_page(out: Path) -> None:
    """Write the recovery page: one HTML file that recovers the credential in any browser, offline.

    It reads the sheets from photos or scans, the camera, or typed lines, exactly as recombine does, in drill
    mode (the default: verify only) or release mode. It makes no connection and records nothing: a release is
    still written in the logbook and journalled with this tool. Check a copy with `sha256sum FILE`: it must
    print the SHA-256 shown here and by `breakglass --version`.

    \b
    Example:
      breakglass recovery-page --out recover.html
    """
    write_new_file(out, page_html(), DOCUMENT)
    say(f"wrote {out}: the recovery page, SHA-256 {page_sha256()}")
