"""A classroom on one server: K students at once, each pinning output cells and uploading a photo.

Run by hand: ``.venv/bin/python bench/load.py`` (K = 1, 10, 30 by default). One
``streamlit run`` process serves; one headless chromium holds K pages driven
concurrently. Reports p50 and p95 of a committed cell (a click on the edge page's output
grid) → settled page and upload → edge maps, errors, and the server's peak memory
(VmHWM). The browsers run on the same 2 cores as the server, so the figures are an upper
bound on what a classroom of separate laptops sees.

First it prices one student's interactions in server CPU (``/proc/<pid>/stat``): a burst
of hovers over the linked grid (answered in the browser: should cost the server nothing
beyond its idle tick), a burst of committed cells (one fragment rerun each), and an idle
stretch of the same length as the hovers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.browser import FORMULA, photo_12mp
from bench.server import CHROMIUM_FLAGS, DONE, app_process

CELLS = [(3, 3), (0, 1), (2, 0), (1, 2), (3, 0)]


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
        output = page.get_by_role("grid", name="Output 4×4", exact=True)
        for k in range(moves):
            before = await page.evaluate(FORMULA)
            i, j = CELLS[k % len(CELLS)]
            t0 = time.perf_counter()
            await output.locator(f'[data-i="{i}"][data-j="{j}"]').click()
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
        await page.get_by_role("img", name="Grayscale input, 500×375 pixels").wait_for(
            timeout=180_000
        )
        await page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot image').length >= 2", timeout=180_000
        )
        out["upload"].append((time.perf_counter() - t0) * 1e3)
        if await page.locator('[data-testid="stException"]').count():
            out["errors"] += 1
    except Exception as err:  # a timeout is a result here, not a crash of the benchmark
        out["errors"] += 1
        out["messages"].append(f"{type(err).__name__}: {str(err).splitlines()[0]}")
    finally:
        await context.close()


async def interaction_cost(url: str, pid: int, hovers: int, commits: int) -> dict:
    """Server CPU seconds over a burst of hovers, a burst of commits and an idle stretch."""
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS
        )
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        await page.goto(f"{url}/edge_detection", timeout=120_000)
        output = page.get_by_role("grid", name="Output 4×4", exact=True)
        await output.wait_for(timeout=120_000)
        await settle(page)
        await page.wait_for_timeout(1000)
        centres = []
        for label in ("Input 6×6", "Output 4×4"):
            centres += (
                await page.get_by_role("grid", name=label, exact=True)
                .locator('[role="gridcell"]')
                .evaluate_all(
                    "els => els.map(e => { const r = e.getBoundingClientRect();"
                    " return [r.x + r.width / 2, r.y + r.height / 2]; })"
                )
            )
        formula = await page.evaluate(FORMULA)
        cost = {}
        cpu0, t0 = cpu_seconds(pid), time.perf_counter()
        for k in range(hovers):
            x, y = centres[k % len(centres)]
            await page.mouse.move(x, y, steps=3)
            await page.wait_for_timeout(20)
        wall = time.perf_counter() - t0
        cost["hover"] = (cpu_seconds(pid) - cpu0, hovers, wall)
        assert await page.evaluate(FORMULA) == formula, "a hover reached Python"
        cpu0 = cpu_seconds(pid)
        await page.mouse.move(5, 5)
        await asyncio.sleep(wall)
        cost["idle"] = (cpu_seconds(pid) - cpu0, 0, wall)
        cpu0, t0 = cpu_seconds(pid), time.perf_counter()
        for k in range(commits):
            before = await page.evaluate(FORMULA)
            i, j = CELLS[k % len(CELLS)]
            await output.locator(f'[data-i="{i}"][data-j="{j}"]').click()
            await page.wait_for_function(f"{FORMULA} !== {before!r}", timeout=120_000)
            await settle(page)
        cost["commit"] = (cpu_seconds(pid) - cpu0, commits, time.perf_counter() - t0)
        await browser.close()
    return cost


async def classroom(url: str, k: int, photos: list[Path], moves: int) -> dict:
    out = {"slider": [], "upload": [], "errors": 0, "messages": []}
    async with async_playwright() as pw:
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
    parser.add_argument("--hovers", type=int, default=300)
    parser.add_argument("--commits", type=int, default=20)
    args = parser.parse_args()
    with app_process() as (url, proc):
        cost = asyncio.run(interaction_cost(url, proc.pid, args.hovers, args.commits))
    # The idle stretch prices the server's own tick (websocket pings, the health thread).
    idle_rate = cost["idle"][0] / cost["idle"][2]
    print("| one student, edge page | server CPU s | n | wall s | CPU ms each, net of idle |")
    print("|---|---:|---:|---:|---:|")
    for name, (cpu, n, wall) in cost.items():
        each = f"{(cpu - idle_rate * wall) / n * 1e3:.1f}" if n else "–"
        print(f"| {name} | {cpu:.2f} | {n} | {wall:.1f} | {each} |")
    print()
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
        "| students | commit p50 ms | commit p95 ms | upload p50 s | upload p95 s | errors "
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
