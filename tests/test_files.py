"""The machine boundary: the one writer (system/files.py), bounded reading (system/inputs.py) and bounded
output (system/output.py). Through real files in a temporary folder; faults by making the os calls fail."""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path

import pytest

from breakglass.errors import BreakglassError
from breakglass.system import files, inputs
from breakglass.system.output import Collapsed, Progress, one_line


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---------------------------------------------------------------- one file


def test_a_new_file_is_written_whole_with_its_mode_and_no_temporary_left(tmp_path):
    files.write_new_file(tmp_path / "a.bin", b"data" * 1000)
    assert (tmp_path / "a.bin").read_bytes() == b"data" * 1000
    assert stat.S_IMODE((tmp_path / "a.bin").stat().st_mode) == 0o600
    assert names(tmp_path) == ["a.bin"]


def test_private_files_are_0600_whatever_the_umask_and_documents_follow_it(tmp_path):
    old = os.umask(0o000)
    try:
        files.write_new_file(tmp_path / "secret", b"x")
        files.write_new_file(tmp_path / "doc.pdf", b"x", files.DOCUMENT)
    finally:
        os.umask(0o077)
    try:
        files.write_new_file(tmp_path / "doc2.pdf", b"x", files.DOCUMENT)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "secret").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "doc.pdf").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "doc2.pdf").stat().st_mode) == 0o600


def test_an_existing_file_is_kept_unless_forced(tmp_path):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    with pytest.raises(BreakglassError, match="already exists; refusing to overwrite it"):
        files.write_new_file(target, b"new")
    assert target.read_bytes() == b"old"
    files.write_new_file(target, b"new", force=True)
    assert target.read_bytes() == b"new" and names(tmp_path) == ["out.pdf"]


@pytest.mark.parametrize("force", [False, True])
def test_links_folders_and_devices_are_never_written(tmp_path, force):
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    (tmp_path / "link").symlink_to(victim)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo")
    for name, words in [
        ("link", "symbolic link"),
        ("dangling", "symbolic link"),
        ("folder", "is a folder"),
        ("fifo", "a pipe"),
    ]:
        with pytest.raises(BreakglassError, match=words):
            files.write_new_file(tmp_path / name, b"evil", force=force)
    with pytest.raises(BreakglassError, match="a device, not a file"):
        files.write_new_file(Path("/dev/full"), b"evil", force=force)
    assert victim.read_bytes() == b"keep" and not (tmp_path / "nowhere").exists()
    assert not [n for n in names(tmp_path) if n.endswith(".tmp")]


def test_a_missing_folder_is_one_line(tmp_path):
    with pytest.raises(BreakglassError, match="folder .* does not exist"):
        files.write_new_file(tmp_path / "no" / "such" / "file", b"x")


@pytest.mark.parametrize("call", ["open", "write", "fsync", "link", "rename"])
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO, errno.EDQUOT])
def test_a_failing_call_leaves_the_target_as_it_was(tmp_path, monkeypatch, call, code):
    target = tmp_path / "out"
    force = call == "rename"
    if force:
        target.write_bytes(b"before")
    real = getattr(os, call)

    def failing(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(files.os, call, failing)
    with pytest.raises(BreakglassError, match=rf"cannot write {target}: "):
        files.write_new_file(target, b"after", force=force)
    monkeypatch.setattr(files.os, call, real)
    assert names(tmp_path) == (["out"] if force else [])
    if force:
        assert target.read_bytes() == b"before"


def test_no_hard_links_falls_back_to_a_checked_rename(tmp_path, monkeypatch):
    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(files.os, "link", no_links)
    files.write_new_file(tmp_path / "a", b"x")
    assert names(tmp_path) == ["a"] and (tmp_path / "a").read_bytes() == b"x"


def test_a_file_appearing_while_written_is_not_replaced(tmp_path):
    target = tmp_path / "race"
    pending = files.prepare(target, b"mine")
    target.write_bytes(b"theirs")  # someone else won the race
    with pending, pytest.raises(BreakglassError, match="already exists"):
        pending.commit()
    assert target.read_bytes() == b"theirs" and names(tmp_path) == ["race"]


def test_undo_takes_back_only_our_own_file(tmp_path):
    pending = files.prepare(tmp_path / "a", b"mine")
    with pending:
        pending.commit()
    pending.undo()
    assert names(tmp_path) == []
    other = files.prepare(tmp_path / "b", b"mine")
    with other:
        other.commit()
    (tmp_path / "b").unlink()
    (tmp_path / "b").write_bytes(b"someone else's")
    other.undo()
    assert (tmp_path / "b").read_bytes() == b"someone else's"


# ---------------------------------------------------------------- several files: staging


def test_staging_moves_everything_in_together(tmp_path):
    out = tmp_path / "new" / "out"
    with files.Staging(out) as staging:
        staging.write("1.pdf", b"one")
        staging.write("2.pdf", b"two")
        assert names(out) == [staging.path.name]  # nothing visible yet
        staging.commit()
    assert names(out) == ["1.pdf", "2.pdf"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())


def test_staging_that_fails_leaves_no_trace_not_even_the_folders_it_made(tmp_path):
    out = tmp_path / "new" / "out"
    with pytest.raises(RuntimeError), files.Staging(out) as staging:
        staging.write("1.pdf", b"one")
        raise RuntimeError("the ceremony failed")
    assert names(tmp_path) == []


def test_staging_commit_is_all_or_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BreakglassError, match="2.pdf already exists"), files.Staging(out) as staging:
        staging.write("1.pdf", b"one")
        staging.write("2.pdf", b"two")
        (out / "2.pdf").write_bytes(b"appeared meanwhile")
        staging.commit()
    assert names(out) == ["2.pdf"] and (out / "2.pdf").read_bytes() == b"appeared meanwhile"


