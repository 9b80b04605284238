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
from pathlib import Path

import numpy as np
import streamlit as st

from cnn_core import relu
from ui.colors import SIGNED_LUT
from ui.photos import display_peak

HERE = Path(__file__).resolve().parent
VIEWS = ("signed", "magnitude", "relu")

_COMPONENT = st.components.v2.component(
    "convlab.photo_probe",
    html="",
    css=(HERE / "photo_probe.css").read_text(encoding="utf-8"),
    js=(HERE / "grid_format.js").read_text(encoding="utf-8")
    + "\n"
    + (HERE / "photo_probe.js").read_text(encoding="utf-8"),
)


def encode(
    image: np.ndarray, output: np.ndarray, weights: np.ndarray, *, view: str, titles: tuple
) -> bytes:
    """Pack the probe's data: a length, a JSON header, then the float32 input and output.

    ``image`` is ``(n_H, n_W)``, ``output`` the valid convolution ``(n_H − f + 1, n_W −
    f + 1)`` of it with the f×f ``weights`` (the sums, before any ReLU); ``view`` is how
    the output is coloured (as ``ui.grids.to_display``; ``"relu"`` colours max(0, z)).
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
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
