"""What every command shares: context settings, options declared once, and where progress is printed."""

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

paper_option = click.option(
    "--paper", type=click.Choice(["a4", "letter"], case_sensitive=False), default="a4", show_default=True,
    help="Paper size (the layout prints whole on either).",
)
format_option = click.option(
    "--format", "share_format", type=click.Choice(["1", "2"]), default="2", show_default=True,
    help="Share format: 2 prints short shares (about 1/k of the credential each, codes that stand in for each "
    "other); 1 prints what breakglass releases before format 2 read. Every release reads both.",
)
dpi_option = click.option(
    "--dpi", type=click.IntRange(50, 600), default=200, show_default=True, help="Resolution for rasterizing PDF scans.",
)

solo_option = click.option(
    "--solo", metavar="REASON",
    help="Only one person is there: run without a witness (or with the operator as witness). The reason is "
    "journalled and the audit reports it.",
)


def say(message: str = "") -> None:
    """Progress and summaries go to stderr, so that `--out -` leaves stdout holding exactly the credential."""
    click.echo(message, err=True)
