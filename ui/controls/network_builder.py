"""The one layer page's network builder: a preset, the input's size, the layers as a table,
then each layer's shapes with their formula, a chart, what the rows show, and the code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from cnn_core import Layer, Row
from ui.controls.layer_views import view
from ui.controls.network_code import layer_name, pytorch_code
from ui.controls.network_link import network_text
from ui.controls.network_table import (
    BUILDER_LIMITS,
    NetworkLimits,
    describe_rows,
    layers_editor,
    shape_text,
)
from ui.display import chart, formula
from ui.figures.bars import count_bars
from ui.links import OutOfRangeError

Shape = tuple[int, int, int]


def layer_size_formula(layer: Layer, before: tuple[int, ...] | None, index: int) -> str:
    """The row's size in the per-layer notation, with its numbers (its kind's view)."""
    return "" if before is None else view(layer).size_formula(layer, before, index)


def network_words(input_size: int, good: list[Row], *, partial: bool = False) -> str:
    """What the rows show, computed from the rows (no claim that holds for one network only).

    ``partial``: some rows were skipped, so the words are of the layers that apply."""
    most_act = max(good, key=lambda r: r.activations)
    most_par = max(good, key=lambda r: r.params)
    total = sum(r.params for r in good)
    share = f"{100 * most_par.params / total:.0f} %" if total else "0 %"
    act = (
        f"the largest activation is after {layer_name(most_act.layer)} "
        f"({most_act.activations:,} numbers)"
        if most_act.activations > input_size
        else f"no layer's activation is larger than the input's {input_size:,}"
    )
    of = " of the layers that apply" if partial else ""
    return (
        f"Activations{of}: the input holds {input_size:,} numbers, the last layer "
        f"{good[-1].activations:,}; {act}. Parameters: {layer_name(most_par.layer)} has the "
        f"most, {most_par.params:,} of the {total:,} ({share})."
    )


def summary_table(input_shape: Shape, rows: list[Row]) -> pd.DataFrame:
    """One line per layer: label, output shape, its size formula, activations, parameters,
    as the page shows them: counts with thousands separators, a skipped row's counts blank
    (it has none) and its reason whole in a "note" column, there only when a row has one
    (an empty column takes a sixth of a phone's width)."""
    sizes, before = [], input_shape
    for index, r in enumerate(rows, start=1):
        sizes.append(layer_size_formula(r.layer, before, index) if r.shape else "")
        before = r.shape or before

    def count(r: Row, value: int) -> str:
        return "" if r.error else f"{value:,}"

    table = pd.DataFrame(
        {
            "layer": ["INPUT"] + [layer_name(r.layer) for r in rows],
            "output shape": [shape_text(input_shape)] + [shape_text(r.shape) for r in rows],
            "size, with its numbers": ["", *sizes],
            "activation size": [f"{int(np.prod(input_shape)):,}"]
            + [count(r, r.activations) for r in rows],
            "parameters": ["0"] + [count(r, r.params) for r in rows],
            "note": [""] + [r.error for r in rows],
        }
    )
    return table if any(r.error for r in rows) else table.drop(columns="note")


def parse_shape(text: str, limits: NetworkLimits = BUILDER_LIMITS) -> Shape:
    """``39x39x3`` (or ``39×39×3``) from a link, within ``limits``; ValueError otherwise."""
    parts = text.replace("×", "x").split("x")
    try:
        n_H, n_W, n_c = (int(v) for v in parts)
    except ValueError:
        raise ValueError("not an input size written n_H×n_W×n_c") from None
    if not (1 <= n_H <= limits.side and 1 <= n_W <= limits.side and 1 <= n_c <= limits.channels):
        raise OutOfRangeError(
            f"outside 1 to {limits.side} pixels a side and 1 to {limits.channels} channels"
        )
    return n_H, n_W, n_c


def _start_again(key: str) -> None:
    """A new preset starts from itself, not from the network a link brought."""
    st.session_state.pop(f"{key}_net", None)
    st.session_state.pop(f"{key}_input", None)


def network_builder(
    key: str,
    presets: dict[str, tuple[Shape, list[Layer]]],
    limits: NetworkLimits = BUILDER_LIMITS,
) -> dict[str, str | None]:
    """The network builder: a preset, the input's size, the layers as an editable table,
    then each row's shapes, sizes and parameters, a chart, what the rows show, and the
    network as PyTorch code, all within ``limits``. Controls are keyed ``{key}_…``.

    A link's network and input size (``{key}_net``, ``{key}_input`` in session state, set by
    ``ui.links.load_link``) replace the preset's. Returns the link values of what the student
    built: ``net`` (``network_text``, the rows that can be read) and ``input``
    (``39×39×3``), None when they are the preset's own.
    """
    preset = st.selectbox(
        "Start from",
        list(presets),
        key=f"{key}_preset",
        help="A network from the lecture to start editing from.",
        on_change=_start_again,
        args=(key,),
    )
    preset_shape, preset_layers = presets[preset]
    linked_layers = st.session_state.get(f"{key}_net")
    linked_shape = st.session_state.get(f"{key}_input")
    input_shape = tuple(linked_shape or preset_shape)
    start = list(linked_layers or preset_layers)
    # The widgets start again when a link brings another network (their keys name it).
    token = ""
    if linked_layers or linked_shape:
        token = f" | {shape_text(input_shape)} {network_text(start)}"
    # (label, largest value, help, key): the input's height, width and channels.
    sizes = (
        ("Input height n_H", limits.side, "Height of the input image in pixels.", "nh"),
        ("Input width n_W", limits.side, "Width of the input image in pixels.", "nw"),
        ("Input channels n_c", limits.channels, "Channels of the input (3 for colour).", "nc"),
    )
    # Clamped again: the browser's value is not trusted to respect the input's range.
    n_H, n_W, n_c0 = (
        min(
            max(
                int(
                    column.number_input(
                        label,
                        1,
                        top,
                        input_shape[k],
                        key=f"{key}_{name}_{preset}{token}",
                        help=text,
                    )
                ),
                1,
            ),
            top,
        )
        for k, (column, (label, top, text, name)) in enumerate(
            zip(st.columns(3), sizes, strict=True)
        )
    )
    shape = (int(n_H), int(n_W), int(n_c0))
    st.caption(
        "Edit a cell, add or delete rows. Layers: conv (f, s, p, filters), pool (f, s, mode), "
        "flatten, dense and softmax (units). A blank cell does not apply to its layer."
    )
    parsed = layers_editor(f"{key}_layers_{preset}{token}", start, limits)
    rows = describe_rows(shape, parsed)
    st.table(summary_table(shape, rows), hide_index=True)
    good = [r for r in rows if not r.error]
    bad = [(i, r) for i, r in enumerate(rows, 1) if r.error]
    total = sum(r.params for r in good)
    if bad:
        # The student's network cannot run: the total is only of the layers that apply.
        one = len(bad) == 1
        st.warning(
            f"{len(bad)} layer{'' if one else 's'} cannot apply and "
            f"{'was' if one else 'were'} skipped: "
            + "; ".join(
                f"layer {i} ({layer_name(r.layer)}): {r.error.removeprefix('skipped: ')}"
                for i, r in bad
            )
            + ". The counts below are of the other layers only, not of the network you wrote."
        )
        formula(
            f"{total:,} parameters in the {len(good)} layer{'s' * (len(good) != 1)} that apply",
            label="Total, without the skipped layers:",
        )
    else:
        formula(f"{total:,} parameters to learn", label="Total:")
    if good:
        chart(
            count_bars(
                [layer_name(r.layer) for r in good],
                {
                    "activation size": [r.activations for r in good],
                    "parameters": [r.params for r in good],
                },
                numbers=False,
                title="count (log scale)",
                alt="; ".join(
                    f"{layer_name(r.layer)}: {r.activations:,} activations, {r.params:,} parameters"
                    for r in good
                ),
            ),
            key=f"{key}_bars",
        )
        st.caption(network_words(int(n_H * n_W * n_c0), good, partial=bool(bad)))
    st.caption(
        "The lecture's 39×39×3 network ends in a softmax over 10 classes: that 10 is ConvLab's "
        "choice, since the notes do not say how many classes there are."
    )
    pytorch_code(shape, parsed)
    built = [layer for layer, why in parsed if not why]
    return {
        "net": None if built == list(preset_layers) else (network_text(built) or None),
        "input": None if shape == tuple(preset_shape) else shape_text(shape),
    }
