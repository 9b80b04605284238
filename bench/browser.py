"""How fast the app answers a person, measured in Debian's chromium.

Run by hand: ``.venv/bin/python bench/browser.py``. Starts ``streamlit run app.py`` on a
free port and reports medians of:
- slider → updated figure: a key press on a lecture-size slider until the new numbers
  are on screen and Streamlit is idle (target < 300 ms on this machine);
- 12 MP upload → edge map: from handing the file to the uploader until the edge maps
  are drawn (target < 3 s).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.server import launch_chromium, streamlit_server, wait_for_run

FORMULA = "document.querySelector('.convlab-formula').innerText"


def photo_12mp(seed: int) -> bytes:
    """A 4000×3000 JPEG with shapes and gradients: photo-like size and compression."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:3000, 0:4000]
    base = ((xx / 4000 * 120) + (yy / 3000 * 80)).astype(np.uint8)
    img = Image.fromarray(np.stack([base, base[::-1], base[:, ::-1]], axis=2))
    draw = ImageDraw.Draw(img)
    for _ in range(60):
        x, y = rng.integers(0, 3600, 2)
        w, h = rng.integers(80, 900, 2)
        draw.ellipse([x, y, x + w, y + h], fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    noise = rng.normal(0, 6, (3000, 4000, 3))
    pixels = np.clip(np.asarray(img, dtype=np.float64) + noise, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def slider_latency(page, url: str, path: str, label: str, repeat: int) -> list[float]:
    """ms from a key press on the slider to the new formula on screen, Streamlit idle."""
    page.goto(f"{url}/{path}")
    wait_for_run(page)
    slider = page.locator('[data-testid="stSlider"]').filter(has_text=label).get_by_role("slider")
    times = []
    for k in range(repeat):
        before = page.evaluate(FORMULA)
        slider.focus()
        t0 = time.perf_counter()
        page.keyboard.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
        page.wait_for_function(f"{FORMULA} !== {before!r}", timeout=10_000)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
        times.append((time.perf_counter() - t0) * 1e3)
        page.wait_for_timeout(150)
    return times


def upload_latency(page, url: str, repeat: int) -> tuple[list[float], int]:
    times, size = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(repeat):
            data = photo_12mp(k)  # a new file each time: no cache hit
            size = len(data)
            path = Path(tmp) / f"photo{k}.jpg"
            path.write_bytes(data)
            page.goto(f"{url}/edge_detection")
            wait_for_run(page)
            page.locator('[data-testid="stSelectbox"]').filter(has_text="Input image").click()
            page.get_by_role("option", name="Upload your own image").click()
            wait_for_run(page)
            t0 = time.perf_counter()
            page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(path))
            page.get_by_text("computed at 500×375 pixels").wait_for(timeout=60_000)
            page.wait_for_function(
                "document.querySelectorAll('.js-plotly-plot .layer-above image, "
                ".js-plotly-plot image').length >= 4",
                timeout=60_000,
            )
            times.append((time.perf_counter() - t0) * 1e3)
    return times, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--uploads", type=int, default=3)
    args = parser.parse_args()
    with streamlit_server() as url, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        rows = []
        for path, label in [
            ("edge_detection", "Output row i"),
            ("padding", "Image size n"),
            ("stride", "Stride s"),
        ]:
            times = slider_latency(page, url, path, label, args.repeat)
            rows.append((f"slider → figure, {path} ({label})", times))
        up, size = upload_latency(page, url, args.uploads)
        rows.append((f"12 MP upload ({size / 2**20:.1f} MB JPEG) → edge maps", up))
        browser.close()
    print("| interaction | median ms | p90 ms | n |\n|---|---:|---:|---:|")
    for name, times in rows:
        p90 = float(np.percentile(times, 90))
        print(f"| {name} | {statistics.median(times):.0f} | {p90:.0f} | {len(times)} |")


if __name__ == "__main__":
    main()
