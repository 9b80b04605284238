"""Engine speed and memory against PyTorch (and SciPy), measured in the same run.

Run by hand: ``.venv/bin/python bench/engine.py`` (needs ``pip install torch==2.13.0``
in the venv; torch is a benchmark tool, not an app requirement). Prints, per workload,
the median time of cnn_core, torch and scipy, and cnn_core's ratio to torch (< 1 is
faster). Targets: every ratio ≤ 1.5; workload (c) peak extra memory < 4× its input.
Workloads (f)–(h) are the batch forward and backward passes that training runs (torch's
backward is its ``convolution_backward`` kernel alone); they are measured, with no target
yet.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cnn_core import conv2d, conv2d_backward, pool2d

try:
    import torch
    import torch.nn.functional as F  # noqa: N812 - the name every torch user knows
except ImportError:  # pragma: no cover - the benchmark says what is missing
    torch = None
try:
    from scipy.signal import correlate
except ImportError:  # pragma: no cover
    correlate = None


def median_ms(fn, repeat: int) -> float:
    """Median wall time in ms over ``repeat`` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def conv_workload(n_H, n_W, n_c, n_f, f, s, p, rng):
    x = rng.standard_normal((n_H, n_W, n_c), dtype=np.float32)
    w = rng.standard_normal((f, f, n_c, n_f), dtype=np.float32)
    ours = lambda: conv2d(x, w, stride=s, padding=p)  # noqa: E731
    ref = scp = None
    if torch is not None:
        xt = torch.from_numpy(x).permute(2, 0, 1)[None].contiguous()
        wt = torch.from_numpy(w).permute(3, 2, 0, 1).contiguous()

        def ref():
            with torch.no_grad():
                return F.conv2d(xt, wt, stride=s, padding=p)

    if correlate is not None and s == 1:
        xp = np.pad(x, ((p, p), (p, p), (0, 0)))

        def scp():
            return [correlate(xp, w[..., k], mode="valid", method="auto") for k in range(n_f)]

    return x, ours, ref, scp


def batch_workload(m, n_H, n_W, n_c, n_f, f, s, p, rng, backward=False):
    """A batch through conv2d, or (``backward``) dZ back through conv2d_backward."""
    x = rng.standard_normal((m, n_H, n_W, n_c), dtype=np.float32)
    w = rng.standard_normal((f, f, n_c, n_f), dtype=np.float32)
    out_H, out_W = (n_H + 2 * p - f) // s + 1, (n_W + 2 * p - f) // s + 1
    dz = rng.standard_normal((m, out_H, out_W, n_f), dtype=np.float32)
    if backward:
        ours = lambda: conv2d_backward(x, w, dz, stride=s, padding=p)  # noqa: E731
    else:
        ours = lambda: conv2d(x, w, stride=s, padding=p)  # noqa: E731
    ref = None
    if torch is not None:
        xt = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()
        wt = torch.from_numpy(w).permute(3, 2, 0, 1).contiguous()
        dzt = torch.from_numpy(dz).permute(0, 3, 1, 2).contiguous()

        def ref():
            with torch.no_grad():
                if not backward:
                    return F.conv2d(xt, wt, stride=s, padding=p)
                # The backward kernel alone (no forward), all three gradients.
                return torch.ops.aten.convolution_backward(
                    dzt,
                    xt,
                    wt,
                    [n_f],
                    [s, s],
                    [p, p],
                    [1, 1],
                    False,
                    [0, 0],
                    1,
                    [True, True, True],
                )

    return x, ours, ref, None


def pool_workload(n_H, n_W, n_c, rng):
    x = rng.standard_normal((n_H, n_W, n_c), dtype=np.float32)
    ours = lambda: pool2d(x, 2, stride=2, mode="max")  # noqa: E731
    ref = None
    if torch is not None:
        xt = torch.from_numpy(x).permute(2, 0, 1)[None].contiguous()

        def ref():
            with torch.no_grad():
                return F.max_pool2d(xt, 2, 2)

    return x, ours, ref, None


def peak_extra_mb(fn) -> float:
    """Peak memory NumPy allocates during ``fn`` (tracemalloc sees NumPy's buffers)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 2**20


WORKLOADS = {
    "(a) 1000×1000×3, 2 filters 3×3, p=1": ("conv", (1000, 1000, 3, 2, 3, 1, 1)),
    "(b) 1000×1000×3, 8 filters 5×5, s=2, p=2": ("conv", (1000, 1000, 3, 8, 5, 2, 2)),
    "(c) 3000×4000×3, 2 filters 3×3": ("conv", (3000, 4000, 3, 2, 3, 1, 0)),
    "(d) 64×64×3, 10 filters 3×3": ("conv", (64, 64, 3, 10, 3, 1, 0)),
    "(e) max pool 2×2 s=2, 1000×1000×8": ("pool", (1000, 1000, 8)),
    "(f) batch 32×8×8×1, 8 filters 3×3, same": ("batch", (32, 8, 8, 1, 8, 3, 1, 1)),
    "(g) backward of (f)": ("backward", (32, 8, 8, 1, 8, 3, 1, 1)),
    "(h) backward, 1000×1000×3, 2 filters 3×3, p=1": ("backward", (1, 1000, 1000, 3, 2, 3, 1, 1)),
}
LIBRARIES = ("cnn_core", "torch", "scipy")


def measure(library: str, repeat: int) -> dict[str, float]:
    """Median ms per workload for one library (NaN where it has no such operation)."""
    if library == "torch" and torch is not None:
        torch.set_num_threads(os.cpu_count() or 1)
    times = {}
    for name, (kind, shape) in WORKLOADS.items():
        rng = np.random.default_rng(0)
        if kind in ("batch", "backward"):
            x, *fns = batch_workload(*shape, rng, backward=kind == "backward")
        else:
            x, *fns = conv_workload(*shape, rng) if kind == "conv" else pool_workload(*shape, rng)
        fn = dict(zip(LIBRARIES, fns, strict=True))[library]
        n = repeat * (20 if x.size < 100_000 else 1) // (3 if library == "scipy" else 1)
        times[name] = median_ms(fn, max(1, n)) if fn else float("nan")
        if library == "cnn_core" and name.startswith("(c)"):
            times["memory"] = peak_extra_mb(fn) * 2**20 / x.nbytes
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--library", choices=LIBRARIES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.library:  # child process: one library, JSON out
        print(json.dumps(measure(args.library, args.repeat)))
        return
    # Each library runs in a process of its own, one after the other: OpenBLAS threads
    # left spinning by NumPy would otherwise slow torch down (seen: 2× on workload b).
    results = {
        lib: json.loads(
            subprocess.run(
                [sys.executable, __file__, "--library", lib, "--repeat", str(args.repeat)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        for lib in LIBRARIES
    }
    print(
        f"torch {torch.__version__ if torch else 'not installed'}, "
        f"threads {os.cpu_count()}, numpy {np.__version__}, median of {args.repeat}"
    )
    print("| workload | cnn_core ms | torch ms | ratio | scipy ms |\n|---|---:|---:|---:|---:|")
    ours, ref, scp = (results[lib] for lib in LIBRARIES)
    for name in WORKLOADS:
        print(
            f"| {name} | {ours[name]:.2f} | {ref[name]:.2f} | {ours[name] / ref[name]:.2f}× "
            f"| {scp[name]:.1f} |"
        )
    print(f"\nPeak extra memory on (c): {ours['memory']:.2f}× the input's size.")


if __name__ == "__main__":
    main()
