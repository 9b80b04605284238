"""Shared training runs, Stop, and the small parsers behind the training page's link."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core import DIGITS_NETWORK, LENET5_LIKE, Layer
from ui.links import decimal
from ui.network_table import layers_table, network_text, parse_network, read_layers
from ui.paint import checked_pixels
from ui.training import Settings, shared_run, train_shared


class Interrupted(BaseException):
    """What Streamlit raises in a run it ends (Stop, or a control touched while training)."""


def settings(seed: int) -> Settings:
    return Settings(tuple(DIGITS_NETWORK), epochs=3, lr=0.01, batch_size=32, seed=seed)


def test_an_interrupted_run_stops_after_that_step_keeps_its_network_and_shares_nothing():
    kept = []
    calls = []

    def draw(step, total, history):
        calls.append(step)
        if step >= 20:
            raise Interrupted

    s = settings(90_001)
    with pytest.raises(Interrupted):
        train_shared(s, draw, lambda result, fresh: kept.append((result, fresh)))
    ((result, fresh),) = kept
    assert result.stopped and fresh
    assert 20 <= result.steps < 3 * 45  # stopped at the step after the interruption
    assert all(np.isfinite(a).all() for p in result.params for a in p)
    run = shared_run(s.key)
    assert run.result is None  # a stopped run is not shared
    assert not run.lock.locked()


def test_a_finished_run_is_shared_by_the_next_session_with_the_same_settings():
    kept = []
    s = settings(90_002)
    train_shared(s, lambda *a: None, lambda result, fresh: kept.append((result, fresh)))
    train_shared(s, lambda *a: None, lambda result, fresh: kept.append((result, fresh)))
    (first, fresh1), (second, fresh2) = kept
    assert second is first and fresh1 and not fresh2
    assert first.epochs_run == 3 and not first.stopped


def test_a_waiting_session_draws_the_running_ones_progress_and_gets_its_result():
    s = settings(90_003)
    run = shared_run(s.key)
    run.lock.acquire()  # another session is training
    seen, kept = [], []

    def draw(step, total, history):
        seen.append(step)
        if len(seen) == 3:  # that session finishes
            from ui.training import TrainResult

            run.result = TrainResult([], (), np.array([]), False, False)
            run.lock.release()

    train_shared(s, draw, lambda result, fresh: kept.append((result, fresh)))
    assert len(seen) >= 3
    assert kept == [(run.result, False)]


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
