"""QR chunk text and typed fallback: round trips, any order, typos pinned or corrected, junk refused cleanly."""

import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from breakglass.errors import BreakglassError
from breakglass.format import encoding, qrtext, scheme, typed
from breakglass.format.v1 import Share

sys.path.insert(0, str(Path(__file__).parent / "vectors"))
from make_vectors import seeded_split  # noqa: E402

QR_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


@pytest.fixture(scope="module")
def big_share():
    return seeded_split(bytes(range(256)) * 32, 3, 5, "test_encodings big").shares[1]  # 8 KiB


@pytest.fixture(scope="module")
def small_share():
    # Seeded: whether a given typo has exactly one correction depends on the share's text.
    return seeded_split(b"hunter2", 2, 3, "test_encodings small").shares[0]


def test_qr_chunks_are_alphanumeric_and_reassemble_in_any_order(big_share):
    texts = qrtext.encode(big_share, 900, copy=2)
    assert len(texts) == qrtext.chunk_count(big_share, 900) > 5
    assert all(set(t) <= QR_ALPHANUMERIC and len(t) <= 900 + 40 for t in texts)
    chunks = [qrtext.parse_chunk(t) for t in texts]
    random.Random(1).shuffle(chunks)
    assert qrtext.assemble(chunks + chunks[:2]) == big_share
    assert {c.copy for c in chunks} == {2}


def test_missing_chunk_is_named(big_share):
    chunks = [qrtext.parse_chunk(t) for t in qrtext.encode(big_share, 900)]
    with pytest.raises(BreakglassError, match=r"missing QR code\(s\) 3 of"):
        qrtext.assemble(chunks[:2] + chunks[3:])


def test_foreign_qr_code_is_named():
    with pytest.raises(BreakglassError, match="not a breakglass share"):
        qrtext.parse_chunk("https://example.com")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parsing_arbitrary_text_raises_only_the_user_error(text):
    for parse in (qrtext.parse_chunk, lambda t: qrtext.assemble([qrtext.parse_chunk(t)])):
        try:
            parse(text)
        except BreakglassError:
            pass
    reading = typed.read_text(text)
    assert reading.shares == [] and reading.problems


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_parsing_arbitrary_bytes_raises_only_the_user_error(data):
    with pytest.raises(BreakglassError):
        Share.from_bytes(data)


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="BG1:0123456789ABCDEF/", max_size=80))
def test_qr_like_text_raises_only_the_user_error(text):
    try:
        qrtext.assemble([qrtext.parse_chunk("BG1:" + text)])
    except BreakglassError:
        pass


def test_crockford_round_trip_and_aliases():
    data = bytes(range(37))
    text = encoding.crockford_encode(data)
    assert encoding.crockford_decode(text, len(data)) == data
    assert encoding.crockford_normalize("abc-o il u") == "ABC011U"


def test_typed_lines_have_groups_of_four_and_a_check(small_share):
    lines = typed.encode_lines(small_share)
    first = lines[0].split()
    assert first[0] == "01" and all(len(g) == 4 for g in first[1:])
    assert len(first) == 1 + 6 + 1


def test_typed_round_trip_inside_other_text(small_share):
    block = typed.encode(small_share)
    noisy = (
        "Custodian sheet\n1. Store this sheet in a bag\n" + block.replace("\n05", "\nPage 2 of 2\n05") + "\nThe end\n"
    )
    reading = typed.read_text(noisy)
    assert reading.shares == [small_share] and not reading.problems


def test_typed_lowercase_and_no_spaces_are_accepted(small_share):
    rows = typed.encode(small_share).splitlines()
    squashed = [rows[0]] + [r[:4] + r[4:].replace(" ", "").lower() for r in rows[1:]]
    assert typed.read_text("\n".join(squashed)).shares == [small_share]


def test_single_typo_is_corrected_and_reported(small_share):
    rows = typed.encode(small_share).splitlines()
    line = rows[3]
    wrong = "Z" if line[6] != "Z" else "Y"
    rows[3] = line[:6] + wrong + line[7:]
    reading = typed.read_text("\n".join(rows))
    assert reading.shares == [small_share]
    assert any("line 03: corrected a typo" in n for n in reading.notes)


def test_swapped_neighbours_are_corrected(small_share):
    rows = typed.encode(small_share).splitlines()
    line = rows[2]
    i = next(i for i in range(4, 8) if line[i] != line[i + 1])
    rows[2] = line[:i] + line[i + 1] + line[i] + line[i + 2 :]
    assert typed.read_text("\n".join(rows)).shares == [small_share]


def test_two_typos_on_a_line_are_pinned_to_that_line(small_share):
    rows = typed.encode(small_share).splitlines()
    line = rows[2]
    rows[2] = line[:4] + ("0000" if line[4:8] != "0000" else "1111") + line[8:]
    reading = typed.read_text("\n".join(rows))
    assert reading.shares == []
    assert reading.problems == [
        f"typed share 1 of set {typed.header_line(small_share).split()[6]}: line 02 does not match its check: retype line 02"
    ]


def test_missing_line_is_named(small_share):
    rows = typed.encode(small_share).splitlines()
    del rows[4]
    reading = typed.read_text("\n".join(rows))
    assert "line(s) 04 missing" in reading.problems[0]


def test_several_typed_shares_in_one_text():
    result = scheme.split(b"multi", 2, 3)
    text = "\n\n".join(typed.encode(s) for s in result.shares)
    assert typed.read_text(text).shares == list(result.shares)


def test_check_line_rejects_foreign_characters():
    with pytest.raises(BreakglassError, match="characters that are never printed: #"):
        typed.check_line(1, "ABCD #FGH 1234")


def test_two_columns_on_one_row_as_pdftotext_layout_prints_them():
    share = scheme.split(b"y" * 400, 2, 3).shares[0]
    header, *lines = typed.encode(share).splitlines()
    half = (len(lines) + 1) // 2
    rows = [f"{left}        {right}" for left, right in zip(lines[:half], lines[half:] + [""], strict=False)]
    assert typed.read_text("\n".join([header, *rows])).shares == [share]


def test_a_line_typed_with_its_printed_number_is_accepted(small_share):
    line = typed.encode_lines(small_share)[1]
    assert typed.check_line(2, line).data == typed.data_lines(small_share)[1]
    assert typed.check_line(2, line.split(None, 1)[1]).data == typed.data_lines(small_share)[1]
