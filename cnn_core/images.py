"""Reading a photo into an array, and making it gray and small enough to draw.

An upload can be anything: every failure is a ``ValueError`` whose message a page
can show as it is.
"""

from __future__ import annotations

import io
import math
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from cnn_core.shapes import check_int

DEFAULT_MAX_PIXELS = 40_000_000
"""40 MP: above any phone photo, far below what would exhaust memory once decoded."""

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R BT.601


def _to_rgb_array(img: Image.Image) -> np.ndarray:
    """Any Pillow mode → ``(n_H, n_W, 3)`` float32 in [0, 255]."""
    if img.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit grayscale (PNG and TIFF open as one of these): scale 0..65535 to 0..255.
        gray = np.asarray(img, dtype=np.float32)
        gray = np.clip(gray / 257.0, 0, 255)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if img.mode == "F":
        gray = np.asarray(img, dtype=np.float32)
        lo, hi = float(np.nanmin(gray)), float(np.nanmax(gray))
        if lo >= 0 and hi <= 1:
            # Float images usually hold 0 (black) to 1 (white); as 0–255 they look black.
            gray = gray * 255.0
        elif lo < 0 or hi > 255:
            gray = (gray - lo) * (255.0 / (hi - lo or 1.0))
        return np.repeat(np.nan_to_num(gray)[:, :, None], 3, axis=2)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        # Transparent pixels are shown over white, as a browser shows them.
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    return np.asarray(img.convert("RGB"), dtype=np.float32)


def load_image(
    data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS, max_side: int | None = None
) -> np.ndarray:
    """Decode image bytes (JPEG, PNG, WebP, BMP, GIF, TIFF, …) into an RGB array.

    Applies the EXIF orientation (a phone photo comes out upright); accepts
    grayscale, palette, transparent (composited over white), CMYK and 16-bit images;
    an animated image gives its first frame.

    Parameters
    ----------
    data : bytes, the file's contents
    max_pixels : int, the largest width × height accepted
    max_side : int, optional
        A JPEG may then be decoded at 1/2, 1/4 or 1/8 scale (never below ``max_side`` on
        its longer side): a 12 MP photo decodes in a fraction of the time and memory.
        Pixels then come from the decoder's DCT scaling, not from a full decode.

    Returns
    -------
    ndarray of float32, shape ``(n_H, n_W, 3)``, values in [0, 255]

    Raises
    ------
    ValueError
        Not an image, a truncated or corrupt file, or more than ``max_pixels``
        pixels (a decompression bomb is refused before it is decoded).

    Examples
    --------
    >>> buf = io.BytesIO(); Image.new("L", (4, 2), 128).save(buf, "PNG")
    >>> load_image(buf.getvalue()).shape
    (2, 4, 3)
    """
    max_pixels = check_int("max_pixels", max_pixels, 1)
    if not data:
        raise ValueError("the file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            width, height = img.size
            if width * height > max_pixels:
                raise ValueError(
                    f"the image is {width}×{height} = {width * height / 1e6:.1f} MP; "
                    f"the limit is {max_pixels / 1e6:.3g} MP"
                )
            if max_side is not None and img.format == "JPEG":
                scale = max(width, height) / check_int("max_side", max_side, 1)
                mode = img.mode if img.mode in ("L", "RGB") else "RGB"
                img.draft(mode, (math.ceil(width / scale), math.ceil(height / scale)))
            img.load()
            img = ImageOps.exif_transpose(img)
            return _to_rgb_array(img)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses before we can read the size: say what we know.
        raise ValueError(
            f"the image claims over {Image.MAX_IMAGE_PIXELS / 1e6:.0f} MP, too large to open "
            f"safely; the limit is {max_pixels / 1e6:.3g} MP"
        ) from None
    except UnidentifiedImageError:
        raise ValueError(
            "this file is not an image ConvLab can read: use JPEG, PNG, WebP, BMP, GIF or TIFF"
        ) from None
    except (OSError, SyntaxError, EOFError) as err:
        raise ValueError(f"the image file is damaged or incomplete ({err})") from None


def image_size(data: bytes) -> tuple[int, int]:
    """``(n_H, n_W)`` of an image as shown (EXIF orientation applied), from its header only.

    Raises ``ValueError`` as ``load_image`` does for a file that is not an image.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            width, height = img.size
            turned = img.getexif().get(0x0112, 1) in (5, 6, 7, 8)
    except UnidentifiedImageError:
        raise ValueError(
            "this file is not an image ConvLab can read: use JPEG, PNG, WebP, BMP, GIF or TIFF"
        ) from None
    except (Image.DecompressionBombError, OSError, SyntaxError, EOFError) as err:
        raise ValueError(f"the image file cannot be read ({err})") from None
    return (width, height) if turned else (height, width)


def to_gray(x: np.ndarray) -> np.ndarray:
    """Luma ``0.299 R + 0.587 G + 0.114 B`` of an ``(n_H, n_W, 3)`` image.

    Returns
    -------
    ndarray of float32, shape ``(n_H, n_W)``; a 2-D input is returned as float32.

    Examples
    --------
    >>> to_gray(np.full((1, 1, 3), 100.0))
    array([[100.]], dtype=float32)
    """
    x = np.asarray(x)
    if x.ndim == 2:
        return x.astype(np.float32, copy=False)
    if x.ndim != 3 or x.shape[2] != 3:
        raise ValueError(f"to_gray needs (n_H, n_W) or (n_H, n_W, 3), got shape {x.shape}")
    return x.astype(np.float32, copy=False) @ _LUMA


def downscale_factor(n_H: int, n_W: int, max_side: int) -> int:
    """The whole-number factor that brings the longer side to at most ``max_side``.

    Never more than the shorter side, so a thin strip keeps at least one pixel.
    """
    max_side = check_int("max_side", max_side, 1)
    return max(1, min(-(-max(n_H, n_W) // max_side), n_H, n_W))


def downscale(x: np.ndarray, max_side: int) -> np.ndarray:
    """Shrink an image by a whole-number factor k so its longer side is ≤ ``max_side``.

    Each output pixel is the mean of a k×k block (edges that do not fill a block
    are dropped), so edges stay sharp and nothing is interpolated.

    Parameters
    ----------
    x : ndarray, shape ``(n_H, n_W)`` or ``(n_H, n_W, n_c)``
    max_side : int ≥ 1

    Returns
    -------
    ndarray of float32, shape ``(n_H // k, n_W // k[, n_c])``, k = ``downscale_factor``

    Examples
    --------
    >>> downscale(np.ones((3000, 4000, 3)), 1000).shape
    (750, 1000, 3)
    """
    x = np.asarray(x)
    k = downscale_factor(x.shape[0], x.shape[1], max_side)
    if k == 1:
        return x.astype(np.float32, copy=False)
    h, w = x.shape[0] // k, x.shape[1] // k
    blocks = x[: h * k, : w * k].reshape((h, k, w, k, *x.shape[2:]))
    return blocks.mean(axis=(1, 3), dtype=np.float32)
