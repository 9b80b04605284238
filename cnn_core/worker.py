"""A training worker's side: one run in its own process, reporting back on a pipe.

``cnn_core.workers.TrainingPool`` starts ``python -c "from cnn_core.worker import serve;
serve()"`` with a pipe's file descriptor and a memory limit; the request arrives pickled
on stdin. The worker lowers its priority, limits its address space, trains, and sends
``progress``, ``params``, ``epoch`` and finally ``done`` or ``error`` messages.
"""

from __future__ import annotations

import os
import pickle
import resource
import sys
import time
from multiprocessing.connection import Connection

from cnn_core.digits import digit_arrays
from cnn_core.model import predict_proba
from cnn_core.training import train
from cnn_core.workers import Outcome, TrainRequest

PROGRESS_EVERY = 0.1
"""A worker reports its step at most this often (seconds); every epoch is reported."""


def _address_space() -> int:
    """This process's virtual memory in bytes (``/proc/self/statm``'s first field)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def work(conn: Connection, request: TrainRequest, memory_mb: int) -> None:
    """A worker's whole life: train, reporting progress and each epoch, then the outcome."""
    os.nice(10)
    limit = _address_space() + memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    x, y, x_test, y_test = digit_arrays()
    layers = list(request.layers)
    last = [0.0]
    losses: list[float] = []  # batch losses not yet sent

    def send_losses(step: int | None = None, total: int | None = None) -> None:
        conn.send(("progress", step, total, losses[:]))
        losses.clear()

    def on_batch(step: int, total: int, loss: float) -> None:
        losses.append(loss)
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            send_losses(step, total)

    def on_epoch_params(epoch: int, params: list) -> None:
        send_losses()
        conn.send(("params", params, predict_proba(params, x_test, layers)))

    try:
        result = train(
            x,
            y,
            layers,
            epochs=request.epochs,
            batch_size=request.batch_size,
            lr=request.lr,
            seed=request.seed,
            validation=(x_test, y_test),
            on_batch=on_batch,
            on_epoch_params=on_epoch_params,
            on_epoch=lambda epoch, stats: conn.send(("epoch", stats)),
        )
        send_losses()
        conn.send(("done", Outcome(result, predict_proba(result.params, x_test, layers))))
    except MemoryError:
        conn.send(("error", f"the run needed more than the {memory_mb} MB a run may use here"))
    except ValueError as err:
        conn.send(("error", str(err)))
    finally:
        conn.close()


def serve() -> None:
    """A worker's entry: ``argv`` is ``FD MEMORY_MB``, the request comes pickled on stdin."""
    fd, memory_mb = int(sys.argv[1]), int(sys.argv[2])
    request = pickle.load(sys.stdin.buffer)
    work(Connection(fd, readable=False), request, memory_mb)
