"""Share format 1: every share carries the whole ciphertext (docs/FORMAT.md 3-6). Read forever; printed on request.

FORMAT is this format behind format/formats.py's ShareFormat interface; Share and Chunk are its share and QR text.
"""

from __future__ import annotations

from . import combine, qrtext, scheme
from .qrtext import Chunk
from .share import VERSION, Share

__all__ = ["FORMAT", "Chunk", "Share"]


class _Format1:
    version = VERSION
    keeps_rival_shares = False  # no fingerprints: two different shares with one number cannot be told apart
    typed_width = 24  # 15 bytes a line
    typed_header_check = False
    typed_full_lines = False

    @staticmethod
    def typed_check_text(number: int, data: str, set_hex: str, index: int) -> str:
        return f"BG1 {number} {data}"  # the line's number and data only (FORMAT.md 4)

    parse = staticmethod(Share.from_bytes)
    split = staticmethod(scheme.split)
    qr_data_count = staticmethod(qrtext.data_count)
    qr_texts = staticmethod(qrtext.encode)
    parse_qr_text = staticmethod(qrtext.parse_chunk)
    assemble_qr = staticmethod(qrtext.assemble_all)
    recombine = staticmethod(combine.recombine)
    new_shares = staticmethod(scheme.new_shares)
    open_set = staticmethod(scheme.open_set)


FORMAT = _Format1()
