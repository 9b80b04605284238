"""A run under way, drawn as it learns: place in the queue, progress bar, curves, live filters.

The page does not block while a run trains: two fragments poll the server's pool
(``cnn_core.workers.TrainingPool``), the bar every ``POLL`` s and the curves with the
learned filters every ``CURVES_EVERY`` s, so the drawing rate is bounded by construction
and the page stays usable. Each fragment run is a few milliseconds, well under the 500 ms
after which Streamlit's header shows its own Stop: the page's Stop is the only one.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from cnn_core import EpochStats, Layer
from cnn_core.workers import Outcome, Run, RunView, TrainingPool
from ui.components.maps import show_maps
from ui.controls.layer_views import view
from ui.display import chart
from ui.learn.digit_grids import filter_maps

POLL = 0.5
"""Seconds between looks at a run under way: the progress bar moves at most this often.
Every look is a rerun on the server that every other student's change waits behind
(bench/virtual_class.py trainers: docs/decisions.md). The curves stay at 1 s: at 2 s, the
browser test's Stop, pressed after two redraws, came after a 200-epoch run had ended."""

QUEUED_POLL = 1.0
"""Seconds between looks at a queued run: a class waiting behind one worker costs the
server and the browsers a quarter of the polls a running run does."""

CURVES_EVERY = 1.0
"""The curves and the live filters are redrawn at most this often (seconds)."""

TICKS = 5
"""At most this many intervals between ticks on the loss axis (accuracy: 0, 20, … 100)."""


def round_step(span: float, intervals: int) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ᵏ that covers ``span`` in ``intervals`` steps.

    >>> round_step(0.47, 5), round_step(2.39, 5), round_step(73.1, 5)
    (0.1, 0.5, 20.0)
    """
    if not span > 0 or not math.isfinite(span):
        return 1.0
    raw = span / intervals
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw * (1 - 1e-9):
            return float(np.round(m * power, 12))
    return 10 * power  # pragma: no cover (10 always covers)


def epoch_step(epochs: int) -> int:
    """Epochs between x-axis ticks: 1, 2, 5, 10, 20, 50… so at most ~12 ticks."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if epochs / step <= 12:
            return step
    return 100


def curves_figure(history: list[EpochStats], epochs: int) -> go.Figure:
    """Loss and accuracy after each epoch, on the training and the test digits.

    The x axis spans every planned epoch, so the curves grow to the right as it trains.
    Both y axes have ticks at round numbers and end on a tick, the loss axis at the first
    tick at or above the highest loss, so no line rises above the top tick.
    """
    x = [s.epoch for s in history]
    fig = go.Figure()
    styles = {"training": ("#0C7BDC", "solid"), "test": ("#D55E00", "dash")}
    for name, (colour, dash) in styles.items():
        loss = [s.train_loss if name == "training" else s.test_loss for s in history]
        acc = [s.train_accuracy if name == "training" else s.test_accuracy for s in history]
        line = {"color": colour, "dash": dash, "width": 2}
        fig.add_scatter(
            x=x, y=loss, name=f"loss, {name}", line=line, mode="lines+markers", cliponaxis=False
        )
        fig.add_scatter(
            x=x,
            y=[100 * a for a in acc],
            name=f"accuracy, {name}",
            line={**line, "width": 1.5},
            mode="lines+markers",
            marker={"symbol": "diamond"},
            yaxis="y2",
            cliponaxis=False,
        )
    peak = max((max(s.train_loss, s.test_loss) for s in history), default=0.0)
    step = round_step(peak, TICKS)
    top = max(1, math.ceil(peak / step - 1e-9))
    loss_ticks = [float(np.round(k * step, 12)) for k in range(top + 1)]
    acc_ticks = [round(100 * k / TICKS) for k in range(TICKS + 1)]
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.25},
        xaxis={
            "title": "epoch",
            "range": [0.5, max(epochs, 1) + 0.5],
            "tick0": 0,
            "dtick": epoch_step(epochs),
        },
        yaxis={
            "title": "loss (cross-entropy)",
            "range": [0, loss_ticks[-1]],
            "tickmode": "array",
            "tickvals": loss_ticks,
        },
        yaxis2={
            "title": "accuracy %",
            "overlaying": "y",
            "side": "right",
            "range": [0, 100],
            "tickmode": "array",
            "tickvals": acc_ticks,
            "showgrid": False,
        },
        dragmode=False,
    )
    return fig


