"""The QR decoders: zxing-cpp in this process, zbar in a forked child that may crash or hang without harm.

    available_decoders()            which decoders work here: "zxing-cpp" first, "zbar" if it loads
    read_symbols(name, prepared, timeout) the symbols one decoder finds in one prepared image

zxing-cpp runs in this process: it is the fast, strong decoder (~30-70 ms for an A4 page at 300 dpi), and in a
child it costs 10-20 ms more per page (+15-20% at 300 dpi, about double at 150 dpi), which the recombine time
budget cannot afford (ISOLATED_DECODERS can change that). zbar runs in a forked child process that returns its
texts over a pipe and is killed after a timeout, because zbar has crashed (segfault) on some inputs before: a
crash or hang there becomes a note on that page, not the end of the run. Forking costs 3-5 ms against zbar's
~200 ms per A4 page at 300 dpi. Where os.fork does not exist zbar runs in-process.

Nothing here opens a socket or writes anything to disk: decoded texts cross only the pipe from the zbar child.
"""

from __future__ import annotations

import faulthandler
import json
import os
import select
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PIL import Image

from ..errors import BreakglassError
from ..system import interrupts
from .images import Prepared

ZXING = "zxing-cpp"
ZBAR = "zbar"
KNOWN_DECODERS = (ZXING, ZBAR)

# Decoders run in a forked child (crash- and hang-proof). zxing-cpp is left in-process for speed: in a child it
# costs ~10-20 ms more per page (+15-20% at 300 dpi, +100% at 150 dpi); add it here to trade that for isolation.
ISOLATED_DECODERS = frozenset({ZBAR})
DECODER_TIMEOUT = 30.0  # seconds for one isolated decoder call on one prepared image

_zxing_module = None
_zbar_module = None
_zbar_checked = False


def _zxing():
    global _zxing_module
    if _zxing_module is None:
        try:
            with interrupts.deferred():  # a signal inside zxing-cpp's native start-up could abort the process
                import zxingcpp
        except ImportError:  # pragma: no cover - zxing-cpp is a dependency
            return None
        _zxing_module = zxingcpp
    return _zxing_module


def _zbar():
    """The pyzbar module if it imports and libzbar loads, else None (checked once)."""
    global _zbar_module, _zbar_checked
    if not _zbar_checked:
        _zbar_checked = True
        try:
            with interrupts.deferred():  # loading a native library is not a moment to be cut
                from pyzbar import pyzbar

                pyzbar.decode(Image.new("L", (8, 8), 255))  # loads libzbar: raises if the library is missing
            _zbar_module = pyzbar
        except Exception:  # ImportError, or OSError/FileNotFoundError from ctypes
            _zbar_module = None
    return _zbar_module


def available_decoders() -> list[str]:
    """The decoders usable here, best first: ["zxing-cpp", "zbar"]; zbar only when pyzbar and libzbar load."""
    names = []
    if _zxing() is not None:
        names.append(ZXING)
    if _zbar() is not None:
        names.append(ZBAR)
    return names


ZBAR_MISSING = "the zbar QR decoder is not available here (install the system library libzbar0: apt-get install libzbar0); zxing-cpp reads alone"


def missing_decoder_note() -> str | None:
    """One line to show when a ceremony reads codes with fewer decoders than breakglass is built for."""
    return None if _zbar() is not None else ZBAR_MISSING


