"""A set's life as the journal tells it (record/sets.py): share numbers issued by splits and expansions, sheets
in custody, retirement by rotation or reshare, and the rotation owed after a release followed through
reshares. Hand-made or older journals (no sheet lists, odd fields) give answers, never errors."""

from __future__ import annotations

from breakglass.record.journal import Entry
from breakglass.record.sets import SetHistory

A, B, C = "AAAA-AAAA-AAAA-AAAA", "BBBB-BBBB-BBBB-BBBB", "CCCC-CCCC-CCCC-CCCC"


def entry(seq: int, event: str, set_text: str, shares=(), **extra) -> Entry:
    return Entry(
        seq=seq,
        time=f"2026-01-{seq:02d}T10:00:00Z",
        event=event,
        set=set_text,
        shares=tuple(shares),
        fingerprint="FP",
        operator="Ann",
        witness="Ben",
        prev="0" * 64,
        extra=extra,
        hash=f"{seq:064x}",
    )


def sheets(*pairs) -> list[dict]:
    return [{"share": s, "copy": c, "holder": h} for s, c, h in pairs]


def test_an_older_split_without_a_sheet_list_and_its_expansion():
    history = SetHistory(
        [
            entry(1, "split", A, (1, 2, 3), k=2, n=3),
            entry(2, "expand", A, (1, 2), k=2, n=4, new_shares=[4], sheets=sheets((4, 1, "Dan"))),
        ]
    )
    assert history.issued(A) == {1, 2, 3, 4}
    assert history.sheet_exists(A, 1) is True and history.sheet_exists(A, 1, 1) is True
    assert history.sheet_exists(A, 2, 2) is None  # the split's copies are not known
    assert history.sheet_exists(A, 4, 1) is True and history.sheet_exists(A, 4, 2) is False
    assert history.sheet_exists(A, 5) is False


def test_sheets_in_custody_leave_out_replaced_and_destroyed_ones():
    history = SetHistory(
        [
            entry(1, "split", A, (1, 2, 3), k=2, n=3, sheets=sheets((1, 1, "Al"), (2, 1, "Bo"), (3, 1, "Cy"))),
            entry(
                2,
                "expand",
                A,
                (1, 3),
                k=2,
                n=4,
                new_shares=[4],
                sheets=sheets((4, 1, "Bo")),
                replaces=[{"share": 2, "copy": 1}],
            ),
            entry(3, "destroy", A, (2,), sheets=[{"share": 2, "copy": 1, "bag": "T-1"}]),
        ]
    )
    assert history.sheets(A) == {(1, 1): "Al", (2, 1): "Bo", (3, 1): "Cy", (4, 1): "Bo"}
    assert set(history.replaced(A)) == {(2, 1)} and history.replaced(A)[(2, 1)].seq == 2
    assert history.live_sheets(A) == {(1, 1): "Al", (3, 1): "Cy", (4, 1): "Bo"}
    assert history.holders_of(A, 4) == ["Bo"]


def test_a_reshare_retires_and_the_rotation_owed_follows_the_credential():
    history = SetHistory(
        [
            entry(1, "split", A, (1, 2), k=2, n=2),
            entry(2, "release", A, (1, 2)),
            entry(3, "reshare", A, (1, 2), new_set=B, k=2, n=3),
            entry(4, "rotate", B, (1, 2), new_set=C, k=2, n=3),
        ]
    )
    assert history.status(A) == "retired" and history.retired[A].event == "reshare"
    assert history.current() == [C] and history.k(B) == 2 and history.n(B) == 3
    assert history.rotation_after(A, 2).seq == 4  # the release of A is rotated by B's rotation
    assert history.rotation_after(A, 5) is None  # after A's retirement: not a question of rotation
    assert history.predecessors(B) == [A] and history.predecessors(C) == []


def test_hand_made_fields_are_ignored_not_errors():
    history = SetHistory(
        [
            entry(1, "split", A, (1, 2), k=2, n=2, sheets="everyone"),
            entry(2, "expand", A, (1, 2), new_shares="three", sheets=[{"share": "x"}], replaces=[7, {"share": 1}]),
            entry(3, "reshare", A, (1, 2), new_set=12),
        ]
    )
    assert history.issued(A) == {1, 2}
    assert set(history.replaced(A)) == {(1, 1)}
    assert history.status(A) == "retired" and history.rotation_after(A, 1) is None
