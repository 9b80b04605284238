"""Train a CNN under a budget: a run's cost is shown before it starts, a run over the budget
is refused on load with Train disabled, and a failed run says so."""

from __future__ import annotations

import pytest

from tests.pages.helpers import open_link, open_page, texts
from tests.pages.test_train_cnn import follow

PAGE = "pages/train_cnn.py"


def test_the_defaults_show_their_cost_against_the_limit():
    at = open_page(PAGE)
    assert (
        "This run: 540 steps, about 1.0 G multiply-adds of the 50 G a run may use on this "
        "server." in [c.value for c in at.caption]
    )
    assert not at.button(key="train_go").disabled


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"epochs": "200", "batch": "1"},
            "Cannot train here: this run needs about 300 G multiply-adds; a run here may use "
            "up to 50 G: fewer filters, fewer epochs or a larger batch.",
        ),
        (
            {"net": "conv 3 1 same 256; conv 3 1 same 256; flatten; softmax 10", "epochs": "1"},
            "Cannot train here: this run needs about 247 G multiply-adds; a run here may use "
            "up to 50 G: fewer filters, fewer epochs or a larger batch.",
        ),
        (
            {"net": "flatten; dense 4096; dense 4096; softmax 10", "epochs": "1"},
            "Cannot train here: this run needs about 669 MB of memory; a run here may use up "
            "to 256 MB: fewer filters or units, or a smaller batch.",
        ),
    ],
    ids=["batch 1 for 200 epochs", "two layers of 256 filters", "two layers of 4096 units"],
)
def test_a_run_over_the_budget_is_refused_on_load_with_train_disabled(params, message):
    at = open_link(PAGE, timeout=120, **params)
    assert message in [e.value for e in at.error]
    assert at.button(key="train_go").disabled
    assert "Test accuracy" not in texts(at)


def test_the_bigger_network_of_a_student_trains(monkeypatch):
    net = (
        "conv 3 1 same 16; pool 2 2 max; conv 3 1 same 32; pool 2 2 max; flatten; dense 64; "
        "softmax 10"
    )
    at = open_link(PAGE, timeout=240, net=net, epochs="2")
    assert not at.error, [e.value for e in at.error]
    at.button(key="train_go").click().run(timeout=240)
    follow(at, timeout=240)
    assert not at.exception
    run = at.session_state["train_kept"]["run"]
    assert run.result.epochs_run == 2 and run.evaluation.accuracy > 0.5
