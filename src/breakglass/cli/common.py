"""What every command shares: context settings, options declared once, and where progress is printed."""

from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

paper_option = click.option(
    "--paper", type=click.Choice(["a4", "letter"], case_sensitive=False), default="a4", show_default=True,
    help="Paper size (the layout prints whole on either).",
)
dpi_option = click.option(
    "--dpi", type=click.IntRange(50, 600), default=200, show_default=True, help="Resolution for rasterizing PDF scans.",
)

font_option = click.option(
    "--font", "font_paths", multiple=True, metavar="PATH", type=click.Path(dir_okay=False, path_type=Path),
    help="A TrueType (.ttf) font for characters the bundled fonts lack, e.g. a name in another script (repeatable).",
)


def use_fonts(paths: tuple[Path, ...]) -> None:
    """Add the --font fonts after the bundled ones (loading the paper layer only when fonts are given)."""
    if paths:
        from ..paper.fonts import add_fonts

        add_fonts(paths)


def say(message: str = "") -> None:
    """Progress and summaries go to stderr, so that `--out -` leaves stdout holding exactly the credential."""
    click.echo(message, err=True)