def percent(share: float) -> str:
    """``0.9667`` → ``96.7 %``."""
    return f"{100 * share:.1f} %"


def curves_alt(history: list[EpochStats]) -> str:
    """The curves' numbers for a screen reader."""
    if not history:
        return "Loss and accuracy per epoch: no epoch has finished yet."
    return "Loss and accuracy per epoch (training / test): " + "; ".join(
        f"epoch {s.epoch}: loss {s.train_loss:.3f} / {s.test_loss:.3f}, accuracy "
        f"{percent(s.train_accuracy)} / {percent(s.test_accuracy)}"
        for s in history
    )


def draw_progress(view: RunView, epochs: int, workers: int) -> None:
    """A run's place in the queue, or its progress bar."""
    if view.status == "queued":
        at_once = f"this server trains {workers} run{'s' * (workers != 1)} at a time"
        runs = "run is" if view.ahead == 1 else "runs are"
        before = f"{view.ahead} {runs} queued before yours" if view.ahead else "yours is next"
        st.info(f"Waiting for a free worker: {before} ({at_once}).")
        return
    history = view.history
    epoch = history[-1].epoch if history else 0
    loss = f": loss {history[-1].train_loss:.3f}" if history else ""
    st.progress(
        min(view.step / max(view.total, 1), 1.0),
        text=f"Step {view.step:,} of {view.total:,}, epoch {epoch} of {epochs} done{loss}",
    )


def first_layer_filters(
    layers: list[Layer], outcome: Outcome | None
) -> tuple[int, np.ndarray] | None:
    """The last finished epoch and layer 1's weights then, ``(f, f, 1, n_f)``, if layer 1
    has filters (a conv layer) and an epoch has ended."""
    if not (outcome and outcome.result.history and layers and view(layers[0]).filters):
        return None
    return outcome.result.history[-1].epoch, outcome.result.params[0][0]


def draw_live(
    key: str, history: list[EpochStats], filters: tuple[int, np.ndarray] | None, epochs: int
) -> None:
    """The curves so far and, beside them, layer 1's filters as epoch ``filters[0]`` left
    them (``filters[1]``, ``(f, f, 1, n_f)``)."""
    curves, side = st.columns([3, 2]) if filters is not None else (st.container(), None)
    with curves:
        chart(curves_figure(history, epochs), key=f"{key}_live_curves", alt=curves_alt(history))
    if side is not None:
        epoch, weights = filters
        with side:
            st.markdown(f"**Layer 1's filters after epoch {epoch}**")
            # One decimal while they change: readable at a glance beside the curves.
            live = filter_maps(weights, "Live filter", decimals=1)
            show_maps(f"{key}_live_filters", live, cell=28)
            st.caption("Red positive, blue negative, on one scale; redrawn as each epoch ends.")


def follow(
    key: str, pool: TrainingPool, run: Run, me: str, layers: list[Layer], epochs: int
) -> None:
    """Draw ``run`` while it is queued or running, without blocking the page.

    Each fragment tells the pool this session still watches (a closed tab stops polling,
    and the pool stops a run whose sessions have all disconnected). A queued run is
    polled once a second, a running one twice. When the run ends, the
    bar's fragment reruns the whole page, which then shows the outcome.
    """

    queued = pool.watch(run, me).status == "queued"

    @st.fragment(run_every=QUEUED_POLL if queued else POLL)
    def bar() -> None:
        view = pool.watch(run, me)
        draw_progress(view, epochs, pool.workers)
        if not run_active(view) or queued != (view.status == "queued"):
            st.rerun()  # ended, or started: the page draws it anew (and polls faster)

    @st.fragment(run_every=CURVES_EVERY)
    def live() -> None:
        view = pool.watch(run, me)
        filters = first_layer_filters(layers, pool.outcome(run))
        draw_live(key, list(view.history), filters, epochs)

    bar()
    if not queued:
        live()


def run_active(view: RunView) -> bool:
    return view.status in ("queued", "running")
