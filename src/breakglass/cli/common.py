"""What every command shares: context settings, options declared once, and where progress is printed."""

import click

from ..system.output import one_line

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

paper_option = click.option(
    "--paper", type=click.Choice(["a4", "letter"], case_sensitive=False), default="a4", show_default=True,
    help="Paper size (the layout prints whole on either).",
)
dpi_option = click.option(
    "--dpi", type=click.IntRange(50, 600), default=200, show_default=True, help="Resolution for rasterizing PDF scans.",
)


def say(message: str = "") -> None:
    """Progress and summaries go to stderr, so that `--out -` leaves stdout holding exactly the credential.
    Each message is one line, whatever names or texts from outside it quotes (output.one_line)."""
    click.echo(one_line(message, limit=2000), err=True)
