"""The command line: the `breakglass` group, and the one place failures become one line and an exit code.

Exit codes (the table in docs/COMMANDS.md is generated from EXIT_CODES): 0 success; 1 refused, failed or audit
findings; 2 usage error (for audit: cannot audit); 3 a bug; 4 audit PENDING; 128 + the signal's number when interrupted (130
Ctrl-C, 143 SIGTERM, 129 SIGHUP). The commands themselves live in ceremonies.py (split, recombine, rotate,
reshare, expand, demo), audit.py, records.py (journal, logbook, checklist, destroy) and manifest.py, each
imported only when its command runs: `breakglass --help` lists them from COMMANDS without importing any.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings

import click

from .. import __version__
from ..errors import BreakglassError, InternalError
from ..system import interrupts
from . import CONTEXT

EXIT_CODES = (
    (0, "success"),
    (1, "refused or failed (one line says why), or audit findings"),
    (2, "usage error (a wrong option or argument); for `audit`, the audit could not be done"),
    (3, "internal error: a bug in breakglass (one line; BREAKGLASS_DEBUG=1 shows the traceback)"),
    (
        4,
        "`audit` PENDING: no finding, but a part of the credential is not yet shown changed at the provider after a "
        "release still inside its rotation deadline",
    ),
    (130, "interrupted by Ctrl-C (SIGINT); one line says what, if anything, was written"),
    (143, "terminated (SIGTERM); as 130. SIGHUP (the terminal closed) gives 129"),
)


def show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version: the version, the package fingerprint printed on every sheet, and the QR decoders in use."""
    if not value or ctx.resilient_parsing:
        return
    from ..page import page_sha256
    from ..scan.decoders import decoder_versions, missing_decoder_note
    from ..system.package import fingerprint

    click.echo(f"breakglass, version {__version__}")
    click.echo(f"package fingerprint {fingerprint()} (the sheets and the logbook cover print the one that made them)")
    click.echo(f"QR decoders: {', '.join(decoder_versions()) or 'none'}")
    click.echo(
        f"recovery page SHA-256 {page_sha256()} (breakglass recovery-page --out recover.html; sha256sum recover.html)"
    )
    if missing_decoder_note():
        click.echo(f"note: {missing_decoder_note()}")
    ctx.exit()


# Every command: the module of this package that defines it, and the summary `breakglass --help` lists for it
# (the first sentence of its docstring; tests/test_health_startup.py checks the two agree), so that listing
# the commands imports none of them.
COMMANDS = {
    "audit": (
        "audit",
        "Check the journal, the logbook transcription and provider evidence; say what was read and every finding.",
    ),
    "checklist": (
        "records",
        "Print the after-use (rotation) checklist for a release or drill, or the custodian-change checklist.",
    ),
    "demo": (
        "ceremonies",
        "Run a whole ceremony on a dummy credential: split, logbook, drill, release, checklist, rotate, audit.",
    ),
    "destroy": ("records", "Record the witnessed destruction of old sheets in the journal."),
    "expand": (
        "ceremonies",
        "Custodians change: new shares of the SAME set, for new custodians, from any k of its sheets.",
    ),
    "journal": ("records", "Check or list the tamper-evident journal of ceremony events."),
    "logbook": (
        "records",
        "Print the paper ceremony record for a set of shares, pre-filled from what the split recorded.",
    ),
    "manifest": (
        "manifest",
        "Show what a split made: set, fingerprint, sheets and holders, and (with --journal) the set's state.",
    ),
    "recombine": (
        "recombine",
        "Recover the credential from any k sheets: scans, photos, PDFs, folders or typed text, in any order.",
    ),
    "recovery-page": (
        "page",
        "Write the recovery page: one HTML file that recovers the credential in any browser, offline.",
    ),
    "reshare": (
        "ceremonies",
        "Custodians change: the SAME credential as a NEW set, from any k sheets of the current set.",
    ),
    "rotate": (
        "ceremonies",
        "Replace the credential after a use: recover the old set, split the NEW credential as a new set.",
    ),
    "split": ("ceremonies", "Encrypt a credential, split it k-of-n, and write one PDF sheet per share."),
}


