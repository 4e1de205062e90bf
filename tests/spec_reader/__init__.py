"""A reader of breakglass sheets written from docs/FORMAT.md alone (no breakglass import): QR texts and typed
text of format 1 and format 2 in, the credential out, or a refusal with the reason the spec gives."""

from .combine import Outcome, Refused, recombine
from .qr import QrPile, add_text, shares_from
from .typed import read_typed

__all__ = ["Outcome", "Refused", "read_pile"]


def read_pile(qr_texts: list[str] = (), typed_texts: list[str] = ()) -> Outcome:
    pile = QrPile()
    for text in qr_texts:
        add_text(pile, text)
    shares = shares_from(pile)
    notes = list(pile.notes)
    for text in typed_texts:
        typed = read_typed(text)
        shares += typed.shares
        notes += typed.notes
    return recombine(shares, notes)
