"""The recovery page in a real browser (Debian's chromium, driven by Playwright; install.sh test installs both),
opened from file:// with every request aborted and counted: each outcome is compared with `breakglass recombine`
on the same files. One browser for the module; sets are split and rendered once."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import damage  # noqa: E402
import pagekit  # noqa: E402
from pagekit import PageSession, cli, cli_outcome, render, split_set  # noqa: E402

pytestmark = pytest.mark.skipif(
    not (pagekit.browser_available() and pagekit.has_pdftoppm()),
    reason="needs Debian's chromium and playwright (sh install.sh test)",
)

ROOT = Path(__file__).resolve().parent.parent
SETS = {  # name: (credential, k, n, format)
    "2 KiB, 3 of 4, format 2": (bytes(range(256)) * 8, 3, 4, 2),
    "32 B text, 2 of 3, format 2": (b"correct horse battery staple 32b", 2, 3, 2),
    "8 KiB, 5 of 5, format 2": (bytes((i * 7 + 3) % 256 for i in range(8192)), 5, 5, 2),
    "100 B, 2 of 3, format 1": (("p\u00e4ssw\u00f6rd-" * 10).encode()[:100], 2, 3, 1),
}


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("page")


@pytest.fixture(scope="module")
def page_file(work) -> Path:
    out = work / "recover.html"
    run = cli("recovery-page", "--out", out)
    assert run.returncode == 0, run.stderr
    return out


@pytest.fixture(scope="module")
def sheets(work) -> dict[str, dict[int, list[Path]]]:
    """Every set's sheets rendered at 150 dpi, by share number (a sheet may have several pages)."""
    out = {}
    for number, (name, (secret, k, n, version)) in enumerate(SETS.items()):
        pdfs = split_set(work / f"set{number}", secret, k, n, version)
        images = work / f"set{number}" / "images"
        images.mkdir()
        out[name] = {share: render(pdf, images) for share, pdf in pdfs.items()}
    return out


@pytest.fixture(scope="module")
def pw():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(pw):
    b = pagekit.launch(pw)
    yield b
    b.close()


def files_of(sheets_of_set: dict[int, list[Path]], shares) -> list[Path]:
    return [page for share in shares for page in sheets_of_set[share]]


def read_on_page(browser, page_file, files=(), typed=None) -> pagekit.Seen:
    session = PageSession(browser, page_file)
    try:
        seconds = session.give_files(list(files)) if files else 0.0
        if typed is not None:
            session.give_typed(typed)
        seen = session.seen()
        seen.seconds = seconds
        return seen
    finally:
        session.close()


def assert_sealed(seen: pagekit.Seen) -> None:
    assert seen.requests == [], f"the page made requests: {seen.requests}"
    assert seen.violations == [], f"Content-Security-Policy violations: {seen.violations}"


def assert_same_as_cli(seen: pagekit.Seen, files, typed=()) -> str:
    recovered, fingerprint, said = cli_outcome(list(files), list(typed))
    assert (seen.state == "recovered") == recovered, f"page: {seen.state} {seen.message}\ncli: {said}"
    if recovered:
        assert seen.fingerprint == fingerprint
    return said


@pytest.mark.parametrize("name", list(SETS))
def test_a_set_recovers_from_its_sheets_as_recombine_does(browser, page_file, sheets, name):
    secret, k, n, version = SETS[name]
    given = list(range(n - k + 1, n + 1))  # the last k shares
    files = files_of(sheets[name], given)
    seen = read_on_page(browser, page_file, files)
    assert_sealed(seen)
    assert seen.state == "recovered", seen.message
    assert seen.states("found") == given
    assert seen.states("missing") == [i for i in range(1, n + 1) if i not in given]
    assert_same_as_cli(seen, files)


