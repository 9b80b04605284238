import base64
import html
import io
import re

import numpy as np
from PIL import Image

from cnn_core import VERTICAL_EDGE, conv2d, pool2d, relu
from cnn_core.examples import LECTURE_RGB
from tests.pages.helpers import formulas, linked, linked_grids, open_page, pinned_window, texts
from ui.figures.bundled import bundled_gray
from ui.figures.formulas import number
from ui.figures.photos import to_display

PAGE = "pages/pooling.py"


def test_max_pooling_gives_the_lecture_output_and_names_the_winner():
    at = open_page(PAGE)
    _x, out = linked_grids(at, "pool_grid").values()
    np.testing.assert_array_equal(out, [[9, 2], [6, 3]])
    data = linked(at, "pool_grid")
    assert data["formula"] == "max" and data["winners"]["0"] == [[[1, 1], [0, 0]], [[1, 1], [0, 1]]]
    assert data["terms"]["0"][0][0] == [1, 3, 2, 9]
    assert formulas(at)[0] == "max(1, 3, 2, 9) = 9"
    assert "sits at row 1, column 1 of the input" in texts(at)
    assert "Parameters to learn: 0." in texts(at)


def test_average_pooling_gives_the_lecture_output_with_its_arithmetic():
    at = open_page(PAGE)
    at.radio(key="pool_mode").set_value("average").run()
    _x, out = linked_grids(at, "pool_grid").values()
    np.testing.assert_array_equal(out, [[3.75, 1.25], [4, 2]])
    assert formulas(at)[0] == "(1 + 3 + 2 + 9) / 4 = 3.75"
    assert linked(at, "pool_grid")["winners"] == {}
    at = open_page(PAGE, pool_mode="average", pool_i=1)
    assert formulas(at)[0] == "(1 + 4 + 5 + 6) / 4 = 4"
    assert pinned_window(at, "pool_grid") == (2, 0, 2, 2)


def test_window_and_stride_controls():
    at = open_page(PAGE)
    at.slider(key="pool_f").set_value(3).run()
    at.slider(key="pool_s").set_value(1).run()
    out = list(linked_grids(at, "pool_grid").values())[1]
    np.testing.assert_array_equal(out, [[9, 9], [9, 9]])
    at.slider(key="pool_f").set_value(4).run()
    at.slider(key="pool_s").set_value(4).run()
    assert list(linked_grids(at, "pool_grid").values())[1].tolist() == [[9]]


def test_every_window_and_stride_fits_every_input():
    """f and s go up to 4 and the smallest input is 4×4: no combination can fail."""
    at = open_page(PAGE)
    for choice in ("Lecture 4×4", "Random 6×6", "Random 8×8"):
        at.selectbox(key="pool_input").set_value(choice).run()
        for f in (1, 4):
            for s in (1, 4):
                at.slider(key="pool_f").set_value(f).run()
                at.slider(key="pool_s").set_value(s).run()
                assert not at.error and not at.exception
                x, out = linked_grids(at, "pool_grid").values()
                assert out.shape[0] == (x.shape[0] - f) // s + 1


def test_volume_is_pooled_channel_by_channel():
    at = open_page(PAGE)
    grids = linked_grids(at, "pool_volume_grid")
    pooled = [grids[f"Pooled, {name}"] for name in ("red", "green", "blue")]
    assert linked(at, "pool_volume_grid")["depthwise"]
    for k in range(3):
        want = LECTURE_RGB[..., k].reshape(3, 2, 3, 2).max(axis=(1, 3))
        np.testing.assert_array_equal(pooled[k], want)
    assert formulas(at)[2] == "6×6×3 → 3×3×3"


def test_photo_goes_through_conv_relu_pool():
    at = open_page(PAGE)
    at.slider(key="pool_f").set_value(3).run()
    shown = {}
    for block in at.markdown:
        found = re.search(r'src="data:image/png;base64,([^"]+)" alt="([^"]+)"', block.value)
        if found:
            caption = re.search(r"<figcaption>(.+)</figcaption>", block.value)[1]
            pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(found[1]))))
            shown[caption] = (pixels, html.unescape(found[2]))
    gray = bundled_gray("camera.png", 256)
    z = conv2d(gray, VERTICAL_EDGE)
    pooled = pool2d(relu(z), 3, stride=2, mode="max")
    assert list(shown) == [
        "Input (camera, gray), 256×256",
        "Conv: vertical edges (z), 254×254",
        "ReLU(z), 254×254",
        "Max pooling, f=3, s=2, 126×126",
    ]
    pixels, alt = shown["Max pooling, f=3, s=2, 126×126"]
    np.testing.assert_array_equal(pixels, to_display(pooled, "relu"))
    assert alt == f"Max pooling, f=3, s=2, 126×126, values from 0 to {number(pooled.max())}"
    np.testing.assert_array_equal(
        shown["Input (camera, gray), 256×256"][0], to_display(gray, "gray")
    )
    # z is signed: white at 0, blue and red at ± the strongest edges.
    assert shown["Conv: vertical edges (z), 254×254"][0].shape == (254, 254, 3)
