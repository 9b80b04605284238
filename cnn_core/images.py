"""Reading a photo into an array, and making it gray and small enough to draw.

An upload can be anything: every failure is a ``ValueError`` whose message a page
can show as it is. Decoding is bounded: only the formats in ``FORMATS`` reach Pillow,
each format's pixel limit is checked from the header before anything is decoded, at
most ``MAX_DECODES`` decodes run at once, and a picture wanted at a working size is
reduced inside Pillow before it becomes a float32 array (``bench/upload_memory.py``).
"""

from __future__ import annotations

import io
import math
import threading
import warnings

import numpy as np
from PIL import Image, UnidentifiedImageError

from cnn_core.shapes import check_int

DEFAULT_MAX_PIXELS = 40_000_000
"""40 MP: above any phone photo. A JPEG or PNG this large costs at most ~190 MB to decode."""

FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "GIF", "TIFF")
"""The only decoders Pillow may run. A phone JPEG that carries a second picture (depth
map, preview) opens through "JPEG" as Pillow's "MPO" and decodes as JPEG. Anything else
(an EPS renamed ``.png`` would reach Ghostscript; PSD, ICO, …) is refused undecoded."""

NOT_AN_IMAGE = "this file is not an image ConvLab can read: use JPEG, PNG, WebP, BMP, GIF or TIFF"

WEBP_MAX_PIXELS = 15_000_000
"""libwebp decodes into buffers of its own before Pillow copies the picture: a 40 MP
lossless or lossy WebP peaked at 613 MB over idle, 15 MP at 232 MB (``bench/upload_memory.py``)."""

FORMAT_MAX_PIXELS = {"WEBP": WEBP_MAX_PIXELS}
"""Pixel limits below ``max_pixels`` for formats that cost more memory per pixel."""

_FORMAT_NAMES = {"MPO": "JPEG", "WEBP": "WebP"}

MAX_DECODES = 2
_DECODES = threading.BoundedSemaphore(MAX_DECODES)
"""Streamlit runs every visitor's script in a thread of one process, so a class uploading
at once would decode side by side. Two at a time bounds the worst case at two decodes'
peak (2 × ≤ 250 MB) on a 2 GiB server; a third upload waits for a slot."""

_STRIP_PIXELS = 1_000_000
"""A picture converted before it is averaged (transparency, palette, CMYK, 16-bit,
float) is converted a strip of about this many pixels at a time, never whole."""

_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
"""EXIF orientation → the turn that shows a photo upright (as ``ImageOps.exif_transpose``)."""

_SIXTEEN_BIT = ("I;16", "I;16L", "I;16B", "I;16N", "I")
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R BT.601


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Open (header only) with the allowed decoders; refuse unknown formats and bombs."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses before we can read the size: say what we know.
        raise ValueError(
            f"the image claims over {Image.MAX_IMAGE_PIXELS / 1e6:.0f} MP, too large to open "
            f"safely; the limit is {max_pixels / 1e6:.3g} MP"
        ) from None
    except UnidentifiedImageError:
        raise ValueError(NOT_AN_IMAGE) from None


def _check_pixels(img: Image.Image, max_pixels: int) -> None:
    """Refuse, from the header, more pixels than ``max_pixels`` or the format's own limit."""
    width, height = img.size
    pixels = width * height
    limit = FORMAT_MAX_PIXELS.get(img.format or "", max_pixels)
    if limit < max_pixels and pixels > limit:
        name = _FORMAT_NAMES.get(img.format or "", img.format)
        raise ValueError(
            f"{name} images may have up to {limit / 1e6:.3g} MP here (decoding {name} takes "
            f"more memory); this one is {width}×{height} = {pixels / 1e6:.1f} MP"
        )
    if pixels > max_pixels:
        raise ValueError(
            f"the image is {width}×{height} = {pixels / 1e6:.1f} MP; "
            f"the limit is {max_pixels / 1e6:.3g} MP"
        )


def _orientation(img: Image.Image) -> int:
    """The EXIF orientation (1: upright), read without decoding the pixels.

    Pillow's PNG ``getexif`` decodes the whole picture when no eXIf chunk came before the
    pixels (one may follow them): that would be a second, unbounded decode. PNG puts
    eXIf before the pixels, so then there is none.
    """
    if img.format == "PNG" and "exif" not in img.info:
        return 1
    return img.getexif().get(0x0112, 1)


def _displayable(part: Image.Image) -> Image.Image:
    """A strip in "L", "RGB" or "F" (16-bit and float values, scaled later), pixel by pixel."""
    if part.mode in _SIXTEEN_BIT or part.mode == "F":
        return part.convert("F")
    if part.mode in ("RGBA", "LA", "PA") or (part.mode == "P" and "transparency" in part.info):
        # Transparent pixels are shown over white, as a browser shows them.
        rgba = part.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return part.convert("L" if part.mode == "1" else "RGB")


