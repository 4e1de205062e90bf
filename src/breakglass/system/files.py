"""Every file breakglass writes goes through here: whole or not at all, never over what exists unless asked,
never through a symbolic link.

    check_target(path, force)            refuse early: a link, a folder, a device, an existing file without force
    write_new_file(path, data, mode)     the one way to write a file (sheets, manifest, PDFs, the credential...)
    prepare(path, data, mode)            the same in two steps: written and flushed under a temporary name,
                                         then PendingFile.commit() puts it in place (the journal uses this to
                                         put a file in place and record it as one step)
    Staging(folder)                      several files written into a hidden folder, moved in together
    NewFolder(folder)                    a new or empty folder filled by a block, emptied again if it fails

How one file is written (docs/DESIGN.md, "Nothing lost"): a fresh temporary name in the target's folder,
opened O_CREAT|O_EXCL|O_NOFOLLOW (so a planted file or link at that name is never written through), its mode
set with fchmod whatever the umask, the data written in full and fsynced; then hard-linked to the target name,
which fails if anything appeared there (no clobber), or renamed over it with force; the temporary name is
removed and the folder fsynced. On any error or interrupt the temporary file is removed and the target is as
it was. Signals are deferred while a file is written (milliseconds), so Ctrl-C never cuts one in half.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path
from types import TracebackType
from typing import cast

from ..errors import BreakglassError
from . import interrupts
from .inputs import kind_of

PRIVATE = 0o600  # the credential, sheets (each is a share), manifests, the journal: whatever the umask
DOCUMENT = 0o644  # logbook, checklist, audit report: no secret in them; the umask may narrow this further

_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}
_REASONS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "input/output error (a failing disk or a removed device?)",
    errno.ENOENT: "its folder does not exist",
    errno.ENOTDIR: "its folder does not exist",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ELOOP: "it is a symbolic link",
    errno.EFBIG: "the file is too large for this file system",
}


def reason(e: OSError) -> str:
    """An OSError in words for the person at the keyboard, without the errno number."""
    text = _REASONS.get(e.errno or 0)
    if text:
        return text
    words = e.strerror or type(e).__name__
    return words[0].lower() + words[1:]


def cannot_write(path: Path | str, e: OSError) -> BreakglassError:
    return BreakglassError(f"cannot write {path}: {reason(e)}")


def check_target(path: Path | str, force: bool = False, *, hint: str = "choose another name or remove it") -> None:
    """Refuse a target that must not be written: a symbolic link, a folder, a device or pipe, an existing file
    (unless force), a missing folder. Call it before the work, so nobody waits to be told the name was taken."""
    path = Path(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise cannot_write(path, e) from None
    if st is not None:
        kind = kind_of(st.st_mode)
        if kind:
            raise BreakglassError(f"{path} is {kind}, not a file; breakglass never writes there or through it")
        if not force:
            raise BreakglassError(f"{path} already exists; refusing to overwrite it ({hint})")
    folder = path.parent
    if not folder.is_dir():
        raise BreakglassError(f"cannot write {path}: folder {folder} does not exist")


def _temp_name(target: Path) -> Path:
    stem = target.name[:180]  # leave room for the suffix within the 255-byte name limit
    return target.with_name(f".{stem}.{secrets.token_hex(6)}.tmp")


def _open_temp(target: Path, shown_as: Path) -> tuple[int, Path]:
    for _ in range(8):
        temp = _temp_name(target)
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600), temp
        except FileExistsError:  # a name someone planted, or a 1-in-2^48 clash: take another
            continue
        except OSError as e:
            raise cannot_write(shown_as, e) from None
    raise BreakglassError(f"cannot write {shown_as}: could not create a temporary file beside it")


def _mode_for(mode: int) -> int:
    """Private modes exactly as asked; others narrowed by the umask, as for any document a user makes."""
    if mode & 0o077 == 0:
        return mode
    umask = os.umask(0o022)
    os.umask(umask)
    return mode & ~umask


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:  # pragma: no cover - a regular file never returns 0 for a non-empty write
            raise OSError(errno.EIO, "short write")
        view = view[written:]


def fsync_folder(folder: Path) -> None:
    """Make a new or removed name in `folder` durable. Some file systems cannot fsync a folder: not an error."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        pass  # nothing more can be done; the name starts with '.' and ends in .tmp


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    """What tells our file from another later put at the same name (an inode number alone may be reused)."""
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


