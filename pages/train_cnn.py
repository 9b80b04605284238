"""Train a CNN: the lecture's network learns the 8×8 handwritten digits, in NumPy, in seconds."""

import streamlit as st

from cnn_core import DIGITS_NETWORK
from cnn_core.training import DEFAULT_BATCH_SIZE, DEFAULT_EPOCHS, DEFAULT_LR, MAX_EPOCHS, MAX_LR
from ui.components.maps import show_maps
from ui.components.paint import parse_pixels, pixels_text
from ui.controls.control import Decimal, Whole
from ui.controls.network_code import pytorch_code, refusals
from ui.controls.network_link import network_text, parse_network
from ui.controls.network_table import layers_editor, shape_line
from ui.course.path import end_of_lesson
from ui.display import chart
from ui.learn.digit_grids import samples
from ui.learn.session_run import train_and_stop
from ui.learn.training import (
    Settings,
    cannot_train,
    chance_note,
    cost_line,
    digits_data,
    how_it_learns,
    learned_views,
    over_budget,
    run_cost,
)
from ui.learn.training_live import curves_alt, curves_figure, percent
from ui.links import Param, save_link, whole
from ui.page import examples, setup_page

KEY = "train"
INPUT = (8, 8, 1)
DATA = digits_data()  # read once per server, shared
N_TRAIN, N_TEST = len(DATA.train), len(DATA.test)


# The settings under "Train it", in the order they stand on the page.
SETTINGS = (
    Whole(
        "epochs", "Epochs", 1, MAX_EPOCHS, DEFAULT_EPOCHS,
        f"Passes over the {N_TRAIN:,} training digits.", typed=True,
    ),
    Decimal(
        "lr", "Learning rate", 0.0, MAX_LR, DEFAULT_LR,
        f"The largest step Adam takes for any one weight (at most {MAX_LR:g}). Try 1, or "
        "10, to see what too large does.",
    ),
    Whole(
        "batch", "Batch size", 1, N_TRAIN, DEFAULT_BATCH_SIZE,
        "Digits per gradient step (a mini-batch).", typed=True,
    ),
    Whole(
        "seed", "Seed", 0, 999_999, 0,
        "Picks the random starting filters and the order of the batches: the same seed "
        "gives the same run.", typed=True,
    ),
)  # fmt: skip

LINK = [
    Param(
        "net",
        DIGITS_NETWORK,
        parse_network,
        shown=lambda net: f"the default network {network_text(net)}",
    ),
    *(control.param for control in SETTINGS),
    Param("digit", 0, whole(0, N_TEST - 1)),
    Param("painted", None, parse_pixels, shown=lambda _: "a blank pad"),
]


DEFAULTS = {c.name: c.default for c in SETTINGS}
EXAMPLES = {
    "The default settings": DEFAULTS,
    "Learning rate 1: too large a step": {**DEFAULTS, "lr": 1.0},
    f"Batch size {N_TRAIN:,}: one step per epoch": {**DEFAULTS, "batch": N_TRAIN},
}

setup_page(KEY, LINK)
st.title("Train a CNN")
st.write(
    "Everything so far, put to work: a small network of the lecture's layers learns to read "
    "handwritten digits. Its filters start random; gradient descent on mini-batches turns "
    "them into features, computed here in NumPy with ConvLab's own forward and backward "
    "passes."
)
data = DATA
st.header("The data")
st.write(
    f"{len(data.train) + len(data.test):,} handwritten digits of 8×8 pixels (UCI, "
    "E. Alpaydin and C. Kaynak, CC BY 4.0); each pixel counts the ink in a 4×4 block, 0 to "
    f"16. A fixed split: the network learns from {len(data.train):,} and is tested on the "
    f"other {len(data.test)}, which it never sees while learning."
)
show_maps(f"{KEY}_samples", samples(data.train))

st.header("The network")
base = st.session_state.get(f"{KEY}_net") or DIGITS_NETWORK
left, right = st.columns([3, 2])
with left:
    rows = layers_editor(f"{KEY}_layers_{network_text(base)}", base)
with right:
    st.markdown(
        "A **conv** or **dense** layer includes its ReLU, as the lecture's CONV and FC do. "
        "The last layer is a softmax over the 10 digits."
    )
    st.caption("Edit a cell, add or delete rows; a blank cell does not apply to its layer.")
layers = [la for la, _ in rows]
refused = refusals(rows)
shape_line(INPUT, rows, "This network cannot train on 8×8 digits")

st.header("Train it")
examples(KEY, EXAMPLES, lecture=False)
columns = zip(SETTINGS, st.columns(4), strict=True)
epochs, lr, batch, seed = (control.show(KEY, column) for control, column in columns)
settings = Settings(tuple(layers), int(epochs), float(lr), int(batch), int(seed))
cannot = "; ".join(refused) or cannot_train(settings)
too_costly = "" if cannot else over_budget(settings)
if too_costly:
    st.error(f"Cannot train here: {too_costly}.")
elif not cannot:
    st.caption(cost_line(run_cost(settings)))
    st.markdown(how_it_learns(settings))
trained_run, following = train_and_stop(KEY, settings, cannot, too_costly)
if trained_run is not None:
    result, ev = trained_run.result, trained_run.evaluation
    chart(
        curves_figure(list(result.history), trained_run.settings.epochs),
        key=f"{KEY}_curves",
        alt=curves_alt(list(result.history)),
    )
    if result.diverged:
        st.error(
            f"The loss blew up at step {result.steps} (learning rate "
            f"{trained_run.settings.lr:g} is too large): training stopped there, and the "
            "network below keeps the last weights whose loss was still sound. Try 0.01."
        )
    elif result.stopped:
        st.warning(
            f"Stopped after {result.epochs_run} of {trained_run.settings.epochs} epochs "
            f"(step {result.steps:,}); the network below is as it was at the end of epoch "
            f"{result.epochs_run}."
        )
    st.markdown(f"### Test accuracy: {percent(ev.accuracy)}")
    if not result.diverged and (guessing := chance_note(trained_run, data)):
        st.error(guessing)
    st.caption(
        f"{ev.correct} of {len(ev.predicted)} test digits right; {result.epochs_run} "
        f"epoch{'s' * (result.epochs_run != 1)}, {result.steps} steps, "
        f"{sum(e.seconds for e in result.history):.1f} s on this server"
        + (
            "."
            if trained_run.fresh
            else ", for everyone who trains these settings: shared, not redone."
        )
    )
    if trained_run.settings != settings:
        st.info(
            "The settings above have changed since this network was trained: what follows is "
            "the last network you trained. Press Train to train the new settings."
        )
    learned_views(KEY, trained_run, data)
elif not following:
    st.info("Press **Train**: the results, the learned filters and a pad to paint on follow.")

st.header("The network as code")
pytorch_code(INPUT, rows, heading=False)
painted_now = st.session_state.get(f"{KEY}_painted")
save_link(
    KEY,
    LINK,
    net=network_text(layers),
    painted=None if painted_now is None else pixels_text(painted_now),
    training=1 if following else None,
)
end_of_lesson(KEY, "pages/train_cnn.py")
