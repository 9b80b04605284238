"""A network written out as PyTorch code, with a copy button, under a network builder."""

from __future__ import annotations

import re

import streamlit as st

from cnn_core import Layer, to_pytorch
from cnn_core.network import LAYER_KINDS

CHANNELS_NOTE = (
    "PyTorch is channels-first: a batch is (m, n_c, n_H, n_W), where the lecture writes one "
    "image channels-last, n_H×n_W×n_c. The comments give each layer's output the lecture's way."
)


def layer_name(layer: Layer) -> str:
    """How a row's layer is named in a message: the lecture's label (``CONV f=3 s=1 p=0,
    1 filter``: one filter, one unit, in the singular), or "no layer kind" for a row whose
    kind could not be read."""
    if layer.kind not in LAYER_KINDS:
        return "no layer kind"
    return re.sub(r"\b1 (filter|unit)s\b", r"1 \1", layer.label())


def refusals(rows: list[tuple[Layer, str]]) -> list[str]:
    """``layer 2 (CONV f=3 s=1 p=0, 8 filters): why``, for each refused row."""
    return [f"layer {i} ({layer_name(la)}): {why}" for i, (la, why) in enumerate(rows, 1) if why]


def pytorch_code(
    input_shape: tuple[int, int, int], rows: list[tuple[Layer, str]], *, heading: bool = True
) -> str | None:
    """Show ``to_pytorch``'s source for the table's rows (``st.code`` has a copy button).

    ``rows`` are ``ui.controls.network_table.read_layers``'s (layer, why refused). A
    refused row or a layer that cannot apply gets an error naming it instead of code;
    returns the source or None. ``heading``: a bold line above it (a page with its own
    section header leaves it out).
    """
    if heading:
        st.markdown("**The network as code** (PyTorch: copy it and run it with torch installed)")
    refused = refusals(rows)
    try:
        if refused:
            raise ValueError("cannot export to PyTorch: " + "; ".join(refused))
        code = to_pytorch(input_shape, [la for la, _ in rows])
    except ValueError as err:
        text = str(err)
        st.error(f"No code: {text[0].lower()}{text[1:]}.")
        return None
    st.caption(CHANNELS_NOTE)
    st.code(code, language="python")
    return code
