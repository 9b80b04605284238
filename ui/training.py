"""Training the digits network from a page: worker processes, shared runs, drawn as they learn.

A run never trains in the server's process: ``cnn_core.workers.TrainingPool`` (one per
server) runs it in a worker process, at most W at a time, and shares it by its settings (a
class pressing Train with the same settings watches one run). This module costs a run
before it starts, follows it on the page at a bounded rate, and turns its outcome into the
views after training.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from cnn_core import (
    Digits,
    EpochStats,
    Layer,
    TrainResult,
    confusion_matrix,
    digit_inputs,
    forward,
    split_digits,
)
from cnn_core.budget import DEFAULT_BUDGET, RunCost, check_budget, giga, training_cost
from cnn_core.train import check_network, check_settings, digit_arrays
from cnn_core.workers import Outcome, Run, RunView, TrainingPool, TrainRequest
from ui.digit_grids import activation_maps, digit_map, filter_maps
from ui.display import chart
from ui.grids import Panel, panels_figure
from ui.maps import show_maps
from ui.network_table import network_text
from ui.paint import paint_pad

INPUT = (8, 8, 1)
"""One digit: 8×8 pixels, one channel."""

POLL = 0.25
"""Seconds between looks at a run under way: the progress bar moves at most this often."""

CURVES_EVERY = 1.0
"""The live curves are redrawn at most this often (seconds), and only after a new epoch."""


@dataclass(frozen=True)
class Settings:
    """What a run depends on: the same settings and seed give the same run, number for number."""

    layers: tuple[Layer, ...]
    epochs: int
    lr: float
    batch_size: int
    seed: int

    @property
    def key(self) -> str:
        """Plain text for the shared runs: equal settings, equal text."""
        net = network_text(list(self.layers))
        return f"{net}|{self.epochs}|{self.lr!r}|{self.batch_size}|{self.seed}"

    @property
    def request(self) -> TrainRequest:
        return TrainRequest(self.layers, self.epochs, self.lr, self.batch_size, self.seed)


@dataclass(frozen=True, eq=False)
class Data:
    train: Digits
    test: Digits
    x_train: np.ndarray
    x_test: np.ndarray


@st.cache_resource(show_spinner=False)
def digits_data() -> Data:
    """The fixed 1,437 / 360 split and the network's inputs, read once per server (read-only)."""
    train_set, test_set = split_digits()
    x_train, _, x_test, _ = digit_arrays()
    for a in (train_set.images, train_set.labels, test_set.images, test_set.labels):
        a.setflags(write=False)
    x_train.setflags(write=False)
    x_test.setflags(write=False)
    return Data(train_set, test_set, x_train, x_test)


@st.cache_resource(show_spinner=False)
def training_pool() -> TrainingPool:
    """The server's one pool of training workers (W and their memory from the environment)."""
    return TrainingPool()


def run_cost(settings: Settings) -> RunCost:
    """What training these settings on the 1,437 digits costs (``cnn_core.budget``)."""
    data = digits_data()
    return training_cost(
        INPUT,
        list(settings.layers),
        examples=len(data.train),
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        validation=len(data.test),
    )


def cannot_train(settings: Settings) -> str:
    """Why ``cnn_core.train`` would refuse these settings (a learning rate of 0, a network
    that cannot train on 8×8 digits), or "": asked before a run is queued."""
    try:
        check_settings(epochs=settings.epochs, batch_size=settings.batch_size, lr=settings.lr)
        check_network(INPUT, list(settings.layers))
    except ValueError as err:
        return str(err).removeprefix("cannot train this network: ")
    return ""


def over_budget(settings: Settings) -> str:
    """Why this run may not start here, in the lecture's words, or "" if it may."""
    try:
        check_budget(run_cost(settings))
    except ValueError as err:
        return str(err)
    return ""


def cost_line(cost: RunCost) -> str:
    """The run's cost as a student reads it, against the server's limit."""
    return (
        f"This run: {cost.steps:,} steps, about {giga(cost.multiply_adds)} multiply-adds of "
        f"the {giga(DEFAULT_BUDGET.multiply_adds)} a run may use on this server."
    )


def session_id() -> str:
    """This browser session's name for the pool: which runs it watches."""
    return st.session_state.setdefault("_train_session", uuid.uuid4().hex)


Draw = Callable[[RunView], None]
"""Draws a run's state; Streamlit may end it (a rerun, Stop, the tab closed)."""


def follow(pool: TrainingPool, run: Run, draw: Draw) -> RunView:
    """Draw ``run`` until it ends, telling the pool this session still watches it.

    If Streamlit ends this script run meanwhile (a rerun, the tab closed), ``draw`` raises
    and the watching stops: the pool stops a run nobody watches for a few seconds, and a
    rerun of the page comes back here and watches again.
    """
    me = session_id()
    while True:
        view = pool.watch(run, me)
        draw(view)
        if view.status not in ("queued", "running"):
            return view
        time.sleep(POLL)


