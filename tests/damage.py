"""Realistic damage for page images, in pure Pillow, shared by the scan tests and the benchmarks.

Every function takes a page image (normally a 300 dpi render, mode "L" or "RGB"), a severity parameter and,
where randomness is involved, a seed, and returns a new image; the input is never changed. The same arguments
always give the same image.

    downsample(img, dpi, from_dpi=300)    what a cheaper scan at `dpi` would see
    blur(img, radius)                      gaussian blur, radius in pixels (out of focus, smeared toner)
    rotate(img, degrees)                   any angle, canvas expanded, white fill (sheet fed askew, photo)
    perspective(img, amount)               keystone / skew of a photo taken at an angle, amount 0..0.3
    noise(img, amount, kind)               salt-and-pepper (fraction of pixels) or gaussian (sigma in grey levels)
    jpeg(img, quality)                     a JPEG round trip at `quality`
    fade(img, amount)                      contrast lost toward white: 0 = unchanged, 1 = blank
    stain(img, box, fraction, grey)        a filled blob over `fraction` of the area of `box` (e.g. one QR code)
    fold(img, position, width, delta)      a band across the page, lighter (delta > 0) or darker (delta < 0)

synthetic_page() draws QR texts onto a white page the way a sheet does (ECC Q, about 1 mm modules, quiet zone),
for use until and besides the real sheet renderer; it also returns each code's box for stain().
"""

from __future__ import annotations

import io
import math
import random

import qrcode
from PIL import Image, ImageChops, ImageDraw, ImageFilter

A4_MM = (210.0, 297.0)


def _gray(img: Image.Image) -> Image.Image:
    return img if img.mode == "L" else img.convert("L")


def downsample(img: Image.Image, dpi: float, from_dpi: float = 300) -> Image.Image:
    """Resample a `from_dpi` image to `dpi` (area averaging, as a scanner's optics do)."""
    scale = dpi / from_dpi
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return img.resize(size, Image.Resampling.BOX if scale < 1 else Image.Resampling.BICUBIC)


def blur(img: Image.Image, radius: float) -> Image.Image:
    return img.filter(ImageFilter.GaussianBlur(radius))


def rotate(img: Image.Image, degrees: float) -> Image.Image:
    """Rotate counter-clockwise by any angle; the canvas grows to hold the whole page, the corners are white."""
    fill = 255 if img.mode == "L" else (255,) * len(img.getbands())
    return img.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination for the 8x8 system of a perspective transform (no numpy needed)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    return [m[i][n] / m[i][i] for i in range(n)]


