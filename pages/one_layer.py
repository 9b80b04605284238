"""One layer of a CNN: convolve, add a bias per filter, apply ReLU, stack; count parameters."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cnn_core import (
    HORIZONTAL_EDGE,
    LECTURE_NETWORK,
    LENET5_LIKE,
    VERTICAL_EDGE,
    Layer,
    conv2d,
    conv_params,
    describe,
    relu,
)
from cnn_core.examples import LECTURE_RGB
from ui.formulas import number
from ui.grids import Panel, panels_figure
from ui.links import Param, one_of, save_link, whole
from ui.widgets import chart, formula, setup_page

KEY = "layer"
PRESETS = {"The lecture's 39×39×3 network": LECTURE_NETWORK, "LeNet-5-like": LENET5_LIKE}
COLUMNS = ["layer", "f", "s", "p", "filters / units", "pool mode"]


def layers_table(layers: list[Layer]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            [
                la.kind,
                la.f or None,
                la.s,
                str(la.p),
                la.n or None,
                la.mode if la.kind == "pool" else None,
            ]
            for la in layers
        ],
        columns=COLUMNS,
    )


def read_layers(table: pd.DataFrame) -> list[Layer]:
    """Rows of the editor → layers; blank cells take the layer's defaults."""

    def whole(v, default):
        return default if v is None or pd.isna(v) else int(v)

    layers = []
    for row in table.itertuples(index=False):
        p = str(row[3]).strip() if row[3] is not None and not pd.isna(row[3]) else "0"
        layers.append(
            Layer(
                kind=str(row[0] or "").strip(),
                f=whole(row[1], 0),
                s=whole(row[2], 1),
                p=int(p) if p.lstrip("-").isdigit() else p,
                n=whole(row[4], 0),
                mode=str(row[5] or "max"),
            )
        )
    return layers


def shape_text(shape: tuple[int, ...] | None) -> str:
    return "—" if shape is None else "×".join(str(v) for v in shape)


LINK = [
    Param("b0", 0, whole(-20, 20)),
    Param("b1", -5, whole(-20, 20)),
    Param("f", 3, whole(1, 11)),
    Param("nc", 3, whole(1, 64)),
    Param("nf", 10, whole(1, 64)),
    Param("preset", next(iter(PRESETS)), one_of(list(PRESETS))),
]

setup_page(KEY, LINK)
st.title("One layer of a CNN")
st.latex(r"a^{[l]} = g\left(a^{[l-1]} * W^{[l]} + b^{[l]}\right)")
st.write(
    "Convolve the input with each filter, add that filter's bias (one real number), apply "
    "the non-linearity g = ReLU, and stack the results: that is one convolutional layer."
)

st.subheader("On a small input")
x = LECTURE_RGB
w = np.stack([np.repeat(k[:, :, None], 3, axis=2) for k in (VERTICAL_EDGE, HORIZONTAL_EDGE)], 3)
c1, c2 = st.columns(2)
b0 = c1.slider("Bias b₀ (vertical-edge filter)", -20, 20, 0, key=f"{KEY}_b0")
b1 = c2.slider("Bias b₁ (horizontal-edge filter)", -20, 20, -5, key=f"{KEY}_b1")
z = conv2d(x, w, np.array([b0, b1]))
a = relu(z)
st.caption(
    "Input: the 6×6×3 volume of the volumes page; filters: vertical and horizontal edges on "
    "all three channels."
)
# z and ReLU(z) of one filter share a colour range, so what ReLU zeroes is plain to see.
ranges = [
    (-float(np.abs(z[..., k]).max() or 1), float(np.abs(z[..., k]).max() or 1)) for k in (0, 1)
]
# One chart per filter, side by side on a laptop, one under the other on a phone.
for column, k, b in zip(st.columns(2), (0, 1), (b0, b1), strict=True):
    with column:
        chart(
            panels_figure(
                [
                    Panel(
                        z[..., k],
                        title=f"z{'₀₁'[k]} = a * W{'₀₁'[k]} + ({number(b)})",
                        zrange=ranges[k],
                    ),
                    Panel(a[..., k], title=f"a{'₀₁'[k]} = ReLU(z{'₀₁'[k]})", zrange=ranges[k]),
                ]
            ),
            key=f"{KEY}_chart_{k}",
        )