class PendingFile:
    """Data written in full and flushed under a temporary name beside `target`; commit() puts it in place."""

    def __init__(
        self,
        target: Path,
        temp: Path,
        identity: tuple[int, int, int, int],
        *,
        force: bool = False,
        hint: str | None = None,
    ):
        self.target = Path(target)
        self.temp: Path | None = temp
        self.force = force
        self.hint = hint or "choose another name or remove it"
        self.placed = False
        self._identity = identity

    @classmethod
    def write(
        cls,
        target: Path,
        data: bytes,
        mode: int = PRIVATE,
        *,
        force: bool = False,
        hint: str | None = None,
        shown_as: Path | None = None,
    ) -> PendingFile:
        """Write `data` under a fresh temporary name beside `target`; errors name `shown_as` (default: target)."""
        target = Path(target)
        check_target(target, force, hint=hint or "choose another name or remove it")
        pending = None
        try:
            with interrupts.deferred():
                fd, temp = _open_temp(target, shown_as or target)
                try:
                    os.fchmod(fd, _mode_for(mode))
                    write_all(fd, data)
                    os.fsync(fd)
                    st = os.fstat(fd)
                except OSError as e:
                    _remove(temp)
                    raise cannot_write(shown_as or target, e) from None
                except BaseException:
                    _remove(temp)
                    raise
                finally:
                    os.close(fd)
                pending = cls(target, temp, _identity(st), force=force, hint=hint)
        except interrupts.Interrupted:  # held while writing, raised now: the caller never sees this file
            if pending is not None:
                pending.discard()
            raise
        return pending

    def commit(self, *, announce: bool = True) -> None:
        """Put the file in place: never over an existing file unless force; then the folder is fsynced."""
        if self.temp is None or self.placed:
            raise BreakglassError(f"{self.target}: nothing to put in place")  # a bug in the caller
        with interrupts.deferred():
            try:
                if self.force:
                    check_target(self.target, True, hint=self.hint)
                    os.rename(self.temp, self.target)
                else:
                    self._link_new()
            except FileExistsError:
                self.discard()
                raise BreakglassError(f"{self.target} already exists; refusing to overwrite it ({self.hint})") from None
            except OSError as e:
                self.discard()
                raise cannot_write(self.target, e) from None
            except BaseException:
                self.discard()
                raise
            self.temp = None
            self.placed = True
            fsync_folder(self.target.parent)
            if announce:
                interrupts.keep(str(self.target))

    def _link_new(self) -> None:
        try:
            os.link(cast(Path, self.temp), self.target, follow_symlinks=False)
        except OSError as e:
            if e.errno not in _NO_HARD_LINKS:
                raise
            # No hard links here (some USB and network file systems): check, then rename. The window between
            # the two is the one place a file appearing at the same moment could be replaced.
            if os.path.lexists(self.target):
                raise FileExistsError(errno.EEXIST, "exists") from None
            os.rename(cast(Path, self.temp), self.target)
            return
        _remove(cast(Path, self.temp))

    def undo(self) -> None:
        """Take a committed new file away again (its ceremony failed after it was placed); never someone else's."""
        if not self.placed or self.force:
            return
        with interrupts.deferred():
            try:
                st = os.lstat(self.target)
            except OSError:
                return
            if _identity(st) == self._identity:
                _remove(self.target)
                fsync_folder(self.target.parent)
                interrupts.forget(str(self.target))
            self.placed = False

    def discard(self) -> None:
        """Remove the temporary file if it is still there (after commit there is none)."""
        if self.temp is not None:
            _remove(self.temp)
            self.temp = None

    def __enter__(self) -> PendingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        with interrupts.deferred():
            self.discard()


def prepare(
    path: Path | str, data: bytes, mode: int = PRIVATE, *, force: bool = False, hint: str | None = None
) -> PendingFile:
    """Write the data under a temporary name beside `path`; the caller commits it (or it is discarded on exit)."""
    return PendingFile.write(Path(path), data, mode, force=force, hint=hint)


def write_new_file(
    path: Path | str, data: bytes, mode: int = PRIVATE, *, force: bool = False, hint: str | None = None
) -> None:
    """Write `path` whole or not at all (see the module's docstring). Without force an existing file is refused;
    a symbolic link, folder or device at `path` is always refused. Errors are one-line BreakglassErrors."""
    with prepare(path, data, mode, force=force, hint=hint) as pending:
        pending.commit()


