"""Image files for tests, made on the fly: every kind of upload a student might try."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def encode(img: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **options)
    return buf.getvalue()


def halves(size=(40, 30), mode="L") -> Image.Image:
    """Bright left half, dark right half: a vertical edge down the middle."""
    w, h = size
    arr = np.zeros((h, w), dtype=np.uint8)
    arr[:, : w // 2] = 200
    img = Image.fromarray(arr, "L")
    return img if mode == "L" else img.convert(mode)


def png_bytes(size=(40, 30)) -> bytes:
    return encode(halves(size), "PNG")


def gray16_png() -> bytes:
    arr = np.zeros((30, 40), dtype=np.uint16)
    arr[:, :20] = 65535
    return encode(Image.fromarray(arr), "PNG")


def cmyk_jpeg() -> bytes:
    return encode(halves(mode="RGB").convert("CMYK"), "JPEG", quality=95)


def exif_rotated_jpeg() -> bytes:
    """Stored 40 wide × 30 high, bright left; EXIF 6 says: turn 90° clockwise to view."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(halves(mode="RGB"), "JPEG", exif=exif, quality=95)


def transparent_png() -> bytes:
    """Left half opaque black, right half fully transparent (shown over white)."""
    arr = np.zeros((30, 40, 4), dtype=np.uint8)
    arr[:, :20, 3] = 255
    return encode(Image.fromarray(arr, "RGBA"), "PNG")


def truncated_png() -> bytes:
    data = encode(
        Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)),
        "PNG",
    )
    return data[: len(data) // 2]


def not_an_image() -> bytes:
    return b"%PDF-1.4 this is not a picture\n" * 10


def bomb_png(side: int = 30_000) -> bytes:
    """A valid PNG header claiming side×side pixels (900 MP), with almost no data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * (side + 1) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def one_pixel_png() -> bytes:
    return encode(Image.new("L", (1, 1), 128), "PNG")


FORMATS = {
    "jpg": lambda: encode(halves(mode="RGB"), "JPEG", quality=95),
    "png": png_bytes,
    "webp": lambda: encode(halves(mode="RGB"), "WEBP", lossless=True),
    "bmp": lambda: encode(halves(mode="RGB"), "BMP"),
    "gif": lambda: encode(halves().convert("P"), "GIF"),
    "tiff": lambda: encode(halves(mode="RGB"), "TIFF"),
}
