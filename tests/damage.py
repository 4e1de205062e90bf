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
for use until and besides the real sheet renderer; it also returns each code's box for stain(); code_boxes()
finds the boxes of the codes on a real sheet's page.

Realistic damage, with lengths in millimetres on the paper (`dpi` says how many pixels a millimetre is):

    creases(img, lines, lift_mm)           folds pressed flat: dark line, shadow, the paper shifted at the crease
    crumple(img, severity)                 crumpled, smoothed by hand, scanned flat: creases, warping, grey
    crumple_photo(img, severity)           crumpled and photographed: also lit facets, then phone_photo()
    unflattened_folds(img, lines)          a folded sheet opened and photographed without pressing it flat
    water_stain(img, diameter_mm)          tide line, ink bleed, washed-out contrast, rippled paper
    coffee_ring(img, diameter_mm)          a mug's ring: dark rim fading inward, broken in places
    missing_corner / tear / punch_holes    torn-off corner, a tear from the edge, filing holes
    scribble / sun_faded / glare / hand_shadow / photocopy / fax / office_scan
    phone_photo(img, tilt, rotation, ...)  perspective, lens distortion, uneven light, blur, grain, JPEG

REALISTIC names thirty conditions built from these, each a function (page, seed) -> damaged page.
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
        wobble = (
            0.15 * math.sin(2 * t + phases[0]) + 0.1 * math.sin(3 * t + phases[1]) + 0.05 * math.sin(5 * t + phases[2])
        )
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