def test_staging_undo_after_commit(tmp_path):
    with files.Staging(tmp_path / "out") as staging:
        staging.write("1.pdf", b"one")
        staging.commit()
        staging.undo()  # the journal could not record the ceremony
    assert names(tmp_path) == []


def test_a_new_folder_is_emptied_if_its_block_fails(tmp_path):
    with pytest.raises(KeyError), files.NewFolder(tmp_path / "demo") as folder:
        (folder / "sub").mkdir()
        files.write_new_file(folder / "sub" / "x", b"x")
        raise KeyError("fail")
    assert names(tmp_path) == []
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_bytes(b"x")
    with pytest.raises(BreakglassError, match="not empty"), files.NewFolder(tmp_path / "full"):
        pass


# ---------------------------------------------------------------- reading


def test_read_input_refuses_special_files_and_oversize(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    for path, words in [
        (tmp_path / "fifo", "a pipe"),
        (tmp_path, "a folder"),
        (Path("/dev/zero"), "a device"),
        (tmp_path / "missing", "does not exist"),
    ]:
        with pytest.raises(inputs.Refused, match=words):
            inputs.read_input(path, "typed text", 100)
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(inputs.Refused, match="over 0 KiB|over 100"):
        inputs.read_input(tmp_path / "big", "typed text", 100)
    (tmp_path / "ok").write_bytes(b"x" * 100)
    assert inputs.read_input(tmp_path / "ok", "typed text", 100) == b"x" * 100


def test_streams_only_where_allowed(tmp_path):
    read, write = os.pipe()
    os.write(write, b"from a pipe")
    os.close(write)
    try:
        assert inputs.read_input(f"/dev/fd/{read}", "typed text", 100, streams=True) == b"from a pipe"
    finally:
        os.close(read)
    read, write = os.pipe()
    try:
        with pytest.raises(inputs.Refused, match="a pipe"):
            inputs.read_input(f"/dev/fd/{read}", "ceremony configuration", 100)
    finally:
        os.close(read)
        os.close(write)


# ---------------------------------------------------------------- output


def test_one_line_escapes_controls_and_bounds_length():
    assert one_line("a\x1b[31mred\nnext\u202e") == "a\\x1b[31mred\\nnext\\u202e"
    assert len(one_line("x" * 10_000)) == 400


def test_collapsed_shows_a_screenful_per_kind_and_counts_the_rest():
    shown = []
    lines = Collapsed(shown.append, per_kind=3)
    for i in range(10):
        lines(f"  file-{i}.png: not an image or PDF")
    lines("  other: a different problem")
    lines.close()
    assert shown[:3] == [f"  file-{i}.png: not an image or PDF" for i in range(3)]
    assert "  other: a different problem" in shown and shown[-1] == "  ... and 7 more lines like it"


def test_progress_is_quiet_at_first_then_occasional():
    now = [0.0]
    stream = io.StringIO()
    progress = Progress(clock=lambda: now[0], stream=stream)
    for step in range(100):
        now[0] = step * 0.1
        progress.update(lambda step=step: f"{step} pages")
    lines = stream.getvalue().splitlines()
    assert 1 <= len(lines) <= 3 and lines[0].startswith("  ... 20 pages")