def perspective_coefficients(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> list[float]:
    """Coefficients for Image.transform(PERSPECTIVE) mapping output points `dst` to input points `src`."""
    a, b = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        b.append(u)
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b.append(v)
    return _solve(a, b)


def perspective(img: Image.Image, amount: float = 0.15, skew: float = 0.05) -> Image.Image:
    """A photo taken at an angle: the top edge shrinks by `amount` of the width (keystone); the page shears by
    `skew` of the width."""
    w, h = img.size
    inset = amount * w / 2
    shear = skew * w
    dst = [(inset + shear, 0), (w - inset + shear, 0), (w, h), (0, h)]
    out_w = int(w + shear)
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    coeffs = perspective_coefficients(src, dst)
    fill = 255 if img.mode == "L" else (255,) * len(img.getbands())
    return img.transform((out_w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=fill)


def _tile(tile: Image.Image, size: tuple[int, int]) -> Image.Image:
    out = Image.new(tile.mode, size)
    for y in range(0, size[1], tile.height):
        for x in range(0, size[0], tile.width):
            out.paste(tile, (x, y))
    return out


def noise(img: Image.Image, amount: float, kind: str = "salt-pepper", seed: int = 1, tile: int = 1024) -> Image.Image:
    """Salt-and-pepper: `amount` is the fraction of pixels flipped to black or white (e.g. 0.05).
    Gaussian: `amount` is the standard deviation in grey levels (e.g. 40), in 2x2-pixel grains.

    The noise field is drawn from a seeded generator over a `tile`-pixel square and repeated across the page
    (Image.effect_noise cannot be seeded), which keeps it fast and reproducible.
    """
    base = _gray(img)
    rng = random.Random(seed)
    if kind == "gaussian":
        half = tile // 2
        data = bytes(max(0, min(255, round(rng.gauss(128, amount)))) for _ in range(half * half))
        field = Image.frombytes("L", (half, half), data).resize((tile, tile), Image.Resampling.NEAREST)
        field = _tile(field, base.size)
        # base + (field - 128), clipped to 0..255 (ImageChops.add computes in int before clipping).
        return ImageChops.add(base, field, offset=-128)
    if kind != "salt-pepper":
        raise ValueError(f"unknown noise kind {kind!r}")
    black = Image.new("L", (tile, tile), 0)
    white = Image.new("L", (tile, tile), 0)
    bp, wp = black.load(), white.load()
    for _ in range(int(amount * tile * tile)):
        x, y = rng.randrange(tile), rng.randrange(tile)
        if rng.random() < 0.5:
            bp[x, y] = 255
        else:
            wp[x, y] = 255
    out = base.copy()
    out.paste(0, mask=_tile(black, base.size))
    out.paste(255, mask=_tile(white, base.size))
    return out


def jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return out


def fade(img: Image.Image, amount: float) -> Image.Image:
    """Lighter toner / a faded print: every grey level moves toward white by `amount` (0.7 leaves black at 77)."""
    lut = [round(v + (255 - v) * amount) for v in range(256)]
    return _gray(img).point(lut)


def stain(
    img: Image.Image,
    box: tuple[int, int, int, int],
    fraction: float = 0.2,
    grey: int = 90,
    seed: int = 1,
    shape: str = "blob",
) -> Image.Image:
    """Cover `fraction` of the area of `box` (left, top, right, bottom) with a filled blob of level `grey`.

    "blob" is an irregular ellipse-like polygon placed at a seeded random spot inside the box; "rect" a rectangle.
    """
    rng = random.Random(seed)
    out = img.copy()
    draw = ImageDraw.Draw(out)
    left, top, right, bottom = box
    bw, bh = right - left, bottom - top
    area = fraction * bw * bh
    fill = grey if out.mode == "L" else (grey,) * len(out.getbands())
    if shape == "rect":
        side_w = min(bw, math.sqrt(area * 1.5))
        side_h = min(bh, area / side_w)
        x = left + rng.uniform(0, bw - side_w)
        y = top + rng.uniform(0, bh - side_h)
        draw.rectangle([x, y, x + side_w, y + side_h], fill=fill)
        return out
    # A smooth irregular blob: radius r * (1 + a few low harmonics with random phases), mean area pi r^2 * 1.0175.
    r = math.sqrt(area / (math.pi * 1.0175))
    cx = left + rng.uniform(min(r, bw / 2), max(bw - r, bw / 2))
    cy = top + rng.uniform(min(r, bh / 2), max(bh - r, bh / 2))
    phases = [rng.uniform(0, 2 * math.pi) for _ in range(3)]
    points = []
    for i in range(72):
        t = 2 * math.pi * i / 72
        wobble = (0.15 * math.sin(2 * t + phases[0]) + 0.1 * math.sin(3 * t + phases[1])
                  + 0.05 * math.sin(5 * t + phases[2]))
        points.append((cx + r * (1 + wobble) * math.cos(t), cy + r * (1 + wobble) * math.sin(t)))
    draw.polygon(points, fill=fill)
    return out


def fold(
    img: Image.Image, position: float = 0.5, width: int = 12, delta: int = 60, vertical: bool = False
) -> Image.Image:
    """A fold line: a band `width` px wide at `position` (fraction of the height, or of the width if vertical)
    whose grey levels shift by `delta` (positive: lighter, worn toner; negative: darker, a crease shadow)."""
    base = _gray(img)
    w, h = base.size
    if vertical:
        x = int(position * w)
        region = (max(0, x - width // 2), 0, min(w, x + width - width // 2), h)
    else:
        y = int(position * h)
        region = (0, max(0, y - width // 2), w, min(h, y + width - width // 2))
    band = base.crop(region)
    band = band.point([max(0, min(255, v + delta)) for v in range(256)])
    out = base.copy()
    out.paste(band, region[:2])
    return out


def qr_image(text: str, module_px: int, border: int = 4) -> Image.Image:
    """One QR code, ECC level Q, `module_px` pixels per module, `border` modules of quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, box_size=module_px, border=border)
    code.add_data(text)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("L")


def synthetic_page(
    texts: list[str],
    dpi: int = 300,
    module_mm: float = 1.0,
    size_mm: tuple[float, float] = A4_MM,
    margin_mm: float = 15.0,
    gap_mm: float = 8.0,
    label: bool = True,
) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
    """A white page of `size_mm` at `dpi` with the QR codes for `texts` laid out left to right, top to bottom.

    Returns the page (mode "L") and the box of each code (quiet zone excluded), in page pixels.
    Some text lines are drawn too so the page is not only codes, as on a real sheet.
    """
    module_px = max(1, round(module_mm * dpi / 25.4))
    page = Image.new("L", (round(size_mm[0] * dpi / 25.4), round(size_mm[1] * dpi / 25.4)), 255)
    draw = ImageDraw.Draw(page)
    px = dpi / 25.4
    x = y = round(margin_mm * px)
    row_h = 0
    if label:
        for i in range(4):
            draw.text((x, y + i * 3 * px), f"Break-glass share sheet - test line {i + 1} - keep this page safe", fill=0)
        y += round(16 * px)
    boxes = []
    quiet = 4
    for text in texts:
        code = qr_image(text, module_px, border=quiet)
        if x + code.width > page.width - margin_mm * px + quiet * module_px and x > margin_mm * px:
            x = round(margin_mm * px)
            y += row_h + round(gap_mm * px)
            row_h = 0
        if y + code.height > page.height:
            raise ValueError("the codes do not fit on the page")
        page.paste(code, (x, y))
        q = quiet * module_px
        boxes.append((x + q, y + q, x + code.width - q, y + code.height - q))
        x += code.width + round(gap_mm * px)
        row_h = max(row_h, code.height)
    return page, boxes


def side_by_side(images: list[Image.Image], gap: int = 40) -> Image.Image:
    """Several pages next to each other on one white canvas, as in a photo of sheets laid out on a table."""
    w = sum(i.width for i in images) + gap * (len(images) + 1)
    h = max(i.height for i in images) + 2 * gap
    canvas = Image.new("L", (w, h), 255)
    x = gap
    for i in images:
        canvas.paste(_gray(i), (x, gap))
        x += i.width + gap
    return canvas
