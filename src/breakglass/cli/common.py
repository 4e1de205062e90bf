"""What every command shares: context settings, options declared once, and where progress is printed."""

from pathlib import Path

import click

from ..system.output import one_line
from . import CONTEXT  # noqa: F401 - the commands take it from here with the options

paper_option = click.option(
    "--paper",
    type=click.Choice(["a4", "letter"], case_sensitive=False),
    default=None,
    help="Paper size (the layout prints whole on either). Default: the config's `paper`, else a4.",
)


def chosen_paper(option: str | None, config) -> str:
    """--paper, else the ceremony config's paper, else a4."""
    return (option or (config.paper if config is not None else None) or "a4").lower()


format_option = click.option(
    "--format",
    "share_format",
    type=click.Choice(["1", "2"]),
    default="2",
    show_default=True,
    help="Share format: 2 prints short shares (about 1/k of the credential each, codes that stand in for each "
    "other); 1 prints what breakglass releases before format 2 read. Every release reads both.",
)
dpi_option = click.option(
    "--dpi",
    type=click.IntRange(50, 600),
    default=200,
    show_default=True,
    help="Resolution for rasterizing PDF scans.",
)

font_option = click.option(
    "--font",
    "font_paths",
    multiple=True,
    metavar="PATH",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A TrueType (.ttf) font for characters the bundled fonts lack, e.g. a name in another script (repeatable).",
)

multi_line_option = click.option(
    "--multi-line",
    "--multiline",
    "multi_line",
    is_flag=True,
    help="Type a credential of several lines at the prompt (a PEM key): end it with Ctrl-D on an empty line.",
)
strip_newline_option = click.option(
    "--strip-newline",
    is_flag=True,
    help="Drop one newline at the end of --secret-file (by default every byte is kept, a final newline too).",
)


def use_fonts(paths: tuple[Path, ...]) -> None:
    """Add the --font fonts after the bundled ones (loading the paper layer only when fonts are given)."""
    if paths:
        from ..paper.fonts import add_fonts

        add_fonts(paths)


solo_option = click.option(
    "--solo",
    metavar="REASON",
    help="Only one person is there: run without a witness (or with the operator as witness). The reason is "
    "journalled and the audit reports it.",
)


def people_options(ceremony: str):
    """--operator and --witness of a ceremony that prints sheets ("the rotation"): journalled, defaulting to the
    ceremony config's administrator and witness."""
    operator = click.option(
        "--operator", help=f"Who runs {ceremony} (journalled; default: the config's administrator)."
    )
    witness = click.option(
        "--witness", help="Who witnesses it, not the operator (journalled; default: the config's witness)."
    )
    return lambda command: operator(witness(command))


new_sheets_scan_check_option = click.option(
    "--no-scan-check",
    is_flag=True,
    help="Skip reading the new sheets back (not recommended).",
)


def terminal():
    """The person at the keyboard for a ceremony (ceremonies/terminal.py): prompts and questions on stderr, what
    is shown (a credential, a drill's OK) on stdout."""
    from ..ceremonies.terminal import Terminal

    return Terminal(
        ask=lambda prompt: click.prompt(prompt, err=True),
        confirm=lambda question: click.confirm(question, default=False, err=True),
        show=click.echo,
    )


def say(message: str = "") -> None:
    """Progress and summaries go to stderr, so that `--out -` leaves stdout holding exactly the credential.
    Each message is one line, whatever names or texts from outside it quotes (output.one_line)."""
    click.echo(one_line(message, limit=2000), err=True)
