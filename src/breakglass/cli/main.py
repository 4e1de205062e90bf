"""The command line: the `breakglass` group, and the one place failures become one line and an exit code.

Exit codes: 0 success; 1 refusal, failure or audit findings; 2 usage error (click); 3 a bug; 130 interrupted.
The commands themselves live in ceremonies.py (split, recombine, rotate, reshare, expand, demo), audit.py and records.py
(journal, logbook, checklist, destroy).
"""

from __future__ import annotations

import os
import sys

import click

from .. import __version__
from ..errors import BreakglassError
from . import audit, ceremonies, manifest, records
from .common import CONTEXT


def show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version: the version, the package fingerprint printed on every sheet, and the QR decoders in use."""
    if not value or ctx.resilient_parsing:
        return
    from ..scan.decoders import decoder_versions, missing_decoder_note
    from ..system.package import fingerprint

    click.echo(f"breakglass, version {__version__}")
    click.echo(f"package fingerprint {fingerprint()} (the sheets and the logbook cover print the one that made them)")
    click.echo(f"QR decoders: {', '.join(decoder_versions()) or 'none'}")
    if missing_decoder_note():
        click.echo(f"note: {missing_decoder_note()}")
    ctx.exit()


@click.group(context_settings=CONTEXT)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=show_version,
              help="Show the version, the package fingerprint and the QR decoders in use, and exit.")
def cli() -> None:
    """breakglass: a break-glass credential on paper, split k-of-n between custodians, recovered offline.

    \b
    Examples:
      breakglass split --config ceremony/example.toml --out sheets/ --journal journal.jsonl
      breakglass recombine --verify-only --journal journal.jsonl scans/      (a drill)
      breakglass recombine --journal journal.jsonl scans/                    (a release)

    Exit codes: 0 success, 1 refused or failed (the reason is printed), 2 usage error.
    """



for command in (ceremonies.split, ceremonies.recombine, ceremonies.rotate, ceremonies.reshare, ceremonies.expand,
                audit.audit, ceremonies.demo,
                records.journal, records.logbook, records.checklist, records.destroy, manifest.manifest):
    cli.add_command(command)


def main() -> None:
    """Entry point: run the CLI and turn every failure into one line, never a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted; nothing more was done", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except BreakglassError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("\ninterrupted; nothing more was done", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as e:  # a bug: say so in one line; BREAKGLASS_DEBUG=1 shows the traceback
        if os.environ.get("BREAKGLASS_DEBUG"):
            raise
        click.echo(f"internal error ({type(e).__name__}: {e}); this is a bug in breakglass, please report it", err=True)
        sys.exit(3)
    else:
        sys.exit(0)
