"""Drawing a run under way, and the small parsers behind the training page's link."""

from __future__ import annotations

import pytest

from cnn_core import DIGITS_NETWORK, LENET5_LIKE, EpochStats, Layer
from cnn_core.workers import RunView
from ui.links import decimal
from ui.network_table import layers_table, network_text, parse_network, read_layers
from ui.paint import checked_pixels
from ui.training import Settings, drawer


def settings(seed: int) -> Settings:
    return Settings(tuple(DIGITS_NETWORK), epochs=3, lr=0.01, batch_size=32, seed=seed)


class Slot:
    """A stand-in for ``st.empty()``: records what was drawn into it."""

    def __init__(self) -> None:
        self.drawn: list[tuple[str, object]] = []

    def info(self, text: str) -> None:
        self.drawn.append(("info", text))

    def progress(self, value: float, text: str) -> None:
        self.drawn.append(("progress", (value, text)))

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


def view(status: str, *, step: int = 0, total: int = 45, epochs: int = 0, ahead: int = 0):
    stats = tuple(EpochStats(e, 1.0 / e, 0.9, 1.1 / e, 0.8, 0.1) for e in range(1, epochs + 1))
    return RunView(status, step, total, stats, ahead, 1, "")


def test_a_queued_run_says_how_many_runs_are_before_it_and_how_many_train_at_once():
    progress, curves = Slot(), Slot()
    draw = drawer("t", progress, curves, epochs=3, workers=1)
    draw(view("queued", ahead=2))
    draw(view("queued", ahead=0))
    assert progress.drawn == [
        (
            "info",
            "Waiting for a free worker: 2 runs are queued before yours "
            "(this server trains 1 run at a time).",
        ),
        ("info", "Waiting for a free worker: yours is next (this server trains 1 run at a time)."),
    ]


def test_progress_is_drawn_once_per_step_and_curves_at_a_bounded_rate(monkeypatch):
    charts = []
    monkeypatch.setattr("ui.training.chart", lambda fig, key, alt: charts.append(key))
    progress, curves = Slot(), Slot()
    times = iter([0.0, 0.25, 1.5, 1.75, 2.0])  # seconds, one per look at the run
    draw = drawer("t", progress, curves, epochs=3, workers=2, clock=lambda: next(times))
    draw(view("running", step=10))
    draw(view("running", step=10))  # nothing new: nothing drawn
    draw(view("running", step=50, epochs=1))
    draw(view("running", step=95, epochs=2))  # 0.25 s after the last chart: not redrawn
    draw(view("done", step=135, total=135, epochs=3))  # the end is always drawn
    steps = [text for kind, (value, text) in progress.drawn if kind == "progress"]
    assert steps == [
        "Step 10 of 45, epoch 0 of 3 done",
        "Step 50 of 45, epoch 1 of 3 done: loss 1.000",
        "Step 95 of 45, epoch 2 of 3 done: loss 0.500",
        "Step 135 of 135, epoch 3 of 3 done: loss 0.333",
    ]
    assert charts == ["t_live_0", "t_live_1", "t_live_3"]


def test_settings_keys_are_equal_exactly_when_the_settings_are():
    assert settings(1).key == settings(1).key
    assert settings(1).key != settings(2).key
    other = Settings(tuple(DIGITS_NETWORK), 3, 0.010000001, 32, 1)
    assert other.key != settings(1).key


@pytest.mark.parametrize("layers", [DIGITS_NETWORK, LENET5_LIKE[1]])
def test_a_network_survives_the_link_and_the_table(layers):
    assert parse_network(network_text(layers)) == layers
    assert [la for la, why in read_layers(layers_table(layers))] == layers


@pytest.mark.parametrize("text", ["", "conv 3", "pool 2 2 median", "magic 3", "conv 3 1 x 8"])
def test_a_network_link_that_cannot_be_read_is_refused(text):
    with pytest.raises(ValueError, match="not a network"):
        parse_network(text)


def test_a_pooling_row_with_padding_is_refused_on_its_row():
    table = layers_table([Layer("pool", f=2, s=2)])
    table.loc[0, "p"] = "1"
    ((_, why),) = read_layers(table)
    assert "takes no padding p" in why


def test_the_pad_accepts_only_an_8x8_of_numbers_and_clips_to_0_16():
    assert checked_pixels([[20] * 8] * 8).max() == 16
    assert checked_pixels([[-3.4] * 8] * 8).max() == 0
    for bad in (None, "x", [[1] * 8] * 7, [[1] * 7] * 8, [[True] * 8] * 8, [["1"] * 8] * 8):
        assert checked_pixels(bad) is None
    assert checked_pixels([[float("nan")] * 8] * 8) is None


def test_a_decimal_link_value_must_be_in_range():
    parse = decimal(0, 1e6)
    assert parse("0.02") == 0.02
    for bad in ("x", "-1", "2e6"):
        with pytest.raises(ValueError):
            parse(bad)
