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

``--while-training`` runs another scenario instead (issue 10: a class shares work, and
one student's training must not stall another's page). On one server, student B moves
the padding page's "Image size n" slider with the keyboard, timed to the settled page,
first with no one training, then while student A trains on /train_cnn (a long run: many
epochs, a new seed each round so nothing is cached), alternating for ``--rounds``.
Reports B's median and p90 idle and while training, their ratio (target ≤ 2×), and A's
training time. Then two students press Train with identical settings at once: one must
train and the other be told the run is shared; the server CPU of that pair is compared
with one student training a setting alone, and with a third student pressing Train on
settings already trained.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
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
ACCURACY = re.compile(r"^Test accuracy: \d+\.\d %$")
ON_SERVER = re.compile(r"s on this server")
SHARED = "shared, not redone"


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


async def open_page(browser, url: str):
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(url, timeout=120_000)
    await settle(page)
    return context, page


async def slider_move(page, slider, k: int) -> float:
    """ms from a key press on the slider to the new formula on screen, Streamlit idle."""
    before = await page.evaluate(FORMULA)
    await slider.focus()
    t0 = time.perf_counter()
    await page.keyboard.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
    await page.wait_for_function(f"{FORMULA} !== {before!r}", timeout=120_000)
    await page.wait_for_selector(DONE, timeout=120_000)
    return (time.perf_counter() - t0) * 1e3


async def press_train(page) -> None:
    await page.get_by_role("button", name="Train", exact=True).click()


async def trained_caption(page) -> str:
    """Wait for the result of a press of Train; return its caption (time, shared or not)."""
    await page.get_by_text(ACCURACY).wait_for(timeout=600_000)
    await settle(page)
    return await page.get_by_text(ON_SERVER).inner_text()


def train_url(url: str, epochs: int, seed: int) -> str:
    return f"{url}/train_cnn?epochs={epochs}&seed={seed}"


async def while_training(
    url: str, pid: int, rounds: int, moves: int, epochs: int, share_epochs: int
) -> dict:
    """B's slider idle and while A trains, then the server CPU of a shared run."""
    out = {"idle": [], "busy": [], "train": [], "late": 0, "share": {}}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS
        )
        ctx_b, b = await open_page(browser, f"{url}/padding")
        slider = (
            b.locator('[data-testid="stSlider"]')
            .filter(has_text="Image size n")
            .get_by_role("slider")
        )
        k = 0
        for r in range(rounds):
            for _ in range(moves):
                out["idle"].append(await slider_move(b, slider, k))
                k += 1
                await b.wait_for_timeout(150)
            # A new seed each round: the same settings would be shared, not trained again.
            ctx_a, a = await open_page(browser, train_url(url, epochs, 1000 + r))
            t0 = time.perf_counter()
            await press_train(a)
            done = asyncio.ensure_future(trained_caption(a))
            await a.get_by_text(re.compile(r"^Step \d+ of \d+")).wait_for(timeout=120_000)
            while not done.done():
                ms = await slider_move(b, slider, k)
                k += 1
                # Only moves that ended before the result came count as "while training".
                if done.done():
                    out["late"] += 1
                else:
                    out["busy"].append(ms)
                await b.wait_for_timeout(150)
            caption = await done
            wall = time.perf_counter() - t0
            server = float(re.search(r"([\d.]+) s on this server", caption).group(1))
            out["train"].append((wall, server))
            await ctx_a.close()
        await ctx_b.close()

        # Sharing: one student alone, two at once with identical settings, then a third
        # student on settings already trained. New seeds: nothing cached before.
        for name, seed, students in [("alone", 2001, 1), ("pair", 2002, 2), ("after", 2002, 1)]:
            pages = [
                await open_page(browser, train_url(url, share_epochs, seed))
                for _ in range(students)
            ]
            await asyncio.sleep(1.0)
            cpu0, t0 = cpu_seconds(pid), time.perf_counter()
            await asyncio.gather(*(press_train(p) for _, p in pages))
            captions = await asyncio.gather(*(trained_caption(p) for _, p in pages))
            wall = time.perf_counter() - t0
            cpu = cpu_seconds(pid) - cpu0
            shared = sum(SHARED in c for c in captions)
            out["share"][name] = (students, cpu, wall, shared, captions)
            for context, _ in pages:
                await context.close()
        await browser.close()
    return out


def report_while_training(out: dict, epochs: int, share_epochs: int) -> None:
    idle, busy = np.array(out["idle"]), np.array(out["busy"])
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"Load average (1, 5, 15 min) at the end, {os.cpu_count()} CPUs: {load}\n")
    print("| B: padding slider → settled page | median ms | p90 ms | n |")
    print("|---|---:|---:|---:|")
    rows = {"no one training": idle, f"while A trains ({epochs} epochs)": busy}
    stats = {}
    for name, times in rows.items():
        med, p90 = (np.median(times), np.percentile(times, 90)) if len(times) else (np.nan,) * 2
        stats[name] = (med, p90)
        print(f"| {name} | {med:.0f} | {p90:.0f} | {len(times)} |")
    (m0, q0), (m1, q1) = stats.values()
    print(f"| ratio, while training ÷ idle | {m1 / m0:.2f}× | {q1 / q0:.2f}× | |")
    print(f"\n({out['late']} move(s) that ended after A's result came are left out.)")
    trains = ", ".join(f"{w:.1f} s ({s:.1f} s on the server)" for w, s in out["train"])
    print(f"A's training, click → result on screen: {trains}\n")
    print(
        f"| Train pressed, {share_epochs} epochs | students | server CPU s | wall s "
        "| told 'shared' |"
    )
    print("|---|---:|---:|---:|---:|")
    labels = {
        "alone": "one student, new settings",
        "pair": "two students at once, identical new settings",
        "after": "a third student, the pair's settings again",
    }
    for name, (students, cpu, wall, shared, _) in out["share"].items():
        print(f"| {labels[name]} | {students} | {cpu:.2f} | {wall:.1f} | {shared} |")
    pair = out["share"]["pair"]
    if pair[3] != 1 or out["share"]["after"][3] != 1 or out["share"]["alone"][3] != 0:
        print("\nSHARING FAILED:", *(c for v in out["share"].values() for c in v[4]), sep="\n")
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--moves", type=int, default=5)
    parser.add_argument("--hovers", type=int, default=300)
    parser.add_argument("--commits", type=int, default=20)
    parser.add_argument(
        "--while-training",
        action="store_true",
        help="only the training scenario: B's slider idle and while A trains; a shared run",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="idle/training rounds, 2 × --moves idle moves each"
    )
    parser.add_argument("--epochs", type=int, default=60, help="A's run, per round")
    parser.add_argument("--share-epochs", type=int, default=60)
    args = parser.parse_args()
    if args.while_training:
        with app_process() as (url, proc):
            out = asyncio.run(
                while_training(
                    url, proc.pid, args.rounds, args.moves * 2, args.epochs, args.share_epochs
                )
            )
        report_while_training(out, args.epochs, args.share_epochs)
        return
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
