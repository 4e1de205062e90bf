"""What reaches the terminal stays readable: one line per message, control characters shown harmlessly,
repeated problems collapsed, long work reporting progress.

    terminal_safe(text)         text from outside made harmless for a terminal: every UNSAFE character shown
                                as an escape (\\x1b, \\n, \\u202e), nothing else changed
    one_line(text)              a message made safe for one terminal line (no escapes, no newlines, bounded)
    json_text(value)            JSON for stdout: the values exact, the UNSAFE characters written as \\u escapes
    Collapsed(emit)             at most PER_KIND lines of one kind, then "... and 3,412 more lines like it"
    Progress(total, what)       "reading scans: 120 of 2,000 pages, 3 codes found" now and then on stderr

Text from outside (file names, QR codes, typed lines, journal fields, manifests, transcriptions, provider
evidence) may hold escape sequences that would drive the terminal (ESC, CSI, BEL, a CR that rewrites the line,
a NUL), a newline that would forge a line of a table or report, or a bidirectional override that would show
"1.3" as "3.1". Every text output that prints such text passes it through terminal_safe (or one_line), and
names, labels and reasons that contain UNSAFE characters are refused where the tool takes them
(record.people.check_text). The UNSAFE set: C0 controls (tab too: it breaks a table's columns), DEL, C1
controls, the line and paragraph separators, the bidi embeddings, overrides and isolates (U+202A..U+202E,
U+2066..U+2069), and also the invisible direction marks U+200E, U+200F and U+061C: they change how the
neutral characters around them are ordered, and a name never needs one on a terminal line (the paper
layer shapes right-to-left text itself). Lone surrogates (an undecodable file name) are shown as escapes too.
A backslash is left as it is: escaped text is for reading; exact values are in the JSON outputs.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from typing import TextIO

MAX_LINE = 400  # characters of one message line
PER_KIND = 20  # lines of one kind before the rest are counted, not shown

UNSAFE_CHARACTERS = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
UNSAFE = re.compile(f"[{UNSAFE_CHARACTERS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(ch: str) -> str:
    """The visible form of one UNSAFE character: \\n, \\r, \\t, \\x1b, \\u202e."""
    code = ord(ch)
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def terminal_safe(text: object) -> str:
    """`text` with every UNSAFE character shown as its escape; one line, whatever it held."""
    return UNSAFE.sub(lambda m: escape(m.group()), str(text))


def one_line(text: object, limit: int = MAX_LINE) -> str:
    """`text` as one terminal-safe line: control and bidi characters escaped, at most `limit` characters."""
    s = str(text)
    if len(s) > limit * 4:
        s = s[: limit * 4]  # escaping cannot make what is cut off matter
    s = terminal_safe(s)
    if len(s) > limit:
        s = s[: limit - 1] + "\u2026"
    return s


def json_text(value: object, *, indent: int | None = 2) -> str:
    """JSON of `value` as printed on stdout: every string exact (json.loads gives it back), non-ASCII letters
    kept readable, and the UNSAFE characters, which JSON allows raw inside strings, written as \\u escapes
    (outside strings JSON has none of them), so that printing it drives no terminal either."""
    import json

    text = json.dumps(value, indent=indent, ensure_ascii=False)
    return UNSAFE.sub(lambda m: "\n" if m.group() == "\n" else f"\\u{ord(m.group()):04x}", text)


def kind_of(text: str) -> str:
    """What makes two messages 'alike': the text with numbers and quoted parts blanked."""
    return re.sub(r"\d+", "#", re.sub(r"'[^']*'", "'?'", text))[:120]


class Collapsed:
    """Pass lines to `emit`, but at most PER_KIND of each kind; close() reports how many were held back."""

    def __init__(self, emit: Callable[[str], None], per_kind: int = PER_KIND):
        self.emit = emit
        self.per_kind = per_kind
        self.counts: dict[str, int] = {}
        self.order: list[str] = []
        self.indent: dict[str, str] = {}

    def __call__(self, text: str, kind: str | None = None) -> None:
        key = kind if kind is not None else kind_of(text)
        count = self.counts.get(key, 0)
        if count == 0:
            self.order.append(key)
            self.indent[key] = text[: len(text) - len(text.lstrip())]
        self.counts[key] = count + 1
        if count < self.per_kind:
            self.emit(one_line(text))

    def close(self) -> None:
        for key in self.order:
            hidden = self.counts[key] - self.per_kind
            if hidden > 0:
                self.emit(f"{self.indent[key]}... and {hidden:,} more line{'s' if hidden > 1 else ''} like it")
            self.counts[key] = min(self.counts[key], self.per_kind)


class Progress:
    """Occasional progress lines on stderr for long work: nothing in the first seconds, then a line every few
    seconds (every second on a terminal), each a whole line so that it never mixes with other messages."""

    def __init__(
        self, *, delay: float = 2.0, clock: Callable[[], float] = time.monotonic, stream: TextIO | None = None
    ):
        self.clock = clock
        self.stream = stream or sys.stderr
        tty = getattr(self.stream, "isatty", lambda: False)()
        self.interval = 1.0 if tty else 5.0
        self.start = clock()
        self.next_at = self.start + delay
        self.shown = False

    def update(self, text: Callable[[], str]) -> None:
        """Show `text()` if it is time to (the text is only made when it is shown)."""
        now = self.clock()
        if now >= self.next_at:
            self.next_at = now + self.interval
            self.show(text())

    def show(self, text: str) -> None:
        self.stream.write(f"  ... {one_line(text)} ({self.clock() - self.start:.0f} s)\n")
        self.stream.flush()
        self.shown = True
