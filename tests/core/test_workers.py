"""Training in worker processes: the same run as in-process, shared by key, at most W at a
time, stopped at once (even inside a long step), abandoned runs stopped, a dead worker
reported, a worker's memory bounded, finished runs cached within bounds and read-only."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from cnn_core import DIGITS_NETWORK, Layer, train
from cnn_core.digits import digit_arrays
from cnn_core.workers import TrainingPool, TrainRequest

DEADLINE = 120  # seconds: generous, these machines are noisy
# One step of this network on the whole training set is ~10¹¹ multiply-adds: tens of
# seconds inside one step, which only killing the process can interrupt.
HUGE_STEP = (
    Layer("flatten"),
    Layer("dense", n=4096),
    Layer("dense", n=4096),
    Layer("softmax", n=10),
)


def request(epochs: int = 2, seed: int = 0, layers=tuple(DIGITS_NETWORK), batch: int = 32):
    return TrainRequest(tuple(layers), epochs, 0.01, batch, seed)


def wait_until(condition, what: str, deadline: float = DEADLINE) -> None:
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"waited {deadline} s for {what}")
        time.sleep(0.05)


def finish(pool: TrainingPool, run, watcher: str = "s"):
    """Watch a run to its end, as a page does."""
    wait_until(lambda: pool.watch(run, watcher).status not in ("queued", "running"), "the run")
    return pool.watch(run, watcher)


@pytest.fixture
def pool():
    p = TrainingPool(workers=1, memory_mb=512)
    yield p
    p.close()


def test_a_worker_trains_the_same_network_as_train_in_this_process(pool):
    run = pool.submit("a", request(epochs=2), "s")
    view = finish(pool, run)
    assert view.status == "done" and view.step == view.total == 2 * 45
    outcome = pool.outcome(run)
    x, y, xt, yt = digit_arrays()
    here = train(x, y, DIGITS_NETWORK, epochs=2, validation=(xt, yt))
    there = outcome.result
    assert there.epochs_run == 2 and len(there.batch_loss) == 90
    np.testing.assert_allclose(there.batch_loss, here.batch_loss, rtol=1e-4)
    for p, q in zip(there.params, here.params, strict=True):
        for a, b in zip(p, q, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)
    assert outcome.test_proba.shape == (360, 10)
    np.testing.assert_allclose(outcome.test_proba.sum(axis=1), 1, rtol=1e-5)
    assert [s.epoch for s in view.history] == [1, 2]


def test_a_finished_run_is_shared_and_read_only(pool):
    run = pool.submit("a", request(epochs=1), "s1")
    finish(pool, run, "s1")
    again = pool.submit("a", request(epochs=1), "s2")
    assert again is run and again.owner == "s1"
    params = pool.outcome(run).result.params
    assert not params[0][0].flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        params[0][0][0, 0, 0, 0] = 1.0


def test_one_worker_runs_one_at_a_time_and_the_next_is_told_its_place(pool):
    first = pool.submit("first", request(epochs=30, seed=1), "s1")
    second = pool.submit("second", request(epochs=1, seed=2), "s2")
    third = pool.submit("third", request(epochs=1, seed=3), "s3")
    wait_until(lambda: pool.watch(first, "s1").status == "running", "the first run to start")
    assert pool.watch(second, "s2").status == "queued"
    assert pool.watch(second, "s2").ahead == 0
    assert pool.watch(third, "s3").ahead == 1
    assert pool.counts()["running"] == 1
    pool.leave(first, "s1")
    assert finish(pool, second, "s2").status == "done"


def test_stop_kills_the_worker_at_once_even_inside_a_long_step(pool):
    run = pool.submit("huge", request(epochs=1, layers=HUGE_STEP, batch=1437), "s")
    wait_until(lambda: pool.watch(run, "s").status == "running", "the run to start")
    time.sleep(1.0)  # inside its first step by now
    process = run.process
    started = time.monotonic()
    pool.leave(run, "s")
    assert time.monotonic() - started < 2  # generous: the kill itself takes milliseconds
    assert process.poll() is not None  # the worker is gone, not finishing its step
    assert run.status == "stopped"
    assert pool.outcome(run) is None  # no epoch finished: nothing to keep


def test_stop_keeps_the_network_of_the_last_finished_epoch(pool):
    run = pool.submit("long", request(epochs=200, seed=4), "s")
    wait_until(lambda: len(pool.watch(run, "s").history) >= 2, "two epochs")
    pool.leave(run, "s")
    outcome = pool.outcome(run)
    assert run.status == "stopped"
    assert outcome.result.stopped and outcome.result.epochs_run >= 2
    assert outcome.test_proba.shape == (360, 10)


def test_a_run_another_session_still_watches_goes_on_when_one_leaves(pool):
    run = pool.submit("shared", request(epochs=3, seed=5), "s1")
    pool.submit("shared", request(epochs=3, seed=5), "s2")
    pool.leave(run, "s1")
    assert run.active
    assert finish(pool, run, "s2").status == "done"


def test_a_run_nobody_watches_is_stopped_after_the_grace():
    pool = TrainingPool(workers=1, grace=0.5)
    try:
        run = pool.submit("abandoned", request(epochs=200, seed=6), "gone")
        wait_until(lambda: run.status == "stopped", "the abandoned run to stop", 60)
        assert run.process is None
        # The next press of Train with the same settings starts a new run.
        again = pool.submit("abandoned", request(epochs=200, seed=6), "back")
        assert again is not run
    finally:
        pool.close()


def test_a_killed_worker_is_reported_and_the_next_run_gets_a_new_one(pool):
    run = pool.submit("killed", request(epochs=200, seed=7), "s")
    wait_until(lambda: pool.watch(run, "s").step > 0, "the run to make progress")
    os.kill(run.process.pid, signal.SIGKILL)
    view = finish(pool, run)
    assert view.status == "failed"
    assert view.error == (
        "the worker process training it was killed (signal 9: out of memory, or stopped by "
        "the system)"
    )
    after = pool.submit("killed", request(epochs=1, seed=7), "s")
    assert after is not run
    assert finish(pool, after).status == "done"


def test_a_worker_past_its_memory_limit_fails_with_a_message_and_the_server_goes_on():
    pool = TrainingPool(workers=1, memory_mb=100)
    try:
        wide = (
            Layer("flatten"),
            Layer("dense", n=4096),
            Layer("dense", n=4096),
            Layer("softmax", n=10),
        )
        run = pool.submit("wide", request(epochs=1, layers=wide), "s")
        view = finish(pool, run)
        assert view.status == "failed"
        assert view.error == "the run needed more than the 100 MB a run may use here"
        assert finish(pool, pool.submit("small", request(epochs=1), "s")).status == "done"
    finally:
        pool.close()


def test_finished_runs_are_kept_within_the_byte_bound():
    pool = TrainingPool(workers=1, max_cached_bytes=30_000)  # one digits run, not two
    try:
        first = pool.submit("one", request(epochs=1, seed=8), "s")
        finish(pool, first)
        assert 15_000 < first.nbytes() <= 30_000 < 2 * first.nbytes()
        second = pool.submit("two", request(epochs=1, seed=9), "s")
        finish(pool, second)
        wait_until(lambda: pool.counts()["done"] == 1, "the older run to be dropped", 10)
        assert pool.submit("one", request(epochs=1, seed=8), "s") is not first
    finally:
        pool.close()


def test_a_run_whose_sessions_disconnected_stops_soon_while_a_connected_one_may_pause():
    connected = {"here": True, "gone": True}
    pool = TrainingPool(workers=2, grace=60, connected=lambda watcher: connected[watcher])
    try:
        kept = pool.submit("kept", request(epochs=200, seed=10), "here")
        left = pool.submit("left", request(epochs=200, seed=11), "gone")
        wait_until(lambda: kept.status == left.status == "running", "both runs to start")
        connected["gone"] = False  # its tab closed: no more polls, and the runtime says so
        wait_until(lambda: left.status == "stopped", "the disconnected session's run", 45)
        assert kept.status == "running"  # silent as long, but its session is still there
    finally:
        pool.close()
