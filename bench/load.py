"""A classroom on one server: K students at once, each moving sliders and uploading a photo.

Run by hand: ``.venv/bin/python bench/load.py`` (K = 1, 10, 30 by default). One
``streamlit run`` process serves; one headless chromium holds K pages driven
concurrently. Reports p50 and p95 of slider → figure and upload → edge maps, errors,
and the server's peak memory (VmHWM). The browsers run on the same 2 cores as the
server, so the figures are an upper bound on what a classroom of separate laptops sees.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.browser import FORMULA, photo_12mp
from tests.e2e.server import CHROMIUM_FLAGS, DONE, app_process


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return float("nan")


async def settle(page) -> None:
    for _ in range(2):
        await page.wait_for_timeout(250)
        await page.wait_for_selector(DONE, timeout=120_000)


async def student(browser, url: str, photo: Path, moves: int, out: dict) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    try:
        await page.goto(f"{url}/edge_detection", timeout=120_000)
        await page.locator(".convlab-formula").first.wait_for(timeout=120_000)
        await settle(page)
        slider = page.locator('[data-testid="stSlider"]').filter(has_text="Output row i")
        for k in range(moves):
            before = await page.evaluate(FORMULA)
            await slider.get_by_role("slider").focus()
            t0 = time.perf_counter()
            await page.keyboard.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
            await page.wait_for_function(f"{FORMULA} !== {before!r}", timeout=120_000)
            await page.wait_for_selector(DONE, timeout=120_000)
            out["slider"].append((time.perf_counter() - t0) * 1e3)
            await page.wait_for_timeout(300)
        await page.locator('[data-testid="stSelectbox"]').filter(has_text="Input image").click()
        await page.get_by_role("option", name="Upload your own image").click()
        await settle(page)
        t0 = time.perf_counter()
        await page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', photo)
        await page.get_by_text("computed at 500×375 pixels").wait_for(timeout=180_000)
        await page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot image').length >= 4", timeout=180_000
        )
        out["upload"].append((time.perf_counter() - t0) * 1e3)
        if await page.locator('[data-testid="stException"]').count():
            out["errors"] += 1
    except Exception as err:  # a timeout is a result here, not a crash of the benchmark
        out["errors"] += 1
        out["messages"].append(f"{type(err).__name__}: {str(err).splitlines()[0]}")
    finally:
        await context.close()


async def classroom(url: str, k: int, photos: list[Path], moves: int) -> dict:
    out = {"slider": [], "upload": [], "errors": 0, "messages": []}
    async with async_playwright() as pw:
        import shutil

        browser = await pw.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS
        )
        await asyncio.gather(*(student(browser, url, photos[i], moves, out) for i in range(k)))
        await browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--moves", type=int, default=5)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        photos = []
        for i in range(max(args.students)):
            path = Path(tmp) / f"photo{i}.jpg"
            path.write_bytes(photo_12mp(i))
            photos.append(path)
        for k in args.students:
            with app_process() as (url, proc):
                peak = {"rss": 0.0}
                stop = threading.Event()

                def sample(pid=proc.pid, peak=peak, stop=stop) -> None:
                    while not stop.is_set():
                        peak["rss"] = max(peak["rss"], rss_mb(pid, "VmRSS"))
                        time.sleep(0.2)

                sampler = threading.Thread(target=sample, daemon=True)
                sampler.start()
                idle = rss_mb(proc.pid, "VmRSS")
                cpu0 = cpu_seconds(proc.pid)
                t0 = time.perf_counter()
                out = asyncio.run(classroom(url, k, photos, args.moves))
                wall = time.perf_counter() - t0
                cpu = cpu_seconds(proc.pid) - cpu0
                stop.set()
                hwm = rss_mb(proc.pid, "VmHWM")
            rows.append((k, out, idle, hwm, wall, cpu))
            for m in out["messages"][:3]:
                print(f"  K={k}: {m}", file=sys.stderr)
    print(
        "| students | slider p50 ms | slider p95 ms | upload p50 s | upload p95 s | errors "
        "| server RSS idle → peak MB | wall s | server CPU s (share of 2 cores) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k, out, idle, hwm, wall, cpu in rows:
        s = np.percentile(out["slider"], [50, 95]) if out["slider"] else [np.nan] * 2
        u = np.percentile(out["upload"], [50, 95]) / 1e3 if out["upload"] else [np.nan] * 2
        print(
            f"| {k} | {s[0]:.0f} | {s[1]:.0f} | {u[0]:.1f} | {u[1]:.1f} | {out['errors']} "
            f"| {idle:.0f} → {hwm:.0f} | {wall:.0f} | {cpu:.0f} ({cpu / wall / 2:.0%}) |"
        )


if __name__ == "__main__":
    main()
