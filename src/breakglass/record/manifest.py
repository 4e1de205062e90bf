"""manifest.json: what a split made (set, fingerprint, k of n, custodians, sheet files); no secret, no share.

Also what a rotation, reshare or expansion printed: `ceremony` says which ("split" when absent, as in
manifests written before it existed); an expansion's manifest lists only the new sheets, and its n is the
set's share count after it."""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ..errors import BreakglassError
from ..system.package import fingerprint as package_fingerprint

FORMAT = "breakglass-manifest"
VERSION = 1


def build(*, set_id: str, fingerprint: str, k: int, n: int, label: str, created: str, sheets: list[dict],
          custodians: list[dict], event_code: str | None = None, replaces_set: str | None = None,
          ceremony: str = "split") -> dict:
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "set_id": set_id,
        "fingerprint": fingerprint,
        "k": k,
        "n": n,
        "label": label,
        "created": created,
        "tool_version": __version__,
        "package": package_fingerprint(),
        "custodians": custodians,
        "sheets": sheets,
        "event_code": event_code,
        "ceremony": ceremony,
    }
    if replaces_set:
        manifest["replaces_set"] = replaces_set
    return manifest


def dumps(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def load(path: str | Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BreakglassError(f"manifest {path} does not exist") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise BreakglassError(f"manifest {path} is not valid JSON: {e}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BreakglassError(f"{path} is not a breakglass manifest")
    return data
