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

``--trainers 1 3 6`` runs the issue 16 scenario instead (training in worker processes):
for each K, K students open /train_cnn (the defaults at 60 epochs) and student B moves
the padding slider as above, first with the K Train pages open and idle, then while the
K students train, each pressing Train again with a new seed when their run ends, so K
runs are under way or queued throughout (moves during a gap are left out). One server
for every K. The server's whole process tree (server + worker processes, from /proc) is
sampled every 0.2 s for its summed RSS; CPU is split into the server process alone, its
workers, and the browsers (with Playwright's driver and this script). Afterwards: is
the same server process alive, does /_stcore/health answer ok. Targets: B's median with
3 training ≤ 1.5× with the 3 pages idle; the tree < 1 GB; the server alive.

``--hall 10:1 30:3`` runs the issue 20 scenario instead (a lecture hall): for each K:N,
``deploy/hall N`` starts N replicas of the image behind HAProxy (bench/hall.py) and the
classroom above (K students: cells, then a 12 MP upload) goes through the proxy.
Reports the same figures, and per replica the students it took (their websockets, from
HAProxy's log), its server's peak RSS, its container's peak memory (server, workers and
page cache: the memory cgroup) and its server's CPU. The image and container command
come from the environment as deploy/hall reads them (``CONVLAB_IMAGE``,
``CONVLAB_ENGINE``; on machines like this one also ``CONTAINERS_CONF``:
tests/deploy/container.py).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.browser import FORMULA, photo_12mp
from bench.hall import hall, server_cpu
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
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # the process ended meanwhile (a worker)
        return 0.0
    for line in status.splitlines():
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


# --trainers: K students training at once (issue 16) ---------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the process ended
        return None


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it, from each process's parent in /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += children.get(p, [])
    return tree


def tree_cpu(pid: int, exclude: int | None = None) -> float:
    """CPU seconds of ``pid``'s whole tree: every live process's own time plus what its
    ended (reaped) children used; ``exclude``'s subtree left out."""
    skip = set(descendants(exclude)) if exclude else set()
    total = 0.0
    for p in descendants(pid):
        if p in skip or (fields := _stat(p)) is None:
            continue
        total += sum(int(v) for v in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


class TreeSampler:
    """The server's process tree every ``every`` s: peak summed RSS, peak worker count."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.pid, self.every = pid, every
        self.peak_mb, self.peak_server_mb, self.peak_workers = 0.0, 0.0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def reset(self) -> None:
        self.peak_mb, self.peak_server_mb, self.peak_workers = 0.0, 0.0, 0

    def _loop(self) -> None:
        while not self._stop.is_set():
            tree = descendants(self.pid)
            rss = [rss_mb(p, "VmRSS") for p in tree]
            self.peak_mb = max(self.peak_mb, sum(r for r in rss if r == r))
            self.peak_server_mb = max(self.peak_server_mb, rss[0])
            self.peak_workers = max(self.peak_workers, len(tree) - 1)
            time.sleep(self.every)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()


class Clock:
    """CPU seconds of the server alone, its workers, and the browsers, between marks."""

    def __init__(self, server: int) -> None:
        self.server = server
        self.mark()

    def read(self) -> tuple[float, float, float, float]:
        server = cpu_seconds(self.server)
        workers = tree_cpu(self.server) - server
        browsers = tree_cpu(os.getpid(), exclude=self.server)
        return time.perf_counter(), server, workers, browsers

    def mark(self) -> None:
        self.start = self.read()

    def since(self) -> dict:
        now = self.read()
        wall, server, workers, browsers = (b - a for a, b in zip(self.start, now, strict=True))
        return {"wall": wall, "server": server, "workers": workers, "browsers": browsers}


def health(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as resp:
            return resp.read() == b"ok"
    except OSError:
        return False


async def train_again(page, seed: int, box: dict, i: int, times: list) -> None:
    """One student training on and on: a new seed (nothing shared), Train, the result."""
    seed_box = page.get_by_label("Seed", exact=True)
    while True:
        await seed_box.fill(str(seed))
        await seed_box.press("Enter")
        await settle(page)
        box["active"][i] = True
        t0 = time.perf_counter()
        await press_train(page)
        await page.get_by_text(ACCURACY).wait_for(state="hidden", timeout=120_000)
        await page.get_by_text(ACCURACY).wait_for(timeout=1_200_000)
        box["active"][i] = False
        times.append(time.perf_counter() - t0)
        seed = next(box["seeds"])
        await settle(page)


async def trainers_scenario(
    url: str, pid: int, ks: list[int], moves: int, own_browser: bool = False
) -> list[dict]:
    """For each K: B's slider with K Train pages idle, then while all K train throughout.

    ``own_browser``: B in a chromium of its own (a student's own laptop, on the same cores),
    not in the trainers' chromium, whose browser process relays every page's traffic."""
    rows = []
    seeds = itertools.count(3001)
    with TreeSampler(pid) as sampler:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS
            )
            browser_b = browser
            if own_browser:
                browser_b = await pw.chromium.launch(
                    executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS
                )
            ctx_b, b = await open_page(browser_b, f"{url}/padding")
            slider = (
                b.locator('[data-testid="stSlider"]')
                .filter(has_text="Image size n")
                .get_by_role("slider")
            )
            n = 0
            for k in ks:
                row = {"k": k, "idle": [], "busy": [], "late": 0, "runs": [], "errors": 0}
                # The previous K's runs are abandoned: wait until their workers are gone.
                deadline = time.monotonic() + 30
                while len(descendants(pid)) > 1 and time.monotonic() < deadline:
                    await asyncio.sleep(0.5)
                pages = [
                    await open_page(browser, train_url(url, 60, next(seeds))) for _ in range(k)
                ]
                await asyncio.sleep(1.0)
                clock = Clock(pid)
                sampler.reset()
                for _ in range(moves):
                    row["idle"].append(await slider_move(b, slider, n))
                    n += 1
                    await b.wait_for_timeout(150)
                row["idle_cpu"], row["idle_rss"] = clock.since(), sampler.peak_mb

                box = {"active": [False] * k, "seeds": seeds}
                tasks = [
                    asyncio.ensure_future(train_again(p, next(seeds), box, i, row["runs"]))
                    for i, (_, p) in enumerate(pages)
                ]
                # Measure from when a worker runs (the first page may be queued behind others).
                deadline = time.monotonic() + 300
                while len(descendants(pid)) < 2 and time.monotonic() < deadline:
                    await asyncio.sleep(0.2)
                clock.mark()
                sampler.reset()
                while len(row["busy"]) < moves:
                    if any(t.done() for t in tasks):  # a trainer failed: a result, not a crash
                        failed = next(t for t in tasks if t.done())
                        row["message"] = repr(failed.exception())
                        break
                    before = all(box["active"])
                    ms = await slider_move(b, slider, n)
                    n += 1
                    # Only moves with all K runs under way or queued throughout count.
                    if before and all(box["active"]):
                        row["busy"].append(ms)
                    else:
                        row["late"] += 1
                    await b.wait_for_timeout(150)
                row["busy_cpu"] = clock.since()
                row["busy_rss"], row["server_rss"] = sampler.peak_mb, sampler.peak_server_mb
                row["workers"] = sampler.peak_workers
                for t in tasks:
                    t.cancel()
                for context, p in pages:
                    row["errors"] += await p.locator('[data-testid="stException"]').count()
                    await context.close()
                row["errors"] += await b.locator('[data-testid="stException"]').count()
                rows.append(row)
            await ctx_b.close()
            await browser.close()
            if own_browser:
                await browser_b.close()
    return rows


def report_trainers(rows: list[dict], alive: bool, healthy: bool, load0, workers: int) -> None:
    cores = os.cpu_count()
    load1 = os.getloadavg()
    print(f"{cores} CPUs, W = {workers} training worker(s); load average (1, 5, 15 min)")
    print(f"  at start {', '.join(f'{v:.1f}' for v in load0)}, at end ", end="")
    print(", ".join(f"{v:.1f}" for v in load1))
    print(
        "\n| K training | B idle median / p90 ms | B while K train median / p90 ms "
        "| ratio median / p90 | n idle / busy (left out) | runs done, click → result s "
        "| tree RSS peak MB (server alone) | workers alive, peak |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        i, b = np.array(r["idle"]), np.array(r["busy"])
        mi, qi = np.median(i), np.percentile(i, 90)
        mb, qb = (np.median(b), np.percentile(b, 90)) if len(b) else (np.nan, np.nan)
        runs = r["runs"]
        spread = f"{len(runs)}, {min(runs):.0f}–{max(runs):.0f}" if runs else "0"
        print(
            f"| {r['k']} | {mi:.0f} / {qi:.0f} | {mb:.0f} / {qb:.0f} "
            f"| {mb / mi:.2f}× / {qb / qi:.2f}× | {len(i)} / {len(b)} ({r['late']}) "
            f"| {spread} | {max(r['idle_rss'], r['busy_rss']):.0f} ({r['server_rss']:.0f}) "
            f"| {r['workers']} |"
        )
    print(
        "\n| K training | phase | wall s | server CPU s (cores) | workers CPU s (cores) "
        "| browsers + driver CPU s (cores) |"
    )
    print("|---:|---|---:|---:|---:|---:|")
    for r in rows:
        for phase in ("idle", "busy"):
            c = r[f"{phase}_cpu"]
            w = c["wall"]
            cells = " | ".join(
                f"{c[x]:.1f} ({c[x] / w:.2f})" for x in ("server", "workers", "browsers")
            )
            print(f"| {r['k']} | {phase} | {w:.0f} | {cells} |")
    for r in rows:
        if r["errors"] or "message" in r:
            print(f"K={r['k']}: {r['errors']} error box(es) {r.get('message', '')}")
    print(f"\nSame server process alive afterwards: {alive}; /_stcore/health ok: {healthy}")


def photos_12mp(tmp: str, count: int) -> list[Path]:
    photos = []
    for i in range(count):
        path = Path(tmp) / f"photo{i}.jpg"
        path.write_bytes(photo_12mp(i))
        photos.append(path)
    return photos


def hall_scenario(setups: list[tuple[int, int]], moves: int) -> list[dict]:
    """For each (K, N): the classroom of K students through ``deploy/hall N``."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        photos = photos_12mp(tmp, max(k for k, _ in setups))
        for k, n in setups:
            with hall(n, f"convlab-bench-hall-{os.getpid()}-{n}") as lecture_hall:
                servers = [f"r{i}" for i in range(1, n + 1)]
                idle = {r: lecture_hall.peak_mb(r) for r in servers}
                cpu0 = {r: server_cpu(lecture_hall, r) for r in servers}
                seen = len(lecture_hall.requests())
                t0 = time.perf_counter()
                out = asyncio.run(classroom(lecture_hall.url, k, photos, moves))
                wall = time.perf_counter() - t0
                streams = [
                    q.server for q in lecture_hall.requests()[seen:] if q.path == "/_stcore/stream"
                ]
                replicas = {
                    r: (
                        streams.count(r),
                        idle[r],
                        lecture_hall.peak_mb(r),
                        server_cpu(lecture_hall, r) - cpu0[r],
                    )
                    for r in servers
                }
            rows.append({"k": k, "n": n, "out": out, "wall": wall, "replicas": replicas})
            for m in out["messages"][:3]:
                print(f"  K={k}, {n} replica(s): {m}", file=sys.stderr)
    return rows


def report_hall(rows: list[dict]) -> None:
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"Load average (1, 5, 15 min) at the end, {os.cpu_count()} CPUs: {load}\n")
    print(
        "| students K | replicas | commit p50 ms | commit p95 ms | upload p50 s "
        "| upload p95 s | errors | wall s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        out = row["out"]
        s = np.percentile(out["slider"], [50, 95]) if out["slider"] else [np.nan] * 2
        u = np.percentile(out["upload"], [50, 95]) / 1e3 if out["upload"] else [np.nan] * 2
        print(
            f"| {row['k']} | {row['n']} | {s[0]:.0f} | {s[1]:.0f} | {u[0]:.1f} | {u[1]:.1f} "
            f"| {out['errors']} | {row['wall']:.0f} |"
        )
    print(
        "\n| K / replicas | replica | students | server RSS peak MB | container memory "
        "idle → peak MB | server CPU s |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for row in rows:
        for r, (students, (_, idle), (rss, peak), cpu) in row["replicas"].items():
            print(
                f"| {row['k']} / {row['n']} | {r} | {students} | {rss:.0f} "
                f"| {idle:.0f} → {peak:.0f} | {cpu:.0f} |"
            )


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
    parser.add_argument(
        "--trainers",
        type=int,
        nargs="+",
        help="only the issue 16 scenario: B's slider while K students train, for each K",
    )
    parser.add_argument(
        "--own-browser",
        action="store_true",
        help="with --trainers: the slider's student in a chromium of their own",
    )
    parser.add_argument(
        "--workers", type=int, help="CONVLAB_TRAIN_WORKERS for the server (default: its own)"
    )
    parser.add_argument(
        "--hall",
        nargs="+",
        metavar="K:N",
        help="only the issue 20 scenario: K students through deploy/hall N, for each K:N",
    )
    args = parser.parse_args()
    if args.hall:
        setups = [tuple(int(v) for v in pair.split(":")) for pair in args.hall]
        report_hall(hall_scenario(setups, args.moves))
        return
    if args.workers:
        os.environ["CONVLAB_TRAIN_WORKERS"] = str(args.workers)
    if args.trainers:
        from cnn_core.workers import default_workers

        load0 = os.getloadavg()
        with app_process() as (url, proc):
            rows = asyncio.run(
                trainers_scenario(url, proc.pid, args.trainers, args.moves, args.own_browser)
            )
            alive, healthy = proc.poll() is None, health(url)
        report_trainers(rows, alive, healthy, load0, default_workers())
        return
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
        photos = photos_12mp(tmp, max(args.students))
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
