"""What a training run costs, counted before it starts, and the most one run may cost here.

A class shares one server: a run is costed from its network and settings alone, in
under a millisecond, and refused before any work if it is over the budget. The count is
the lecture's: multiply-adds. One example's forward pass costs, per layer,

- CONV: ``n_H'·n_W'·f·f·n_c_prev·n_f`` (every output number is a window's products),
- POOL: ``n_H'·n_W'·n_c·f·f`` (every window is read once),
- FC / SOFTMAX: ``n_in·n_out``;

backward costs about twice forward (the gradients of the weights and of the input),
so training one example costs about 3 forward passes. Each epoch also measures the
network on the training and the test digits (``train``'s evaluation, and the test
predictions a worker sends back), and each step pays a fixed overhead (Python, small
arrays, Adam's update of every parameter), so batch size 1 is not free.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

from cnn_core.kinds import KINDS
from cnn_core.network import Layer, check_applies
from cnn_core.shapes import check_int

BACKWARD_FACTOR = 2
"""Backward costs about twice forward: ∂L/∂W and ∂L/∂A_prev are each a forward's work."""

STEP_OVERHEAD = 1_000_000
"""What one step costs beyond its multiply-adds, in multiply-adds of the same time.

Measured on the digits network (bench/budget.py): a step of batch 1 takes ~1 ms here,
about what 10⁶ multiply-adds of its convolutions take.
"""

ADAM_OPS = 12
"""Element-wise operations per parameter in one Adam step (two moments, the corrections,
the square root, the division and the update)."""

BYTES_PER_PARAMETER = 40
"""Peak bytes per parameter while training: starting weights in float64 and float32,
the weights, gradients, two Adam moments, the previous step's weights and the update's
temporaries (measured ~31 B for a 153 M-parameter network, rounded up)."""

ACTIVATION_COPIES = 6
"""Copies of a batch's activations alive at once: forward keeps every layer's output,
backward adds a gradient of each, and a convolution a padded copy and its bands."""

EVAL_BATCH = 256
"""Images measured at once after each epoch (cnn_core.training's evaluation chunk)."""

EVAL_COPIES = 2
"""Copies of an evaluation chunk's activations alive at once: forward only."""

FLOAT_BYTES = 4
"""Training runs in float32."""


@dataclass(frozen=True)
class Budget:
    """The most one training run may cost on this server."""

    multiply_adds: float = 50e9
    """About 50–80 s of one core here (docs/deploy.md, the budget)."""
    memory_bytes: int = 256 * 2**20
    """Well under a worker's memory limit (512 MB above its start by default)."""


DEFAULT_BUDGET = Budget()


@dataclass(frozen=True)
class RunCost:
    """A training run's cost, counted before it starts.

    Attributes
    ----------
    forward : int
        Multiply-adds of one example's forward pass.
    steps : int
        Gradient steps: ``epochs · ⌈examples / batch_size⌉``.
    parameters : int
        Weights and biases, as ``describe`` counts them.
    multiply_adds : int
        The whole run: training, each epoch's evaluation, and every step's overhead.
    memory_bytes : int
        Peak working memory: parameters with their gradients and Adam's moments, and the
        activations of the larger of a batch and an evaluation chunk.
    """

    forward: int
    steps: int
    parameters: int
    multiply_adds: int
    memory_bytes: int


def training_cost(
    input_shape: tuple[int, int, int],
    layers: list[Layer],
    *,
    examples: int,
    epochs: int,
    batch_size: int,
    validation: int = 0,
) -> RunCost:
    """Count what training ``layers`` on ``examples`` images for ``epochs`` costs.

    Parameters
    ----------
    input_shape : ``(n_H, n_W, n_c)``, one example
    layers : list of Layer
    examples : int, training images
    epochs : int
    batch_size : int, images per step (the last step of an epoch may take fewer)
    validation : int, test images measured after each epoch

    Returns
    -------
    RunCost

    Raises
    ------
    ValueError
        If a layer cannot apply (named, as ``check_applies`` says), or a count is not a
        whole number ≥ 1.

    Examples
    --------
    >>> from cnn_core import DIGITS_NETWORK
    >>> cost = training_cost((8, 8, 1), DIGITS_NETWORK, examples=1437, epochs=12,
    ...                      batch_size=32, validation=360)
    >>> cost.forward, cost.steps, cost.parameters
    (6400, 540, 1370)
    """
    examples = check_int("examples", examples, 1)
    epochs = check_int("epochs", epochs, 1)
    batch_size = check_int("batch size", batch_size, 1)
    validation = check_int("validation images", validation, 0)
    rows = check_applies(input_shape, layers, "cost this network")
    forward = 0
    shape = tuple(input_shape)
    for row in rows:
        forward += KINDS[row.layer.kind].cost(row.layer, shape, row.shape)
        shape = row.shape
    parameters = sum(row.params for row in rows)
    activations = prod(input_shape) + sum(row.activations for row in rows)

    steps = epochs * -(-examples // batch_size)
    per_epoch = (
        examples * (1 + BACKWARD_FACTOR) * forward  # one step per batch: forward and back
        + (examples + 2 * validation) * forward  # measured after the epoch
    )
    multiply_adds = epochs * per_epoch + steps * (STEP_OVERHEAD + ADAM_OPS * parameters)
    live = max(  # activations alive at once: a training batch's, or an evaluation chunk's
        min(batch_size, examples) * ACTIVATION_COPIES,
        min(EVAL_BATCH, examples + validation) * EVAL_COPIES,
    )
    memory = (
        parameters * BYTES_PER_PARAMETER
        + activations * live * FLOAT_BYTES
        + (examples + validation) * prod(input_shape) * FLOAT_BYTES  # the digits themselves
    )
    return RunCost(forward, steps, parameters, multiply_adds, memory)


def giga(n: float) -> str:
    """Multiply-adds in G (10⁹), as a student reads them: ``9,500 G``, ``12 G``, ``0.3 G``."""
    g = n / 1e9
    return f"{g:,.0f} G" if g >= 10 else f"{g:.1f} G"


def megabytes(n: float) -> str:
    """Bytes as ``4.7 GB`` or ``256 MB``."""
    return f"{n / 2**30:,.1f} GB" if n >= 2**30 else f"{n / 2**20:,.0f} MB"


def check_budget(cost: RunCost, budget: Budget = DEFAULT_BUDGET) -> None:
    """Refuse a run over the budget, naming its cost, the limit and what would help.

    Raises
    ------
    ValueError
        ``this run needs about 9,500 G multiply-adds; a run here may use up to 50 G:
        fewer filters, fewer epochs or a larger batch`` (or the same for memory).

    Examples
    --------
    >>> check_budget(RunCost(1, 1, 1, 9.5e12, 1))
    Traceback (most recent call last):
    ...
    ValueError: this run needs about 9,500 G multiply-adds; a run here may use up to 50 G: ...
    """
    if cost.memory_bytes > budget.memory_bytes:
        raise ValueError(
            f"this run needs about {megabytes(cost.memory_bytes)} of memory; a run here may "
            f"use up to {megabytes(budget.memory_bytes)}: fewer filters or units, or a "
            "smaller batch"
        )
    if cost.multiply_adds > budget.multiply_adds:
        raise ValueError(
            f"this run needs about {giga(cost.multiply_adds)} multiply-adds; a run here may "
            f"use up to {giga(budget.multiply_adds)}: fewer filters, fewer epochs or a "
            "larger batch"
        )