@dataclass(frozen=True, eq=False)
class Evaluation:
    """A trained network on the 360 test digits."""

    proba: np.ndarray
    """``(360, 10)``: ŷ for each test digit."""
    predicted: np.ndarray
    correct: int
    confusion: np.ndarray

    @property
    def accuracy(self) -> float:
        return self.correct / len(self.predicted)


def evaluate(proba: np.ndarray, data: Data) -> Evaluation:
    """Count and tabulate the answers a network gave the test digits (``(360, 10)`` ŷ,
    computed in its worker)."""
    predicted = proba.argmax(axis=1)
    correct = int((predicted == data.test.labels).sum())
    return Evaluation(proba, predicted, correct, confusion_matrix(data.test.labels, predicted))


def percent(share: float) -> str:
    """``0.9667`` → ``96.7 %``."""
    return f"{100 * share:.1f} %"


def curves_figure(history: list[EpochStats], epochs: int) -> go.Figure:
    """Loss and accuracy after each epoch, on the training and the test digits.

    The x axis spans every planned epoch, so the curves grow to the right as it trains.
    """
    x = [s.epoch for s in history]
    fig = go.Figure()
    styles = {"training": ("#0C7BDC", "solid"), "test": ("#D55E00", "dash")}
    for name, (colour, dash) in styles.items():
        loss = [s.train_loss if name == "training" else s.test_loss for s in history]
        acc = [s.train_accuracy if name == "training" else s.test_accuracy for s in history]
        line = {"color": colour, "dash": dash, "width": 2}
        fig.add_scatter(x=x, y=loss, name=f"loss, {name}", line=line, mode="lines+markers")
        fig.add_scatter(
            x=x,
            y=[100 * a for a in acc],
            name=f"accuracy, {name}",
            line={**line, "width": 1.5},
            mode="lines+markers",
            marker={"symbol": "diamond"},
            yaxis="y2",
        )
    fig.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.25},
        xaxis={
            "title": "epoch",
            "range": [0.5, max(epochs, 1) + 0.5],
            "dtick": max(1, epochs // 12),
        },
        yaxis={"title": "loss (cross-entropy)", "rangemode": "tozero"},
        yaxis2={"title": "accuracy %", "overlaying": "y", "side": "right", "range": [0, 100]},
        dragmode=False,
    )
    return fig


def curves_alt(history: list[EpochStats]) -> str:
    """The curves' numbers for a screen reader."""
    if not history:
        return "Loss and accuracy per epoch: no epoch has finished yet."
    return "Loss and accuracy per epoch (training / test): " + "; ".join(
        f"epoch {s.epoch}: loss {s.train_loss:.3f} / {s.test_loss:.3f}, accuracy "
        f"{percent(s.train_accuracy)} / {percent(s.test_accuracy)}"
        for s in history
    )


def probability_figure(proba: np.ndarray) -> tuple[go.Figure, str]:
    """The ten class probabilities as bars, the most likely digit highlighted; with alt text."""
    best = int(np.argmax(proba))
    fig = go.Figure(
        go.Bar(
            x=[str(d) for d in range(10)],
            y=[100 * p for p in proba],
            marker_color=["#D55E00" if d == best else "#0C7BDC" for d in range(10)],
            text=[f"{100 * p:.0f}" for p in proba],
            textposition="outside",
            hovertemplate="digit %{x}: %{y:.1f} %<extra></extra>",
        )
    )
    fig.update_layout(
        height=240,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": "digit", "type": "category"},
        yaxis={"title": "probability %", "range": [0, 112]},
        dragmode=False,
    )
    alt = "Probability of each digit: " + ", ".join(
        f"{d}: {100 * p:.1f} %" for d, p in enumerate(proba)
    )
    return fig, alt


@dataclass(frozen=True, eq=False)
class Trained:
    """This session's last run: kept so a rerun (painting, picking a digit) never retrains."""

    settings: Settings
    result: TrainResult
    evaluation: Evaluation
    fresh: bool
    """This session trained it (else another session with the same settings had)."""


def trained(settings: Settings, outcome: Outcome, fresh: bool) -> Trained:
    """A run's outcome as this session keeps it, with its test digits tabulated."""
    return Trained(settings, outcome.result, evaluate(outcome.test_proba, digits_data()), fresh)


