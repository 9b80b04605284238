import numpy as np

from cnn_core import HORIZONTAL_EDGE, VERTICAL_EDGE, conv2d
from cnn_core.examples import LECTURE_RGB
from tests.pages.helpers import formulas, heatmaps, open_page, texts, window

PAGE = "pages/volumes.py"


def test_lecture_preset_gives_4x4x2():
    at = open_page(PAGE)
    assert formulas(at)[0] == "6×6×3 * 2 filters 3×3×3 → 4×4×2"
    outs = heatmaps(at, "volumes_chart")
    assert len(outs) == 2
    v3 = np.repeat(VERTICAL_EDGE[:, :, None], 3, axis=2)
    h3 = np.repeat(HORIZONTAL_EDGE[:, :, None], 3, axis=2)
    np.testing.assert_array_equal(outs[0], conv2d(LECTURE_RGB, v3))
    np.testing.assert_array_equal(outs[1], conv2d(LECTURE_RGB, h3))
    inputs = heatmaps(at, "volumes_input_chart")
    for c in range(3):
        np.testing.assert_array_equal(inputs[c], LECTURE_RGB[..., c])
    assert "each filter is 3×3×3: a filter must have one slice per input channel" in texts(at)


def test_all_27_products_are_written_out_and_sum_to_the_cell():
    at = open_page(PAGE)
    at.slider(key="volumes_i").set_value(1).run()
    at.radio(key="volumes_k").set_value(1).run()
    text = formulas(at)[1]
    assert text.count("×") == 27
    h3 = np.repeat(HORIZONTAL_EDGE[:, :, None], 3, axis=2)
    want = conv2d(LECTURE_RGB, h3)[1, 0]
    assert text.endswith(f"= {want}".replace("-", "−"))
    assert window(at, "volumes_input_chart") == (1, 0, 3, 3)


def test_red_only_filter_sees_only_the_red_channel():
    at = open_page(PAGE)
    at.selectbox(key="volumes_filters").set_value("Vertical edge, red channel only").run()
    outs = heatmaps(at, "volumes_chart")
    assert len(outs) == 1
    np.testing.assert_array_equal(outs[0], conv2d(LECTURE_RGB[..., 0], VERTICAL_EDGE))
    assert formulas(at)[0] == "6×6×3 * 1 filter 3×3×3 → 4×4×1"


def test_photo_crop_and_random_inputs_work():
    at = open_page(PAGE)
    at.selectbox(key="volumes_input").set_value("Crop of a photo (cat)").run()
    crop = heatmaps(at, "volumes_input_chart")
    assert crop[0].shape == (6, 6) and crop[0].max() <= 255
    at.selectbox(key="volumes_input").set_value("Random integers 6×6×3").run()
    assert not at.exception and not at.error
