import re

import numpy as np
import pytest

from cnn_core import VERTICAL_EDGE, conv2d
from cnn_core.examples import LECTURE_6X6
from tests.pages.helpers import formulas, linked, linked_grids, open_link, open_page, texts

PAGE = "pages/learn_filter.py"


def learned_index(at) -> str:
    """The learned filter's index among the grids (the key of its frames)."""
    labels = [g["label"] for g in linked(at, "learn_grid")["grids"]]
    return str(labels.index("Learned filter"))


def test_opens_on_the_lecture_6x6_learning_the_vertical_edge():
    at = open_page(PAGE)
    grids = linked_grids(at, "learn_grid")
    np.testing.assert_array_equal(grids["Input 6×6"], LECTURE_6X6)
    np.testing.assert_array_equal(grids["Hidden filter"], VERTICAL_EDGE)
    np.testing.assert_array_equal(grids["Target output"], conv2d(LECTURE_6X6, VERTICAL_EDGE))
    frames = linked(at, "learn_grid")["frames"]
    assert frames["steps"][0] == 0 and frames["steps"][-1] == 200 and frames["count"] <= 61
    assert frames["pin"] == 0
    learned = np.asarray(frames["grids"][learned_index(at)]["values"])
    assert learned.shape == (frames["count"], 3, 3)
    assert np.abs(learned[0]).max() < 0.05  # small random weights at the start
    # At the end the weights have drifted to the [1, 0, −1] columns.
    np.testing.assert_allclose(learned[-1], VERTICAL_EDGE, atol=0.1)
    loss = frames["curve"]["y"]
    assert loss[-1] < 1e-3 * loss[0]
    assert "Step 0 of 200: loss" in frames["captions"][0]


def test_the_gradient_of_w00_is_written_out_and_equals_a_hand_computation():
    at = open_page(PAGE)
    frames = linked(at, "learn_grid")["frames"]
    w0 = np.asarray(frames["grids"][learned_index(at)]["values"][0])
    out0 = conv2d(LECTURE_6X6, w0)  # bias starts at 0
    error = out0 - conv2d(LECTURE_6X6, VERTICAL_EDGE)
    want = 2 / error.size * np.sum(error * LECTURE_6X6[:4, :4])
    text = formulas(at)[0]
    assert text.startswith("(2/16)·[")
    value = float(text.rsplit("= ", 1)[1].replace("−", "-"))
    assert abs(value - want) < 1e-3 * abs(want)
    assert "w1 = w(0, 0), w2 = w(0, 1)" in texts(at)


def test_a_settled_step_moves_the_explanation_and_goes_in_the_link():
    at = open_page(PAGE, learn_step=67)
    frames = linked(at, "learn_grid")["frames"]
    assert frames["steps"][frames["pin"]] == 67
    assert any("at step 67" in h.value for h in at.header)
    assert at.query_params["step"] == "67"


def test_a_link_opens_at_its_step_and_a_step_between_frames_takes_the_nearest():
    at = open_link(PAGE, step="67")
    frames = linked(at, "learn_grid")["frames"]
    assert frames["steps"][frames["pin"]] == 67
    assert any("at step 67" in h.value for h in at.header)
    at = open_link(PAGE, step="68", steps="200")
    frames = linked(at, "learn_grid")["frames"]
    assert frames["steps"][frames["pin"]] == 67
    assert at.query_params["step"] == "67"  # the link says what is shown


def test_a_step_past_the_run_shows_its_last_step():
    at = open_link(PAGE, step="1500", steps="50")
    frames = linked(at, "learn_grid")["frames"]
    assert frames["pin"] == frames["count"] - 1 and frames["steps"][-1] == 50
    assert not at.warning and not at.info


