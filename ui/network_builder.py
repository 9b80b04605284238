"""The one layer page's network builder: a preset, the input's size, the layers as a table,
then each layer's shapes with their formula, a chart, what the rows show, and the code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from cnn_core import Layer, Row, output_size, resolve_padding
from ui.bars import count_bars
from ui.display import chart, formula
from ui.formulas import MINUS
from ui.network_code import layer_name, pytorch_code
from ui.network_table import (
    BUILDER_LIMITS,
    NetworkLimits,
    describe_rows,
    layers_editor,
    shape_text,
)


def layer_size_formula(layer: Layer, before: tuple[int, ...] | None, index: int) -> str:
    """The row's size in the per-layer notation, with its numbers."""
    if before is None:
        return ""
    if layer.kind == "flatten":
        return f"{'·'.join(map(str, before))} = {int(np.prod(before)):,}"
    if layer.kind not in ("conv", "pool") or len(before) != 3:
        return ""
    n, f, s = before[0], layer.f, layer.s
    if layer.kind == "pool":
        return f"n_H[{index}] = ⌊({n} {MINUS} {f})/{s}⌋ + 1 = {output_size(n, f, 0, s)}"
    p = resolve_padding(layer.p, f)
    return f"n_H[{index}] = ⌊({n} + 2·{p} {MINUS} {f})/{s}⌋ + 1 = {output_size(n, f, p, s)}"


def network_words(input_size: int, good: list[Row]) -> str:
    """What the rows show, computed from the rows (no claim that holds for one network only)."""
    most_act = max(good, key=lambda r: r.activations)
    most_par = max(good, key=lambda r: r.params)
    total = sum(r.params for r in good)
    share = f"{most_par.params / total:.0%}" if total else "0%"
    act = (
        f"the largest activation is after {most_act.layer.label()} "
        f"({most_act.activations:,} numbers)"
        if most_act.activations > input_size
        else f"no layer's activation is larger than the input's {input_size:,}"
    )
    return (
        f"Activations: the input holds {input_size:,} numbers, the last layer "
        f"{good[-1].activations:,}; {act}. Parameters: {most_par.layer.label()} has the most, "
        f"{most_par.params:,} of the {total:,} ({share})."
    )


def summary_table(input_shape: tuple[int, int, int], rows: list[Row]) -> pd.DataFrame:
    """One line per layer: label, output shape, its size formula, activations, parameters."""
    sizes, before = [], input_shape
    for index, r in enumerate(rows, start=1):
        sizes.append(layer_size_formula(r.layer, before, index) if r.shape else "")
        before = r.shape or before
    return pd.DataFrame(
        {
            "layer": ["INPUT"] + [layer_name(r.layer) for r in rows],
            "output shape": [shape_text(input_shape)] + [shape_text(r.shape) for r in rows],
            "size, with its numbers": ["", *sizes],
            "activation size": [int(np.prod(input_shape))] + [r.activations for r in rows],
            "parameters": [0] + [r.params for r in rows],
            "note": [""] + [r.error for r in rows],
        }
    )


def network_builder(
    key: str,
    presets: dict[str, tuple[tuple[int, int, int], list[Layer]]],
    limits: NetworkLimits = BUILDER_LIMITS,
) -> None:
    """The network builder: a preset, the input's size, the layers as an editable table,
    then each row's shapes, sizes and parameters, a chart, what the rows show, and the
    network as PyTorch code, all within ``limits``. Controls are keyed ``{key}_…``."""
    preset = st.selectbox(
        "Start from",
        list(presets),
        key=f"{key}_preset",
        help="A network from the lecture to start editing from.",
    )
    input_shape, preset_layers = presets[preset]
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
                        label, 1, top, input_shape[k], key=f"{key}_{name}_{preset}", help=text
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
    st.caption(
        "Edit a cell, add or delete rows. Layers: conv (f, s, p, filters), pool (f, s, mode), "
        "flatten, dense and softmax (units). A blank cell does not apply to its layer."
    )
    parsed = layers_editor(f"{key}_layers_{preset}", preset_layers, limits)
    rows = describe_rows((int(n_H), int(n_W), int(n_c0)), parsed)
    summary = summary_table((int(n_H), int(n_W), int(n_c0)), rows)
    st.dataframe(summary, hide_index=True, key=f"{key}_summary")
    total = sum(r.params for r in rows)
    formula(f"{total:,} parameters to learn", label="Total:")
    bad = [r for r in rows if r.error]
    if bad:
        st.warning(
            f"{len(bad)} layer{'s' * (len(bad) > 1)} cannot apply and were skipped; "
            "their reason is on their row."
        )
    good = [r for r in rows if not r.error]
    chart(
        count_bars(
            [r.layer.label() for r in good],
            {
                "activation size": [r.activations for r in good],
                "parameters": [r.params for r in good],
            },
            numbers=False,
            title="count (log scale)",
            alt="; ".join(
                f"{r.layer.label()}: {r.activations} activations, {r.params} parameters"
                for r in good
            ),
        ),
        key=f"{key}_bars",
    )
    if good:
        st.caption(network_words(int(n_H * n_W * n_c0), good))
    st.caption(
        "The lecture's 39×39×3 network ends in a softmax over 10 classes: that 10 is ConvLab's "
        "choice, since the notes do not say how many classes there are."
    )
    pytorch_code((int(n_H), int(n_W), int(n_c0)), parsed)
