"""The input picker: the lecture's grids, the bundled photos, or an upload made safe to use."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import streamlit as st

from cnn_core import image_size, load_image
from cnn_core.examples import BRIGHT_TO_DARK, CHECKER, DARK_TO_BRIGHT, LECTURE_6X6
from ui.figures.bundled import ASSETS
from ui.links import Param, one_of, verbatim

UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "bmp", "gif", "tif", "tiff"]
MAX_UPLOAD_MB = 25
"""The app's upload limit; ``.streamlit/config.toml`` sets Streamlit's to the same."""

GRID_INPUTS = {
    "Lecture 6×6": LECTURE_6X6,
    "Bright → dark step": BRIGHT_TO_DARK,
    "Dark → bright step": DARK_TO_BRIGHT,
    "Checker 6×6": CHECKER,
}
PHOTOS = {
    "Photo: camera": "camera.png",
    "Photo: brick wall": "brick.png",
    "Photo: cat": "cat.jpg",
    "Photo: coffee": "coffee.jpg",
    "Photo: astronaut": "astronaut.jpg",
}
UPLOAD = "Upload your own image"
INPUT_CHOICES = [*GRID_INPUTS, *PHOTOS, UPLOAD]
INPUT_LINK = Param("input", INPUT_CHOICES[0], one_of(INPUT_CHOICES))
"""The input picker's choice in a page's link (``ui.links``)."""


@dataclass(frozen=True)
class PickedInput:
    """What ``input_picker`` returns: a small grid, or a photo at its working size."""

    label: str
    """Markdown-safe: an upload's file name arrives as inline code (``ui.links.verbatim``)."""
    image: np.ndarray
    is_photo: bool
    original_shape: tuple[int, int] = (0, 0)
    factor: int = 1


@st.cache_data(max_entries=16, show_spinner=False)
def _photo(digest: str, _data: bytes, max_side: int) -> tuple[np.ndarray, tuple[int, int], int]:
    """Decode, gray and shrink once per file and working size (hashed by digest, not bytes).

    Gray and shrunk inside Pillow (``load_image(max_side=..., gray=True)``), a JPEG decoded
    straight at a reduced scale: a 40 MP PNG or JPEG costs at most ~190 MB while decoding
    instead of ~1.4 GB, which matters with a classroom uploading (docs/decisions.md).
    """
    gray = load_image(_data, max_side=max_side, gray=True)
    n_H, n_W = image_size(_data)
    return gray, (n_H, n_W), round(n_W / gray.shape[1])


def input_picker(key: str, *, photos: bool = True, max_side: int = 512) -> PickedInput | None:
    """Choose an input; returns None (after showing why) when there is nothing to use yet."""
    options = INPUT_CHOICES if photos else list(GRID_INPUTS)
    choice = st.selectbox(
        "Input image",
        options,
        key=f"{key}_input",
        help="The picture the filter slides over: the lecture's small grids (every number "
        "shown), a bundled photo, or a photo of your own (the last choice).",
    )
    if choice in GRID_INPUTS:
        return PickedInput(choice, GRID_INPUTS[choice], is_photo=False)
    if choice in PHOTOS:
        data, name = (ASSETS / PHOTOS[choice]).read_bytes(), choice.removeprefix("Photo: ")
    else:
        upload = st.file_uploader(
            f"Your image (JPEG, PNG, WebP, BMP, GIF or TIFF, up to {MAX_UPLOAD_MB} MB)",
            type=UPLOAD_TYPES,
            key=f"{key}_upload",
            help="Your photo stays on this server only while you use the page.",
        )
        if upload is None:
            st.info("Choose a photo from your computer or phone to see its edges.")
            return None
        data, name = upload.getvalue(), verbatim(upload.name)  # a visitor's text: as code
        if len(data) > MAX_UPLOAD_MB * 2**20:
            st.error(f"{name} is {len(data) / 2**20:.0f} MB; the limit is {MAX_UPLOAD_MB} MB.")
            return None
    try:
        gray, shape, factor = _photo(hashlib.sha256(data).hexdigest(), data, max_side)
    except ValueError as err:
        st.error(f"Could not use {name}: {err}.")
        return None
    return PickedInput(name, gray, is_photo=True, original_shape=shape, factor=factor)
