"""A network as an editable table of layers: rows to ``Layer``s, and a network as link text.

The one layer page's builder and the training page share it: the same columns, the same
blank-cell rules, and a row refused with its reason rather than a value silently ignored.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cnn_core import Layer
from cnn_core.network import LAYER_KINDS

COLUMNS = ["layer", "f", "s", "p", "filters / units", "pool mode"]

COLUMN_CONFIG = {
    "layer": st.column_config.SelectboxColumn("layer", options=list(LAYER_KINDS), required=True),
    "f": st.column_config.NumberColumn("f", min_value=1, step=1),
    "s": st.column_config.NumberColumn("s", min_value=1, step=1),
    "p": st.column_config.TextColumn("p", help='a whole number or "same"'),
    "filters / units": st.column_config.NumberColumn("filters / units", min_value=1, step=1),
    "pool mode": st.column_config.SelectboxColumn("pool mode", options=["max", "average"]),
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


def read_layers(table: pd.DataFrame) -> list[tuple[Layer, str]]:
    """Rows of the editor → (layer, why it is refused or ""); blank cells take defaults.

    A value typed where the layer has no such setting (p on a pool row, s or p on a
    flatten, dense or softmax row) is refused on its row, never silently ignored.
    """

    def whole(v, default):
        return default if _blank(v) else int(v)

    out = []
    for row in table.itertuples(index=False):
        kind = str(row[0] or "").strip()
        p = "0" if _blank(row[3]) else str(row[3]).strip()
        layer = Layer(
            kind=kind,
            f=whole(row[1], 0),
            s=whole(row[2], 1),
            p=int(p) if p.lstrip("-").isdigit() else p,
            n=whole(row[4], 0),
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
                if args[2] not in ("max", "average"):
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
