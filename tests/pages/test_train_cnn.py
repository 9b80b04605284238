"""Train a CNN: the Train button trains, the numbers shown are the network's own, bad input
gets a message, and the network is written out as PyTorch code.

Training runs through AppTest in this process, so ``st.cache_resource`` is shared between
the sessions of a test: that is how a class shares one run per setting.
"""

from __future__ import annotations

import ast
import re
import time

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from cnn_core import DIGITS_NETWORK, describe, digit_inputs, predict_proba, split_digits
from cnn_core.training import DEFAULT_LR, MAX_LR
from tests.pages.helpers import open_link as open_page_link
from tests.pages.helpers import open_page, texts

PAGE = "pages/train_cnn.py"
ACCURACY = re.compile(r"Test accuracy: (\d+\.\d) %")
# "accuracy" and a percentage in one sentence, in either order.
CLAIM = re.compile(r"accura[^.\n]*\d\s*%|\d\s*%[^.\n]*accura", re.IGNORECASE)


def open_link(**params: str) -> AppTest:
    return open_page_link(PAGE, timeout=120, **params)


def train(at: AppTest, timeout: float = 120) -> AppTest:
    """Press Train, then rerun as the page's polling fragments would until the run ends."""
    at.button(key="train_go").click().run()
    return follow(at, timeout)


def follow(at: AppTest, timeout: float = 120, until=None) -> AppTest:
    """Rerun every 0.25 s (as the browser's fragments do) while this session's run is under
    way, or until ``until(at)`` holds."""
    end = time.monotonic() + timeout
    while "train_job" in at.session_state and not (until and until(at)):
        assert time.monotonic() < end, "the run did not end in time"
        time.sleep(0.25)
        at.run()
    assert not at.exception, at.exception
    return at


def kept(at: AppTest):
    """This session's trained network (``Trained``), or None."""
    return at.session_state["train_kept"].get("run")


def accuracy_line(at: AppTest) -> float:
    found = [m for e in at.markdown if (m := ACCURACY.search(e.value))]
    assert len(found) == 1, texts(at)
    return float(found[0].group(1))


def test_before_training_no_line_pairs_accuracy_with_a_percentage():
    at = open_page(PAGE)
    assert not CLAIM.search(texts(at)), CLAIM.search(texts(at))
    assert "Test accuracy" not in texts(at)
    assert kept(at) is None


def test_train_shows_the_test_accuracy_of_the_trained_network():
    at = train(open_page(PAGE))
    shown = accuracy_line(at)
    params = kept(at).result.params
    _, test = split_digits()
    proba = predict_proba(params, digit_inputs(test.images), DIGITS_NETWORK)
    want = 100 * float(np.mean(proba.argmax(axis=1) == test.labels))
    assert shown == round(want, 1)
    assert shown >= 95.0
    assert f"{round(want * 3.6)} of 360 test digits right" in texts(at)


def test_the_same_settings_train_once_and_a_new_seed_trains_its_own():
    first = train(open_page(PAGE))
    second = train(open_page(PAGE))
    run1, run2 = kept(first), kept(second)
    assert run2.result is run1.result
    assert not run2.fresh
    third = open_page(PAGE)
    third.number_input(key="train_seed").set_value(7).run()
    train(third)
    run3 = kept(third)
    assert run3.result is not run1.result
    assert run3.settings.seed == 7


def test_moving_a_setting_never_retrains():
    at = train(open_page(PAGE))
    result = kept(at).result
    at.number_input(key="train_epochs").set_value(3).run()
    at.number_input(key="train_seed").set_value(11).run()
    assert kept(at).result is result
    assert "settings above have changed" in texts(at)
    assert accuracy_line(at) > 0  # the trained network stays on the page


def test_stop_with_nothing_training_says_so():
    at = open_page(PAGE)
    at.button(key="train_stop").click().run()
    assert "Nothing is training" in at.info[0].value
    assert kept(at) is None