def test_drill_reveals_nothing_and_release_shows_the_exact_bytes(browser, page_file, sheets, tmp_path):
    for name, encoding in (("32 B text, 2 of 3, format 2", "utf-8"), ("2 KiB, 3 of 4, format 2", "hex")):
        secret, k, _n, _v = SETS[name]
        session = PageSession(browser, page_file)
        try:
            session.give_files(files_of(sheets[name], range(1, k + 1)))
            assert session.by("status").get_attribute("data-state") == "recovered"
            assert session.by("reveal").count() == 0 and session.by("credential").count() == 0
            assert secret.hex() not in session.page.content() and "correct horse" not in session.page.content()
            session.by("mode").select_option("release")
            session.settle()
            session.by("reveal").click()
            shown = session.by("credential")
            assert shown.get_attribute("data-encoding") == encoding
            assert shown.text_content() == (secret.decode() if encoding == "utf-8" else secret.hex())
            with session.page.expect_download() as download:
                session.by("download").click()
            saved = tmp_path / f"{encoding}.bin"
            download.value.save_as(saved)
            assert saved.read_bytes() == secret
            session.by("clear").click()
            assert session.by("credential").count() == 0 and session.by("download").count() == 0
            assert_sealed(session.seen())
        finally:
            session.close()


def test_k_minus_1_sheets_need_more_as_recombine_says(browser, page_file, sheets):
    name = "2 KiB, 3 of 4, format 2"
    files = files_of(sheets[name], [1, 4])
    seen = read_on_page(browser, page_file, files)
    assert_sealed(seen)
    assert seen.state == "need-more" and "need 3 shares, have 2" in seen.message
    said = assert_same_as_cli(seen, files)
    assert "need 3 shares, have 2" in said


def test_damaged_photos_and_several_sheets_on_one_image(browser, page_file, work, sheets):
    name = "32 B text, 2 of 3, format 2"
    folder = work / "damaged"
    folder.mkdir()
    pages = [
        render(sheets_pdf, folder, dpi=300)[0]
        for sheets_pdf in sorted((work / "set1" / "sheets").glob("*-share-*.pdf"))[:2]
    ]
    from PIL import Image

    photos = []
    for page, condition in zip(pages, ("phone photo at an angle", "crumpled, photographed"), strict=False):
        photo = damage.REALISTIC[condition](Image.open(page), 3)
        photos.append(folder / f"{page.stem}-photo.jpg")
        photo.convert("RGB").save(photos[-1], quality=85)
    seen = read_on_page(browser, page_file, photos)
    assert_sealed(seen)
    assert seen.state == "recovered", seen.message
    assert_same_as_cli(seen, photos)
    both = folder / "two-sheets-on-one-image.png"
    damage.side_by_side([Image.open(p) for p in sheets[name][1] + sheets[name][2]]).save(both)
    seen = read_on_page(browser, page_file, [both])
    assert seen.state == "recovered" and seen.states("found") == [1, 2]
    assert_same_as_cli(seen, [both])


def typed_text_of(pdf: Path) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_typed_lines_with_a_typo_are_corrected(browser, page_file, work, tmp_path):
    pdfs = sorted((work / "set1" / "sheets").glob("*-share-*.pdf"))[:2]
    text = "\n".join(typed_text_of(p) for p in pdfs)
    line = re.search(r"^\s*01 ([0-9A-Z]{4}) ", text, re.M)
    group = line.group(1)
    typo = group[:2] + ("X" if group[2] != "X" else "Y") + group[3:]
    text = text[: line.start(1)] + typo + text[line.end(1) :]
    seen = read_on_page(browser, page_file, typed=text)
    assert_sealed(seen)
    assert seen.state == "recovered", seen.message
    typed_file = tmp_path / "typed.txt"
    typed_file.write_text(text)
    assert_same_as_cli(seen, [], [typed_file])


def qr_page(texts: list[str], out: Path) -> Path:
    image, _ = damage.synthetic_page(texts, dpi=200, module_mm=0.9)
    image.save(out)
    return out


