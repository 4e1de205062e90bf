"""The CLI explains itself: every command has a summary and an example, --help is fast, the reference is current."""

import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from breakglass.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import commands_md  # noqa: E402

ALL = [(" ".join(path), command) for path, command, _ in commands_md.commands(cli, ["breakglass"])]
HEAVY = ("reportlab", "qrcode", "PIL", "zxingcpp", "pypdfium2", "pyzbar")


@pytest.mark.parametrize("name,command", ALL, ids=[name for name, _ in ALL])
def test_every_command_has_a_summary_and_an_example(name, command):
    assert command.get_short_help_str(limit=100).strip(), name
    assert "Example" in (command.help or ""), f"{name} --help has no example"


def test_command_reference_is_up_to_date():
    assert commands_md.main.__module__ and commands_md.render() == commands_md.TARGET.read_text(), (
        "docs/COMMANDS.md is out of date: run python scripts/commands_md.py"
    )


def test_man_page_is_generated_from_the_same_help():
    page = commands_md.MAN_PAGE.read_text()
    assert page == commands_md.render_man(), (
        "share/man/man1/breakglass.1 is out of date: run python scripts/commands_md.py"
    )
    for name, _ in ALL:
        assert f'.SS "{name}"' in page


def test_man_page_renders_without_warnings():
    groff = shutil.which("groff")
    if groff is None:
        pytest.skip("groff is not installed")
    result = subprocess.run(
        [groff, "-man", "-ww", "-Tutf8", "-z", str(commands_md.MAN_PAGE)], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_man_page_is_installed_with_the_package():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"share/man/man1" = ["share/man/man1/breakglass.1"]' in pyproject


def test_readme_names_every_command():
    readme = (ROOT / "README.md").read_text()
    for name, command in ALL:
        if not isinstance(command, click.Group):
            assert f"`{name}" in readme, f"README does not mention {name}"


def test_help_does_not_import_heavy_libraries():
    probe = (
        f"import sys; from breakglass.cli.main import cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_version_and_usage_exit_codes():
    version = subprocess.run(
        [sys.executable, "-c", "from breakglass.cli.main import main; main()", "--version"],
        capture_output=True,
        text=True,
    )
    assert version.returncode == 0 and "breakglass, version" in version.stdout
    assert "package fingerprint" in version.stdout and "QR decoders: zxing-cpp" in version.stdout
    usage = subprocess.run(
        [sys.executable, "-c", "from breakglass.cli.main import main; main()", "split", "--bogus"],
        capture_output=True,
        text=True,
    )
    assert usage.returncode == 2 and "No such option" in usage.stderr


def test_the_default_install_has_both_decoders_and_the_shaper():
    """pyzbar and uharfbuzz are plain dependencies, not extras: `import pyzbar.pyzbar` works after any install."""
    import tomllib

    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {d.split(">")[0].split("=")[0].strip() for d in dependencies}
    assert {"pyzbar", "uharfbuzz", "zxing-cpp", "reportlab"} <= names
    subprocess.run([sys.executable, "-c", "import pyzbar.pyzbar, uharfbuzz"], check=True)