formula(f"{'×'.join(map(str, x.shape))} → {'×'.join(map(str, a.shape))}", label="Shapes:")

st.subheader("Parameters of a conv layer")
c = st.columns(3)
f = c[0].slider("Filter size f", 1, 11, 3, key=f"{KEY}_f")
n_c = c[1].slider("Input channels n_c[l−1]", 1, 64, 3, key=f"{KEY}_nc")
n_f = c[2].slider("Filters n_c[l]", 1, 64, 10, key=f"{KEY}_nf")
formula(
    f"({f}·{f}·{n_c} + 1)·{n_f} = {conv_params(f, n_c, n_f):,}",
    label="(f·f·n_c[l−1] + 1)·n_c[l] =",
)
st.caption(
    "Weights f×f×n_c[l−1]×n_c[l], plus one bias per filter, whatever the image size. "
    "The lecture's 10 filters of 3×3×3 and 6 filters of 5×5×3 are both a slider away."
)

st.subheader("Build a network")
preset = st.selectbox("Start from", list(PRESETS), key=f"{KEY}_preset")
input_shape, preset_layers = PRESETS[preset]
c = st.columns(3)
n_H = c[0].number_input("Input height n_H", 1, 2048, input_shape[0], key=f"{KEY}_nh_{preset}")
n_W = c[1].number_input("Input width n_W", 1, 2048, input_shape[1], key=f"{KEY}_nw_{preset}")
n_c0 = c[2].number_input("Input channels n_c", 1, 64, input_shape[2], key=f"{KEY}_nc_{preset}")
st.caption("Edit a cell, add or delete rows. Layers: conv, pool, flatten, dense, softmax.")
edited = st.data_editor(
    layers_table(preset_layers),
    key=f"{KEY}_layers_{preset}",
    num_rows="dynamic",
    hide_index=True,
    column_config={
        "layer": st.column_config.SelectboxColumn(
            "layer", options=["conv", "pool", "flatten", "dense", "softmax"], required=True
        ),
        "f": st.column_config.NumberColumn("f", min_value=1, step=1),
        "s": st.column_config.NumberColumn("s", min_value=1, step=1),
        "p": st.column_config.TextColumn("p", help='a whole number or "same"'),
        "filters / units": st.column_config.NumberColumn("filters / units", min_value=1, step=1),
        "pool mode": st.column_config.SelectboxColumn("pool mode", options=["max", "average"]),
    },
)
rows = describe((int(n_H), int(n_W), int(n_c0)), read_layers(edited))
summary = pd.DataFrame(
    {
        "layer": ["INPUT"] + [r.layer.label() for r in rows],
        "output shape": [f"{n_H}×{n_W}×{n_c0}"] + [shape_text(r.shape) for r in rows],
        "activation size": [int(n_H * n_W * n_c0)] + [r.activations for r in rows],
        "parameters": [0] + [r.params for r in rows],
        "note": [""] + [r.error for r in rows],
    }
)
st.dataframe(summary, hide_index=True, key=f"{KEY}_summary")
total = sum(r.params for r in rows)
formula(f"{total:,} parameters to learn", label="Total:")
bad = [r for r in rows if r.error]
if bad:
    st.warning(
        f"{len(bad)} layer{'s' * (len(bad) > 1)} cannot apply and were skipped; "
        "their reason is on their row."
    )
good = [r for r in rows if not r.error]
fig = go.Figure(
    [
        go.Bar(
            name="activation size",
            x=[r.layer.label() for r in good],
            y=[r.activations for r in good],
            marker_color="#0C7BDC",
        ),
        go.Bar(
            name="parameters",
            x=[r.layer.label() for r in good],
            y=[max(r.params, 0) for r in good],
            marker_color="#D55E00",
        ),
    ]
)
fig.update_yaxes(type="log", title="count (log scale)")
fig.update_layout(
    barmode="group",
    height=380,
    margin={"l": 10, "r": 10, "t": 30, "b": 10},
    legend={"orientation": "h", "y": 1.1},
    dragmode=False,
)
chart(
    fig,
    key=f"{KEY}_bars",
    alt="; ".join(
        f"{r.layer.label()}: {r.activations} activations, {r.params} parameters" for r in good
    ),
)
st.caption("Activations shrink layer by layer while parameters pile up in the dense layers.")
save_link(KEY, LINK)