class Staging:
    """Files written into a hidden folder inside `folder`, moved in together by commit(), or not at all.

    Used by split and rotate: sheets and manifest appear in the output folder only once every one of them is
    written in full. If anything fails, the staging folder is removed, and so is the output folder if this
    ceremony created it. A power cut can leave a `.breakglass-staging-*` folder behind: it holds shares, so
    split names it and refuses that output folder until a person has looked at it and removed it.
    """

    PREFIX = ".breakglass-staging-"
    HINT = "choose an empty --out folder"

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path: Path | None = None
        self.staged: list[PendingFile] = []
        self.committed = False
        self._created: list[Path] = []

    def __enter__(self) -> Staging:
        try:
            with interrupts.deferred():
                self._make_folder()
                path = self.folder / f"{self.PREFIX}{secrets.token_hex(4)}"
                try:
                    os.mkdir(path, 0o700)
                except OSError as e:
                    self._remove_created()
                    raise cannot_write(path, e) from None
                self.path = path
        except interrupts.Interrupted:  # held while the folders were made, raised now: take them away again
            self.__exit__(None, None, None)
            raise
        return self

    def _make_folder(self) -> None:
        missing = []
        for folder in [self.folder, *self.folder.parents]:
            if folder.exists() or folder.is_symlink():
                break
            missing.append(folder)
        for folder in reversed(missing):  # the outermost first
            try:
                os.mkdir(folder, 0o755)
            except FileExistsError:
                continue
            except OSError as e:
                self._remove_created()
                raise BreakglassError(f"cannot create folder {folder}: {reason(e)}") from None
            self._created.append(folder)
        if self.folder.is_symlink():
            raise BreakglassError(
                f"{self.folder} is a symbolic link; give the folder itself (breakglass never writes through a link)"
            )
        if not self.folder.is_dir():
            raise BreakglassError(f"{self.folder} exists and is not a folder")

    def write(self, name: str, data: bytes, mode: int = PRIVATE) -> None:
        """Write one file into the staging folder, whole and flushed; it is moved in by commit()."""
        check_target(self.folder / name, hint=self.HINT)
        with interrupts.deferred():
            pending = PendingFile.write(cast(Path, self.path) / name, data, mode, shown_as=self.folder / name)
            try:
                pending.commit(announce=False)
            finally:
                pending.discard()
            self.staged.append(
                PendingFile(self.folder / name, cast(Path, self.path) / name, pending._identity, hint=self.HINT)
            )

    def commit(self) -> None:
        """Move every staged file into the folder, none over an existing one: all of them or none."""
        with interrupts.deferred():
            try:
                for pending in self.staged:
                    pending.commit()
            except BaseException:
                self.undo()
                raise
            self.committed = True

    def undo(self) -> None:
        """Take the moved-in files away again (the journal could not record the ceremony)."""
        with interrupts.deferred():
            for pending in reversed(self.staged):
                pending.undo()
            self.committed = False

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with interrupts.deferred():
            if self.path is not None:
                for pending in self.staged:
                    _remove(self.path / pending.target.name)
                try:
                    os.rmdir(self.path)
                except OSError:
                    pass
                fsync_folder(self.folder)
            if not self.committed:
                self._remove_created()

    def _remove_created(self) -> None:
        for folder in reversed(self._created):  # the innermost first; stops at one that is not empty
            try:
                os.rmdir(folder)
            except OSError:
                break
        self._created = []


class NewFolder:
    """A folder that is new or empty, filled by the block, and emptied again (removed, if it was made here)
    should the block fail or be interrupted: the demo leaves a whole demo or nothing."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.created = False

    def __enter__(self) -> Path:
        if self.folder.is_symlink():
            raise BreakglassError(
                f"{self.folder} is a symbolic link; give the folder itself (breakglass never writes through a link)"
            )
        if self.folder.exists() and not self.folder.is_dir():
            raise BreakglassError(f"{self.folder} exists and is not a folder")
        if self.folder.exists() and any(self.folder.iterdir()):
            raise BreakglassError(f"{self.folder} is not empty; choose a new folder")
        with interrupts.deferred():
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise BreakglassError(f"cannot create folder {self.folder}: {reason(e)}") from None
            self.created = True
        return self.folder

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            return
        import shutil

        with interrupts.deferred():
            for entry in list(self.folder.iterdir()) if self.folder.is_dir() else []:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    _remove(entry)
            try:
                self.folder.rmdir()
            except OSError:
                pass
            interrupts.forget(str(self.folder))


def leftover_staging(folder: Path) -> list[Path]:
    """Staging folders an interrupted ceremony (power cut, kill -9) left in `folder`."""
    try:
        return sorted(p for p in Path(folder).iterdir() if p.name.startswith(Staging.PREFIX))
    except OSError:
        return []
