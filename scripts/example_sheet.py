"""Render docs/example-sheet.png from a fixed dummy credential (needs pdftoppm): python scripts/example_sheet.py"""

from pathlib import Path

import hashlib, subprocess, itertools
from breakglass.format import scheme
from breakglass.paper import sheet
counter = itertools.count()
def fixed_random(n):  # deterministic demo bytes, so the example image is reproducible
    return b"".join(hashlib.sha256(b"breakglass demo %d" % next(counter)).digest() for _ in range(n // 32 + 1))[:n]
r = scheme.split(b"demo-only: correct horse battery staple", 3, 5, random_bytes=fixed_random)
info = sheet.SheetInfo(label="DEMO — example credential, not real", fingerprint=r.fingerprint, created="2026-11-22",
    custodian=sheet.Custodian("Alice Example", "Platform security lead", "Berlin office safe"),
    contact="Security on-call, +49 30 1234 5678 (example)")
pdf = sheet.render_sheet(r.shares[1], info, "a4")
open("/tmp/breakglass-example-sheet.pdf", "wb").write(pdf)
subprocess.run(["pdftoppm", "-r", "75", "-png", "-singlefile", "/tmp/breakglass-example-sheet.pdf", str(Path(__file__).resolve().parent.parent / "docs" / "example-sheet")], check=True)
