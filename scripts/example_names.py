"""Render docs/example-names.png: the logbook's custody page for custodians named in ten scripts (needs pdftoppm).

    python scripts/example_names.py
"""

import hashlib
import itertools
import subprocess
import tempfile
from pathlib import Path

from breakglass.format import scheme
from breakglass.format.share import set_id_text
from breakglass.paper import logbook
from breakglass.record import manifest

NAMES = [("Zażółć Gęślą", "Warszawa"), ("Nguyễn Văn Ánh", "Hà Nội"), ("Αλέξανδρος Παπαδόπουλος", "Αθήνα"),
         ("Дмитрий Иванов", "Москва"), ("王秀英", "北京"), ("山田 花子", "東京"), ("김민준", "서울"),
         ("محمد عبد الله", "الرياض"), ("דוד כהן", "תל אביב"), ("प्रिया शर्मा", "मुंबई")]
counter = itertools.count()


def fixed_random(n):  # deterministic demo bytes, so the image is reproducible
    return b"".join(hashlib.sha256(b"breakglass names %d" % next(counter)).digest() for _ in range(n // 32 + 1))[:n]


result = scheme.split(b"demo-only credential", 3, len(NAMES), random_bytes=fixed_random)
document = manifest.build(
    set_id=set_id_text(result.set_id), fingerprint=result.fingerprint, k=3, n=len(NAMES), label="DEMO — 根账户 · حساب",
    created="2026-12-02T10:00:00Z", sheets=[],
    custodians=[{"share": i, "copy": 1, "name": name, "role": "Custodian", "location": place}
                for i, (name, place) in enumerate(NAMES, start=1)],
)
pdf = logbook.render_logbook(logbook.gather(document), "a4")
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "logbook.pdf"
    path.write_bytes(pdf)
    out = Path(__file__).resolve().parent.parent / "docs" / "example-names"
    subprocess.run(["pdftoppm", "-r", "75", "-png", "-singlefile", "-f", "4", "-l", "4", str(path), str(out)], check=True)