def test_a_painted_digit_gets_the_networks_prediction_and_a_blank_pad_a_message():
    at = train(open_page(PAGE))
    assert any("The pad is blank" in i.value for i in at.info)
    _, test = split_digits()
    digit = test.images[np.flatnonzero(test.labels == 3)[0]]
    at.session_state["train_painted"] = digit
    at.run()
    params = kept(at).result.params
    proba = predict_proba(params, digit_inputs(digit[None]), DIGITS_NETWORK)[0]
    best = int(proba.argmax())
    said = [m.value for m in at.markdown if m.value.startswith("**The network says:")]
    assert said[-1].startswith(f"**The network says: {best}**")
    assert not any("The pad is blank" in i.value for i in at.info)
    # The painted digit is in the link: 64 base-17 characters.
    painted = at.query_params["painted"]
    painted = painted[0] if isinstance(painted, list) else painted
    assert [int(c, 17) for c in painted] == digit.ravel().tolist()


def test_a_learning_rate_train_refuses_gets_a_message():
    at = train(open_link(lr="0"))
    assert at.error[0].value.startswith("Cannot train: learning rate must be > 0 and at most 10")
    assert kept(at) is None
    assert "nan" not in texts(at).lower()


def test_a_link_with_a_learning_rate_past_the_engines_limit_is_named_and_not_used():
    """The page's range is the engine's (cnn_core.training.MAX_LR): one definition."""
    at = open_link(lr="1000000")
    assert at.warning[0].value == (
        "This link goes beyond this page's limits: lr = ` 1000000 ` is outside 0 to 10, "
        "so 0.01 is used."
    )
    assert at.number_input(key="train_lr").value == 0.01
    assert at.number_input(key="train_lr").max == MAX_LR == 10


def test_a_learning_rate_that_blows_up_says_so_and_shows_no_nan():
    at = train(open_link(lr="10", epochs="2"))
    assert "The loss blew up" in at.error[0].value
    assert "nan" not in texts(at).lower()
    assert 0 <= accuracy_line(at) <= 100


def test_a_network_that_cannot_train_on_8x8_is_named_and_gets_no_code():
    at = open_link(net="conv 11 1 0 8; flatten; softmax 10")
    assert "layer 1 (CONV f=11 s=1 p=0, 8 filters)" in at.warning[0].value
    assert not at.code
    assert "No code: cannot export to PyTorch: layer 1" in at.error[0].value
    train(at)
    assert any(e.value.startswith("Cannot train: layer 1 (CONV f=11") for e in at.error)
    assert kept(at) is None


def test_a_network_without_softmax_10_cannot_train():
    at = train(open_link(net="conv 3 1 same 4; flatten; dense 10"))
    assert any(
        e.value.startswith("Cannot train: the last layer must be SOFTMAX 10 units")
        for e in at.error
    )


def test_the_link_carries_the_network_and_the_settings():
    net = "conv 3 1 same 4; pool 2 2 average; flatten; softmax 10"
    at = open_link(net=net, epochs="5", lr="0.02", batch="64", seed="3")
    assert at.number_input(key="train_epochs").value == 5
    assert at.number_input(key="train_lr").value == pytest.approx(0.02)
    assert at.number_input(key="train_batch").value == 64
    assert at.number_input(key="train_seed").value == 3
    assert "4×4×4 → 64 → 10" in texts(at)
    q = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert q["net"] == net and q["epochs"] == "5" and q["seed"] == "3"


def test_a_bad_link_value_falls_back_with_a_notice():
    at = open_link(net="conv; nonsense", lr="lots")
    notice = at.info[0].value
    assert "net = " in notice and "lr = " in notice
    assert "1,370 parameters" in texts(at)


def test_the_code_parses_and_builds_a_model_with_describes_parameter_count():
    at = open_page(PAGE)
    code = at.code[0].value
    ast.parse(code)
    assert "(m, n_c, n_H, n_W)" in texts(at)  # the channels-first line beside it
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(code, "<train_cnn code>", "exec"), namespace)
    model = namespace["model"]
    total = sum(r.params for r in describe((8, 8, 1), DIGITS_NETWORK))
    assert sum(p.numel() for p in model.parameters()) == total == 1370
    assert tuple(model(torch.zeros(2, 1, 8, 8)).shape) == (2, 10)


