"""Share format 2, short shares: each carries about 1/k of the ciphertext, and fingerprints that name an
altered share (docs/FORMAT.md 7). What `split` prints by default.

FORMAT is this format behind format/formats.py's ShareFormat interface; Share and Chunk are its share and QR text.
"""

from __future__ import annotations

from . import combine, qrtext, scheme
from .qrtext import Chunk
from .share import VERSION, Share

__all__ = ["FORMAT", "Chunk", "Share"]


class _Format2:
    version = VERSION
    keeps_rival_shares = True  # the fingerprints decide which of two shares with one number is genuine
    typed_width = 32  # 20 bytes a line
    typed_header_check = True
    typed_full_lines = True

    @staticmethod
    def typed_check_text(number: int, data: str, set_hex: str, index: int) -> str:
        return f"BG2 {set_hex} {index} {number} {data}"  # the set and share number too (FORMAT.md 7.8)

    parse = staticmethod(Share.from_bytes)
    split = staticmethod(scheme.split)
    qr_data_count = staticmethod(qrtext.data_count)
    qr_texts = staticmethod(qrtext.encode)
    parse_qr_text = staticmethod(qrtext.parse_chunk)
    assemble_qr = staticmethod(qrtext.assemble_all)
    recombine = staticmethod(combine.recombine)
    new_shares = staticmethod(scheme.new_shares)
    open_set = staticmethod(scheme.open_set)


FORMAT = _Format2()
