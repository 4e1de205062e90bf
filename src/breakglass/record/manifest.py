"""manifest.json: what a split made (set, fingerprint, k of n, custodians, sheet files); no secret, no share.

Also what a rotation, reshare or expansion printed: `ceremony` says which ("split" when absent, as in
manifests written before it existed); an expansion's manifest lists only the new sheets, and its n is the
set's share count after it."""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ..errors import BreakglassError
from ..system.inputs import MAX_MANIFEST, read_input
from ..system.package import fingerprint as package_fingerprint

FORMAT = "breakglass-manifest"
MAX_OBJECTS = 100_000  # a manifest of 255 shares of 9 copies each holds about 5,000
VERSION = 1


def build(
    *,
    set_id: str,
    fingerprint: str,
    k: int,
    n: int,
    label: str,
    created: str,
    sheets: list[dict],
    custodians: list[dict],
    event_code: str | None = None,
    replaces_set: str | None = None,
    ceremony: str = "split",
    recovery_page_sha256: str | None = None,
) -> dict:
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
    if recovery_page_sha256:
        manifest["recovery_page_sha256"] = recovery_page_sha256  # recover.html beside the sheets
    return manifest


def dumps(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


_TEXT_FIELDS = (
    "set_id",
    "fingerprint",
    "label",
    "created",
    "tool_version",
    "event_code",
    "replaces_set",
    "recovery_page_sha256",
)
_ENTRY_FIELDS = {"share": int, "copy": int, "file": str, "name": str, "role": str, "location": str}


def _problem(data: object) -> str | None:
    """Why a parsed manifest is not one breakglass wrote, or None (readers may then trust every field's type)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return "is not a breakglass manifest"
    for key in ("set_id", "fingerprint", "k", "n"):
        if key not in data:
            return f"has no '{key}'"
    for key in ("k", "n"):
        if type(data[key]) is not int or not 1 <= data[key] <= 255:
            return f"has an invalid '{key}'"
    for key in _TEXT_FIELDS:
        if key in data and data[key] is not None and not isinstance(data[key], str):
            return f"has an invalid '{key}'"
    for key in ("sheets", "custodians"):
        items = data.get(key, [])
        if not isinstance(items, list):
            return f"has an invalid '{key}'"
        for item in items:
            if not isinstance(item, dict) or type(item.get("share")) is not int or not 1 <= item["share"] <= 255:
                return f"has an invalid entry in '{key}'"
            for field, kind in _ENTRY_FIELDS.items():
                if field in item and item[field] is not None and type(item[field]) is not kind:
                    return f"has an invalid '{field}' in '{key}'"
            if "copy" in item and not 1 <= item["copy"] <= 99:
                return f"has an invalid 'copy' in '{key}'"
            if isinstance(item.get("file"), str) and not _plain_name(item["file"]):
                return f"has an invalid 'file' in '{key}' (a sheet is a file beside the manifest)"
    return None


def _plain_name(name: str) -> bool:
    """A sheet's file name as split writes it: a name in the manifest's own folder. `manifest` tells people to
    delete the PDFs it lists once printed, so a path elsewhere ('/etc/passwd', '../x') is never one of them."""
    return name == "" or (name not in (".", "..") and not any(c in name for c in "/\\\0"))


def load(path: str | Path) -> dict:
    """Read and check a manifest; anything but a manifest breakglass wrote is a one-line error."""
    raw = read_input(path, "manifest", MAX_MANIFEST)
    containers = raw.count(b"{") + raw.count(b"[")  # counted before parsing: each costs Python ~100 bytes
    if containers > MAX_OBJECTS:
        raise BreakglassError(
            f"manifest {path} holds {containers:,} JSON objects and lists; the most breakglass "
            f"reads in a manifest is {MAX_OBJECTS:,}"
        )
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as e:  # JSONDecodeError is a ValueError; so is a 5000-digit number
        raise BreakglassError(f"manifest {path} is not valid JSON: {str(e).splitlines()[0][:100]}") from None
    except RecursionError:
        raise BreakglassError(f"manifest {path} is not valid JSON: nested too deeply") from None
    problem = _problem(data)
    if problem:
        raise BreakglassError(f"{path} {problem}")
    return data