def test_after_training_filters_maps_probabilities_confusion_and_mistakes_are_shown():
    at = train(open_page(PAGE))
    grids = grids_by_name(at)
    params = kept(at).result.params
    np.testing.assert_allclose(grids["Filter 1"], np.round(params[0][0][:, :, 0, 0], 2))
    assert {f"Test digit 0: layer 1 map {k}" for k in range(1, 9)} <= set(grids)
    assert grids["Test digit 0: layer 2 map 1"].shape == (4, 4)
    ev = kept(at).evaluation
    assert ev.confusion.sum() == 360 and np.trace(ev.confusion) == ev.correct
    wrong = [name for name in grids if re.match(r"Test digit \d+: digit \d, said \d", name)]
    assert len(wrong) == min(16, 360 - ev.correct) > 0
    assert f"Digits it gets wrong ({360 - ev.correct} of 360)" in [h.value for h in at.subheader]
    assert ("The first 16 are shown." in texts(at)) == (360 - ev.correct > 16)
    assert "no better than guessing" not in texts(at)
    assert "Each of the 8 filters is 3×3×1 weights (9 numbers)" in texts(at)
    assert (
        "Activations, layer by layer: each conv layer's after its ReLU (pooling and flatten "
        "apply none)." in [c.value for c in at.caption]
    )
    alts = [
        c.proto.alt for c in at.get("plotly_chart") if "Probability of each digit" in c.proto.alt
    ]
    assert alts


def grids_by_name(at: AppTest) -> dict[str, np.ndarray]:
    """Every small grid (ui.components.maps) on the page by its name."""
    import json

    out = {}
    for el in at.get("bidi_component"):
        data = json.loads(el.proto.json)
        for band in data.get("bands", []):
            for g in band["grids"]:
                out[g["name"]] = np.asarray(g["values"])
    return out


@pytest.mark.parametrize(
    ("net", "says"),
    [
        (
            "conv 1 1 3000 1; flatten; softmax 10",
            "layer 1 (CONV f=1 s=1 p=3000, 1 filter) has padding p = 3,000, and this page "
            "takes 0 to 8",
        ),
        (
            "conv 3 1 same 4096; flatten; softmax 10",
            "has filters = 4,096, and this page takes 1 to 256",
        ),
    ],
)
def test_a_link_network_beyond_the_limits_warns_and_keeps_the_default(net, says):
    at = open_link(net=net)
    (warning,) = [w.value for w in at.warning if w.value.startswith("This link goes beyond")]
    assert says in warning
    assert warning.endswith(
        "so the default network conv 3 1 same 8; pool 2 2 max; flatten; softmax 10 is used."
    )
    assert "Layer(" not in texts(at)
    assert "1,370 parameters" in texts(at)  # the default network, as the warning says


def test_a_thousand_pasted_rows_start_the_network_table_again_at_12():
    from ui.controls.network_link import network_text
    from ui.controls.network_table import DIGITS_LIMITS

    row = {"layer": "dense", "filters / units": 10}
    edits = {"edited_rows": {}, "added_rows": [row] * 1000, "deleted_rows": []}
    at = open_page(PAGE, **{f"train_layers_{network_text(DIGITS_NETWORK)}": edits})
    assert DIGITS_LIMITS.layers == 12
    assert (
        "1,000 rows were added, but a network here has at most 12 layers: the table starts "
        "again with its first 12 rows."
    ) in [w.value for w in at.warning]
    editor = next(df for df in at.dataframe if "pool mode" in df.value.columns)
    assert len(editor.value) == 12


def test_the_samples_are_captioned_digit_d_not_a_d():
    grids = grids_by_name(open_page(PAGE))
    assert {f"Digit {d}" for d in range(10)} <= set(grids)
    assert not any(re.match(r"A \d$", name) for name in grids)


