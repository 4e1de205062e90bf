"""Files breakglass writes: created new, never overwriting what is there, flushed to disk before success."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import BreakglassError


def write_new_file(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Create `path` with `mode`; never overwrite (O_EXCL), so nothing is lost without being asked."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise BreakglassError(f"{path} already exists; refusing to overwrite it (choose another name or remove it)") from None
    except FileNotFoundError:
        raise BreakglassError(f"cannot create {path}: its folder does not exist") from None
    except PermissionError:
        raise BreakglassError(f"cannot create {path}: permission denied") from None
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
