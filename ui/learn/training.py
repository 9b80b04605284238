"""Training the digits network from a page: worker processes, shared runs, drawn as they learn.

A run never trains in the server's process: ``cnn_core.workers.TrainingPool`` (one per
server) runs it in a worker process, at most W at a time, and shares it by its settings (a
class pressing Train with the same settings watches one run). This module costs a run
before it starts, says in words how it learns, and turns its outcome into the views after
training; ``ui.learn.training_live`` draws a run under way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from cnn_core import (
    Digits,
    Layer,
    TrainResult,
    confusion_matrix,
    digit_inputs,
    forward,
    split_digits,
)
from cnn_core.budget import DEFAULT_BUDGET, RunCost, check_budget, giga, training_cost
from cnn_core.digits import digit_arrays
from cnn_core.kinds import KINDS
from cnn_core.model import N_CLASSES
from cnn_core.training import check_network, check_settings
from cnn_core.workers import Outcome, TrainingPool, TrainRequest
from ui.components.maps import show_maps
from ui.components.paint import paint_pad
from ui.controls.layer_views import view
from ui.controls.network_link import network_text
from ui.display import chart
from ui.learn.digit_grids import activation_maps, digit_map, filter_maps
from ui.learn.result_figures import confusion_figure, probability_figure
from ui.learn.training_live import percent

INPUT = (8, 8, 1)
"""One digit: 8×8 pixels, one channel."""

MAX_WRONG = 16
"""Wrong test digits drawn; more are counted, and the page says only the first are shown."""


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
    """The server's one pool of training workers (W and their memory from the environment).

    Under ``streamlit run`` the pool asks Streamlit's runtime whether a watching session is
    still connected, so a closed tab's run stops at once; under AppTest (no runtime) it
    goes by the page's polls alone.
    """
    if not _real_runtime():
        return TrainingPool()
    return TrainingPool(connected=runtime.get_instance().is_active_session)


def _real_runtime() -> bool:
    """A server's runtime: AppTest runs pages under a mock one, with no sessions to ask."""
    # AppTest's mock is built with spec=Runtime, so isinstance would say yes.
    return runtime.exists() and type(runtime.get_instance()) is runtime.Runtime


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
    """Why ``cnn_core.train()`` would refuse these settings (a learning rate of 0, a network
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
    """This browser session's name for the pool: Streamlit's own session id, which the
    pool can ask the runtime about (a made-up one under AppTest, which has no runtime)."""
    ctx = get_script_run_ctx()
    if ctx is not None and _real_runtime():
        return ctx.session_id
    return st.session_state.setdefault("_train_session", uuid.uuid4().hex)


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


def activations_caption(layers: list[Layer]) -> str:
    """What the maps below show: which layers apply a ReLU, and which have none."""
    kinds = {la.kind for la in layers}
    relu = [name for kind, name in (("conv", "conv"), ("dense", "dense")) if kind in kinds]
    none = [name for kind, name in (("pool", "pooling"), ("flatten", "flatten")) if kind in kinds]
    text = "Activations, layer by layer"
    if relu:
        text += f": each {' and each '.join(relu)} layer's after its ReLU"
    if none:
        text += f" ({' and '.join(none)} apply none)"
    return text + "."


def steps_per_epoch(settings: Settings) -> int:
    """Mini-batch steps in one epoch, ⌈1,437 / batch size⌉, as ``cnn_core.budget`` counts."""
    return run_cost(settings).steps // settings.epochs


def how_it_learns(settings: Settings) -> str:
    """Softmax, cross-entropy, Adam, epochs, mini-batches and steps, test accuracy: in words,
    with these settings' numbers."""
    data = digits_data()
    n_train, n_test = len(data.train), len(data.test)
    classes = settings.layers[-1].n if settings.layers else N_CLASSES
    per_epoch = steps_per_epoch(settings)
    if per_epoch == 1:
        split = f"in one batch of all {n_train:,}, one step"
    else:
        split = f"in mini-batches of {settings.batch_size:,}, one step each"
    return (
        f"The last layer's **softmax** turns the network's {classes} scores for a digit into "
        f"{classes} probabilities that sum to 1. The loss is the **cross-entropy**: −log of "
        "the probability the network gives the right digit, near 0 when it is sure and right, "
        "large when it is sure and wrong. The weights are updated by **Adam**, a variant of "
        "gradient descent that gives each weight its own step size from its recent "
        "gradients; the learning rate sets the largest step. One **epoch** is one pass over "
        f"the {n_train:,} training digits {split}: ⌈{n_train:,} / {settings.batch_size:,}⌉ "
        f"= {per_epoch:,} step{'s' * (per_epoch != 1)} an epoch, "
        f"{per_epoch * settings.epochs:,} in {settings.epochs:,} "
        f"epoch{'s' * (settings.epochs != 1)}. **Accuracy** is measured on the {n_test} test "
        "digits the network never saw while learning."
    )