def decoder_versions() -> list[str]:
    """The decoders usable here with their package versions, e.g. ["zxing-cpp 3.1.1", "zbar (pyzbar 0.1.9)"]."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    def version_of(package: str) -> str:
        try:
            return package_version(package)
        except PackageNotFoundError:
            return "?"

    names = {ZXING: f"zxing-cpp {version_of('zxing-cpp')}", ZBAR: f"zbar (pyzbar {version_of('pyzbar')})"}
    return [names[name] for name in available_decoders()]


@dataclass
class Symbol:
    """One QR code as a decoder reported it: its text (None if seen but not decodable), centre and size."""

    text: str | None
    x: float
    y: float
    size: float


def _geometry(points: list[tuple[float, float]], scale: float) -> tuple[float, float, float]:
    xs = [p[0] / scale for p in points]
    ys = [p[1] / scale for p in points]
    size = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    return sum(xs) / len(xs), sum(ys) / len(ys), size


def _run_zxing(image: Image.Image, scale: float, binarizer: str | None) -> list[Symbol]:
    zx = _zxing()
    options: dict = {"formats": zx.BarcodeFormat.QRCode, "return_errors": True}
    if binarizer:
        options["binarizer"] = getattr(zx.Binarizer, binarizer)
    try:
        found = zx.read_barcodes(image, **options)
    except TypeError:  # an older zxing-cpp without some keyword
        options.pop("return_errors", None)
        found = zx.read_barcodes(image, **options)
    symbols = []
    for b in found:
        p = b.position
        corners = [
            (p.top_left.x, p.top_left.y),
            (p.top_right.x, p.top_right.y),
            (p.bottom_right.x, p.bottom_right.y),
            (p.bottom_left.x, p.bottom_left.y),
        ]
        valid = getattr(b, "valid", True) and not getattr(b, "error", None)
        if not valid and len(set(corners)) < 3:
            continue  # zxing-cpp reports some clean pages with an error symbol of no area: not a code at all
        symbols.append(Symbol(b.text if valid else None, *_geometry(corners, scale)))
    return symbols


def _zbar_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _run_zbar_here(image: Image.Image, scale: float) -> list[Symbol]:
    zb = _zbar()
    found = zb.decode(image, symbols=[zb.ZBarSymbol.QRCODE])
    symbols = []
    for d in found:
        points = [(pt.x, pt.y) for pt in d.polygon] or [
            (d.rect.left, d.rect.top),
            (d.rect.left + d.rect.width, d.rect.top + d.rect.height),
        ]
        symbols.append(Symbol(_zbar_text(d.data), *_geometry(points, scale)))
    return symbols


class DecoderFailure(Exception):
    """A decoder crashed, hung or failed on one image; the message is one line for the person running the scan."""


def run_isolated(name: str, work: Callable[[], list[Symbol]], timeout: float) -> list[Symbol]:
    """Run `work` in a forked child; its symbols come back as JSON over a pipe. Crash or timeout -> DecoderFailure."""
    if not hasattr(os, "fork"):  # pragma: no cover - not on the supported platforms
        return work()
    read_fd, write_fd = os.pipe()
    with interrupts.deferred():  # Python's at-fork hooks would swallow an interrupt raised inside them
        pid = os.fork()
        if pid == 0:
            interrupts.reset_in_child()  # the parent alone decides what an interrupt does; this child just dies
    if pid == 0:  # child: no exceptions, no cleanup handlers, no buffered output may escape
        status = 0
        try:
            os.close(read_fd)
            if faulthandler.is_enabled():  # a crash here is reported by the parent in one line
                faulthandler.disable()
            try:
                payload: dict[str, Any] = {"symbols": [[s.text, s.x, s.y, s.size] for s in work()]}
            except BaseException as e:  # noqa: BLE001 - report anything to the parent
                payload = {"error": f"{type(e).__name__}: {e}"[:200]}
            data = json.dumps(payload).encode()
            view = memoryview(data)
            while view:
                view = view[os.write(write_fd, view) :]
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    chunks = []
    reaped = False
    try:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DecoderFailure(f"{name} took longer than {timeout:g} s and was stopped")
            ready, _, _ = select.select([read_fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        reaped = True
    finally:
        os.close(read_fd)
        if not reaped:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            signame = signal.Signals(sig).name
        except ValueError:
            signame = str(sig)
        raise DecoderFailure(f"{name} crashed ({signame})")
    try:
        payload = json.loads(b"".join(chunks))
    except ValueError:
        raise DecoderFailure(f"{name} failed (exit status {os.WEXITSTATUS(status)})") from None
    if "error" in payload:
        raise DecoderFailure(f"{name} failed: {payload['error']}")
    return [Symbol(t, x, y, s) for t, x, y, s in payload["symbols"]]


def read_symbols(name: str, prepared: Prepared, timeout: float) -> list[Symbol]:
    image, scale, binarizer = prepared.image, prepared.scale, prepared.binarizer
    if name == ZXING:
        work = lambda: _run_zxing(image, scale, binarizer)  # noqa: E731
    else:
        work = lambda: _run_zbar_here(image, scale)  # noqa: E731
    return run_isolated(name, work, timeout) if name in ISOLATED_DECODERS else work()


def choose_decoders(decoders: list[str] | None) -> list[str]:
    available = available_decoders()
    if decoders is None:
        names = available
    else:
        names = dedup(decoders)
        for n in names:
            if n not in KNOWN_DECODERS:
                raise ValueError(f"unknown decoder {n!r}; known: {', '.join(KNOWN_DECODERS)}")
            if n not in available:
                hint = "install pyzbar and the zbar library (libzbar0)" if n == ZBAR else "install zxing-cpp"
                raise BreakglassError(f"the {n} QR decoder is not available here ({hint})")
    if not names:
        raise BreakglassError("no QR decoder is available (install zxing-cpp)")
    return names


def dedup(texts: Iterable[str]) -> list[str]:
    """Texts in first-seen order, each once."""
    return list(dict.fromkeys(texts))