def short_help(summary: str, limit: int) -> str:
    """The summary as click shortens a command's help to `limit` characters in a group's list."""
    if len(summary) <= limit:
        return summary
    if limit < 3:
        return "..."
    import textwrap

    return textwrap.shorten(summary, limit, placeholder="...", break_on_hyphens=False)


class LazyGroup(click.Group):
    """A group whose commands are imported when one is run (or its own --help shown), not to list them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        return getattr(importlib.import_module(f"{__package__}.{COMMANDS[name][0]}"), name.replace("-", "_"))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        with formatter.section("Commands"):
            formatter.write_dl([(name, short_help(COMMANDS[name][1], limit)) for name in sorted(COMMANDS)])


@click.group(cls=LazyGroup, context_settings=CONTEXT)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=show_version,
    help="Show the version, the package fingerprint and the QR decoders in use, and exit.",
)
def cli() -> None:
    """breakglass: a break-glass credential on paper, split k-of-n between custodians, recovered offline.

    \b
    Examples:
      breakglass split --config ceremony/example.toml --out sheets/ --journal journal.jsonl
      breakglass recombine --verify-only --journal journal.jsonl scans/      (a drill)
      breakglass recombine --journal journal.jsonl scans/                    (a release)

    Exit codes: 0 success, 1 refused or failed (the reason is printed), 2 usage error, 3 a bug,
    130 interrupted (143 terminated).
    """


def _fail(message: str, code: int) -> None:
    interrupts.settle()
    from ..system.output import one_line

    click.echo(one_line(message), err=True)
    sys.exit(code)


def interrupted_line(signum: int | None) -> str:
    """One line saying that the run was interrupted, and what it left complete (nothing half-made is left)."""
    kept = interrupts.kept()
    how = "interrupted" if signum in (None, 2) else f"interrupted ({interrupts.Interrupted(signum).name})"
    if not kept:
        return f"{how}; nothing was written"
    shown = ", ".join(kept[:3]) + (f" and {len(kept) - 3} more" if len(kept) > 3 else "")
    return f"{how} after the work was saved; kept, complete: {shown}"


def main() -> None:
    """Entry point: run the CLI and turn every failure into one line, never a traceback."""
    interrupts.install()
    debug = bool(os.environ.get("BREAKGLASS_DEBUG"))
    if not debug:
        warnings.simplefilter("ignore")  # library warnings are for developers; users see our one-line messages
    try:
        cli.main(standalone_mode=False)
    except interrupts.Interrupted as e:
        if sys.stderr.isatty():
            click.echo("", err=True)  # after the ^C the terminal shows
        _fail(interrupted_line(e.signum), e.exit_code)
    except SystemExit:  # a command that sets its own exit status (audit: 0, 1 or 2)
        interrupts.settle()
        raise
    except click.exceptions.Abort:  # click's own end of a prompt (Ctrl-D, or Ctrl-C where click caught it)
        _fail(interrupted_line(None), 130)
    except click.ClickException as e:
        interrupts.settle()
        e.show()
        sys.exit(e.exit_code)
    except BreakglassError as e:
        _fail(f"error: {e}", 1)
    except KeyboardInterrupt:  # only if a library raised one itself
        _fail(interrupted_line(None), 130)
    except BrokenPipeError:  # the reader of stdout went away (e.g. `| head`): nothing more to say to it
        interrupts.settle()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so Python's own flush at exit does not complain
        sys.exit(1)
    except RecursionError:
        _fail("error: the input is nested too deeply to read", 1)
    except MemoryError:
        _fail("error: not enough memory for this input", 1)
    except InternalError as e:  # a bug breakglass's own checks caught: not a refusal, whatever it says
        if debug:
            raise
        _fail(f"internal error: {e}; this is a bug in breakglass, please report it", 3)
    except Exception as e:  # a bug: say so in one line; BREAKGLASS_DEBUG=1 shows the traceback
        if debug:
            raise
        _fail(f"internal error ({type(e).__name__}: {e}); this is a bug in breakglass, please report it", 3)
    else:
        interrupts.settle()
        sys.exit(0)