CHANCE_MARGIN = 0.05
"""Test accuracy within this of chance (1 in 10) is "no better than guessing"."""


def chance_note(trained: Trained, data: Data) -> str:
    """If the network does no better than guessing: say so, and why, from its own numbers;
    else ""."""
    ev = trained.evaluation
    classes = ev.proba.shape[1]
    if ev.accuracy > 1 / classes + CHANCE_MARGIN:
        return ""
    answers = np.bincount(ev.predicted, minlength=classes)
    top = int(answers.argmax())
    text = (
        f"The network does no better than guessing: {percent(ev.accuracy)} right, where "
        f"picking one of the {classes} digits at random gets {percent(1 / classes)}. It "
        f"answers {top} for {answers[top]} of the {len(ev.predicted)} test digits."
    )
    layers = list(trained.settings.layers)
    _, acts = forward(trained.result.params, data.x_test, layers, keep=True)
    dead = next(
        (
            (number, layer)
            for number, (layer, a) in enumerate(zip(layers, acts, strict=True), start=1)
            if KINDS[layer.kind].relu and not (a > 0).any()
        ),
        None,
    )
    if dead is not None:
        number, layer = dead
        text += (
            f" Every ReLU of layer {number} ({layer.label()}) gives 0 on every test digit: "
            "steps too large pushed its weights and biases to where no digit switches a unit "
            "on, and a ReLU at 0 passes back no gradient, so it never recovers. Every digit "
            "then gets the same scores."
        )
    return text + f" Try a smaller learning rate than {trained.settings.lr:g}."


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
    st.caption(activations_caption(layers))
    show_maps(f"{key}_maps", maps, titles=titles)


def learned_views(key: str, trained: Trained, data: Data) -> None:
    """After training: the learned filters, one test digit layer by layer, the confusion
    matrix, the digits it gets wrong, and a pad to paint a digit on. Keys ``{key}_…``."""
    ev = trained.evaluation
    t_layers = list(trained.settings.layers)

    st.header("What it learned")
    first = t_layers[0] if t_layers else None
    if first is not None and view(first).filters:
        st.subheader("The filters of layer 1")
        weights = trained.result.params[0][0]
        f, _, n_c, n_f = weights.shape
        st.write(
            f"Each of the {n_f} filters is {f}×{f}×{n_c} weights ({f * f * n_c} numbers) "
            "learned from the data, drawn on one colour scale (red positive, blue negative). "
            "Look for a column or row of one sign beside one of the other: an edge detector, "
            "like the lecture's, found without being told."
        )
        show_maps(f"{key}_filters", filter_maps(trained.result.params[0][0]), cell=40)

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
    st.write(f"Test digit {index} is the handwritten digit **{data.test.labels[index]}**.")
    predict_view(image, trained, f"Test digit {index}", f"{key}_test")

    st.subheader("The confusion matrix")
    chart(confusion_figure(ev.confusion), key=f"{key}_confusion")
    st.caption(
        "Row: the true digit; column: what the network said. The diagonal holds the "
        "right answers; any other number is a mistake, and where it sits says which digits "
        "look alike to the network."
    )

    wrong = np.flatnonzero(ev.predicted != data.test.labels)
    shown = wrong[:MAX_WRONG]
    st.subheader(f"Digits it gets wrong ({len(wrong)} of {len(data.test)})")
    if len(wrong):
        if len(shown) < len(wrong):
            st.caption(f"The first {len(shown)} are shown.")
        show_maps(
            f"{key}_wrong",
            [
                digit_map(
                    data.test.images[k],
                    f"#{k}: digit {data.test.labels[k]}, said {ev.predicted[k]}",
                    f"Test digit {k}: digit {data.test.labels[k]}, said {ev.predicted[k]}",
                )
                for k in shown
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

    pad, answer = st.columns([2, 3])
    with pad:
        paint_pad(f"{key}_pad", painted, on_paint)
    with answer:
        if not painted.any():
            st.info("The pad is blank: paint a digit to see what the network reads.")
        else:
            predict_view(painted, trained, "Your digit", f"{key}_paint")