def code_boxes(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """The box (left, top, right, bottom) of every QR code zxing-cpp reads on `image`: where stain() may aim."""
    import zxingcpp

    boxes = []
    for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        p = code.position
        xs = [p.top_left.x, p.top_right.x, p.bottom_right.x, p.bottom_left.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_right.y, p.bottom_left.y]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


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


# --- realistic damage: paper that was folded, crumpled, wetted, torn, and photographed ------------------------
#
# Lengths are in millimetres on the paper and converted with `dpi` (the resolution of the image given), so a
# damage looks the same at any resolution. Each function is seeded; shading multiplies the image (ink and
# paper darken alike, as light does), and geometry moves pixels with warp() (a fine mesh of small quads).


def _px(length_mm: float, dpi: float) -> float:
    return length_mm * dpi / 25.4


def _rgb(img: Image.Image) -> Image.Image:
    return img if img.mode == "RGB" else img.convert("RGB")


def _like(out: Image.Image, original: Image.Image) -> Image.Image:
    """`out` in the mode of `original` when that was grey (a grey scan stays grey), else RGB."""
    return out.convert("L") if original.mode == "L" and out.mode != "L" else out


def smooth_field(size: tuple[int, int], cells: float, low: int, high: int, seed: int) -> Image.Image:
    """A smooth random grey field ("L") over `size`: values in low..high, varying over about size/cells."""
    rng = random.Random(seed)
    gw = max(2, round(cells * size[0] / max(size))) + 1
    gh = max(2, round(cells * size[1] / max(size))) + 1
    small = Image.new("L", (gw, gh))
    small.putdata([rng.randint(low, high) for _ in range(gw * gh)])
    return small.resize(size, Image.Resampling.BICUBIC)


def remap(img: Image.Image, size: tuple[int, int], source, step: int = 12, fill=255) -> Image.Image:
    """A new image of `size` whose pixel (x, y) shows the point source(x, y) of `img` (a lens, a camera, bent
    paper), interpolated over a mesh of `step`-pixel squares: source is evaluated only at their corners."""
    w, h = size
    xs = [*range(0, w, step), w]
    ys = [*range(0, h, step), h]
    at = [[source(x, y) for x in xs] for y in ys]
    mesh = []
    for j in range(len(ys) - 1):
        for i in range(len(xs) - 1):
            a, b, c, d = at[j][i], at[j + 1][i], at[j + 1][i + 1], at[j][i + 1]  # UL, LL, LR, UR
            mesh.append(((xs[i], ys[j], xs[i + 1], ys[j + 1]), (*a, *b, *c, *d)))
    if img.mode not in ("L", "RGB"):
        img = img.convert("RGB")
    if isinstance(fill, int) and img.mode == "RGB":
        fill = (fill,) * 3
    return img.transform(size, Image.Transform.MESH, mesh, Image.Resampling.BILINEAR, fillcolor=fill)


def warp(img: Image.Image, displace, step: int = 12, fill=255) -> Image.Image:
    """Move the image in place: output pixel (x, y) shows input point (x, y) + displace(x, y)."""

    def source(x: float, y: float) -> tuple[float, float]:
        dx, dy = displace(x, y)
        return x + dx, y + dy

    return remap(img, img.size, source, step, fill)


class Crease:
    """A straight crease (or a stretch of one) across the page, in pixels: through (x, y) at `angle` degrees,
    `length` long (0: the whole page). Where it ends the effect fades out over `fade` pixels."""

    def __init__(self, x: float, y: float, angle: float, length: float = 0.0, fade: float = 1.0):
        self.x, self.y, self.length, self.fade = x, y, length, max(1.0, fade)
        self.ux, self.uy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        self.nx, self.ny = -self.uy, self.ux

    def distance(self, x: float, y: float) -> float:
        """Signed distance from the crease line (positive on the normal's side)."""
        return (x - self.x) * self.nx + (y - self.y) * self.ny

    def reach(self, x: float, y: float) -> float:
        """1 along the crease, falling to 0 past its ends (a crumple's creases stop at other creases)."""
        if not self.length:
            return 1.0
        along = abs((x - self.x) * self.ux + (y - self.y) * self.uy) - self.length / 2
        return 1.0 if along <= 0 else max(0.0, 1.0 - along / self.fade)

    def ends(self, size: tuple[int, int]) -> tuple[tuple[float, float], tuple[float, float]]:
        half = self.length / 2 + self.fade if self.length else 2 * max(size)
        return ((self.x - self.ux * half, self.y - self.uy * half), (self.x + self.ux * half, self.y + self.uy * half))


def crease_displacement(creases: list[Crease], lift: float, width: float):
    """Each crease hides a little paper: content on both sides moves toward the crease by up to `lift` pixels,
    squeezed over about `width` pixels next to it (a ridge that did not lie flat, seen from above)."""

    def displace(x: float, y: float) -> tuple[float, float]:
        dx = dy = 0.0
        for c in creases:
            d = c.distance(x, y)
            if abs(d) > 4 * width + 4 * lift:
                shift = math.copysign(lift, d)
            else:
                shift = lift * math.tanh(d / width)
            shift *= c.reach(x, y)
            dx += shift * c.nx
            dy += shift * c.ny
        return dx, dy

    return displace


def shade_creases(
    img: Image.Image,
    creases: list[Crease],
    dpi: float,
    seed: int,
    dark: tuple[int, int] = (40, 110),
    shadow: tuple[int, int] = (10, 45),
    worn: float = 0.0,
) -> Image.Image:
    """Draw the creases' light: a thin dark line (broken fibres, dirt), a soft shadow on one side, both fading
    toward the crease's ends; `worn` (0..1) of them also lost toner along the line (a white crack in the ink)."""
    rng = random.Random(seed)
    shade = Image.new("L", img.size, 255)
    crack = Image.new("L", img.size, 0)
    line_w = max(1, round(_px(0.25, dpi)))
    pad = round(_px(4, dpi))
    for c in creases:
        (x0, y0), (x1, y1) = c.ends(img.size)
        box = (
            max(0, round(min(x0, x1)) - pad),
            max(0, round(min(y0, y1)) - pad),
            min(img.width, round(max(x0, x1)) + pad),
            min(img.height, round(max(y0, y1)) + pad),
        )
        if box[0] >= box[2] or box[1] >= box[3]:
            continue
        size = (box[2] - box[0], box[3] - box[1])
        shadow_layer, line_layer = Image.new("L", size, 255), Image.new("L", size, 255)
        shadow_w = max(2, round(_px(rng.uniform(0.8, 2.5), dpi)))
        side = rng.choice((-1, 1)) * shadow_w / 2
        line_dark, shadow_dark = rng.randint(*dark), rng.randint(*shadow)
        pieces = 8 if c.length else 1  # a crumple's crease fades toward its ends; a fold runs edge to edge
        for i in range(pieces):
            t0, t1 = i / pieces, (i + 1) / pieces
            strength = math.sin(math.pi * (t0 + t1) / 2) ** 0.5 if pieces > 1 else 1.0
            ax, ay = x0 + (x1 - x0) * t0 - box[0], y0 + (y1 - y0) * t0 - box[1]
            bx, by = x0 + (x1 - x0) * t1 - box[0], y0 + (y1 - y0) * t1 - box[1]
            ImageDraw.Draw(shadow_layer).line(
                [(ax + c.nx * side, ay + c.ny * side), (bx + c.nx * side, by + c.ny * side)],
                fill=255 - round(shadow_dark * strength),
                width=shadow_w,
            )
            ImageDraw.Draw(line_layer).line([(ax, ay), (bx, by)], fill=255 - round(line_dark * strength), width=line_w)
        layer = ImageChops.multiply(
            shadow_layer.filter(ImageFilter.GaussianBlur(shadow_w / 2)),
            line_layer.filter(ImageFilter.GaussianBlur(max(0.7, line_w / 2))),
        )
        shade.paste(ImageChops.multiply(shade.crop(box), layer), box[:2])
        if rng.random() < worn:
            ImageDraw.Draw(crack).line([(x0, y0), (x1, y1)], fill=rng.randint(150, 230), width=line_w)
    base = _gray(img) if img.mode == "L" else _rgb(img)
    if base.mode == "RGB":
        shade, crack = Image.merge("RGB", [shade] * 3), Image.merge("RGB", [crack] * 3)
    out = ImageChops.lighter(base, crack.filter(ImageFilter.GaussianBlur(0.7)))
    return ImageChops.multiply(out, shade)


def creases(
    img: Image.Image,
    lines: list[tuple[float, float, float]],
    lift_mm: float = 0.25,
    seed: int = 1,
    dpi: float = 300,
    worn: float = 0.0,
) -> Image.Image:
    """Fold lines pressed flat again: each (x, y, angle) is a crease through the point at fractions (x, y) of
    the page. The page shifts a little toward each crease and shows a dark line with a shadow beside it."""
    w, h = img.size
    found = [Crease(x * w, y * h, angle) for x, y, angle in lines]
    moved = warp(img, crease_displacement(found, _px(lift_mm, dpi), _px(1.0, dpi)), step=max(4, round(_px(0.8, dpi))))
    return shade_creases(moved, found, dpi, seed, worn=worn)


FOLDED_IN_THIRDS = [(0.5, 1 / 3, 0), (0.5, 2 / 3, 0)]  # a letter folded for an envelope
FOLDED_IN_HALF = [(0.5, 0.5, 0)]
FOLDED_IN_QUARTERS = [(0.5, 0.5, 0), (0.5, 0.5, 90)]


def random_creases(size: tuple[int, int], count: int, dpi: float, seed: int) -> list[Crease]:
    """A crumple's crease network: `count` creases of 15-120 mm at any angle, anywhere on the page."""
    rng = random.Random(seed)
    w, h = size
    return [
        Crease(
            rng.uniform(0, w),
            rng.uniform(0, h),
            rng.uniform(0, 180),
            _px(rng.uniform(15, 120), dpi),
            _px(rng.uniform(5, 20), dpi),
        )
        for _ in range(count)
    ]


def crumple_displacement(
    size: tuple[int, int], creases_: list[Crease], amplitude: float, lift: float, width: float, seed: int
):
    """Crumpled paper: creases (see crease_displacement) plus a smooth random bending of `amplitude` pixels with
    a wavelength of a few centimetres (the paper's waves between the creases)."""
    rng = random.Random(seed)
    w, h = size
    waves = []
    for _ in range(6):
        length = rng.uniform(0.12, 0.35) * max(w, h)
        angle = rng.uniform(0, 2 * math.pi)
        waves.append(
            (
                math.cos(angle) * 2 * math.pi / length,
                math.sin(angle) * 2 * math.pi / length,
                rng.uniform(0, 2 * math.pi),
                rng.uniform(0, 2 * math.pi),
            )
        )
    scale = amplitude / math.sqrt(len(waves) / 2)
    at_creases = crease_displacement(creases_, lift, width)

    def displace(x: float, y: float) -> tuple[float, float]:
        dx, dy = at_creases(x, y)
        for kx, ky, px, py in waves:
            phase = kx * x + ky * y
            dx += scale * math.sin(phase + px)
            dy += scale * math.sin(phase + py)
        return dx, dy

    return displace


def facet_shading(size: tuple[int, int], creases_: list[Crease], depth: int, seed: int) -> Image.Image:
    """Crumpled paper under one lamp: each crease tilts the paper on one side of it, so the page falls into
    facets of different brightness, darkest where several tilt away (an "L" multiplier, 255 = unchanged)."""
    rng = random.Random(seed)
    w, h = size
    scale = 4  # facets are large: draw them small and smooth them up
    small = (max(1, w // scale), max(1, h // scale))
    acc = Image.new("L", small, 255)
    for c in creases_:
        (x0, y0), (x1, y1) = c.ends(size)
        far = 3 * max(w, h)
        half_plane = [
            (x0 / scale, y0 / scale),
            (x1 / scale, y1 / scale),
            ((x1 + c.nx * far) / scale, (y1 + c.ny * far) / scale),
            ((x0 + c.nx * far) / scale, (y0 + c.ny * far) / scale),
        ]
        layer = Image.new("L", small, 255)
        ImageDraw.Draw(layer).polygon(half_plane, fill=255 - rng.randint(depth // 4, depth))
        acc = ImageChops.multiply(acc, layer)
    acc = acc.point(lambda v: max(v, 255 - 2 * depth))
    return acc.filter(ImageFilter.GaussianBlur(2)).resize(size, Image.Resampling.BILINEAR)


def _multiply(img: Image.Image, field: Image.Image) -> Image.Image:
    if img.mode == "RGB" and field.mode == "L":
        field = Image.merge("RGB", [field] * 3)
    return ImageChops.multiply(img, field)


def crumple(img: Image.Image, severity: float = 1.0, seed: int = 1, dpi: float = 300) -> Image.Image:
    """Crumpled into a ball, smoothed out by hand and scanned flat (the glass presses most, not all, of it).

    severity 1: about 35 creases, the page bent by ~0.25 mm between them, 0.15 mm hidden at each crease;
    uneven grey from the paper not touching the glass everywhere."""
    rng = random.Random(seed)
    found = random_creases(img.size, round(35 * severity), dpi, rng.randrange(1 << 30))
    displace = crumple_displacement(
        img.size, found, _px(0.25 * severity, dpi), _px(0.15 * severity, dpi), _px(0.8, dpi), rng.randrange(1 << 30)
    )
    moved = warp(img, displace, step=max(4, round(_px(2.0, dpi))))  # a crease's step spreads over ~2 mm
    shaded = shade_creases(moved, found, dpi, rng.randrange(1 << 30), dark=(5, 90), shadow=(5, 35), worn=0.3)
    lift = smooth_field(img.size, 6, round(255 - 40 * severity), 255, rng.randrange(1 << 30))
    return _multiply(shaded, lift)


def crumple_photo(
    img: Image.Image, severity: float = 1.0, seed: int = 1, dpi: float = 300, photo_dpi: float = 220, **camera
) -> Image.Image:
    """Crumpled, smoothed out a little on a table and photographed with a phone: the paper still in waves of
    a few millimetres, lit by one lamp (facets of different brightness), then the camera (see phone_photo)."""
    rng = random.Random(seed)
    found = random_creases(img.size, round(30 * severity), dpi, rng.randrange(1 << 30))
    displace = crumple_displacement(
        img.size, found, _px(1.6 * severity, dpi), _px(0.45 * severity, dpi), _px(1.5, dpi), rng.randrange(1 << 30)
    )
    moved = warp(img, displace, step=max(4, round(_px(2.0, dpi))))
    shaded = shade_creases(moved, found, dpi, rng.randrange(1 << 30), dark=(5, 80), shadow=(15, 60), worn=0.3)
    lit = _multiply(shaded, facet_shading(img.size, found, round(40 * severity), rng.randrange(1 << 30)))
    return phone_photo(lit, **{"tilt": 0.08, **camera}, seed=rng.randrange(1 << 30), dpi=dpi, photo_dpi=photo_dpi)


def _grain(img: Image.Image, sigma: float, seed: int) -> Image.Image:
    """Sensor noise: the same seeded gaussian grain (see noise) added to every band."""
    if sigma <= 0:
        return img
    bands = [noise(band, sigma, "gaussian", seed=seed) for band in img.split()]
    return bands[0] if len(bands) == 1 else Image.merge(img.mode, bands)


def motion_blur(img: Image.Image, length: float, angle: float = 0.0) -> Image.Image:
    """A hand that moved while the shutter was open: the average of copies shifted along `angle` over `length` px."""
    steps = max(2, round(length))
    out = img
    for i in range(1, steps):
        t = (i / (steps - 1) - 0.5) * length
        shifted = img.transform(
            img.size,
            Image.Transform.AFFINE,
            (1, 0, t * math.cos(math.radians(angle)), 0, 1, t * math.sin(math.radians(angle))),
            Image.Resampling.BILINEAR,
            fillcolor=255 if img.mode == "L" else (255,) * 3,
        )
        out = Image.blend(out, shifted, 1 / (i + 1))
    return out


def _homography_source(quad: list[tuple[float, float]], page: tuple[int, int]):
    """The map from photo pixels to page pixels when the page's corners appear at `quad` (TL, TR, BR, BL)."""
    w, h = page
    a, b, c, d, e, f, g, k = perspective_coefficients([(0, 0), (w, 0), (w, h), (0, h)], quad)

    def source(x: float, y: float) -> tuple[float, float]:
        z = g * x + k * y + 1
        return (a * x + b * y + c) / z, (d * x + e * y + f) / z

    return source


def phone_photo(
    img: Image.Image,
    tilt: float = 0.1,
    rotation: float = 3.0,
    barrel: float = 0.03,
    blur: float = 1.0,
    shake: float = 0.0,
    light: float = 0.25,
    grain: float = 5.0,
    quality: int = 85,
    seed: int = 1,
    dpi: float = 300,
    photo_dpi: float = 220,
    background: tuple[int, int, int] = (120, 100, 80),
) -> Image.Image:
    """A phone photo of the page on a table: the page `photo_dpi` across, tilted (`tilt`: the far edge that much
    narrower), turned by `rotation` degrees, through a lens with `barrel` distortion, lit unevenly (`light`:
    vignetting and a gradient darken by up to that fraction), out of focus by `blur` px, moved by `shake` px,
    with sensor `grain` and saved as JPEG at `quality`. RGB out, a border of table around the page."""
    rng = random.Random(seed)
    page = _rgb(img)
    scale = photo_dpi / dpi
    pw, ph = page.width * scale, page.height * scale
    margin = 0.08 * max(pw, ph)
    size = (round(pw + 2 * margin), round(ph + 2 * margin))
    cx, cy = size[0] / 2, size[1] / 2
    far = tilt * pw / 2  # the top edge is further from the camera
    corners = [(-pw / 2 + far, -ph / 2), (pw / 2 - far, -ph / 2), (pw / 2, ph / 2), (-pw / 2, ph / 2)]
    turn = math.radians(rotation)
    quad = []
    for x, y in corners:
        x, y = x + rng.uniform(-0.01, 0.01) * pw, y + rng.uniform(-0.01, 0.01) * ph
        quad.append((cx + x * math.cos(turn) - y * math.sin(turn), cy + x * math.sin(turn) + y * math.cos(turn)))
    to_page = _homography_source(quad, page.size)
    radius = math.hypot(cx, cy)

    def source(x: float, y: float) -> tuple[float, float]:
        r2 = ((x - cx) ** 2 + (y - cy) ** 2) / radius**2
        f = 1 + barrel * r2  # what the lens shows at radius r comes from radius r * (1 + barrel r^2)
        return to_page(cx + (x - cx) * f, cy + (y - cy) * f)

    step = max(8, round(min(size) / 150))
    photo = remap(page, size, source, step, fill=0)
    mask = remap(Image.new("L", page.size, 255), size, source, step, fill=0)
    wood = smooth_field(size, 12, 190, 255, seed)
    table = ImageChops.multiply(Image.new("RGB", size, background), Image.merge("RGB", [wood] * 3))
    photo = Image.composite(photo, table, mask)
    vignette = Image.radial_gradient("L").resize(size, Image.Resampling.BILINEAR)  # 0 in the centre, 255 outside
    vignette = vignette.point(lambda v: 255 - round(light * 255 * min(1.0, v / 255) ** 2))
    gradient = Image.linear_gradient("L").rotate(rng.uniform(0, 360), Image.Resampling.BILINEAR, fillcolor=128)
    gradient = gradient.resize(size, Image.Resampling.BILINEAR).point(lambda v: 255 - round(light * 0.6 * v))
    photo = _multiply(_multiply(photo, vignette), gradient)
    if blur:
        photo = photo.filter(ImageFilter.GaussianBlur(blur))
    if shake:
        photo = motion_blur(photo, shake, rng.uniform(0, 180))
    return jpeg(_grain(photo, grain, rng.randrange(1 << 30)), quality)


def _blob(
    centre: tuple[float, float], radius: float, seed: int, points: int = 96, rough: float = 0.12
) -> list[tuple[float, float]]:
    """An irregular round outline (a spill's edge): radius with a few random low harmonics up to `rough`."""
    rng = random.Random(seed)
    harmonics = [(k, rng.uniform(rough / 6, rough) / k**0.5, rng.uniform(0, 2 * math.pi)) for k in range(2, 9)]
    outline = []
    for i in range(points):
        t = 2 * math.pi * i / points
        r = radius * (1 + sum(a * math.sin(k * t + p) for k, a, p in harmonics))
        outline.append((centre[0] + r * math.cos(t), centre[1] + r * math.sin(t)))
    return outline


def _spot(img: Image.Image, where: tuple[float, float] | None, rng: random.Random) -> tuple[float, float]:
    if where is None:
        where = (rng.uniform(0.15, 0.85), rng.uniform(0.15, 0.85))
    return where[0] * img.width, where[1] * img.height


def water_stain(
    img: Image.Image,
    diameter_mm: float = 60,
    where: tuple[float, float] | None = None,
    seed: int = 1,
    dpi: float = 300,
    wash: float = 0.45,
) -> Image.Image:
    """Water spilt and dried: inside the spill the toner ran (bled, blurred) and lost contrast (`wash` of its
    darkness), the paper went yellow-grey and rippled; a brown tide line marks the edge. RGB out (L if L in)."""
    rng = random.Random(seed)
    base = _rgb(img)
    centre = _spot(img, where, rng)
    outline = _blob(centre, _px(diameter_mm / 2, dpi), rng.randrange(1 << 30))
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).polygon(outline, fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(_px(0.3, dpi)))
    xs, ys = [p[0] for p in outline], [p[1] for p in outline]
    pad = round(_px(3, dpi))
    box = (
        max(0, round(min(xs)) - pad),
        max(0, round(min(ys)) - pad),
        min(img.width, round(max(xs)) + pad),
        min(img.height, round(max(ys)) + pad),
    )
    region = base.crop(box)
    ripple = crumple_displacement(region.size, [], _px(0.3, dpi), 0, 1, rng.randrange(1 << 30))
    region = warp(region, ripple, step=max(4, round(_px(1, dpi))))
    region = region.filter(ImageFilter.MinFilter(3)).filter(ImageFilter.GaussianBlur(_px(0.12, dpi)))
    region = region.point(lambda v: round(v + (255 - v) * wash))
    region = ImageChops.multiply(region, Image.new("RGB", region.size, (246, 240, 224)))
    wet = base.copy()
    wet.paste(region, box[:2])
    mask = ImageChops.multiply(mask, smooth_field(img.size, 30, 150, 255, rng.randrange(1 << 30)))  # unevenly wet
    out = Image.composite(wet, base, mask)
    tide = Image.new("RGB", img.size, (255, 255, 255))
    ImageDraw.Draw(tide).line([*outline, outline[0]], fill=(165, 130, 90), width=max(1, round(_px(0.6, dpi))))
    out = ImageChops.multiply(out, tide.filter(ImageFilter.GaussianBlur(_px(0.25, dpi))))
    return _like(out, img)


def coffee_ring(
    img: Image.Image,
    diameter_mm: float = 80,
    where: tuple[float, float] | None = None,
    seed: int = 1,
    dpi: float = 300,
    strength: float = 1.0,
) -> Image.Image:
    """The ring a mug leaves: a dark brown outer edge fading inward, broken in places, a faint tan inside."""
    rng = random.Random(seed)
    base = _rgb(img)
    centre = _spot(img, where, rng)
    radius = _px(diameter_mm / 2, dpi)
    stain_layer = Image.new("RGB", img.size, (255, 255, 255))
    draw = ImageDraw.Draw(stain_layer)
    shape_seed = rng.randrange(1 << 30)
    draw.polygon(_blob(centre, radius, shape_seed, rough=0.02), fill=(248, 240, 228))
    band = _px(3.0, dpi)
    for step in range(8):  # from the inner, faint edge of the ring out to its dark rim
        t = step / 7
        tone = lambda full, t=t: round(255 - (255 - full) * strength * (0.15 + 0.85 * t**3))  # noqa: E731
        draw.line(
            [*(outline := _blob(centre, radius - band * (1 - t), shape_seed, rough=0.02)), outline[0]],
            fill=(tone(120), tone(78), tone(40)),
            width=max(1, round(band / 6)),
        )
    gaps = Image.new("L", img.size, 0)  # where the ring is broken, the layer is left out
    for _ in range(rng.randint(1, 3)):
        start = rng.uniform(0, 360)
        ImageDraw.Draw(gaps).pieslice(
            [centre[0] - 2 * radius, centre[1] - 2 * radius, centre[0] + 2 * radius, centre[1] + 2 * radius],
            start,
            start + rng.uniform(20, 70),
            fill=255,
        )
    gaps = gaps.filter(ImageFilter.GaussianBlur(_px(4, dpi)))
    stain_layer = Image.composite(Image.new("RGB", img.size, (255, 255, 255)), stain_layer, gaps)
    out = ImageChops.multiply(base, stain_layer.filter(ImageFilter.GaussianBlur(_px(0.3, dpi))))
    return _like(out, img)


def _torn_path(
    a: tuple[float, float], b: tuple[float, float], dpi: float, rng: random.Random
) -> list[tuple[float, float]]:
    """A torn edge from a to b: a random walk across the straight line, in 0.5-2 mm steps."""
    length = math.dist(a, b)
    nx, ny = -(b[1] - a[1]) / length, (b[0] - a[0]) / length
    points, t, offset = [a], 0.0, 0.0
    while True:
        t += _px(rng.uniform(0.5, 2.0), dpi) / length
        if t >= 1:
            break
        offset = 0.8 * offset + _px(rng.uniform(-1.2, 1.2), dpi)
        points.append((a[0] + (b[0] - a[0]) * t + nx * offset, a[1] + (b[1] - a[1]) * t + ny * offset))
    return [*points, b]


def missing_corner(
    img: Image.Image,
    size_mm: float = 45,
    corner: int | None = None,
    seed: int = 1,
    dpi: float = 300,
    background: int = 255,
) -> Image.Image:
    """A corner torn off along a ragged line `size_mm` from the corner on both edges; the scanner shows
    `background` there (white lid, or dark when photographed on a table). corner 0-3: TL, TR, BR, BL."""
    rng = random.Random(seed)
    w, h = img.size
    corner = rng.randrange(4) if corner is None else corner
    along = [_px(size_mm * rng.uniform(0.7, 1.3), dpi) for _ in range(2)]
    cx, cy = (0 if corner in (0, 3) else w), (0 if corner in (0, 1) else h)
    sx, sy = (1 if cx == 0 else -1), (1 if cy == 0 else -1)
    path = _torn_path((cx + sx * along[0], cy), (cx, cy + sy * along[1]), dpi, rng)
    out = img.copy()
    fill = background if out.mode == "L" else (background,) * 3
    ImageDraw.Draw(out).polygon([*path, (cx, cy)], fill=fill)
    return out


def tear(
    img: Image.Image, length_mm: float = 60, seed: int = 1, dpi: float = 300, gap_mm: float = 0.8, background: int = 255
) -> Image.Image:
    """A tear from one edge into the page, `length_mm` long: the two sides pulled `gap_mm` apart at the edge,
    closing toward the tip, and a ragged gap between them."""
    rng = random.Random(seed)
    w, h = img.size
    edge = rng.randrange(4)
    at = rng.uniform(0.25, 0.75)
    start = [(at * w, 0), (w, at * h), (at * w, h), (0, at * h)][edge]
    inward = [90, 180, 270, 0][edge] + rng.uniform(-25, 25)
    tip = (
        start[0] + math.cos(math.radians(inward)) * _px(length_mm, dpi),
        start[1] + math.sin(math.radians(inward)) * _px(length_mm, dpi),
    )
    path = _torn_path(start, tip, dpi, rng)
    crack = Crease((start[0] + tip[0]) / 2, (start[1] + tip[1]) / 2, inward, math.dist(start, tip), _px(2, dpi))
    gap = _px(gap_mm, dpi)

    def opened(x: float, y: float) -> tuple[float, float]:
        along = (x - start[0]) * crack.ux + (y - start[1]) * crack.uy
        closing = max(0.0, 1 - along / max(1.0, math.dist(start, tip)))
        shift = -math.copysign(gap / 2, crack.distance(x, y)) * closing * crack.reach(x, y)
        return shift * crack.nx, shift * crack.ny

    out = warp(img, opened, step=max(4, round(_px(0.8, dpi))), fill=background)
    width = max(1, round(gap * 0.7))
    fill = background if out.mode == "L" else (background,) * 3
    ImageDraw.Draw(out).line(path, fill=fill, width=width)
    return out


def punch_holes(img: Image.Image, dpi: float = 300, background: int = 255) -> Image.Image:
    """Two filing holes, 6 mm wide, 80 mm apart, centred 12 mm from the left edge (ISO 838)."""
    out = img.copy()
    fill = background if out.mode == "L" else (background,) * 3
    draw = ImageDraw.Draw(out)
    r, x = _px(3, dpi), _px(12, dpi)
    for y in (img.height / 2 - _px(40, dpi), img.height / 2 + _px(40, dpi)):
        draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)
    return out


def scribble(
    img: Image.Image, box: tuple[int, int, int, int] | None = None, strokes: int = 3, seed: int = 1, dpi: float = 300
) -> Image.Image:
    """Pen strokes (a note, a signature, a doodle) in blue ballpoint across `box` (default: anywhere)."""
    rng = random.Random(seed)
    out = _rgb(img)
    draw = ImageDraw.Draw(out)
    left, top, right, bottom = box or (0, 0, img.width, img.height)
    for _ in range(strokes):
        x, y = rng.uniform(left, right), rng.uniform(top, bottom)
        heading = rng.uniform(0, 2 * math.pi)
        points = [(x, y)]
        for _ in range(40):
            heading += rng.uniform(-0.6, 0.6)
            x += math.cos(heading) * _px(2.5, dpi)
            y += math.sin(heading) * _px(2.5, dpi)
            points.append((x, y))
        draw.line(points, fill=(30, 40, 120), width=max(1, round(_px(0.45, dpi))), joint="curve")
    return _like(out, img)


def sun_faded(img: Image.Image, amount: float = 0.85, seed: int = 1) -> Image.Image:
    """Toner faded by light unevenly: from nothing on one side to `amount` (see fade) on the other."""
    rng = random.Random(seed)
    ramp = (
        Image.linear_gradient("L")
        .rotate(rng.uniform(0, 360), Image.Resampling.BILINEAR, expand=False, fillcolor=128)
        .resize(img.size, Image.Resampling.BILINEAR)
    )
    faded = img.point([round(v + (255 - v) * amount) for v in range(256)] * len(img.getbands()))
    return Image.composite(faded, img, ramp)


def glare(
    img: Image.Image,
    diameter_mm: float = 70,
    where: tuple[float, float] | None = None,
    strength: float = 0.85,
    seed: int = 1,
    dpi: float = 300,
) -> Image.Image:
    """A lamp reflected in glossy paper or a plastic sleeve: a bright patch where ink fades toward white."""
    rng = random.Random(seed)
    x, y = _spot(img, where, rng)
    r = _px(diameter_mm / 2, dpi)
    patch = Image.new("L", img.size, 0)
    ImageDraw.Draw(patch).ellipse([x - r, y - r * 0.7, x + r, y + r * 0.7], fill=round(255 * strength))
    patch = patch.filter(ImageFilter.GaussianBlur(r / 3))
    white = Image.new(img.mode, img.size, 255 if img.mode == "L" else (255, 255, 255))
    return Image.composite(white, img, patch)


def hand_shadow(img: Image.Image, depth: float = 0.55, seed: int = 1) -> Image.Image:
    """The soft shadow of a phone and hand held over the page: a dark lobe from one edge."""
    rng = random.Random(seed)
    w, h = img.size
    shadow = Image.new("L", img.size, 255)
    edge_x = rng.choice((0, w))
    cy = rng.uniform(0.3, 0.7) * h
    ImageDraw.Draw(shadow).ellipse(
        [edge_x - 0.45 * w, cy - 0.25 * h, edge_x + 0.45 * w, cy + 0.25 * h], fill=round(255 * (1 - depth))
    )
    return _multiply(img, shadow.filter(ImageFilter.GaussianBlur(0.04 * w)))


def photocopy(img: Image.Image, generations: int = 2, seed: int = 1, dpi: float = 300) -> Image.Image:
    """A copy of a copy: each generation scaled 98%, turned a little, contrast pushed, toner specks, a grey
    streak from a dirty drum, and a slight blur."""
    rng = random.Random(seed)
    out = _gray(img)
    for g in range(generations):
        w, h = out.size
        shrunk = out.resize((round(w * 0.98), round(h * 0.98)), Image.Resampling.BILINEAR)
        sheet_ = Image.new("L", (w, h), 255)
        sheet_.paste(shrunk, (round(w * 0.01), round(h * 0.01)))
        out = sheet_.rotate(rng.uniform(-0.8, 0.8), Image.Resampling.BILINEAR, fillcolor=255)
        out = out.filter(ImageFilter.GaussianBlur(_px(0.06, dpi)))
        out = out.point([0 if v < 70 else 255 if v > 200 else round((v - 70) * 255 / 130) for v in range(256)])
        streak_x = rng.uniform(0.1, 0.9) * w
        band = Image.new("L", (w, h), 255)
        ImageDraw.Draw(band).rectangle([streak_x, 0, streak_x + _px(rng.uniform(1, 4), dpi), h], fill=225)
        out = ImageChops.multiply(out, band)
        out = noise(out, 0.002, seed=seed * 7 + g)
    return out


def fax(img: Image.Image, dpi: float = 300) -> Image.Image:
    """A fax: 204 x 98 dpi, black and white only, shown with every line doubled (as fax viewers do)."""
    w, h = img.size
    small = _gray(img).resize((round(w * 204 / dpi), round(h * 98 / dpi)), Image.Resampling.BOX)
    return small.point([0 if v < 128 else 255 for v in range(256)]).resize(
        (small.width, small.height * 2), Image.Resampling.NEAREST
    )


def unflattened_folds(
    img: Image.Image,
    lines: list[tuple[float, float, float]],
    seed: int = 1,
    dpi: float = 300,
    photo_dpi: float = 220,
    **camera,
) -> Image.Image:
    """A folded sheet opened and photographed without pressing it flat: the panels tilt (each a different
    brightness), the folds stand up and hide ~1 mm, and the paper sags between them."""
    rng = random.Random(seed)
    w, h = img.size
    found = [Crease(x * w, y * h, angle) for x, y, angle in lines]
    displace = crumple_displacement(img.size, found, _px(0.6, dpi), _px(0.5, dpi), _px(3, dpi), rng.randrange(1 << 30))
    moved = warp(img, displace, step=max(4, round(_px(2.0, dpi))))
    shaded = shade_creases(moved, found, dpi, rng.randrange(1 << 30), dark=(30, 80), shadow=(20, 60))
    lit = _multiply(shaded, facet_shading(img.size, found, 45, rng.randrange(1 << 30)))
    return phone_photo(lit, **{"tilt": 0.1, **camera}, seed=rng.randrange(1 << 30), dpi=dpi, photo_dpi=photo_dpi)


def office_scan(img: Image.Image, dpi: float = 150, quality: int = 75, from_dpi: float = 300) -> Image.Image:
    """What an office scanner's "scan to e-mail" preset sends: `dpi`, JPEG at `quality`."""
    return jpeg(downsample(img, dpi, from_dpi), quality)


# --- the realistic suite: named conditions, each a function (page image at 300 dpi, seed) -> damaged image ----
#
# Applied to every page of a sheet (seed = a per-page number, so each page of a crumpled sheet is crumpled its
# own way, while folds fall at the same place on every page, as when a sheet is folded with its pages together).

REALISTIC: dict[str, object] = {
    "folded in half": lambda p, s: creases(p, FOLDED_IN_HALF, seed=s),
    "folded in thirds": lambda p, s: creases(p, FOLDED_IN_THIRDS, seed=s),
    "folded in thirds, then in half": lambda p, s: creases(p, [*FOLDED_IN_THIRDS, (0.5, 0.5, 90)], seed=s),
    "folded in quarters, worn through": lambda p, s: creases(p, FOLDED_IN_QUARTERS, lift_mm=0.4, seed=s, worn=1.0),
    "crumpled, flattened, scanned": lambda p, s: crumple(p, 1.0, seed=s),
    "crumpled hard, flattened, scanned": lambda p, s: crumple(p, 1.6, seed=s),
    "water stain (60 mm)": lambda p, s: water_stain(p, 60, seed=s),
    "water stain (120 mm)": lambda p, s: water_stain(p, 120, seed=s, wash=0.55),
    "coffee ring": lambda p, s: coffee_ring(p, 80, seed=s),
    "two coffee rings": lambda p, s: coffee_ring(coffee_ring(p, 80, seed=s), 75, seed=s + 1),
    "sun-faded on one side": lambda p, s: sun_faded(p, 0.9, seed=s),
    "missing corner": lambda p, s: missing_corner(p, 50, seed=s),
    "missing corner, dark background": lambda p, s: missing_corner(p, 50, seed=s, background=30),
    "torn from the edge": lambda p, s: tear(p, 70, seed=s),
    "punched for a binder": lambda p, s: punch_holes(p),
    "pen scribbles": lambda p, s: scribble(p, strokes=4, seed=s),
    "office scan, 150 dpi JPEG": lambda p, s: office_scan(p, 150, 75),
    "office scan, 100 dpi JPEG": lambda p, s: office_scan(p, 100, 75),
    "photocopy of a photocopy": lambda p, s: photocopy(p, 2, seed=s),
    "fax": lambda p, s: fax(p),
    "phone photo from above": lambda p, s: phone_photo(p, tilt=0.03, rotation=2, seed=s, photo_dpi=250),
    "phone photo at an angle": lambda p, s: phone_photo(p, tilt=0.3, rotation=12, seed=s),
    "phone photo in dim light": lambda p, s: phone_photo(p, light=0.5, grain=12, blur=1.4, quality=70, seed=s),
    "phone photo, hand shake": lambda p, s: phone_photo(p, shake=4, seed=s),
    "phone photo from afar": lambda p, s: phone_photo(p, seed=s, photo_dpi=130),
    "phone photo, hand shadow": lambda p, s: phone_photo(hand_shadow(p, 0.5, seed=s), seed=s),
    "phone photo, glare": lambda p, s: phone_photo(glare(p, seed=s), seed=s),
    "folded in thirds, photographed unflattened": lambda p, s: unflattened_folds(p, FOLDED_IN_THIRDS, seed=s),
    "crumpled, photographed": lambda p, s: crumple_photo(p, 0.25, seed=s),
    "crumpled hard, photographed": lambda p, s: crumple_photo(p, 0.4, seed=s),
}


# --- folds and crumples (issue 25): the sheet as it comes out of years in a bag ---------------------------------
#
# The format-2 sheet prints fold lines at the paper's thirds (a letter envelope) and down its middle (folded once
# more); src/breakglass/paper/folds.py. A custodian folds by hand: near the lines, not on them. A sheet folded
# across them (in half the other way, in quarters, askew) is the case the lines do not prevent. Each condition is
# photographed as the sheet lies, not pressed flat: the creases stand up, hide and shift modules
# (crease_displacement), and the panels between them tilt under the lamp. Webcam: a 720p camera holding the
# whole page sees about 3 pixels a millimetre (76 dpi), soft and compressed.

PHONE_DPI = 220  # a phone photo of the whole page from about 40 cm
WEBCAM_DPI = 76  # 720 pixels over a page's 240 mm seen, with a margin: ~3 pixels a millimetre
WEBCAM = {"tilt": 0.05, "rotation": 4, "blur": 0.8, "grain": 6, "quality": 70, "photo_dpi": WEBCAM_DPI}


def printed_folds(seed: int, stray_mm: float = 1.5, half: bool = False) -> list[tuple[float, float, float]]:
    """The printed lines as a hand folds them: the thirds across (and, with `half`, the half down, printed on
    sheets with two codes a row), each up to `stray_mm` off its line and up to 1.5 degrees askew."""
    rng = random.Random(seed)
    across = [(0.5, y + rng.uniform(-stray_mm, stray_mm) / A4_MM[1], rng.uniform(-1.5, 1.5)) for y in (1 / 3, 2 / 3)]
    down = (0.5 + rng.uniform(-stray_mm, stray_mm) / A4_MM[0], 0.5, 90 + rng.uniform(-1.5, 1.5))
    return [*across, down] if half else across


def folds_across_lines(seed: int) -> list[tuple[float, float, float]]:
    """Folds that ignore the printed lines: in half across the page's height, then in half the other way and
    once more across, each near the middle and a little askew (a sheet folded to fit a wallet or a pocket)."""
    rng = random.Random(seed)
    return [
        (0.5, rng.uniform(0.42, 0.58), rng.uniform(-4, 4)),
        (rng.uniform(0.3, 0.7), 0.5, 90 + rng.uniform(-4, 4)),
        (0.5, rng.uniform(0.18, 0.28), rng.uniform(-4, 4)),
    ]


def webcam(img: Image.Image, seed: int = 1, dpi: float = 300) -> Image.Image:
    """A 720p webcam holding the whole sheet: ~3 pixels a millimetre, soft focus, strong compression."""
    return phone_photo(img, **WEBCAM, seed=seed, dpi=dpi)


FOLDS_AND_CRUMPLES: dict[str, object] = {
    "folded on its lines, phone photo unflattened": lambda p, s: unflattened_folds(
        p, printed_folds(s), seed=s, photo_dpi=PHONE_DPI
    ),
    "folded on its lines and in half, phone photo unflattened": lambda p, s: unflattened_folds(
        p, printed_folds(s, half=True), seed=s, photo_dpi=PHONE_DPI
    ),
    "folded across its lines, phone photo unflattened": lambda p, s: unflattened_folds(
        p, folds_across_lines(s), seed=s, photo_dpi=PHONE_DPI
    ),
    "crumpled hard, smoothed, phone photo unflattened": lambda p, s: crumple_photo(p, 0.4, seed=s, photo_dpi=PHONE_DPI),
    "720p webcam, whole sheet": lambda p, s: webcam(p, seed=s),
    "folded on its lines, 720p webcam unflattened": lambda p, s: unflattened_folds(
        p, printed_folds(s), seed=s, **WEBCAM
    ),
    "crumpled, smoothed, 720p webcam unflattened": lambda p, s: crumple_photo(p, 0.25, seed=s, **WEBCAM),
}
