"""A network as an editable table of layers: rows to ``Layer``s, and a network as link text.

The one layer page's builder and the training page share it: the same columns, the same
blank-cell rules, and a row refused with its reason rather than a value silently ignored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from cnn_core import POOL_MODES, Layer, Row, describe, output_size, resolve_padding
from cnn_core.network import LAYER_KINDS
from ui.bars import count_bars
from ui.display import chart, formula
from ui.formulas import MINUS
from ui.network_code import pytorch_code

COLUMNS = ["layer", "f", "s", "p", "filters / units", "pool mode"]

COLUMN_CONFIG = {
    "layer": st.column_config.SelectboxColumn("layer", options=list(LAYER_KINDS), required=True),
    "f": st.column_config.NumberColumn("f", min_value=1, step=1),
    "s": st.column_config.NumberColumn("s", min_value=1, step=1),
    "p": st.column_config.TextColumn("p", help='a whole number or "same"'),
    "filters / units": st.column_config.NumberColumn("filters / units", min_value=1, step=1),
    "pool mode": st.column_config.SelectboxColumn("pool mode", options=list(POOL_MODES)),
}
"""``st.data_editor``'s ``column_config`` for ``layers_table``."""


def layers_table(layers: list[Layer]) -> pd.DataFrame:
    """Layers → editor rows; a cell that does not apply to the layer stays blank."""
    return pd.DataFrame(
        [
            [
                la.kind,
                la.f if la.kind in ("conv", "pool") else None,
                la.s if la.kind in ("conv", "pool") else None,
                str(la.p) if la.kind == "conv" else None,
                la.n if la.kind in ("conv", "dense", "softmax") else None,
                la.mode if la.kind == "pool" else None,
            ]
            for la in layers
        ],
        columns=COLUMNS,
    )


def _blank(v) -> bool:
    return v is None or (not isinstance(v, str) and pd.isna(v)) or str(v).strip() == ""


def layers_editor(key: str, layers: list[Layer]) -> list[tuple[Layer, str]]:
    """The layers as an editable table (rows can be added and deleted), read back with
    ``read_layers``. A new ``key`` starts the table again from ``layers``."""
    edited = st.data_editor(
        layers_table(layers),
        key=key,
        num_rows="dynamic",
        hide_index=True,
        column_config=COLUMN_CONFIG,
    )
    return read_layers(edited)


def read_layers(table: pd.DataFrame) -> list[tuple[Layer, str]]:
    """Rows of the editor → (layer, why it is refused or ""); blank cells take defaults.

    A value typed where the layer has no such setting (p on a pool row, s or p on a
    flatten, dense or softmax row) is refused on its row, never silently ignored.
    """

    def cell_or(v, default: int) -> int:
        return default if _blank(v) else int(v)

    out = []
    for row in table.itertuples(index=False):
        kind = str(row[0] or "").strip()
        p = "0" if _blank(row[3]) else str(row[3]).strip()
        layer = Layer(
            kind=kind,
            f=cell_or(row[1], 0),
            s=cell_or(row[2], 1),
            p=int(p) if p.lstrip("-").isdigit() else p,
            n=cell_or(row[4], 0),
            mode="max" if _blank(row[5]) else str(row[5]),
        )
        why = ""
        if kind == "pool" and not _blank(row[3]):
            why = (
                f"a pooling layer here takes no padding p (you typed {row[3]}); padding is "
                "rare in pooling: clear p"
            )
        elif kind in ("flatten", "dense", "softmax") and not (_blank(row[2]) and _blank(row[3])):
            why = f"a {kind} layer has no stride s or padding p: clear them"
        out.append((layer, why))
    return out


MAX_LINK_LAYERS = 12
"""The most layers a link may carry."""


def network_text(layers: list[Layer]) -> str:
    """A network for a link: ``conv 3 1 same 8; pool 2 2 max; flatten; softmax 10``."""
    parts = []
    for la in layers:
        if la.kind == "conv":
            parts.append(f"conv {la.f} {la.s} {la.p} {la.n}")
        elif la.kind == "pool":
            parts.append(f"pool {la.f} {la.s} {la.mode}")
        elif la.kind == "flatten":
            parts.append("flatten")
        else:
            parts.append(f"{la.kind} {la.n}")
    return "; ".join(parts)


