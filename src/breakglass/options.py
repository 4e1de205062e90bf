"""Command-line options shared by several commands, declared once so they read and behave the same everywhere."""

import click

paper_option = click.option(
    "--paper", type=click.Choice(["a4", "letter"], case_sensitive=False), default="a4", show_default=True,
    help="Paper size (the layout prints whole on either).",
)
dpi_option = click.option(
    "--dpi", type=click.IntRange(50, 600), default=200, show_default=True, help="Resolution for rasterizing PDF scans.",
)
