"""expand, through the real CLI, real PDFs rendered to images and the real decoders: a new custodian's sheet
recombines with every (k-1)-subset of the original sheets, in both formats; and what expand refuses, with
nothing written and nothing recorded. Format-level properties (any k of an expanded set recover; a forged
"expanded" share is refused or named) with hypothesis."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from breakglass.errors import BreakglassError, InternalError
from breakglass.format import combine, expand, scheme, v1, v2
from breakglass.record.journal import read_journal
from helpers import once_per_run, png_pages, run, text

SECRET = b"expand-me: \x00\xff root credential"
PEOPLE = ("--operator", "Ola Operator", "--witness", "Wes Witness")
WHEN = {"BREAKGLASS_FAKE_TIME": "2026-03-01T10:00:00Z"}


def split(base: Path, version: int, k: int = 3, n: int = 4) -> Path:
    (base / "secret.bin").write_bytes(SECRET)
    names = [arg for i in range(1, n + 1) for arg in ("--custodian", f"Holder {i}")]
    result = run(
        "split",
        "--format",
        str(version),
        "-k",
        str(k),
        "-n",
        str(n),
        "--label",
        "Expand test",
        "--secret-file",
        base / "secret.bin",
        "--out",
        base / "sheets",
        "--journal",
        base / "journal.jsonl",
        *PEOPLE,
        *names,
        env={"BREAKGLASS_FAKE_TIME": "2026-01-05T10:00:00Z"},
    )
    assert result.returncode == 0, text(result)
    return base / "sheets"


def images(folder: Path, dest: Path, shares=None) -> dict[int, list[Path]]:
    """Every sheet of the folder rendered to 150 dpi grey images, by share number."""
    dest.mkdir(exist_ok=True)
    out = {}
    for pdf in sorted(folder.glob("*-share-*-of-*.pdf")):
        share = int(pdf.name.split("-share-")[1].split("-")[0])
        if shares is None or share in shares:
            out[share] = png_pages(pdf, dest)
    return out


@pytest.fixture(scope="module", params=[1, 2], ids=["format 1", "format 2"])
def expanded(request, artifacts):
    """A set split, its sheets rendered to images, and share 5 added from three of them: once per run and format."""

    def build(base: Path):
        sheets = split(base, request.param)
        old = images(sheets, base / "old-images")
        result = run(
            "expand",
            "--journal",
            base / "journal.jsonl",
            *PEOPLE,
            "--custodian",
            "Dan New",
            "--out",
            base / "new",
            *old[1],
            *old[2],
            *old[4],
            env=WHEN,
        )
        assert result.returncode == 0, text(result)
        return base, request.param, old, text(result)

    return artifacts.local(f"test_expand.expanded-{request.param}", build)


def test_the_new_sheet_recombines_with_every_k_minus_1_original_sheets(expanded):
    base, version, old, output = expanded
    assert "share 5 of set" in output and "read back by zxing-cpp" in output and "all exact" in output
    new = images(base / "new", base / "new-images")
    assert list(new) == [5] and (base / "new" / "expand-test-share-5-of-5.pdf").is_file()
    for others in itertools.combinations(sorted(old), 2):
        result = run("recombine", "--out", "-", *new[5], *(p for i in others for p in old[i]))
        assert result.returncode == 0, f"share 5 with {others}: {text(result)}"
        assert result.stdout == SECRET
    if version == 1:
        assert "releases without the expand command refuse" in output


def test_the_journal_knows_the_new_share_and_never_the_secret(expanded):
    base, version, _old, _output = expanded
    entry = read_journal(base / "journal.jsonl")[-1]
    assert entry.event == "expand" and list(entry.shares) == [1, 2, 4]
    assert entry.extra["new_shares"] == [5] and entry.extra["n"] == 5 and entry.extra["k"] == 3
    assert entry.extra["sheets"] == [{"share": 5, "copy": 1, "holder": "Dan New"}]
    assert entry.extra["format"] == version and entry.operator == "Ola Operator"
    manifest = json.loads((base / "new" / "manifest.json").read_text())
    assert manifest["ceremony"] == "expand" and manifest["n"] == 5 and [s["share"] for s in manifest["sheets"]] == [5]
    for path in [base / "journal.jsonl", *(base / "new").iterdir()]:
        assert b"expand-me" not in path.read_bytes()


def test_a_second_expansion_takes_the_next_number_and_a_logbook_prints_it(expanded, tmp_path):
    base, _version, old, _output = expanded
    work = tmp_path / "w"
    work.mkdir()
    journal = work / "journal.jsonl"
    journal.write_bytes((base / "journal.jsonl").read_bytes())
    new = images(base / "new", tmp_path / "new-images")
    result = run(
        "expand",
        "--journal",
        journal,
        *PEOPLE,
        "--custodian",
        "Eve Next",
        "--custodian",
        "Fay Next",
        "--out",
        work / "more",
        *new[5],
        *old[3],
        *old[1],
        env=WHEN,
    )
    assert result.returncode == 0, text(result)
    assert read_journal(journal)[-1].extra["new_shares"] == [6, 7]
    logbook = run(
        "logbook",
        "--manifest",
        work / "more" / "manifest.json",
        "--journal",
        journal,
        "--out",
        work / "expansion-logbook.pdf",
    )
    assert logbook.returncode == 0, text(logbook)
    extracted = run_pdftotext(work / "expansion-logbook.pdf")
    assert (
        "New shares 6 and 7 of an existing set" in extracted and "Expansion (new shares of the same set)" in extracted
    )


def run_pdftotext(pdf: Path) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


# ---------------------------------------------------------------- refusals: nothing written, nothing recorded


@once_per_run
def small_set(base: Path):
    sheets = split(base, 2, k=2, n=3)
    return base, sheets


def refused(base: Path, sheets: Path, tmp_path: Path, *args, out_name="out") -> str:
    journal = tmp_path / "journal.jsonl"
    if not journal.exists():
        journal.write_bytes((base / "journal.jsonl").read_bytes())
    before = journal.read_bytes()
    result = run("expand", "--journal", journal, "--out", tmp_path / out_name, *args, env=WHEN)
    assert result.returncode in (1, 2), text(result)
    assert "Traceback" not in text(result)
    assert journal.read_bytes() == before and not (tmp_path / out_name).exists()
    return text(result)


def pdfs(sheets: Path, *shares) -> list[Path]:
    return [p for p in sorted(sheets.glob("*.pdf")) if int(p.name.split("-share-")[1].split("-")[0]) in shares]


def test_refused_with_fewer_than_k_sheets(small_set, tmp_path):
    base, sheets = small_set
    message = refused(base, sheets, tmp_path, *PEOPLE, "--custodian", "Dan", *pdfs(sheets, 1))
    assert "need 2 shares, have 1" in message


def test_refused_without_a_custodian_or_with_one_person_twice(small_set, tmp_path):
    base, sheets = small_set
    assert "--custodian" in refused(base, sheets, tmp_path, *PEOPLE, *pdfs(sheets, 1, 2))
    message = refused(
        base, sheets, tmp_path, "--operator", "Ola", "--witness", "ola", "--custodian", "Dan", *pdfs(sheets, 1, 2)
    )
    assert "the witness (ola) is the operator" in message


def test_refused_replacing_a_sheet_never_printed(small_set, tmp_path):
    base, sheets = small_set
    message = refused(base, sheets, tmp_path, *PEOPLE, "--custodian", "Dan", "--replaces", "7.1", *pdfs(sheets, 1, 2))
    assert "sheet 7.1" in message and "never printed" in message
    assert "not a sheet" in refused(
        base, sheets, tmp_path, *PEOPLE, "--custodian", "Dan", "--replaces", "x", *pdfs(sheets, 1, 2)
    )


def test_refused_for_a_retired_set(small_set, tmp_path):
    base, sheets = small_set
    journal = tmp_path / "journal.jsonl"
    journal.write_bytes((base / "journal.jsonl").read_bytes())
    result = run(
        "reshare", "--journal", journal, *PEOPLE, "--out", tmp_path / "reshared", *pdfs(sheets, 1, 2), env=WHEN
    )
    assert result.returncode == 0, text(result)
    message = refused(base, sheets, tmp_path, *PEOPLE, "--custodian", "Dan", *pdfs(sheets, 2, 3))
    assert "retired set" in message and "retired by reshare" in message


def test_refused_when_the_config_does_not_describe_the_expanded_set(small_set, tmp_path):
    base, sheets = small_set
    config = tmp_path / "c.toml"
    config.write_text(Path(__file__).parent.parent.joinpath("ceremony", "example.toml").read_text())
    message = refused(base, sheets, tmp_path, *PEOPLE, "--config", config, "--custodian", "Dan", *pdfs(sheets, 1, 2))
    assert "error:" in message and ("n =" in message or "config" in message)


def test_a_replaced_sheet_is_recorded_and_the_audit_asks_for_its_destruction(small_set, tmp_path):
    base, sheets = small_set
    journal = tmp_path / "journal.jsonl"
    journal.write_bytes((base / "journal.jsonl").read_bytes())
    result = run(
        "expand",
        "--journal",
        journal,
        *PEOPLE,
        "--custodian",
        "Holder 2",
        "--replaces",
        "2.1",
        "--out",
        tmp_path / "new",
        *pdfs(sheets, 2, 3),
        env=WHEN,
    )
    assert result.returncode == 0, text(result)
    assert "REPLACED but still valid" in text(result) and "WARNING" not in text(result)  # 2.1 is handed back
    assert read_journal(journal)[-1].extra["replaces"] == [{"share": 2, "copy": 1}]
    drill = run(
        "recombine",
        "--verify-only",
        "--journal",
        journal,
        *PEOPLE,
        *pdfs(sheets, 2, 3),
        env={"BREAKGLASS_FAKE_TIME": "2026-03-01T10:10:00Z"},
    )
    assert drill.returncode == 0 and "should have been destroyed: report it" in text(drill), text(drill)
    audit = run("audit", "--journal", journal, "--as-of", "2026-03-20")
    assert audit.returncode == 1 and "[destruction]" in text(audit) and "share 2 copy 1 (Holder 2)" in text(audit)
    destroy = run(
        "destroy",
        "--journal",
        journal,
        "--set",
        read_journal(journal)[-1].set,
        "--sheet",
        "2.1",
        *PEOPLE,
        env={"BREAKGLASS_FAKE_TIME": "2026-03-01T11:00:00Z"},
    )
    assert destroy.returncode == 0, text(destroy)
    assert "has not been retired" not in text(destroy)  # a replaced sheet is expected to be destroyed
    drill = run(
        "recombine",
        "--verify-only",
        "--journal",
        journal,
        *PEOPLE,
        *pdfs(sheets, 2, 3),
        env={"BREAKGLASS_FAKE_TIME": "2026-03-01T12:00:00Z"},
    )
    assert drill.returncode == 0 and "WARNING: sheet 2.1 of set" in text(drill), text(drill)
    assert "was recorded destroyed by" in text(drill) and "report it" in text(drill)
    audit = run("audit", "--journal", journal, "--as-of", "2026-03-20")
    assert "[destruction]" not in text(audit) and "[holders]" not in text(audit), text(audit)


# ---------------------------------------------------------------- the format, property by property


@settings(max_examples=25, deadline=None)
@given(
    version=st.sampled_from([1, 2]),
    k=st.integers(2, 4),
    extra=st.integers(0, 2),
    new=st.integers(1, 3),
    credential=st.binary(min_size=1, max_size=80),
    data=st.data(),
)
def test_any_k_shares_of_an_expanded_set_recover(version, k, extra, new, credential, data):
    n = k + extra
    result = scheme.split(credential, k, n, version=version)
    made_from = data.draw(st.permutations(result.shares))[:k]
    indexes = sorted(data.draw(st.sets(st.integers(n + 1, 255), min_size=new, max_size=new)))
    added = expand.new_shares(combine.recombine(list(made_from)), indexes, indexes[-1])
    everything = [*result.shares, *added]
    for _ in range(5):
        subset = data.draw(st.permutations(everything))[:k]
        recovered = combine.recombine(list(subset))
        assert recovered.credential == credential and recovered.fingerprint == result.fingerprint


@settings(max_examples=20, deadline=None)
@given(version=st.sampled_from([1, 2]), position=st.integers(0, 31), flip=st.integers(1, 255))
def test_a_forged_expanded_share_is_refused_or_named(version, position, flip):
    result = scheme.split(SECRET, 3, 4, version=version)
    genuine = expand.new_shares(combine.recombine(list(result.shares[:3])), [9], 9)[0]
    key_share = bytearray(genuine.key_share)
    key_share[position] ^= flip
    forged = replace(genuine, key_share=bytes(key_share))
    parse = v1.Share.from_bytes if version == 1 else v2.Share.from_bytes
    forged = parse(forged.to_bytes())  # a valid checksum: only the set's authentication can catch it
    with pytest.raises(BreakglassError):
        combine.recombine([forged, *result.shares[:2]])
    recovered = combine.recombine([forged, *result.shares[1:4]])
    assert recovered.credential == SECRET and recovered.misfits == (9,)


def test_a_share_of_another_set_at_a_new_index_is_refused():
    one, other = scheme.split(SECRET, 2, 3), scheme.split(SECRET, 2, 3)
    stranger = expand.new_shares(combine.recombine(list(other.shares[:2])), [4], 4)[0]
    with pytest.raises(BreakglassError, match="2 different sets and none has enough"):
        combine.recombine([stranger, one.shares[0]])


def test_new_numbers_must_be_new_and_at_most_255():
    recovered = combine.recombine(list(scheme.split(SECRET, 2, 3, version=1).shares[:2]))
    with pytest.raises(BreakglassError, match="outside 1..255"):
        expand.new_shares(recovered, [256], 256)
    with pytest.raises(InternalError, match="already exists"):  # the ceremony refuses it first: here, a bug
        expand.new_shares(recovered, [1], 3)
