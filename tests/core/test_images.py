import io
import queue
import threading

import numpy as np
import pytest
from PIL import Image

from cnn_core import downscale, downscale_factor, image_size, images, load_image, to_gray
from tests import samples


@pytest.mark.parametrize("fmt", sorted(samples.FORMATS))
def test_every_format_loads_as_rgb_float32(fmt):
    img = load_image(samples.FORMATS[fmt]())
    assert img.shape == (30, 40, 3) and img.dtype == np.float32
    assert img[:, :20].mean() == pytest.approx(200, abs=3)
    assert img[:, 20:].mean() == pytest.approx(0, abs=3)


def test_16_bit_png_is_scaled_to_0_255():
    img = load_image(samples.gray16_png())
    assert img.shape == (30, 40, 3)
    assert img[:, :20].min() == 255 and img[:, 20:].max() == 0


def test_cmyk_jpeg_becomes_rgb():
    img = load_image(samples.cmyk_jpeg())
    assert img.shape == (30, 40, 3)
    assert img[:, :18].mean() == pytest.approx(200, abs=6)
    assert img[:, 22:].mean() == pytest.approx(0, abs=6)


def test_exif_orientation_is_applied():
    img = load_image(samples.exif_rotated_jpeg())
    assert img.shape == (40, 30, 3)  # stored 40 wide, shown 40 high
    # Turned clockwise, the bright left half becomes the top half.
    assert img[:18].mean() > 190 and img[22:].mean() < 10


def test_transparent_pixels_are_shown_over_white():
    img = load_image(samples.transparent_png())
    assert img[:, :20].max() == 0 and img[:, 20:].min() == 255


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (samples.not_an_image(), "this file is not an image ConvLab can read"),
        (samples.truncated_png(), "the image file is damaged or incomplete"),
        (samples.bomb_png(7000), "the image is 7000×7000 = 49.0 MP; the limit is 40 MP"),
        (samples.bomb_png(30_000), "the image claims over 89 MP, too large to open safely"),
        (b"", "the file is empty"),
    ],
)
def test_bad_files_raise_a_readable_value_error(data, message):
    with pytest.raises(ValueError) as err:
        load_image(data)
    assert message in str(err.value)


def test_max_pixels_is_respected():
    with pytest.raises(ValueError, match=r"the image is 40×30 = 0\.0 MP; the limit is 0\.001 MP"):
        load_image(samples.png_bytes(), max_pixels=1000)


def test_to_gray_uses_bt601_weights():
    rgb = np.zeros((1, 3, 3), dtype=np.float32)
    rgb[0, 0, 0] = rgb[0, 1, 1] = rgb[0, 2, 2] = 100
    np.testing.assert_allclose(to_gray(rgb), [[29.9, 58.7, 11.4]], rtol=1e-6)
    assert to_gray(rgb).dtype == np.float32
    with pytest.raises(ValueError, match="to_gray needs"):
        to_gray(np.zeros((2, 2, 4)))


def test_downscale_averages_whole_blocks():
    x = np.arange(36, dtype=np.float32).reshape(6, 6)
    got = downscale(x, 3)
    np.testing.assert_array_equal(got, [[3.5, 5.5, 7.5], [15.5, 17.5, 19.5], [27.5, 29.5, 31.5]])
    assert downscale(np.ones((3000, 4000, 3)), 1000).shape == (750, 1000, 3)
    assert downscale_factor(3000, 4000, 1000) == 4
    assert downscale(x, 10) is not None and downscale(x, 10).shape == (6, 6)
    assert downscale(np.ones((2, 5000)), 100).shape == (1, 2500)  # never below one pixel


def test_a_large_jpeg_can_be_decoded_at_reduced_scale():
    yy, xx = np.mgrid[0:1200, 0:1600]
    smooth = (np.sin(xx / 90) * 60 + np.cos(yy / 70) * 60 + 128).astype(np.uint8)
    rgb = Image.fromarray(np.stack([smooth, smooth[::-1], smooth], axis=2))
    data = samples.encode(rgb, "JPEG", quality=95)
    # 1/2 by libjpeg (1/4 is below 500), then 2×2 blocks: the size a full decode gives.
    assert load_image(data, max_side=500).shape == (300, 400, 3)
    fast = load_image(data, max_side=400)
    assert fast.shape == (300, 400, 3)  # 1/4 scale by libjpeg, exactly 400 wide
    full = downscale(load_image(data), 400)
    assert full.shape == fast.shape
    assert np.abs(fast - full).mean() < 2.0  # DCT scaling against a block mean
    # Gray, libjpeg decodes the luma plane alone: the same picture.
    gray = load_image(data, max_side=400, gray=True)
    assert gray.shape == (300, 400)
    assert np.abs(gray - to_gray(full)).mean() < 2.0


