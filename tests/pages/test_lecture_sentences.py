"""Sentences that must agree with the lecture and with the numbers on the page.

Where a number or a condition decides a sentence (a run that blew up, stride 1, one
filter's 4×4×1), the test sets it up and reads the sentence back; counts are recomputed
here by hand, not through cnn_core.
"""

from __future__ import annotations

import re

from tests.pages.helpers import open_page, texts
from ui.course.lessons import lesson_for


def expander_text(at, label: str) -> str:
    [box] = [e for e in at.expander if e.label == label]
    return "\n".join(m.value for m in box.markdown)


def test_a_run_that_falls_says_fell_and_one_that_blows_up_says_so():
    calm = texts(open_page("pages/learn_filter.py"))
    assert "After 200 steps the loss fell from" in calm
    wild = texts(open_page("pages/learn_filter.py", learn_lr=2.5))
    assert "The loss blew up: it rose from" in wild
    assert "fell from" not in wild


def test_learn_a_filter_names_the_hidden_filter_and_a_fixed_number_of_steps():
    at = open_page("pages/learn_filter.py")
    assert at.selectbox(key="learn_filter").label == "Hidden filter (it makes the target)"
    said = texts(at)
    assert "until the output matches" not in said
    assert "for the number of steps you choose" in said
    assert "1/L" not in at.select_slider(key="learn_lr").help
    slow = expander_text(at, "What makes learning slow or unstable?")
    assert "long, narrow valley" in slow and "zigzag" not in slow


def test_same_padding_is_said_to_hold_at_stride_1():
    at = open_page("pages/padding.py")
    assert "at stride 1 needs p = (f − 1)/2" in expander_text(at, "Valid and same")
    assert not re.search(r"\brings?\b", texts(at))


def test_the_stride_example_of_our_own_is_not_offered_as_the_lectures():
    at = open_page("pages/stride.py")
    own = at.button(key="stride_preset_8_0")
    assert own.label.startswith("Beyond the lecture") and "last row and column" in own.label
    assert "not the lecture's" in own.help and "15 pixels" in own.help
    n, f, s = 8, 3, 2
    reached = (n - f) // s * s + f  # rows the last window reaches
    assert (n * n - reached * reached) == 15
    lecture = [
        b for b in at.button if b.help == "Set the controls to this example from the lecture."
    ]
    assert all(b.label.startswith("Lecture:") for b in lecture)


def test_one_filters_output_is_written_as_the_questions_accept_it():
    at = open_page("pages/volumes.py")
    labels = [b.label for b in at.button]
    assert "6×6×3 * one 3×3×3 filter → 4×4×1, one 4×4" in labels
    assert "hyperparameters" in texts(at) and "f[l]" in texts(at) and "n_c[l]" in texts(at)


def test_why_convolutions_counts_input_numbers_and_says_why_sharing_works():
    said = texts(open_page("pages/why_convolutions.py"))
    assert "every input number (3 per pixel" in said
    assert "Why sharing works" in said and "translation invariance" in said
    assert (3 * 3 * 3 + 1) * 10 == 280
    assert "ten 3×3×3 filters need 280 numbers" in lesson_for("pages/why_convolutions.py").blurb


def test_edge_detection_says_kernel_and_which_sobel_weights_the_centre_row():
    at = open_page("pages/edge_detection.py")
    assert "also called a kernel" in texts(at)
    lecture = expander_text(at, "What the lecture says")
    assert "vertical Sobel and Scharr filters weight the centre row" in lecture
    assert "horizontal versions weight the centre column" in lecture
    assert "can learn filters that suit its task better" in lecture


def test_pooling_gives_maxs_intuition_and_the_networks_fc_share():
    said = texts(open_page("pages/pooling.py"))
    assert "Why max works" in said
    # LeNet-5-like, by hand: CONV 5×5×3 ×8, CONV 5×5×8 ×16, FC 400→120→84→10.
    conv = (5 * 5 * 3 + 1) * 8 + (5 * 5 * 8 + 1) * 16
    fc = (400 + 1) * 120 + (120 + 1) * 84 + (84 + 1) * 10
    share = round(100 * fc / (conv + fc))
    assert f"{fc:,} of {conv + fc:,} ({share} %)" in said
    assert "32 → 28 → 14 → 10 → 5" in said and "3 → 8 → 16" in said
