"""Training speed: cnn_core's NumPy training of the digits network against PyTorch on the CPU.

Run by hand: ``.venv/bin/python bench/train.py`` (needs torch in the venv, as
``bench/engine.py``). Both libraries train ``DIGITS_NETWORK`` on the 1,437 training digits
of ``split_digits()``, from the same starting weights (``init_params(seed=0)``, copied
into the model ``to_pytorch`` writes), on the same mini-batches (the permutation
``train`` documents), with Adam (lr 0.01, batches of 32), then measure the loss and
accuracy on the training set, as ``train`` does after each epoch. Each library runs in a
process of its own with the same thread count (the machine's, or ``--threads``). Prints
median wall times, the ratio (cnn_core ÷ torch; target ≤ 3 for one epoch) and both
libraries' losses, which agree to the printed digits.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cnn_core import (
    DIGITS_NETWORK,
    describe,
    init_params,
    to_pytorch,
    train,
)
from cnn_core.digits import digit_arrays

LIBRARIES = ("cnn_core", "torch")
INPUT = (8, 8, 1)
SEED, BATCH, LR = 0, 32, 0.01
FULL_EPOCHS = 12  # train's default


def run_cnn_core(epochs: int) -> dict[str, float]:
    """One call of ``train``: what the page runs."""
    x, y, x_test, y_test = digit_arrays()
    result = train(
        x, y, DIGITS_NETWORK, epochs=epochs, batch_size=BATCH, lr=LR, seed=SEED,
        validation=(x_test, y_test) if epochs > 1 else None,
    )  # fmt: skip
    last = result.history[-1]
    return {
        "first_batch_loss": float(result.batch_loss[0]),
        "train_loss": last.train_loss,
        "train_accuracy": last.train_accuracy,
        "test_accuracy": last.test_accuracy or float("nan"),
    }


def torch_model():
    """The model ``to_pytorch`` writes, holding ``init_params(seed=0)``'s weights."""
    import torch

    namespace: dict = {"__name__": "convlab_export"}
    exec(to_pytorch(INPUT, DIGITS_NETWORK), namespace)
    model = namespace["model"]
    params = init_params(INPUT, DIGITS_NETWORK, seed=SEED)
    modules = iter(m for m in model if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)))
    shape, flattened = INPUT, None
    with torch.no_grad():
        for row, p in zip(describe(INPUT, DIGITS_NETWORK), params, strict=True):
            if row.layer.kind == "flatten":
                flattened = shape
            elif p:
                W, b = p
                if row.layer.kind == "conv":  # (f, f, n_c, n_f) → (n_f, n_c, f, f)
                    w = W.transpose(3, 2, 0, 1)
                elif flattened:  # our rows follow (n_H, n_W, n_c), torch's (n_c, n_H, n_W)
                    w = W.reshape(*flattened, -1).transpose(2, 0, 1, 3).reshape(W.shape).T
                else:
                    w = W.T
                module = next(modules)
                module.weight.copy_(torch.from_numpy(np.ascontiguousarray(w, dtype=np.float32)))
                module.bias.copy_(torch.from_numpy(b.astype(np.float32)))
                flattened = None
            shape = row.shape
    return model


def run_torch(epochs: int) -> dict[str, float]:
    """The same training in torch: model, batches, Adam, and the end-of-epoch measures."""
    import torch
    import torch.nn.functional as F  # noqa: N812 - the name every torch user knows

    x, y, x_test, y_test = digit_arrays()
    xt = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()
    yt = torch.from_numpy(y)
    xt_test = torch.from_numpy(x_test).permute(0, 3, 1, 2).contiguous()
    yt_test = torch.from_numpy(y_test)
    model = torch_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    rng = np.random.default_rng([SEED, 1])  # as train shuffles
    first = None
    for _ in range(epochs):
        order = torch.from_numpy(rng.permutation(len(x)))
        for start in range(0, len(x), BATCH):
            batch = order[start : start + BATCH]
            loss = F.cross_entropy(model(xt[batch]), yt[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            first = float(loss) if first is None else first
        with torch.no_grad():
            logits = model(xt)
            train_loss = float(F.cross_entropy(logits, yt))
            train_accuracy = float((logits.argmax(1) == yt).float().mean())
            if epochs > 1:
                test_accuracy = float((model(xt_test).argmax(1) == yt_test).float().mean())
    return {
        "first_batch_loss": first,
        "train_loss": train_loss,
        "train_accuracy": train_accuracy,
        "test_accuracy": test_accuracy if epochs > 1 else float("nan"),
    }


def measure(library: str, epochs: int, repeat: int) -> dict[str, float]:
    """Median seconds of ``repeat`` runs after one warm-up, and the last run's figures."""
    if library == "torch":
        import torch

        torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    run = run_cnn_core if library == "cnn_core" else run_torch
    figures = run(epochs)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        figures = run(epochs)
        times.append(time.perf_counter() - started)
    return {"seconds": statistics.median(times), **figures}


def child(library: str, epochs: int, repeat: int, threads: int) -> dict[str, float]:
    """Run one library in a fresh process whose BLAS and OpenMP use ``threads`` threads."""
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads)}
    out = subprocess.run(
        [sys.executable, __file__, "--library", library, "--epochs", str(epochs),
         "--repeat", str(repeat)],
        check=True, capture_output=True, text=True, env=env,
    ).stdout  # fmt: skip
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--threads", type=int, default=os.cpu_count() or 1, help="for both libraries alike"
    )
    parser.add_argument("--library", choices=LIBRARIES, help=argparse.SUPPRESS)
    parser.add_argument("--epochs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.library:  # child process: one library, JSON out
        print(json.dumps(measure(args.library, args.epochs, args.repeat)))
        return
    import torch

    print(
        f"torch {torch.__version__}, threads {args.threads}, numpy {np.__version__}; "
        f"1,437 digits, batches of {BATCH}, Adam lr {LR}, seed {SEED}"
    )
    print(
        "| run | cnn_core s | torch s | ratio | first batch loss (ours / torch) "
        "| train loss after (ours / torch) | test accuracy (ours / torch) |"
    )
    print("|---|---:|---:|---:|---|---|---|")
    # Each library in a process of its own, one after the other: idle OpenBLAS threads
    # slowed torch by up to 2× in one process (bench/engine.py).
    runs = (
        ("one epoch (45 batches, then the training set's loss)", 1, args.repeat),
        (f"{FULL_EPOCHS} epochs, the defaults, test set each epoch", FULL_EPOCHS, args.repeat),
    )
    for label, epochs, repeat in runs:
        ours, ref = (child(lib, epochs, repeat, args.threads) for lib in LIBRARIES)
        accuracy = "–"
        if epochs > 1:
            accuracy = f"{ours['test_accuracy']:.2%} / {ref['test_accuracy']:.2%}"
        print(
            f"| {label} | {ours['seconds']:.3f} | {ref['seconds']:.3f} "
            f"| {ours['seconds'] / ref['seconds']:.2f}× "
            f"| {ours['first_batch_loss']:.5f} / {ref['first_batch_loss']:.5f} "
            f"| {ours['train_loss']:.4f} / {ref['train_loss']:.4f} "
            f"| {accuracy} |"
        )


if __name__ == "__main__":
    main()
