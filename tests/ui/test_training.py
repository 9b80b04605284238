"""Drawing a run under way, and the small parsers behind the training page's link."""

from __future__ import annotations

import math

import pytest

from cnn_core import DIGITS_NETWORK, LENET5_LIKE, EpochStats, Layer
from cnn_core.workers import RunView
from ui.components.paint import checked_pixels
from ui.controls.network_link import network_text, parse_network
from ui.controls.network_table import layers_table, read_layers
from ui.learn.training import Settings
from ui.learn.training_live import CURVES_EVERY, POLL, curves_figure, draw_progress, round_step
from ui.links import decimal


def settings(seed: int) -> Settings:
    return Settings(tuple(DIGITS_NETWORK), epochs=3, lr=0.01, batch_size=32, seed=seed)


class Recorder:
    """A stand-in for ``streamlit`` in ``ui.learn.training_live``: records what was drawn."""

    def __init__(self) -> None:
        self.drawn: list[tuple[str, object]] = []

    def info(self, text: str) -> None:
        self.drawn.append(("info", text))

    def progress(self, value: float, text: str) -> None:
        self.drawn.append(("progress", (value, text)))


def view(status: str, *, step: int = 0, total: int = 45, epochs: int = 0, ahead: int = 0):
    stats = tuple(EpochStats(e, 1.0 / e, 0.9, 1.1 / e, 0.8, 0.1) for e in range(1, epochs + 1))
    return RunView(status, step, total, stats, ahead, 1, "")


def test_a_queued_run_says_how_many_runs_are_before_it_and_how_many_train_at_once(monkeypatch):
    st = Recorder()
    monkeypatch.setattr("ui.learn.training_live.st", st)
    draw_progress(view("queued", ahead=2), epochs=3, workers=1)
    draw_progress(view("queued", ahead=0), epochs=3, workers=1)
    assert st.drawn == [
        (
            "info",
            "Waiting for a free worker: 2 runs are queued before yours "
            "(this server trains 1 run at a time).",
        ),
        ("info", "Waiting for a free worker: yours is next (this server trains 1 run at a time)."),
    ]


def test_the_progress_bar_says_the_step_the_epoch_and_the_last_loss(monkeypatch):
    st = Recorder()
    monkeypatch.setattr("ui.learn.training_live.st", st)
    draw_progress(view("running", step=10), epochs=3, workers=2)
    draw_progress(view("running", step=95, total=135, epochs=2), epochs=3, workers=2)
    assert st.drawn == [
        ("progress", (10 / 45, "Step 10 of 45, epoch 0 of 3 done")),
        ("progress", (95 / 135, "Step 95 of 135, epoch 2 of 3 done: loss 0.500")),
    ]


def test_the_live_view_polls_at_a_bounded_rate():
    # The bar at most twice a second, the curves and the live filters once a second at most.
    assert POLL >= 0.5 and CURVES_EVERY >= 1.0


def history(losses: list[float]) -> list[EpochStats]:
    return [EpochStats(e, loss, 0.9, loss * 1.1, 0.8, 0.1) for e, loss in enumerate(losses, 1)]


def is_round(value: float) -> bool:
    """1, 2, 2.5 or 5 times a power of ten (or 0)."""
    if value == 0:
        return True
    mantissa = value / 10 ** math.floor(math.log10(value))
    return any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5))


@pytest.mark.parametrize(
    ("losses", "ticks"),
    [
        ([0.4, 0.17, 0.05], [0, 0.1, 0.2, 0.3, 0.4, 0.5]),  # peak 0.44 (the test loss)
        ([2.39, 2.36], [0, 1, 2, 3]),  # peak 2.63: 5 steps of 0.5 would stop at 2.5
        ([52.9, 2.4], [0, 20, 40, 60]),  # the lr = 1 run's peak, 58.2
        ([0.0123], [0, 0.005, 0.01, 0.015]),  # 0.01353
    ],
)
def test_the_curves_ticks_are_round_numbers_and_the_top_tick_is_above_every_point(losses, ticks):
    fig = curves_figure(history(losses), epochs=40)
    loss_axis, acc_axis = fig.layout.yaxis, fig.layout.yaxis2
    assert list(loss_axis.tickvals) == pytest.approx(ticks)
    assert is_round(ticks[1])  # every tick a whole multiple of a round step
    assert tuple(loss_axis.range) == (0, pytest.approx(ticks[-1]))
    peak = max(max(s.train_loss, s.test_loss) for s in history(losses))
    assert ticks[-2] < peak <= ticks[-1]  # no line above the top tick, no empty band
    assert list(acc_axis.tickvals) == [0, 20, 40, 60, 80, 100]
    assert tuple(acc_axis.range) == (0, 100)


@pytest.mark.parametrize(("epochs", "dtick"), [(3, 1), (12, 1), (20, 2), (40, 5), (200, 20)])
def test_the_epoch_axis_ticks_every_1_2_5_10_or_20_epochs(epochs, dtick):
    fig = curves_figure(history([1.0]), epochs=epochs)
    assert fig.layout.xaxis.dtick == dtick
    assert epochs / dtick <= 12


def test_round_step_covers_the_span_with_the_smallest_round_step():
    for span in (0.003, 0.47, 1.0, 2.39, 7.3, 73.1, 4827.0):
        step = round_step(span, 5)
        assert is_round(step)
        assert 5 * step >= span
        smaller = [m * 10**k for k in range(-4, 5) for m in (1, 2, 2.5, 5) if m * 10**k < step]
        assert all(5 * m < span for m in smaller)


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
