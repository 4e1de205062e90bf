"""Format 2's QR texts (data + parity codes, any enough of them) and typed lines (checked header, checked lines),
and the collector that turns whatever was read into shares."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from breakglass.errors import BreakglassError
from breakglass.format import qrtext, scheme, typed, v2
from breakglass.scan.collect import ShareCollector

QR_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


@pytest.fixture(scope="module")
def result():
    return scheme.split(bytes(range(256)) * 8, 3, 5)  # 2 KiB


@pytest.fixture(scope="module")
def share(result):
    return result.shares[1]


def test_texts_are_alphanumeric_data_codes_first_then_parity(share):
    texts = qrtext.encode(share, 400, copy=2, parity=2)
    data = qrtext.chunk_count(share, 400)
    assert len(texts) == data + 2
    assert all(set(t) <= QR_ALPHANUMERIC for t in texts)
    chunks = [qrtext.parse_chunk(t) for t in texts]
    assert [c.number for c in chunks] == list(range(1, data + 3))
    assert {(c.data_count, c.parity, c.copy) for c in chunks} == {(data, 2, 2)}
    assert all(len(c.data) <= 400 for c in chunks)
    assert texts[0].startswith(f"BG2:{share.set_id.hex().upper()}:2:2:{len(share.to_bytes())}:1/{data}+2:")


@settings(max_examples=40, deadline=None)
@given(parity=st.integers(0, 4), max_chars=st.integers(8, 1200), seed=st.randoms())
def test_any_data_count_of_the_codes_rebuild_the_share(share, parity, max_chars, seed):
    texts = qrtext.encode(share, max_chars, parity=parity)
    data = len(texts) - parity
    chosen = seed.sample(texts, data)
    assert qrtext.assemble([qrtext.parse_chunk(t) for t in chosen]) == share


def test_codes_of_different_copies_stand_in_for_each_other(share):
    first = qrtext.encode(share, 300, copy=1, parity=1)
    second = qrtext.encode(share, 300, copy=2, parity=1)
    mixed = first[: len(first) // 2] + second[len(first) // 2 : len(first) - 1]
    collector = ShareCollector()
    collector.add_qr_texts(mixed, "scan")
    found = collector.shares()
    assert [f.share for f in found] == [share] and found[0].copies == {1, 2}


def test_too_few_codes_are_named_with_how_many_are_needed(share):
    texts = qrtext.encode(share, 300, parity=2)
    data = len(texts) - 2
    collector = ShareCollector()
    collector.add_qr_texts(texts[: data - 1], "scan.png")
    assert collector.shares() == []
    assert collector.problems == [
        f"scan.png: share 2 of set {qrtext.parse_chunk(texts[0]).set_hex[:4]}-"
        f"{qrtext.parse_chunk(texts[0]).set_hex[4:8]}-{qrtext.parse_chunk(texts[0]).set_hex[8:12]}-"
        f"{qrtext.parse_chunk(texts[0]).set_hex[12:]}: {data - 1} of its QR codes {'was' if data == 2 else 'were'} read, {data} are needed "
        f"(any {data} of the {data + 2} printed)"
    ]


def test_a_wrong_code_is_outvoted_by_the_others(share):
    texts = qrtext.encode(share, 300, parity=2)
    chunk = qrtext.parse_chunk(texts[1])
    payload = ("A" if chunk.data[0] != "A" else "B") + chunk.data[1:]
    forged = v2.Chunk(
        chunk.set_hex, chunk.index, chunk.copy, chunk.size, chunk.number, chunk.data_count, chunk.parity, payload
    ).text()
    collector = ShareCollector()
    collector.add_qr_texts([*texts, forged], "scan")
    assert [f.share for f in collector.shares()] == [share]


def test_a_code_from_a_newer_breakglass_is_named_not_called_foreign():
    collector = ShareCollector()
    collector.add_qr_texts(["BG3:ANYTHING:AT:ALL", "BG3:MORE", "https://example.com"], "page.png")
    assert collector.problems == [
        "page.png: a QR code was made by a newer version of breakglass (format 3); this breakglass reads formats "
        "1 to 2: use a newer breakglass",
        "page.png: 1 QR code(s) that are not breakglass shares, skipped",
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="BG2:0123456789ABCDEF/+QRSTUVWXYZ", max_size=120))
def test_parsing_arbitrary_bg2_text_raises_only_the_user_error(text):
    try:
        qrtext.assemble([qrtext.parse_chunk("BG2:" + text)])
    except BreakglassError:
        pass


@pytest.mark.parametrize(
    "text",
    [
        "BG2:0123456789ABCDEF:0:1:300:1/1+0:" + "A" * 488,  # share 0
        "BG2:0123456789ABCDEF:1:1:300:3/1+1:" + "A" * 488,  # chunk beyond data + parity
        "BG2:0123456789ABCDEF:1:1:300:1/200+100:AAAAAAAA",  # more than 255 codes
        "BG2:0123456789ABCDEF:1:1:300:1/1+0:" + "A" * 487,  # payload length does not fit the size
        "BG2:0123456789ABCDEF:01:1:300:1/1+0:" + "A" * 488,  # leading zero
    ],
)
def test_impossible_headers_are_refused(text):
    with pytest.raises(BreakglassError, match="breakglass QR code"):
        qrtext.parse_chunk(text)


def test_typed_round_trip_with_checked_header(share):
    block = typed.encode(share, copy=3)
    header, *lines = block.splitlines()
    assert header.startswith("BG2 SHARE 2 OF 5 SET ") and " COPY 3 LINES " in header
    assert all(len(line.split()) == 1 + 8 + 1 for line in lines[:-1])
    reading = typed.read_text("Some page heading\n" + block + "\nFooter\n")
    assert reading.shares == [share] and reading.copies == [3] and not reading.problems


def test_typed_lowercase_no_spaces_and_look_alikes_are_accepted(share):
    header, *lines = typed.encode(share).splitlines()

    def sloppy(line):
        number, data = line.split(" ", 1)
        return number + " " + data.replace(" ", "").lower().replace("0", "o").replace("1", "l")

    squashed = [header.lower()] + [sloppy(line) for line in lines]
    assert typed.read_text("\n".join(squashed)).shares == [share]


def test_a_wrong_header_check_is_refused(share):
    header, *lines = typed.encode(share).splitlines()
    wrong = header.replace("SHARE 2 OF 5", "SHARE 3 OF 5")
    reading = typed.read_text("\n".join([wrong, *lines]))
    assert reading.shares == []
    assert reading.problems == ["the header line does not match its check: retype the header line"]


def test_a_header_without_its_check_is_refused(share):
    header, *lines = typed.encode(share).splitlines()
    reading = typed.read_text("\n".join([header.rsplit(" ", 1)[0], *lines]))
    assert "ends with a 4-character check" in reading.problems[0]


def test_a_line_of_another_share_does_not_check(result):
    header, *lines = typed.encode(result.shares[1]).splitlines()
    other = typed.encode(result.shares[2]).splitlines()[1:]
    lines[3] = other[3]
    reading = typed.read_text("\n".join([header, *lines]))
    assert reading.shares == [] and "line 04 does not match its check" in reading.problems[0]


def test_a_single_typo_is_corrected_and_reported(share):
    rows = typed.encode(share).splitlines()
    line = rows[5]
    rows[5] = line[:6] + ("Z" if line[6] != "Z" else "Y") + line[7:]
    reading = typed.read_text("\n".join(rows))
    assert reading.shares == [share]
    assert any("line 05: corrected a typo" in n for n in reading.notes)


def test_a_dropped_group_is_named(share):
    header, *lines = typed.encode(share).splitlines()
    line = lines[2].split()
    lines[2] = " ".join(line[:3] + line[4:])
    reading = typed.read_text("\n".join([header, *lines]))
    assert reading.problems == [
        f"{typed.parse_header(header).label}: line 03 has 28 characters before the check, 32 expected: retype line 03"
    ]


def test_typed_header_of_a_newer_format_is_named():
    reading = typed.read_text("BG3 SHARE 1 OF 3 SET 0123-4567-89AB-CDEF COPY 1 LINES 4  ABCD\n01  ABCD\n")
    assert "newer version of breakglass (format 3)" in reading.problems[0]


def test_check_line_of_format_2_needs_its_header(share):
    header = typed.parse_header(typed.header_line(share))
    line = typed.encode_lines(share)[0]
    assert typed.check_line(1, line, header).data == typed.data_lines(share)[0]
    with pytest.raises(BreakglassError):
        typed.check_line(1, line)  # read as format 1: the check differs


def test_typed_and_scanned_copies_of_one_share_merge(share):
    collector = ShareCollector()
    collector.add_typed_text(typed.encode(share), "typed.txt")
    collector.add_qr_texts(qrtext.encode(share, 500, parity=1), "scan.png")
    found = collector.shares()
    assert len(found) == 1 and found[0].sources == ["scan.png", "typed.txt (typed)"]


def test_several_typed_shares_of_both_formats_in_one_text():
    old = scheme.split(b"multi", 2, 3, version=1)
    new = scheme.split(b"multi", 2, 3)
    text = "\n\n".join(typed.encode(s) for s in [*old.shares, *new.shares])
    random.Random(2).shuffle(lines := text.split("\n\n"))
    assert sorted(s.to_bytes() for s in typed.read_text("\n\n".join(lines)).shares) == sorted(
        s.to_bytes() for s in [*old.shares, *new.shares]
    )
