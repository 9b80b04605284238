import io

import numpy as np
import pytest
from PIL import Image

from cnn_core import downscale, downscale_factor, image_size, load_image, to_gray
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
    assert load_image(data, max_side=500).shape == (600, 800, 3)  # 1/2: 1/4 is below 500
    fast = load_image(data, max_side=400)
    assert fast.shape == (300, 400, 3)  # 1/4 scale, exactly 400 wide
    full = downscale(load_image(data), 400)
    assert full.shape == fast.shape
    assert np.abs(fast - full).mean() < 2.0  # DCT scaling against a block mean


def test_image_size_reads_the_header_and_turns_for_exif():
    assert image_size(samples.png_bytes((40, 30))) == (30, 40)
    assert image_size(samples.exif_rotated_jpeg()) == (40, 30)
    with pytest.raises(ValueError, match="not an image ConvLab can read"):
        image_size(samples.not_an_image())


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
