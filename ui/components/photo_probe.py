"""The photo probe: a photo and its filtered map; hover a pixel to see the numbers under the filter.

Photos stay pictures (canvases, not grids of cells). Python sends the working-size input
and cnn_core's output as float32 binary data, with the filter and the colour rule; the
browser (``photo_probe.js``) draws both and, under the pointer, shows the f×f numbers
under the filter, their products (multiplied in the browser, for display only) and the
sum, which is read from cnn_core's output, never added up in JavaScript.
"""

from __future__ import annotations

import json
import struct

import numpy as np
import streamlit as st

from cnn_core import EDGE_KINDS, conv2d, relu
from ui.components import register
from ui.controls.filter_picker import PickedFilter
from ui.controls.input_picker import PickedInput
from ui.display import chart
from ui.figures.colors import SIGNED_LUT
from ui.figures.formulas import number
from ui.figures.photos import display_peak, image_figure

SCALES = ("signed", "magnitude", "relu")

_COMPONENT = register("photo_probe", "grid_format.js", "photo_probe.js")


def encode(
    image: np.ndarray, output: np.ndarray, weights: np.ndarray, *, view: str, titles: tuple
) -> bytes:
    """Pack the probe's data: a length, a JSON header, then the float32 input and output.

    ``image`` is ``(n_H, n_W)``, ``output`` the valid convolution ``(n_H − f + 1, n_W −
    f + 1)`` of it with the f×f ``weights`` (the sums, before any ReLU); ``view`` is how
    the output is coloured (as ``ui.figures.grids.to_display``; ``"relu"`` colours max(0, z)).
    """
    if view not in SCALES:
        raise ValueError(f"view must be one of {SCALES}, got {view!r}")
    image = np.ascontiguousarray(image, dtype="<f4")
    output = np.ascontiguousarray(output, dtype="<f4")
    weights = np.asarray(weights)
    header = json.dumps(
        {
            "input": list(image.shape),
            "output": list(output.shape),
            "weights": weights.tolist(),
            "view": view,
            "peak": display_peak(relu(output) if view == "relu" else output),
            "lut": SIGNED_LUT.ravel().tolist(),
            "titles": list(titles),
        }
    ).encode()
    header += b" " * (-len(header) % 4)  # the arrays start on a 4-byte boundary
    return struct.pack("<I", len(header)) + header + image.tobytes() + output.tobytes()


def decode(data: bytes) -> tuple[dict, np.ndarray, np.ndarray]:
    """The inverse of ``encode``: (header, input, output)."""
    (size,) = struct.unpack_from("<I", data)
    header = json.loads(data[4 : 4 + size])
    start = 4 + size
    n_in, n_out = np.prod(header["input"]), np.prod(header["output"])
    image = np.frombuffer(data, "<f4", n_in, start).reshape(header["input"])
    output = np.frombuffer(data, "<f4", n_out, start + 4 * n_in).reshape(header["output"])
    return header, image, output


def photo_probe(
    key: str,
    image: np.ndarray,
    output: np.ndarray,
    weights: np.ndarray,
    *,
    view: str,
    titles: tuple[str, str],
) -> None:
    """Mount the probe: the photo and its map side by side (stacked on a phone)."""
    data = encode(image, output, weights, view=view, titles=titles)
    _COMPONENT(key=key, data=data, width="stretch")


WORKING_SIZES = [256, 512, 1024]
VIEWS = {
    "Signed (red +, blue −)": "signed",
    "Strength |·|": "magnitude",
    "ReLU (negatives → 0)": "relu",
}


def working_size_note(picked: PickedInput, size: int) -> str:
    """Why a photo is computed at the size it is: a whole-number shrink, never enlarged."""
    n_H, n_W = picked.original_shape
    h, w = picked.image.shape
    k = picked.factor
    at = f"{picked.label}: computed at {w}×{h} pixels"
    if k > 1:
        return (
            f"{at}, 1/{k} of its {n_W}×{n_H}: a photo is shrunk by a whole number until its "
            f"longer side is at most {size}, each pixel standing for a {k}×{k} block, so "
            "nothing is invented between pixels."
        )
    if max(n_H, n_W) < size:
        return f"{at}, its own size: a photo is never enlarged."
    return f"{at}."


def photo_edges(key: str, picked: PickedInput, filt: PickedFilter) -> None:
    """The edge lesson on a photo: its working size and view, the photo and its map under
    the probe, then its vertical and horizontal edges side by side. Keys ``{key}_…``."""
    gray = picked.image
    left, right = st.columns(2)
    with left:
        size = st.select_slider(
            "Working size (longest side at most, px)",
            WORKING_SIZES,
            value=512,
            key=f"{key}_size",
            help="The photo is shrunk by a whole number until its longer side is at most "
            "this many pixels, before the filter slides over it: larger is sharper and slower.",
        )
        # Said beside the slider: 512 can compute a photo at 500 (1000 shrunk by 2).
        st.caption(working_size_note(picked, size))
    with right:
        view = VIEWS[
            st.radio(
                "Show the output as",
                list(VIEWS),
                key=f"{key}_view",
                horizontal=True,
                help="Signed: the sums as they are. Strength: their size |z|, either sign. "
                "ReLU: max(0, z), the sums a network keeps after its ReLU.",
            )
        ]
    if view == "relu":
        st.caption(
            "ReLU(z) = max(0, z): a negative sum becomes 0, a positive one stays. A network "
            "applies it after each convolution (lesson 7), so each filter keeps only one "
            "sign of edge: bright-to-dark or dark-to-bright, not both."
        )
    try:
        maps = {
            filt.label: conv2d(gray, filt.kernel),
            "Vertical edges": conv2d(gray, EDGE_KINDS[filt.family][0]),
            "Horizontal edges": conv2d(gray, EDGE_KINDS[filt.family][1]),
        }
    except ValueError as err:
        st.error(f"This filter cannot slide over this image: {err}.")
        return
    # The probe gets the sums themselves: its ReLU view colours max(0, z) and says so.
    photo_probe(
        f"{key}_probe",
        gray,
        maps[filt.label],
        filt.kernel,
        view=view,
        titles=("Grayscale input", filt.label),
    )
    if view == "relu":
        maps = {name: relu(z) for name, z in maps.items()}
    z = maps[filt.label]
    st.caption(
        f"Output {z.shape[1]}×{z.shape[0]}, values from {number(round(z.min()))} to "
        f"{number(round(z.max()))}; colours are full at ±{number(round(display_peak(z)))}. "
        "Point at either picture (or drag a finger over it) to see the numbers under the "
        "filter."
    )
    st.header("Vertical and horizontal edges, side by side")
    for column, name in zip(st.columns(2), ("Vertical edges", "Horizontal edges"), strict=True):
        with column:
            chart(
                image_figure(maps[name], scale=view, title=name),
                key=f"{key}_{name.split()[0].lower()}_chart",
            )
    st.caption(filt.sign)
