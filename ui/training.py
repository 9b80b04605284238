"""Training the digits network from a page: one shared run per setting, drawn as it learns.

``cnn_core.train`` does the work inside the click's run (no thread of our own); this
module decides who trains (a class pressing Train with the same settings shares one run:
the first trains, the others watch its curves and get its result), turns epochs into
curves, and evaluates the result on the test digits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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
    predict_proba,
    split_digits,
    train,
)
from cnn_core.train import digit_arrays
from ui.digit_grids import activation_maps, digit_map, filter_maps
from ui.display import chart
from ui.grids import Panel, panels_figure
from ui.maps import show_maps
from ui.network_table import network_text
from ui.paint import paint_pad


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
        """Plain text for the shared cache: equal settings, equal text."""
        net = network_text(list(self.layers))
        return f"{net}|{self.epochs}|{self.lr!r}|{self.batch_size}|{self.seed}"


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
    return Data(train_set, test_set, x_train, x_test)


@dataclass(eq=False)
class SharedRun:
    """One setting's run, shared by every session of this server process."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    result: TrainResult | None = None
    history: list[EpochStats] = field(default_factory=list)
    step: int = 0
    total: int = 1


@st.cache_resource(max_entries=64, show_spinner=False)
def shared_run(key: str) -> SharedRun:
    """The run for these settings (``Settings.key``); a new setting gets a new one."""
    return SharedRun()


Draw = Callable[[int, int, list[EpochStats]], None]
"""Draws progress: ``(step, total, epochs so far)``; may be ended by Streamlit (Stop)."""


Keep = Callable[[TrainResult, bool], None]
"""Receives a result for this session, and whether this session trained it."""


def train_shared(settings: Settings, draw: Draw, keep: Keep) -> None:
    """Train once per setting and server; ``keep`` receives the result for this session.

    If another session is training the same settings, this one draws that run's progress
    until it ends and keeps its result. When Streamlit ends the run under way (Stop, or
    any control touched while training), ``draw`` raises; training then stops after that
    step, ``keep`` gets the stopped result (not shared), and the interruption goes on.
    From then on every Streamlit call (``st.session_state`` included) raises again, so
    ``keep`` must only store into objects it already holds.

    Raises ValueError from ``cnn_core.train`` (a learning rate of 0, a network that
    cannot train on 8×8), before any step.
    """
    run = shared_run(settings.key)
    while not run.lock.acquire(timeout=0.2):
        draw(run.step, run.total, list(run.history))
    try:
        fresh = run.result is None
        if fresh:
            run.history.clear()
            run.step = 0
            run.result = _train(settings, run, draw, keep)
        keep(run.result, fresh)
    finally:
        run.lock.release()


def _train(settings: Settings, run: SharedRun, draw: Draw, keep: Keep) -> TrainResult:
    """One run of ``cnn_core.train`` to its end; an interrupted one is kept, not returned."""
    data = digits_data()
    interrupted: list[BaseException] = []
    last = [0.0]

    def show(force: bool) -> None:
        now = time.perf_counter()
        if interrupted or not (force or now - last[0] > 0.1):
            return
        last[0] = now
        try:
            draw(run.step, run.total, list(run.history))
        except Exception:
            raise
        except BaseException as stop:  # Streamlit ends a run this way: stop after this step
            interrupted.append(stop)

    def on_batch(step: int, total: int, loss: float) -> None:
        run.step, run.total = step, total
        show(False)

    def on_epoch(epoch: int, stats: EpochStats) -> None:
        run.history.append(stats)
        show(True)

    result = train(
        data.x_train,
        data.train.labels,
        list(settings.layers),
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        lr=settings.lr,
        seed=settings.seed,
        validation=(data.x_test, data.test.labels),
        on_batch=on_batch,
        on_epoch=on_epoch,
        should_stop=lambda: bool(interrupted),
    )
    if interrupted:
        keep(result, True)
        raise interrupted[0]
    return result


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


def evaluate(params: list, layers: list[Layer], data: Data) -> Evaluation:
    """Predict every test digit with ``predict_proba``; count and tabulate the answers.

    Makes no Streamlit call, so it can run after Streamlit has begun to end the run.
    """
    proba = predict_proba(params, data.x_test, layers)
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


def keep(settings: Settings, kept: dict):
    """Store a result in ``kept``, a dict this session already holds: after Stop, Streamlit
    raises on every call, ``st.session_state`` included, so nothing here may call it."""
    data = digits_data()

    def store(result: TrainResult, fresh: bool) -> None:
        evaluation = evaluate(result.params, list(settings.layers), data)
        kept["run"] = Trained(settings, result, evaluation, fresh)

    return store


def drawer(key: str, progress_slot, curves_slot, epochs: int):
    """Draw a run's progress bar and live curves into two placeholders."""
    drawn = [-1]

    def draw(step: int, total: int, history: list) -> None:
        epoch = history[-1].epoch if history else 0
        loss = f": loss {history[-1].train_loss:.3f}" if history else ""
        progress_slot.progress(
            min(step / max(total, 1), 1.0),
            text=f"Step {step} of {total}, epoch {epoch} of {epochs} done{loss}",
        )
        if len(history) != drawn[0]:
            drawn[0] = len(history)
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