def share_page(share_hex: str, out: Path) -> Path:
    from breakglass.format.v2 import Share as Share2
    from breakglass.format.v2 import qrtext as qrtext2

    share = Share2.from_bytes(bytes.fromhex(share_hex))
    return qr_page(qrtext2.encode(share, 400, parity=0), out)


@pytest.mark.parametrize("case", ["share 3 altered (own tree), exactly k", "share 3 altered, k + 1 shares"])
def test_an_altered_share_is_named_with_exactly_k_and_with_k_plus_1(browser, page_file, tmp_path, case):
    vectors = json.loads((ROOT / "tests" / "vectors" / "vectors2.json").read_text())
    cheat = next(c for c in vectors["cheating"] if c["name"] == case)
    files = [share_page(h, tmp_path / f"share-{i}.png") for i, h in enumerate(cheat["shares_hex"])]
    seen = read_on_page(browser, page_file, files)
    assert_sealed(seen)
    said = assert_same_as_cli(seen, files)
    assert "share 3" in seen.message and "share 3" in said
    assert seen.states("named") == [3]
    assert seen.state == ("refused" if cheat["expect"].get("refused") else "recovered")


def test_mixed_sets(browser, page_file, sheets):
    two = "32 B text, 2 of 3, format 2"
    files = files_of(sheets[two], [1, 2]) + files_of(sheets["2 KiB, 3 of 4, format 2"], [1])
    seen = read_on_page(browser, page_file, files)
    assert seen.state == "recovered" and seen.states("found") == [1, 2]
    assert [s for s in seen.shares if s[2] == "set-aside"], seen.shares
    assert_same_as_cli(seen, files)
    complete_two = files_of(sheets[two], [1, 2]) + files_of(sheets["100 B, 2 of 3, format 1"], [1, 2])
    seen = read_on_page(browser, page_file, complete_two)
    assert_sealed(seen)
    assert seen.state == "refused" and "complete sets" in seen.message
    assert_same_as_cli(seen, complete_two)


def test_a_newer_version_code_is_named(browser, page_file, sheets, tmp_path):
    newer = qr_page(["BG3:0123456789ABCDEF:1:1:2000:1/1+0:" + "A" * 40], tmp_path / "newer.png")
    seen = read_on_page(browser, page_file, [newer])
    assert_sealed(seen)
    assert seen.state == "need-more" and "newer version of breakglass (format 3)" in seen.message
    recovered, _fp, said = cli_outcome([newer])
    assert not recovered and "newer version" in said
    files = files_of(sheets["32 B text, 2 of 3, format 2"], [2, 3]) + [newer]
    seen = read_on_page(browser, page_file, files)
    assert seen.state == "recovered"
    assert_same_as_cli(seen, files)


def test_the_camera_reads_sheets_held_up_one_after_another(pw, page_file, sheets, work):
    """Chromium's fake capture device plays a video of share 1's codes, then share 2's (a person holding the
    sheets up in turn); the page finds both and recovers, as recombine does on the same frames."""
    from PIL import Image
    from playwright.sync_api import expect

    name = "32 B text, 2 of 3, format 2"
    frames, stills = [], []
    for share in (1, 2):
        page = Image.open(sheets[name][share][0])
        frame = pagekit.camera_frame(page, damage.code_boxes(page))
        frames += [frame] * 15
        stills.append(work / f"camera-frame-{share}.png")
        frame.save(stills[-1])
    video = pagekit.write_y4m(frames, work / "sheets.y4m")
    fake = [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = pagekit.launch(pw, fake)  # a second browser: the fake camera is a launch option
    try:
        session = PageSession(browser, page_file)
        session.by("camera").click()
        expect(session.by("status")).to_have_attribute("data-state", "recovered", timeout=60_000)
        seen = session.seen()
    finally:
        browser.close()
    assert_sealed(seen)
    assert seen.states("found") == [1, 2]
    assert_same_as_cli(seen, stills)