def drawer(
    key: str, progress_slot, curves_slot, epochs: int, workers: int, clock=time.monotonic
) -> Draw:
    """Draw a run's place in the queue, or its progress bar and live curves, into two
    placeholders: the bar at most every ``POLL`` s, the curves after a new epoch and at
    most every ``CURVES_EVERY`` s, so drawing costs the server little however long it runs."""
    drawn = {"step": -1, "epochs": -1, "at": -CURVES_EVERY}

    def draw(view: RunView) -> None:
        if view.status == "queued":
            at_once = f"this server trains {workers} run{'s' * (workers != 1)} at a time"
            runs = "run is" if view.ahead == 1 else "runs are"
            before = f"{view.ahead} {runs} queued before yours" if view.ahead else "yours is next"
            progress_slot.info(f"Waiting for a free worker: {before} ({at_once}).")
            return
        history = list(view.history)
        if view.step != drawn["step"]:
            drawn["step"] = view.step
            epoch = history[-1].epoch if history else 0
            loss = f": loss {history[-1].train_loss:.3f}" if history else ""
            progress_slot.progress(
                min(view.step / max(view.total, 1), 1.0),
                text=f"Step {view.step:,} of {view.total:,}, epoch {epoch} of {epochs} done{loss}",
            )
        now = clock()
        ended = view.status != "running"
        if len(history) != drawn["epochs"] and (ended or now - drawn["at"] >= CURVES_EVERY):
            drawn["epochs"], drawn["at"] = len(history), now
            with curves_slot:
                chart(
                    curves_figure(history, epochs),
                    key=f"{key}_live_{len(history)}",
                    alt=curves_alt(history),
                )

    return draw


def predict_view(image: np.ndarray, trained: Trained, prefix: str, key: str) -> None:
    """What the network does with one digit: its maps layer by layer and its probabilities."""
    layers = list(trained.settings.layers)
    _, acts = forward(trained.result.params, digit_inputs(image[None]), layers, keep=True)
    proba = acts[-1][0]
    best = int(np.argmax(proba))
    st.markdown(f"**The network says: {best}** (probability {percent(proba[best])})")
    fig, alt = probability_figure(proba)
    chart(fig, key=f"{key}_proba", alt=alt)
    maps, titles = activation_maps(image, acts, layers, prefix)
    st.caption("Activations, layer by layer, after each layer's ReLU:")
    show_maps(f"{key}_maps", maps, titles=titles)


def confusion_figure(confusion: np.ndarray) -> go.Figure:
    """The 10×10 confusion matrix as a number grid: rows the true digit, columns the answer."""
    fig = go.Figure(panels_figure([Panel(confusion, scale="count")]))  # a copy: it is shared
    fig.update_xaxes(title="predicted digit", showticklabels=True, tickvals=list(range(10)))
    fig.update_yaxes(title="true digit", showticklabels=True, tickvals=list(range(10)))
    return fig


def learned_views(key: str, trained: Trained, data: Data) -> None:
    """After training: the learned filters, one test digit layer by layer, the confusion
    matrix, the digits it gets wrong, and a pad to paint a digit on. Keys ``{key}_…``."""
    ev = trained.evaluation
    t_layers = list(trained.settings.layers)

    st.header("What it learned")
    first = t_layers[0] if t_layers else None
    if first is not None and first.kind == "conv":
        st.subheader("The filters of layer 1")
        st.write(
            "Each filter is 3×3 weights learned from the data, drawn on one colour scale "
            "(red positive, blue negative). Look for a column or row of one sign beside one "
            "of the other: an edge detector, like the lecture's, found without being told."
        )
        show_maps(f"{key}_filters", filter_maps(trained.result.params[0][0]), cell=34)

    st.subheader("One test digit, layer by layer")
    index = st.number_input(
        f"Test digit (0–{len(data.test) - 1})",
        0,
        len(data.test) - 1,
        0,
        key=f"{key}_digit",
        help=f"Which of the {len(data.test)} test digits to follow through the network.",
    )
    image = data.test.images[index]
    st.write(f"Test digit {index} is a **{data.test.labels[index]}**.")
    predict_view(image, trained, f"Test digit {index}", f"{key}_test")

    st.subheader("The confusion matrix")
    chart(confusion_figure(ev.confusion), key=f"{key}_confusion")
    st.caption(
        "Row: the true digit; column: what the network said. The diagonal holds the "
        "right answers; any other number is a mistake, and where it sits says which digits "
        "look alike to the network."
    )

    wrong = np.flatnonzero(ev.predicted != data.test.labels)
    st.subheader(f"Digits it gets wrong ({len(wrong)} of {len(data.test)})")
    if len(wrong):
        show_maps(
            f"{key}_wrong",
            [
                digit_map(
                    data.test.images[k],
                    f"#{k}: a {data.test.labels[k]}, said {ev.predicted[k]}",
                    f"Test digit {k}: a {data.test.labels[k]}, said {ev.predicted[k]}",
                )
                for k in wrong[:8]
            ],
        )
    else:
        st.write("None: every test digit is right.")

    st.header("Paint a digit")
    st.write(
        "Paint with the mouse or a finger; when you let go, the network reads it. Digits in "
        "the data fill the 8×8 box, thick and centred: paint yours the same way."
    )
    painted = st.session_state.get(f"{key}_painted")
    painted = np.zeros((8, 8), np.uint8) if painted is None else np.asarray(painted, np.uint8)

    def on_paint(pixels: np.ndarray) -> None:
        st.session_state[f"{key}_painted"] = pixels

    pad, view = st.columns([2, 3])
    with pad:
        paint_pad(f"{key}_pad", painted, on_paint)
    with view:
        if not painted.any():
            st.info("The pad is blank: paint a digit to see what the network reads.")
        else:
            predict_view(painted, trained, "Your digit", f"{key}_paint")
