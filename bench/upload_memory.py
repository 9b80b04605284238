"""Peak memory of decoding one upload, per format, each in a fresh process.

Run by hand: ``.venv/bin/python bench/upload_memory.py`` (about two minutes the first
time: it writes the test files to ``--dir`` and reuses them). For each file, a new Python
process imports ConvLab, reads the file's bytes, resets the kernel's peak-RSS mark
(``/proc/self/clear_refs``), decodes it as the upload page does
(``load_image(data, max_side=512, gray=True)``, then ``image_size``; per-format limits
lifted so a 40 MP WebP can be measured) and prints its peak resident memory over idle.
RSS, not tracemalloc: Pillow and libwebp allocate in C. Target: ≤ 250 MB over idle for
each file the app accepts (docs/decisions.md, "Uploads: bounded memory").
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
SIZE = (8000, 5000)  # 40.0 MP, README's limit
WEBP_AT_LIMIT = (5000, 3000)  # 15.0 MP, cnn_core.images.WEBP_MAX_PIXELS


def picture(size: tuple[int, int]) -> Image.Image:
    """A drawing that compresses to almost nothing: the cheap upload that decodes dear."""
    img = Image.new("RGB", size, (235, 225, 200))
    draw = ImageDraw.Draw(img)
    w, h = size
    for i in range(12):
        x, y = (i * 613) % (w - 900), (i * 389) % (h - 700)
        fill = (30 * i % 255, 90, 255 - 20 * i)
        (draw.rectangle if i % 2 else draw.ellipse)((x, y, x + 900, y + 700), fill=fill)
    return img


def files() -> dict[str, tuple[tuple[int, int], str, dict, object]]:
    """name → (size, Pillow format, save options, how to make the picture's mode)."""
    rgba = lambda img: Image.merge("RGBA", (*img.split(), img.convert("L")))  # noqa: E731
    gray16 = lambda img: Image.fromarray(  # noqa: E731
        np.asarray(img.convert("L"), dtype=np.uint16) * 257
    )
    floats = lambda img: Image.fromarray(  # noqa: E731
        np.asarray(img.convert("L"), dtype=np.float32) / 255, mode="F"
    )
    same = lambda img: img  # noqa: E731
    return {
        "png_rgba": (SIZE, "PNG", {}, rgba),
        "png_rgb": (SIZE, "PNG", {}, same),
        "png_gray16": (SIZE, "PNG", {}, gray16),
        "jpeg": (SIZE, "JPEG", {"quality": 90}, same),
        "jpeg_progressive": (SIZE, "JPEG", {"quality": 90, "progressive": True}, same),
        "webp_lossless": (SIZE, "WEBP", {"lossless": True}, same),
        "webp_lossy": (SIZE, "WEBP", {"quality": 80}, same),
        "webp_lossless_15mp": (WEBP_AT_LIMIT, "WEBP", {"lossless": True}, same),
        "webp_lossy_15mp": (WEBP_AT_LIMIT, "WEBP", {"quality": 80}, same),
        "gif": (SIZE, "GIF", {}, lambda img: img.convert("P")),
        "tiff_float": (SIZE, "TIFF", {"compression": "tiff_adobe_deflate"}, floats),
        "bmp": (SIZE, "BMP", {}, same),
    }


def make(directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (size, fmt, options, mode) in files().items():
        path = directory / f"{name}.{fmt.lower()}"
        if not path.exists():
            mode(picture(size)).save(path, fmt, **options)
        paths[name] = path
    return paths


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(path: str) -> None:
    """In a fresh process: decode once, print peak MB over idle as JSON."""
    sys.path.insert(0, str(ROOT))
    from cnn_core import images

    images.FORMAT_MAX_PIXELS.clear()  # measure what a limit would have refused
    data = Path(path).read_bytes()
    Path("/proc/self/clear_refs").write_text("5")  # peak RSS := current RSS
    idle = _rss_kb("VmRSS")
    gray = images.load_image(data, max_side=512, gray=True)
    images.image_size(data)  # as ui.controls.input_picker does, for the caption
    peak = _rss_kb("VmHWM")
    print(json.dumps({"over_idle_mb": (peak - idle) / 1024, "shape": list(gray.shape)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/convlab-upload-bench"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    print(f"{'file':<20} {'pixels':>8} {'file size':>10} {'peak over idle':>15}  working size")
    for name, path in make(args.dir).items():
        with Image.open(path) as img:
            mp = img.width * img.height / 1e6
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        got = json.loads(out.stdout)
        size = path.stat().st_size
        shown = f"{size / 2**20:.1f} MB" if size > 2**20 else f"{size / 1024:.0f} KB"
        print(
            f"{name:<20} {mp:>6.1f}MP {shown:>10} {got['over_idle_mb']:>12.0f} MB  "
            f"{got['shape'][1]}×{got['shape'][0]}"
        )


if __name__ == "__main__":
    main()