def _reduce(img: Image.Image, k: int) -> tuple[Image.Image, tuple[float, float]]:
    """``img`` made displayable and k times smaller, k×k blocks averaged, in Pillow.

    Edges that do not fill a block are dropped, as ``downscale`` drops them. Returns the
    small image ("L", "RGB" or "F") and, for a float image, the full image's value range.
    """
    w, h = img.width // k, img.height // k
    if img.mode in ("L", "RGB"):
        return (img.reduce(k, (0, 0, w * k, h * k)) if k > 1 else img), (0.0, 255.0)
    small: Image.Image | None = None
    lo, hi = math.inf, -math.inf
    rows = max(1, _STRIP_PIXELS // (img.width * k))
    for top in range(0, h, rows):
        bottom = min(h, top + rows)
        part = _displayable(img.crop((0, top * k, w * k, bottom * k)))
        if part.mode == "F":
            values = np.asarray(part)
            lo = min(lo, float(np.fmin.reduce(values, axis=None)))
            hi = max(hi, float(np.fmax.reduce(values, axis=None)))
        if small is None:
            small = Image.new(part.mode, (w, h))
        small.paste(part.reduce(k) if k > 1 else part, (0, top))
    assert small is not None  # h ≥ 1: downscale_factor never exceeds the shorter side
    return small, (lo, hi)


def _scale_float(gray: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Float pixel values → 0–255, by the whole image's range ``lo``…``hi``."""
    if lo >= 0 and hi <= 1:
        # Float images usually hold 0 (black) to 1 (white); as 0–255 they look black.
        gray = gray * 255.0
    elif lo < 0 or hi > 255:
        gray = (gray - lo) * (255.0 / (hi - lo or 1.0))
    return np.nan_to_num(gray)


def _decode(img: Image.Image, max_side: int | None, gray: bool) -> np.ndarray:
    """Decode ``img`` (opened, checked) at the working size; only the result is float32."""
    source_mode, orientation = img.mode, _orientation(img)
    if max_side is not None and img.format in ("JPEG", "MPO"):
        # libjpeg decodes at 1/2, 1/4 or 1/8 scale directly (DCT scaling), never below
        # max_side; asked for "L", it skips the colour conversion.
        scale = max(img.size) / max_side
        size = (math.ceil(img.width / scale), math.ceil(img.height / scale))
        img.draft("L" if gray else "RGB", size)
    img.load()
    k = 1 if max_side is None else downscale_factor(img.height, img.width, max_side)
    small, (lo, hi) = _reduce(img, k)
    if orientation in _ORIENTATION:
        small = small.transpose(_ORIENTATION[orientation])
    x = np.asarray(small, dtype=np.float32)
    if source_mode == "F":
        x = _scale_float(x, lo, hi)
    elif small.mode == "F":
        x = np.clip(x / 257.0, 0, 255)  # 16-bit 0..65535 → 0..255
    if x.ndim == 2:
        return x if gray else np.repeat(x[:, :, None], 3, axis=2)
    return to_gray(x) if gray else x


def load_image(
    data: bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_side: int | None = None,
    gray: bool = False,
) -> np.ndarray:
    """Decode image bytes (JPEG, PNG, WebP, BMP, GIF or TIFF) into an RGB or gray array.

    Applies the EXIF orientation (a phone photo comes out upright); accepts
    grayscale, palette, transparent (composited over white), CMYK, 16-bit and float
    images; an animated image gives its first frame.

    Parameters
    ----------
    data : bytes, the file's contents
    max_pixels : int, the largest width × height accepted (``FORMAT_MAX_PIXELS`` may
        set a lower one for a format)
    max_side : int, optional
        Return the picture at its working size: k times smaller, k the whole number
        ``downscale_factor`` gives, each pixel the mean of a k×k block, as
        ``downscale(load_image(data), max_side)`` but computed inside Pillow, so a
        40 MP upload never becomes a full-size float32 array. A JPEG is first decoded
        at 1/2, 1/4 or 1/8 scale by libjpeg (never below ``max_side``); its pixels then
        come from DCT scaling, not from a full decode. Means are rounded to whole
        values in 8-bit images.
    gray : bool
        Return the luma ``0.299 R + 0.587 G + 0.114 B`` (``to_gray``), shape ``(n_H, n_W)``.

    Returns
    -------
    ndarray of float32, shape ``(n_H, n_W, 3)`` (``(n_H, n_W)`` if ``gray``), values in [0, 255]

    Raises
    ------
    ValueError
        Not one of the six formats, a truncated or corrupt file, or more pixels than
        the limit (refused from the header, before it is decoded).

    Examples
    --------
    >>> buf = io.BytesIO(); Image.new("L", (4, 2), 128).save(buf, "PNG")
    >>> load_image(buf.getvalue()).shape
    (2, 4, 3)
    >>> load_image(buf.getvalue(), max_side=2, gray=True)
    array([[128., 128.]], dtype=float32)
    """
    max_pixels = check_int("max_pixels", max_pixels, 1)
    if max_side is not None:
        max_side = check_int("max_side", max_side, 1)
    if not data:
        raise ValueError("the file is empty")
    try:
        img = _open(data, max_pixels)
        with img:
            _check_pixels(img, max_pixels)
            with _DECODES:
                return _decode(img, max_side, gray)
    except (OSError, SyntaxError, EOFError) as err:
        raise ValueError(f"the image file is damaged or incomplete ({err})") from None


def image_size(data: bytes) -> tuple[int, int]:
    """``(n_H, n_W)`` of an image as shown (EXIF orientation applied), from its header only.

    Raises ``ValueError`` as ``load_image`` does for a file that is not an image.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=FORMATS)
            width, height = img.size
            turned = _orientation(img) in (5, 6, 7, 8)
    except UnidentifiedImageError:
        raise ValueError(NOT_AN_IMAGE) from None
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