@pytest.mark.parametrize(
    ("batch", "epochs", "split"),
    [
        ("32", "12", "in mini-batches of 32, one step each"),
        ("100", "3", "in mini-batches of 100, one step each"),
        ("1", "2", "in mini-batches of 1, one step each"),
        ("1437", "1", "in one batch of all 1,437, one step"),
    ],
)
def test_the_words_give_steps_per_epoch_computed_from_the_batch(batch, epochs, split):
    at = open_link(batch=batch, epochs=epochs)
    b, e = int(batch), int(epochs)
    per_epoch = -(-1437 // b)  # ⌈1,437 / b⌉, independently of cnn_core.budget
    steps = "1 step" if per_epoch == 1 else f"{per_epoch:,} steps"
    line = (
        f"One **epoch** is one pass over the 1,437 training digits {split}: "
        f"⌈1,437 / {b:,}⌉ = {steps} an epoch, {per_epoch * e:,} in {e} epoch{'s' * (e != 1)}."
    )
    words = [m.value for m in at.markdown if "**softmax**" in m.value]
    assert len(words) == 1 and line in words[0], words
    assert "10 probabilities that sum to 1" in words[0]
    assert "**cross-entropy**: −log of the probability" in words[0]
    assert "**Adam**, a variant of gradient descent" in words[0]
    assert "the 360 test digits the network never saw" in words[0]


def test_the_filters_sentence_takes_f_and_n_c_from_layer_1():
    at = train(open_link(net="conv 5 1 same 4; flatten; softmax 10", epochs="1"))
    assert "Each of the 4 filters is 5×5×1 weights (25 numbers)" in texts(at)
    assert not any("Each of" in m.value and "3×3" in m.value for m in at.markdown)
    assert (
        "Activations, layer by layer: each conv layer's after its ReLU (flatten apply none)."
        in [c.value for c in at.caption]
    )


def test_a_network_at_chance_says_it_does_no_better_than_guessing_and_why():
    at = train(open_link(lr="1", epochs="2"))
    run = kept(at)
    assert not run.result.diverged  # the loss never passes the blow-up bound: no other message
    answers = np.bincount(run.evaluation.predicted, minlength=10)
    top = int(answers.argmax())
    (note,) = [e.value for e in at.error if "no better than guessing" in e.value]
    assert note.startswith(
        f"The network does no better than guessing: {100 * run.evaluation.accuracy:.1f} % "
        "right, where picking one of the 10 digits at random gets 10.0 %."
    )
    assert f"It answers {top} for {answers[top]} of the 360 test digits." in note
    # Its ReLUs are dead: checked here with the network's own forward pass.
    _, test = split_digits()
    from cnn_core import forward

    _, acts = forward(run.result.params, digit_inputs(test.images), DIGITS_NETWORK, keep=True)
    assert not (acts[0] > 0).any()
    assert "Every ReLU of layer 1 (CONV f=3 s=1 p=same, 8 filters) gives 0" in note
    assert note.endswith("Try a smaller learning rate than 1.")
    assert "The first 16 are shown." in texts(at)


def test_the_layer_1_filters_are_drawn_live_as_each_epoch_ends():
    from cnn_core.digits import digit_arrays
    from cnn_core.training import train as train_here

    at = open_link(epochs="200", seed="17")
    at.button(key="train_go").click().run()

    def live_filters(at: AppTest) -> bool:
        return any(name.startswith("Live filter") for name in grids_by_name(at))

    follow(at, timeout=120, until=live_filters)
    assert "train_job" in at.session_state  # still training
    title = next(m.value for m in at.markdown if m.value.startswith("**Layer 1's filters"))
    epoch = int(re.search(r"after epoch (\d+)", title).group(1))
    shown = grids_by_name(at)
    assert "Test accuracy" not in texts(at)  # no result yet: the live view only
    at.button(key="train_stop").click().run()
    assert "train_job" not in at.session_state
    # The same settings trained here to that epoch give the filters drawn, to 1 decimal
    # (live, beside the curves; the finished run's are drawn to 2).
    x, y, _, _ = digit_arrays()
    at_epoch = {}
    train_here(
        x,
        y,
        DIGITS_NETWORK,
        epochs=epoch,
        seed=17,
        on_epoch_params=lambda e, params: at_epoch.setdefault(e, params[0][0].copy()),
    )
    for k in range(8):
        np.testing.assert_allclose(
            shown[f"Live filter {k + 1}"], np.round(at_epoch[epoch][:, :, 0, k], 1), atol=0.011
        )


def test_the_worked_examples_set_the_settings_and_the_link():
    at = open_link()
    labels = [b.label for b in at.button if (b.key or "").startswith("train_example_")]
    assert labels == [
        "The default settings",
        "Learning rate 1: too large a step",
        "Batch size 1,437: one step per epoch",
    ]
    at.button(key="train_example_1").click().run()
    assert at.number_input(key="train_lr").value == 1.0 and at.query_params["lr"] == "1.0"
    at.button(key="train_example_2").click().run()
    assert at.number_input(key="train_lr").value == DEFAULT_LR
    assert at.number_input(key="train_batch").value == 1437
    assert "in one batch of all 1,437, one step: ⌈1,437 / 1,437⌉ = 1 step an epoch" in texts(at)
