"""A training run is costed from its network and settings alone, and refused over budget."""

from __future__ import annotations

import tracemalloc

import pytest

from cnn_core import DIGITS_NETWORK, Layer
from cnn_core.budget import (
    ADAM_OPS,
    DEFAULT_BUDGET,
    STEP_OVERHEAD,
    RunCost,
    check_budget,
    giga,
    megabytes,
    training_cost,
)

DIGITS = {"examples": 1437, "validation": 360}
BIGGER = [
    Layer("conv", f=3, s=1, p="same", n=16),
    Layer("pool", f=2, s=2),
    Layer("conv", f=3, s=1, p="same", n=32),
    Layer("pool", f=2, s=2),
    Layer("flatten"),
    Layer("dense", n=64),
    Layer("softmax", n=10),
]
HOSTILE = [
    Layer("conv", f=3, s=1, p="same", n=4096),
    Layer("conv", f=3, s=1, p="same", n=4096),
    Layer("flatten"),
    Layer("softmax", n=10),
]


def cost(layers, *, epochs=12, batch_size=32, **data) -> RunCost:
    return training_cost((8, 8, 1), layers, epochs=epochs, batch_size=batch_size, **DIGITS, **data)


def test_the_digits_network_forward_pass_counts_each_layers_multiply_adds_by_hand():
    conv = 8 * 8 * 8 * (3 * 3 * 1)  # each of 8×8×8 outputs is a 3×3×1 window's products
    pool = 4 * 4 * 8 * (2 * 2)  # each of 4×4×8 outputs reads a 2×2 window
    softmax = 128 * 10
    c = cost(DIGITS_NETWORK)
    assert c.forward == conv + pool + softmax == 6400
    assert c.parameters == 1370


def test_the_bigger_network_counts_by_hand():
    conv1 = 8 * 8 * 16 * 9
    pool1 = 4 * 4 * 16 * 4
    conv2 = 4 * 4 * 32 * (9 * 16)
    pool2 = 2 * 2 * 32 * 4
    dense = 128 * 64
    softmax = 64 * 10
    assert cost(BIGGER).forward == conv1 + pool1 + conv2 + pool2 + dense + softmax


def test_the_whole_run_adds_training_evaluation_and_a_per_step_overhead():
    c = cost(DIGITS_NETWORK, epochs=3, batch_size=100)
    steps = 3 * 15  # ⌈1437 / 100⌉ = 15 steps an epoch
    train = 1437 * 3 * 6400  # forward and backward (twice forward) of every example
    measure = (1437 + 2 * 360) * 6400  # after each epoch: training set, test set twice
    assert c.steps == steps
    assert c.multiply_adds == 3 * (train + measure) + steps * (STEP_OVERHEAD + ADAM_OPS * 1370)


def test_batch_size_one_costs_its_steps():
    one, thirty_two = cost(DIGITS_NETWORK, batch_size=1), cost(DIGITS_NETWORK, batch_size=32)
    assert one.steps == 12 * 1437 and thirty_two.steps == 12 * 45
    assert one.multiply_adds - thirty_two.multiply_adds == (one.steps - thirty_two.steps) * (
        STEP_OVERHEAD + ADAM_OPS * 1370
    )


@pytest.mark.parametrize(
    ("layers", "epochs", "batch_size"),
    [(DIGITS_NETWORK, 12, 32), (DIGITS_NETWORK, 200, 32), (BIGGER, 30, 32)],
    ids=["defaults", "defaults at 200 epochs", "a student's bigger network at 30 epochs"],
)
def test_what_a_lesson_needs_fits_the_budget(layers, epochs, batch_size):
    check_budget(cost(layers, epochs=epochs, batch_size=batch_size))


def test_the_default_network_at_200_epochs_and_batch_1_is_refused_for_its_steps():
    with pytest.raises(ValueError) as err:
        check_budget(cost(DIGITS_NETWORK, epochs=200, batch_size=1))
    assert str(err.value) == (
        "this run needs about 300 G multiply-adds; a run here may use up to 50 G: fewer "
        "filters, fewer epochs or a larger batch"
    )


def test_a_network_of_4096_filters_is_refused_for_its_memory_before_anything_is_allocated():
    tracemalloc.start()
    c = cost(HOSTILE)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2**20  # counted, not built: 153 million parameters would be GBs
    assert c.parameters == 153_661_450
    with pytest.raises(
        ValueError,
        match=r"^this run needs about 7\.2 GB of memory; a run here "
        r"may use up to 256 MB: fewer filters or units, or a smaller batch$",
    ):
        check_budget(c)


def test_a_network_that_cannot_apply_is_named_not_costed():
    with pytest.raises(ValueError, match=r"cannot cost this network: layer 1 \(CONV f=11"):
        cost([Layer("conv", f=11, n=8), Layer("flatten"), Layer("softmax", n=10)])


def test_the_limits_are_the_ones_the_messages_name():
    assert giga(DEFAULT_BUDGET.multiply_adds) == "50 G"
    assert megabytes(DEFAULT_BUDGET.memory_bytes) == "256 MB"
    assert giga(9.5e12) == "9,500 G" and giga(1.04e9) == "1.0 G"
    assert megabytes(4.7 * 2**30) == "4.7 GB"
