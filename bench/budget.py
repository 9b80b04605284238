"""The training budget against measured time and memory (run by hand).

Each run trains in a fresh process with one BLAS thread, as a worker does
(cnn_core.workers), and prints the budget's count beside what the run took: wall and
CPU seconds, multiply-adds per second, and peak memory over the process's start. The
ratio column is measured G/s against the digits network's own in the same run, so a
noisy machine shows as a shift of every row, not of one.

    .venv/bin/python bench/budget.py            # every run (about two minutes)
    .venv/bin/python bench/budget.py --quick    # the short ones
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIGGER = (
    "conv 3 1 same 16; pool 2 2 max; conv 3 1 same 32; pool 2 2 max; flatten; dense 64; softmax 10"
)
RUNS = [
    ("defaults, 12 epochs", "", 12, 32, True),
    ("defaults, 2 epochs, batch 1", "", 2, 1, True),
    ("defaults, 60 epochs", "", 60, 32, False),
    ("defaults, 200 epochs", "", 200, 32, False),
    ("bigger network, 30 epochs", BIGGER, 30, 32, False),
    ("dense 4096, 3 epochs", "flatten; dense 4096; dense 4096; softmax 10", 3, 32, False),
]

CHILD = """
import json, resource, sys, time
from cnn_core import DIGITS_NETWORK, train
from cnn_core.budget import training_cost
from cnn_core.digits import digit_arrays
from ui.controls.network_link import parse_network
net, epochs, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
layers = parse_network(net) if net else DIGITS_NETWORK
x, y, xt, yt = digit_arrays()
cost = training_cost((8, 8, 1), layers, examples=len(x), epochs=epochs, batch_size=batch,
                     validation=len(xt))
start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
wall, cpu = time.perf_counter(), time.process_time()
result = train(x, y, layers, epochs=epochs, batch_size=batch, validation=(xt, yt))
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start_rss
print(json.dumps({"g": cost.multiply_adds / 1e9, "mb_est": cost.memory_bytes / 2**20,
                  "wall": wall, "cpu": cpu, "mb": peak / 1024,
                  "acc": result.history[-1].test_accuracy}))
"""


def measure(net: str, epochs: int, batch: int) -> dict:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, net, str(epochs), str(batch)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the short runs")
    args = parser.parse_args()
    print(
        f"{'run':<30} {'budget G':>9} {'wall s':>7} {'cpu s':>6} {'G/s':>5} {'ratio':>6} "
        f"{'est MB':>7} {'peak MB':>8} {'test acc':>8}"
    )
    reference = None
    for name, net, epochs, batch, quick in RUNS:
        if args.quick and not quick:
            continue
        r = measure(net, epochs, batch)
        rate = r["g"] / r["cpu"]
        reference = reference or rate
        print(
            f"{name:<30} {r['g']:>9.1f} {r['wall']:>7.1f} {r['cpu']:>6.1f} {rate:>5.2f} "
            f"{rate / reference:>5.2f}× {r['mb_est']:>7.0f} {r['mb']:>8.0f} {r['acc']:>8.3f}"
        )


if __name__ == "__main__":
    main()
