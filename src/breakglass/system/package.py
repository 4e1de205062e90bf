"""Which breakglass this is: the version, and a fingerprint of the installed package files.

The fingerprint lets a custodian or an auditor check that the tool on the offline laptop is the one the
ceremony used: `breakglass --version` prints it, and so do every sheet and the logbook cover. It is SHA-256
over every file breakglass installs (code, wording, ceremony scripts, fonts and their licences), taken in
order of their path inside the package; each file contributes its path, its length and its bytes. It is the
same for a wheel, an editable checkout and the offline bundle of one version (compiled .pyc files and
anything else not installed are left out). Shown as 16 hex digits in four groups joined by hyphens, in lower
case so that it is not mistaken for a set id (upper case), and without spaces so it is never wrapped apart.
"""

from __future__ import annotations

import hashlib
import importlib.util
from functools import cache
from pathlib import Path

# What the package installs: each package (pyproject.toml, [tool.setuptools] packages) with the patterns of its
# files ([tool.setuptools.package-data]). tests/test_package.py checks this against pyproject.toml.
INSTALLED = {
    "breakglass": ("*.py", "fonts/*.ttf", "fonts/*.txt"),
    "breakglass.cli": ("*.py",),
    "breakglass.ceremonies": ("*.py",),
    "breakglass.scan": ("*.py",),
    "breakglass.paper": ("*.py",),
    "breakglass.record": ("*.py",),
    "breakglass.format": ("*.py",),
    "breakglass.format.v1": ("*.py",),
    "breakglass.format.v2": ("*.py",),
    "breakglass.system": ("*.py",),
    "breakglass.page": ("*.py", "js/*.js", "js/*.css", "vendor/*"),
    "breakglass.templates": ("*.py", "*.txt", "*.md", "*.toml", "*.csv", "*.json", "*.html"),
    "breakglass.ceremony": ("*.py", "*.md", "*.toml", "*.sh"),
}


def package_folder(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def installed_files() -> dict[str, Path]:
    """Every installed file, by its path inside the package ("breakglass/paper/text.py")."""
    files: dict[str, Path] = {}
    for package, patterns in INSTALLED.items():
        folder = package_folder(package)
        if folder is None:
            continue
        prefix = package.replace(".", "/")
        for pattern in patterns:
            for path in folder.glob(pattern):
                if path.is_file():
                    files[f"{prefix}/{path.relative_to(folder).as_posix()}"] = path
    return files


@cache
def fingerprint() -> str:
    """The package fingerprint, e.g. '3f2a-9c81-d0e4-b7a6' (see the module docstring)."""
    digest = hashlib.sha256()
    for name, path in sorted(installed_files().items()):
        data = path.read_bytes()
        digest.update(name.encode("utf-8") + b"\0" + str(len(data)).encode("ascii") + b"\0" + data)
    hexdigits = digest.hexdigest()[:16]
    return "-".join(hexdigits[i : i + 4] for i in range(0, 16, 4))