def test_image_size_reads_the_header_and_turns_for_exif():
    assert image_size(samples.png_bytes((40, 30))) == (30, 40)
    assert image_size(samples.exif_rotated_jpeg()) == (40, 30)
    with pytest.raises(ValueError, match="not an image ConvLab can read"):
        image_size(samples.not_an_image())


def test_image_size_of_a_png_does_not_decode_it(monkeypatch):
    from PIL import PngImagePlugin

    def load(self):
        raise AssertionError("image_size decoded the pixels")

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", load)
    assert image_size(samples.png_bytes((40, 30))) == (30, 40)


def _float_tiff(values: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(values.astype(np.float32), mode="F").save(buf, "TIFF")
    return buf.getvalue()


def test_a_float_tiff_in_0_to_1_is_scaled_to_0_to_255():
    values = np.array([[0.0, 0.25], [0.5, 1.0]])
    rgb = load_image(_float_tiff(values))
    np.testing.assert_allclose(rgb[..., 0], values * 255, atol=1e-4)


def test_a_float_tiff_in_0_to_255_is_kept_and_one_beyond_is_stretched():
    kept = load_image(_float_tiff(np.array([[0.0, 2.0], [128.0, 255.0]])))
    np.testing.assert_allclose(kept[..., 0], [[0, 2], [128, 255]], atol=1e-4)
    stretched = load_image(_float_tiff(np.array([[-10.0, 0.0], [10.0, 30.0]])))
    np.testing.assert_allclose(stretched[..., 0], [[0, 63.75], [127.5, 255]], atol=1e-3)


@pytest.mark.parametrize(
    ("fmt", "img"),
    [
        ("EPS", Image.new("L", (8, 8), 128)),  # Pillow would hand it to Ghostscript
        ("ICO", Image.new("RGB", (16, 16))),
        ("TGA", Image.new("RGB", (8, 8))),
        ("PCX", Image.new("RGB", (8, 8))),
    ],
)
def test_a_format_outside_the_six_is_refused_even_renamed(fmt, img):
    data = samples.encode(img, fmt)
    assert Image.open(io.BytesIO(data)).format == fmt  # Pillow alone would open it
    for read in (load_image, image_size):
        with pytest.raises(ValueError) as err:
            read(data)
        assert str(err.value) == (
            "this file is not an image ConvLab can read: use JPEG, PNG, WebP, BMP, GIF or TIFF"
        )


def test_a_webp_over_its_own_limit_is_refused_before_decoding(monkeypatch):
    def decode(*args):
        raise AssertionError("decoded a WebP over its limit")

    monkeypatch.setattr(images, "_decode", decode)
    # 16 MP of one gray: a few bytes, under the general 40 MP, over WebP's 15 MP.
    data = samples.encode(Image.new("L", (4000, 4000), 200), "WEBP", lossless=True, method=0)
    assert len(data) < 1000
    with pytest.raises(ValueError) as err:
        load_image(data, max_side=512)
    assert str(err.value) == (
        "WebP images may have up to 15 MP here (decoding WebP takes more memory); "
        "this one is 4000×4000 = 16.0 MP"
    )


def test_the_general_limit_still_applies_to_a_format_with_its_own(monkeypatch):
    monkeypatch.setattr(images, "_decode", lambda *args: pytest.fail("decoded"))
    with pytest.raises(ValueError, match=r"the image is 40×30 = 0\.0 MP; the limit is 0\.001 MP"):
        load_image(samples.FORMATS["webp"](), max_pixels=1000)


def _smooth_noisy(size=(703, 427), seed=0) -> np.ndarray:
    """A picture with smooth shapes and noise, so every block mean is different."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    rng = np.random.default_rng(seed)
    base = np.stack([np.sin(xx / 37), np.cos(yy / 23), np.sin((xx + yy) / 51)], axis=2)
    return np.clip(base * 90 + 128 + rng.normal(0, 20, (h, w, 3)), 0, 255).astype(np.uint8)


def _rgba_png() -> bytes:
    rgb = _smooth_noisy()
    alpha = np.random.default_rng(1).integers(0, 256, rgb.shape[:2], dtype=np.uint8)
    return samples.encode(Image.fromarray(np.dstack([rgb, alpha]), "RGBA"), "PNG")


def _palette_gif_with_transparency() -> bytes:
    img = Image.fromarray(_smooth_noisy()).quantize(64)
    return samples.encode(img, "GIF", transparency=3)


def _gray16_png() -> bytes:
    return samples.encode(Image.fromarray(_smooth_noisy()[..., 0].astype(np.uint16) * 251), "PNG")


def _float_tiff_smooth() -> bytes:
    return samples.encode(Image.fromarray(_smooth_noisy()[..., 1] / 7.0 - 3, "F"), "TIFF")


def _rotated_png() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6
    return samples.encode(Image.fromarray(_smooth_noisy((700, 420))), "PNG", exif=exif)


# Pillow's reduce rounds each 8-bit channel's block mean to a whole value: ±0.5, plus at
# most one unit of the block's sum (1/k², 1/49 for k = 7) from its fixed-point division;
# luma weights sum to 1, so gray is within that too. 16-bit and float images are averaged
# in float32: agreement to float rounding.
EIGHT_BIT, FLOAT = 0.5 + 1 / 49 + 1e-3, 1e-3


@pytest.mark.parametrize(
    ("make", "tolerance"),
    [
        (lambda: samples.encode(Image.fromarray(_smooth_noisy()), "PNG"), EIGHT_BIT),
        (lambda: samples.encode(Image.fromarray(_smooth_noisy()), "BMP"), EIGHT_BIT),
        (_rgba_png, EIGHT_BIT),
        (_palette_gif_with_transparency, EIGHT_BIT),
        (
            lambda: samples.encode(Image.fromarray(_smooth_noisy()).convert("CMYK"), "TIFF"),
            EIGHT_BIT,
        ),
        (_gray16_png, FLOAT),
        (_float_tiff_smooth, FLOAT),
        (_rotated_png, EIGHT_BIT),
    ],
    ids=[
        "png",
        "bmp",
        "rgba_png",
        "gif_transparent",
        "cmyk_tiff",
        "png16",
        "float_tiff",
        "exif_png",
    ],
)
def test_the_reduced_decode_is_the_full_decode_shrunk(make, tolerance, monkeypatch):
    data = make()
    full = load_image(data)
    # Tiny strips, so converted pictures are assembled from many (one output row each).
    monkeypatch.setattr(images, "_STRIP_PIXELS", 1)
    small = load_image(data, max_side=100)
    expected = downscale(full, 100)  # k = 8 (7 for the 700×420): edges dropped alike
    assert small.shape == expected.shape and small.dtype == np.float32
    assert np.abs(small - expected).max() <= tolerance
    gray = load_image(data, max_side=100, gray=True)
    assert np.abs(gray - to_gray(expected)).max() <= tolerance


def test_at_most_two_decodes_run_at_once_and_a_third_waits(monkeypatch):
    entered: queue.Queue[str] = queue.Queue()
    gates = {name: threading.Event() for name in "abc"}
    results: dict[str, object] = {}

    def decode(img, max_side, gray):
        name = threading.current_thread().name
        entered.put(name)
        assert gates[name].wait(timeout=60)
        return np.zeros((1, 1), dtype=np.float32)

    def upload():
        try:
            results[threading.current_thread().name] = load_image(samples.png_bytes())
        except BaseException as err:  # shown by the assertion below
            results[threading.current_thread().name] = err

    monkeypatch.setattr(images, "_decode", decode)
    threads = {name: threading.Thread(target=upload, name=name) for name in "abc"}
    try:
        threads["a"].start()
        threads["b"].start()
        assert {entered.get(timeout=60), entered.get(timeout=60)} == {"a", "b"}
        # Both slots taken: a third decode cannot start.
        assert images.MAX_DECODES == 2
        assert not images._DECODES.acquire(blocking=False)
        threads["c"].start()
        gates["a"].set()  # a ends: c takes its slot while b still decodes
        assert entered.get(timeout=60) == "c"
        threads["a"].join(timeout=60)
        assert threads["b"].is_alive() and "b" not in results
    finally:
        for gate in gates.values():
            gate.set()
        for thread in threads.values():
            if thread.is_alive() or thread.ident is not None:
                thread.join(timeout=60)
    assert all(isinstance(results[name], np.ndarray) for name in "abc"), results
    assert images._DECODES.acquire(blocking=False)  # every slot given back
    images._DECODES.release()
