"""The photos that come with ConvLab (assets/), loaded once per server and shared."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from cnn_core import downscale, load_image, to_gray

ASSETS = Path(__file__).resolve().parents[2] / "assets"


@st.cache_data(max_entries=8, show_spinner=False)
def bundled_photo(file: str, max_side: int | None = None) -> np.ndarray:
    """A photo from assets/ as ``(n_H, n_W, 3)`` float32 0–255, shrunk to ``max_side``."""
    rgb = load_image((ASSETS / file).read_bytes())
    return rgb if max_side is None else downscale(rgb, max_side)


@st.cache_data(max_entries=4, show_spinner=False)
def photo_crop(file: str, top: int, left: int, *, side: int = 6, step: int = 4) -> np.ndarray:
    """A side×side×3 crop of a bundled photo, every step-th pixel, as whole numbers 0–255."""
    rgb = bundled_photo(file)[::step, ::step]
    return np.round(rgb[top : top + side, left : left + side]).astype(np.int64)


@st.cache_data(max_entries=4, show_spinner=False)
def bundled_gray(file: str, max_side: int) -> np.ndarray:
    """A bundled photo in grey, shrunk so its longer side is at most ``max_side``."""
    return downscale(to_gray(bundled_photo(file)), max_side)