def parse_network(text: str) -> list[Layer]:
    """The inverse of ``network_text``; ValueError saying what a link may hold."""
    fields = {"conv": 4, "pool": 3, "flatten": 0, "dense": 1, "softmax": 1}
    layers = []
    parts = [p.split() for p in text.split(";") if p.strip()]
    if not 1 <= len(parts) <= MAX_LINK_LAYERS:
        raise ValueError(f"not a network of 1 to {MAX_LINK_LAYERS} layers")
    for words in parts:
        kind, args = words[0], words[1:]
        if kind not in fields or len(args) != fields[kind]:
            raise ValueError("not a network written as conv f s p n; pool f s mode; flatten; …")
        try:
            if kind == "conv":
                p = args[2] if args[2] == "same" else int(args[2])
                layer = Layer("conv", f=int(args[0]), s=int(args[1]), p=p, n=int(args[3]))
            elif kind == "pool":
                if args[2] not in POOL_MODES:
                    raise ValueError
                layer = Layer("pool", f=int(args[0]), s=int(args[1]), mode=args[2])
            elif kind == "flatten":
                layer = Layer("flatten")
            else:
                layer = Layer(kind, n=int(args[0]))
        except ValueError:
            raise ValueError("not a network written as conv f s p n; pool f s mode; …") from None
        if any(v > 4096 or v < 0 for v in (layer.f, layer.s, layer.n)):
            raise ValueError("a layer with more than 4,096 of something")
        layers.append(layer)
    return layers


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


def shape_text(shape: tuple[int, ...] | None) -> str:
    return "—" if shape is None else "×".join(str(v) for v in shape)


def describe_rows(input_shape: tuple[int, int, int], parsed: list[tuple[Layer, str]]) -> list[Row]:
    """``describe``'s rows for the table's layers; a row the table could not read keeps why."""
    described = iter(describe(input_shape, [layer for layer, why in parsed if not why]))
    return [
        Row(layer, None, 0, 0, f"skipped: {why}") if why else next(described)
        for layer, why in parsed
    ]


def summary_table(input_shape: tuple[int, int, int], rows: list[Row]) -> pd.DataFrame:
    """One line per layer: label, output shape, its size formula, activations, parameters."""
    sizes, before = [], input_shape
    for index, r in enumerate(rows, start=1):
        sizes.append(layer_size_formula(r.layer, before, index) if r.shape else "")
        before = r.shape or before
    return pd.DataFrame(
        {
            "layer": ["INPUT"] + [r.layer.label() for r in rows],
            "output shape": [shape_text(input_shape)] + [shape_text(r.shape) for r in rows],
            "size, with its numbers": ["", *sizes],
            "activation size": [int(np.prod(input_shape))] + [r.activations for r in rows],
            "parameters": [0] + [r.params for r in rows],
            "note": [""] + [r.error for r in rows],
        }
    )


def shape_line(
    input_shape: tuple[int, int, int], parsed: list[tuple[Layer, str]], bad: str
) -> None:
    """The network's shapes and parameter count in one line, or why it cannot run."""
    rows = describe_rows(input_shape, parsed)
    wrong = [f"layer {i} ({r.layer.label()}): {r.error}" for i, r in enumerate(rows, 1) if r.error]
    if wrong:
        st.warning(f"{bad}: " + "; ".join(wrong) + ".")
    elif rows:
        path = " → ".join("×".join(map(str, r.shape)) for r in rows)
        total = sum(r.params for r in rows)
        start = "×".join(map(str, input_shape))
        st.markdown(f"Shapes: {start} → {path}; **{total:,} parameters** to learn.")


def network_builder(key: str, presets: dict[str, tuple[tuple[int, int, int], list[Layer]]]) -> None:
    """The network builder: a preset, the input's size, the layers as an editable table,
    then each row's shapes, sizes and parameters, a chart, what the rows show, and the
    network as PyTorch code. Controls are keyed ``{key}_…``."""
    preset = st.selectbox(
        "Start from",
        list(presets),
        key=f"{key}_preset",
        help="A network from the lecture to start editing from.",
    )
    input_shape, preset_layers = presets[preset]
    # (label, largest value, help, key): the input's height, width and channels.
    sizes = (
        ("Input height n_H", 2048, "Height of the input image in pixels.", "nh"),
        ("Input width n_W", 2048, "Width of the input image in pixels.", "nw"),
        ("Input channels n_c", 64, "Channels of the input image (3 for colour).", "nc"),
    )
    n_H, n_W, n_c0 = (
        column.number_input(label, 1, top, input_shape[k], key=f"{key}_{name}_{preset}", help=text)
        for k, (column, (label, top, text, name)) in enumerate(
            zip(st.columns(3), sizes, strict=True)
        )
    )
    st.caption(
        "Edit a cell, add or delete rows. Layers: conv (f, s, p, filters), pool (f, s, mode), "
        "flatten, dense and softmax (units). A blank cell does not apply to its layer."
    )
    parsed = layers_editor(f"{key}_layers_{preset}", preset_layers)
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