@pytest.mark.parametrize(
    ("param", "value", "used"),
    [("lr", "5", "1.0"), ("lr", "0.01", "1.0"), ("steps", "5000", "200"), ("step", "9999", "0")],
)
def test_a_link_value_beyond_the_page_warns_and_names_what_is_used(param, value, used):
    at = open_link(PAGE, **{param: value})
    assert len(at.warning) == 1, [w.value for w in at.warning]
    message = at.warning[0].value
    assert f"{param} = ` {value} `" in message and f"so {used} is used" in message
    assert at.query_params[param] == used


def test_a_link_value_between_the_choices_is_refused_naming_them():
    at = open_link(PAGE, lr="0.7")
    assert not at.warning
    assert "not one of 0.1, 0.5, 1.0, 1.5, 2.5" in at.info[0].value
    assert at.session_state["learn_lr"] == 1.0


def test_too_large_a_learning_rate_stops_with_a_message_and_no_nan():
    at = open_page(PAGE, learn_lr=2.5)
    assert "The learning rate is too large" in at.error[0].value
    assert "blew up at step" in at.error[0].value
    frames = linked(at, "learn_grid")["frames"]
    values = np.asarray(frames["grids"][learned_index(at)]["values"], dtype=float)
    assert np.isfinite(values).all() and np.isfinite(frames["curve"]["y"]).all()
    assert not at.exception


def test_centring_the_input_goes_further_in_the_same_steps():
    plain = linked(open_page(PAGE, learn_steps=50), "learn_grid")["frames"]["curve"]["y"]
    centred = linked(open_page(PAGE, learn_steps=50, learn_centre=True), "learn_grid")
    loss = centred["frames"]["curve"]["y"]
    assert loss[-1] / loss[0] < plain[-1] / plain[0]


def test_a_photo_is_learned_at_12_pixels_and_says_so():
    at = open_page(PAGE, learn_input="Photo: camera")
    grids = linked_grids(at, "learn_grid")
    x = next(v for k, v in grids.items() if k.startswith("Input"))
    assert max(x.shape) <= 12
    n_H, n_W = x.shape
    assert f"is computed at {n_H}×{n_W}, in grey" in texts(at)
    assert not at.error and not at.exception


def test_the_learned_filter_shares_the_last_line_with_the_output_now():
    """The player and the loss curve come after the last line of grids: what is learned
    sits right above them, the input and target on the line before."""
    rows = {g["label"]: g["row"] for g in linked(open_page(PAGE), "learn_grid")["grids"]}
    assert rows["Learned filter"] == rows["Output now"] == rows["Hidden filter"] == 1
    assert rows["Input 6×6"] == rows["Target output"] == 0


def test_a_filter_larger_than_the_image_gets_a_message():
    at = open_page(PAGE, learn_filter="Custom filter", learn_custom_f=7)
    assert "does not fit a 6×6 image" in at.error[0].value


def _final_loss(at) -> float:
    """The loss after the run, read from the page's sentence ("… fell from A to B; …")."""
    [sentence] = re.findall(r"After \d+ steps the loss fell from \S+ to (\S+);", texts(at))
    return float(sentence.replace("−", "-").replace(",", ""))


def test_the_worked_examples_show_a_blow_up_and_centring_speeding_a_photo_up():
    at = open_page(PAGE)
    labels = [b.label for b in at.button if (b.key or "").startswith("learn_example_")]
    assert labels == [
        "The lecture's 6×6: learn the vertical edge",
        "Learning rate 2.5: the loss blows up",
        "A photo, not centred: learning is slow",
        "The same photo, centred: it learns",
    ]
    at.button(key="learn_example_1").click().run()
    assert "The loss blew up: it rose from" in texts(at)
    at.button(key="learn_example_2").click().run()
    assert at.session_state["learn_input"] == "Photo: camera"
    slow = _final_loss(at)
    at.button(key="learn_example_3").click().run()
    assert at.session_state["learn_centre"] is True
    fast = _final_loss(at)
    assert fast * 100 < slow  # 0.08281 against 37.8 at 200 steps
    at.button(key="learn_reset").click().run()
    assert (at.session_state["learn_input"], at.session_state["learn_centre"]) == (
        "Lecture 6×6",
        False,
    )
