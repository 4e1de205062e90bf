"""Ceremony configuration: the example loads; every mistake is a one-line error naming the file and the key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from breakglass.errors import BreakglassError
from breakglass.record.config import CeremonyConfig, Person, load_config
from helpers import MINIMAL

EXAMPLE = Path(__file__).resolve().parents[1] / "ceremony" / "example.toml"


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "ceremony.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_loads():
    config = load_config(EXAMPLE)
    assert isinstance(config, CeremonyConfig)
    assert config.label == "AWS organisation management account root"
    assert (config.k, config.n) == (3, 5)
    assert len(config.custodians) == 6 and all(isinstance(p, Person) for p in config.custodians)
    assert [(s.share, s.copy) for s in config.sheets()][-2:] == [(5, 1), (5, 2)]  # share 5: two holders
    assert config.administrator.name == "Alice Moreau" and config.witness.name == "Bongani Dlamini"
    assert config.auditor.role.startswith("Auditor")
    assert config.rotation_deadline_days == 7 and config.drill_interval_days == 90
    assert len(config.permitted_uses) == 4 and config.contact
    sheets = [(s.share, s.copy, s.custodian.name) for s in config.sheets()]
    assert sheets[-2:] == [(5, 1, "Hana Sato"), (5, 2, "Ivan Petrov")]
    assert [p.name for p in config.people()][:3] == ["Alice Moreau", "Bongani Dlamini", "Chen Wei"]


def test_minimal_defaults(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert config.administrator == Person("Ann", "Ceremony administrator")
    assert config.rotation_deadline_days == 7 and config.drill_interval_days == 90
    assert config.assignments() == {"C1": 1, "C2": 2}
    assert [(s.share, s.custodian.name if s.custodian else None) for s in config.sheets()] == [
        (1, "C1"),
        (2, "C2"),
        (3, None),
    ]


def test_share_numbers_fill_gaps(tmp_path):
    text = MINIMAL.replace('name = "C1"', 'name = "C1"\nshare = 1').replace('name = "C2"', 'name = "C2"\nshare = 3')
    assert load_config(write(tmp_path, text)).assignments() == {"C1": 1, "C2": 3}
    text = MINIMAL.replace('name = "C2"', 'name = "C2"\nshare = 1')
    assert load_config(write(tmp_path, text)).assignments() == {"C1": 2, "C2": 1}


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda t: t.replace("k = 2", "k = 1"), r"k/n are invalid: the threshold must be at least 2"),
        (lambda t: t.replace("k = 2", "k = 4"), r"k/n are invalid"),
        (lambda t: t.replace("n = 3", 'n = "3"'), r"\bn must be an integer \(got a string\)"),
        (lambda t: t.replace("k = 2", "k = true"), r"\bk must be an integer \(got true/false\)"),
        (lambda t: t.replace('label = "Test root"', ""), r"label is missing"),
        (lambda t: t.replace('label = "Test root"', 'label = "  "'), r"label must not be empty"),
        (lambda t: t.replace('label = "Test root"', 'lable = "Test root"'), r"unknown key lable"),
        (
            lambda t: t.replace('location = "Here"', 'location = "Here"\ncopys = 2'),
            r"unknown key custodians\[1\]\.copys",
        ),
        (lambda t: t.replace('location = "Here"', ""), r"custodians\[1\]\.location is missing"),
        (
            lambda t: t.replace('location = "Here"', 'location = "Here"\nshare = 7'),
            r"custodians\[1\]\.share must be a share number from 1 to 3",
        ),
        (lambda t: t.replace('name = "C2"', 'name = "c1"'), r"custodians\[2\]\.name 'c1' is already custodians\[1\]"),
        (
            lambda t: t.replace('name = "C1"', 'name = "C1"\nshare = 2\ncopies = 5').replace(
                'name = "C2"', 'name = "C2"\nshare = 2\ncopies = 5'
            ),
            r"share 2 would have 10 copies; at most 9",
        ),
        (
            lambda t: (
                t
                + '[[custodians]]\nname="C3"\nrole="r"\nlocation="l"\n[[custodians]]\nname="C4"\nrole="r"\nlocation="l"\n'
            ),
            r"custodians needs 4 shares but only n = 3",
        ),
        (lambda t: t.replace("k = 2", "k = 3"), r"custodians lists 2 people but k = 3"),
        (
            lambda t: t.replace('witness = "Wes"', 'witness = "Ann"'),
            r"witness must be someone other than the administrator",
        ),
        (lambda t: t.replace('auditor = "Aud"', "auditor = 5"), r"auditor must be a table or a string"),
        (
            lambda t: t.replace('permitted_uses = ["Locked out"]', "permitted_uses = []"),
            r"permitted_uses must list at least one",
        ),
        (
            lambda t: t.replace('permitted_uses = ["Locked out"]', "permitted_uses = [1]"),
            r"permitted_uses\[1\] must be a string",
        ),
        (
            lambda t: t.replace('contact = "Security on-call"', 'contact = "x"\nrotation_deadline_days = 0'),
            r"rotation_deadline_days must be from 1",
        ),
    ],
)
def test_bad_configs(tmp_path, change, message):
    path = write(tmp_path, change(MINIMAL))
    with pytest.raises(BreakglassError, match=message) as info:
        load_config(path)
    text = str(info.value)
    assert text.startswith(str(path)) and "\n" not in text


def test_invalid_toml_names_line(tmp_path):
    path = write(tmp_path, MINIMAL.replace("k = 2", "k = = 2"))
    with pytest.raises(BreakglassError, match=r"not valid TOML: .*line 4") as info:
        load_config(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(BreakglassError, match=r"nope\.toml does not exist"):
        load_config(tmp_path / "nope.toml")


def test_example_is_plain_toml():
    """The example stays readable by any TOML parser (no breakglass-only syntax)."""
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert data["k"] == 3


def test_copies_of_one_share_can_go_to_different_people(tmp_path):
    text = MINIMAL.replace('name = "C1"', 'name = "C1"\nshare = 2').replace(
        'name = "C2"', 'name = "C2"\nshare = 2\ncopies = 2'
    )
    config = load_config(write(tmp_path, text))
    held = [(s.share, s.copy, s.custodian.name if s.custodian else None) for s in config.sheets()]
    assert (2, 1, "C1") in held and (2, 2, "C2") in held and (2, 3, "C2") in held
    assert len({(s, c) for s, c, _ in held}) == len(held)
