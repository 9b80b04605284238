import io

import numpy as np
import pytest
from PIL import Image

from cnn_core import (
    HORIZONTAL_EDGE,
    SOBEL_VERTICAL,
    VERTICAL_EDGE,
    conv2d,
    explain_cell,
    rotated_edge,
)
from cnn_core.examples import CHECKER, LECTURE_6X6
from tests import samples
from tests.pages.helpers import (
    formulas,
    grid,
    has,
    linked,
    linked_grids,
    open_page,
    pinned_window,
    texts,
)
from ui.components.photo_probe import decode

PAGE = "pages/edge_detection.py"
LECTURE_OUTPUT = [[-5, -4, 0, 8], [-10, -2, 2, 3], [0, -2, -4, -7], [-3, -2, -3, -16]]


def output(at) -> np.ndarray:
    return next(v for k, v in linked_grids(at, "edge_grid").items() if k.startswith("Output"))


def test_opens_on_the_lecture_example():
    at = open_page(PAGE)
    grids = linked_grids(at, "edge_grid")
    assert list(grids) == ["Input 6×6", "Filter 3×3", "Output 4×4"]
    np.testing.assert_array_equal(grids["Input 6×6"], LECTURE_6X6)
    np.testing.assert_array_equal(grids["Filter 3×3"], VERTICAL_EDGE)
    np.testing.assert_array_equal(grids["Output 4×4"], LECTURE_OUTPUT)
    assert formulas(at) == ["3×1 + 1×1 + 2×1 + 0×0 + 5×0 + 7×0 + 1×(−1) + 8×(−1) + 2×(−1) = −5"]
    assert linked(at, "edge_grid")["pin"] == [0, 0, 0]
    assert pinned_window(at, "edge_grid") == (0, 0, 3, 3)
    assert not at.error


def test_every_output_cell_is_sent_with_its_nine_products():
    at = open_page(PAGE)
    data = linked(at, "edge_grid")
    terms = np.asarray(data["terms"]["0"])
    assert terms.shape == (4, 4, 9, 2)
    for i in range(4):
        for j in range(4):
            cell = explain_cell(LECTURE_6X6, VERTICAL_EDGE, i, j)
            np.testing.assert_array_equal(terms[i, j, :, 0], cell.window.T.ravel())
            np.testing.assert_array_equal(terms[i, j, :, 1], cell.weights.T.ravel())
            assert (terms[i, j, :, 0] * terms[i, j, :, 1]).sum() == LECTURE_OUTPUT[i][j]
    assert data["f"] == 3 and data["s"] == 1


def test_a_pinned_cell_moves_the_window_and_the_sum():
    at = open_page(PAGE, edge_i=1, edge_j=2)
    assert pinned_window(at, "edge_grid") == (1, 2, 3, 3)
    assert formulas(at)[0].startswith("8×1 + 2×1 + 3×1 + 9×0 + 5×0 + 1×0 + 3×(−1)")
    assert formulas(at)[0].endswith("= 2")


def test_a_pin_outside_a_smaller_output_moves_inside_it():
    at = open_page(PAGE, edge_i=3, edge_j=3)
    at.selectbox(key="edge_filter").set_value("Custom filter").run()
    at.select_slider(key="edge_custom_f").set_value(5).run()
    assert output(at).shape == (2, 2)
    assert linked(at, "edge_grid")["pin"] == [0, 1, 1]


@pytest.mark.parametrize(
    ("choice", "value", "word"),
    [("Bright → dark step", 30, "Positive"), ("Dark → bright step", -30, "Negative")],
)
def test_the_sign_of_a_step_tells_its_direction(choice, value, word):
    at = open_page(PAGE)
    at.selectbox(key="edge_input").set_value(choice).run()
    np.testing.assert_array_equal(output(at), [[0, value, value, 0]] * 4)
    assert f"{word} (" in texts(at)


def test_horizontal_filter_on_the_checker():
    at = open_page(PAGE, edge_input="Checker 6×6", edge_filter="Horizontal edge")
    np.testing.assert_array_equal(output(at), conv2d(CHECKER, HORIZONTAL_EDGE))
    np.testing.assert_array_equal(output(at)[1], [30, 10, -10, -30])


def test_sobel_preset_changes_the_output():
    at = open_page(PAGE, edge_filter="Sobel, vertical")
    np.testing.assert_array_equal(output(at), conv2d(LECTURE_6X6, SOBEL_VERTICAL))


def test_rotated_edge_at_90_degrees_is_the_horizontal_filter():
    at = open_page(PAGE, edge_filter="Rotated edge (any angle)")
    at.slider(key="edge_theta").set_value(90).run()
    at.radio(key="edge_kind").set_value("Lecture (1, 0, −1)").run()
    np.testing.assert_array_equal(
        linked_grids(at, "edge_grid")["Filter 3×3"], rotated_edge(90, "basic")
    )
    np.testing.assert_array_equal(output(at), conv2d(LECTURE_6X6, HORIZONTAL_EDGE))
    assert "direction ↓" in texts(at)


def test_custom_filter_is_read_cell_by_cell():
    edits = {"edited_rows": {0: {"c0": "2"}}, "added_rows": [], "deleted_rows": []}
    at = open_page(PAGE, edge_filter="Custom filter", edge_custom_3=edits)
    custom = VERTICAL_EDGE.copy()
    custom[0, 0] = 2
    np.testing.assert_array_equal(output(at), conv2d(LECTURE_6X6, custom))


def test_a_malformed_custom_filter_gets_a_message():
    edits = {"edited_rows": {1: {"c2": "abc"}}, "added_rows": [], "deleted_rows": []}
    at = open_page(PAGE, edge_filter="Custom filter", edge_custom_3=edits)
    assert [e.value for e in at.error] == [
        "This filter cannot be used yet: row 1, column 2 is ` abc `: every cell needs a number."
    ]
    assert not at.exception


def test_a_filter_larger_than_the_image_gets_a_message():
    at = open_page(PAGE, edge_filter="Custom filter", edge_custom_f=7)
    assert "filter 7×7 does not fit a 6×6 image with padding 0" in at.error[0].value


def upload(at, name: str, data: bytes, mime: str = "image/png"):
    at.selectbox(key="edge_input").set_value("Upload your own image").run()
    at.file_uploader(key="edge_upload").set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("notes.png", samples.not_an_image, "this file is not an image ConvLab can read"),
        (  # a real EPS renamed: refused before Pillow's Ghostscript plugin sees it
            "drawing.png",
            lambda: samples.encode(Image.new("L", (8, 8), 128), "EPS"),
            "this file is not an image ConvLab can read: use JPEG, PNG, WebP, BMP, GIF or TIFF",
        ),
        ("half.png", samples.truncated_png, "the image file is damaged or incomplete"),
        ("bomb.png", samples.bomb_png, "too large to open safely"),
        ("dot.png", samples.one_pixel_png, "filter 3×3 does not fit a 1×1 image"),
    ],
)
def test_a_bad_upload_gets_one_clear_message(name, make, message):
    at = upload(open_page(PAGE), name, make())
    assert len(at.error) == 1 and message in at.error[0].value
    assert not has(at, "edge_vertical_chart")


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("deep.png", samples.gray16_png),
        ("print.jpg", samples.cmyk_jpeg),
        ("phone.jpg", samples.exif_rotated_jpeg),
        ("glass.png", samples.transparent_png),
    ]
    + [(f"photo.{fmt}", make) for fmt, make in samples.FORMATS.items()],
)
def test_an_awkward_but_valid_upload_shows_its_edges(name, make):
    at = upload(open_page(PAGE), name, make())
    assert not at.error
    captions = texts(at)
    assert "computed at" in captions
    assert has(at, "edge_vertical_chart") and has(at, "edge_vertical_chart")


def test_the_phone_photo_is_upright():
    at = upload(open_page(PAGE), "phone.jpg", samples.exif_rotated_jpeg())
    assert "computed at 30×40 pixels" in texts(at)  # width × height after turning


def test_a_12_megapixel_photo_is_computed_at_the_stated_working_size():
    rng = np.random.default_rng(0)
    big = Image.fromarray(rng.integers(0, 255, (3000, 4000), dtype=np.uint8))
    buf = io.BytesIO()
    big.save(buf, "JPEG", quality=80)
    at = upload(open_page(PAGE), "big.jpg", buf.getvalue(), "image/jpeg")
    assert "computed at 500×375 pixels, 1/8 of its 4000×3000" in texts(at)
    at.select_slider(key="edge_size").set_value(1024).run()
    assert "computed at 1000×750 pixels, 1/4 of its 4000×3000" in texts(at)


def test_bundled_photo_with_relu_view_has_no_negative_values():
    at = open_page(PAGE, edge_input="Photo: camera")
    assert "camera: computed at 512×512 pixels." in texts(at)
    at.radio(key="edge_view").set_value("ReLU (negatives → 0)").run()
    assert "values from 0 to" in texts(at)
    at.radio(key="edge_view").set_value("Signed (red +, blue −)").run()
    assert "values from −" in texts(at) or "values from -" in texts(at)


def test_the_flipped_filter_is_shown_on_demand():
    at = open_page(PAGE)
    assert not has(at, "edge_flipped_chart")
    at.toggle(key="edge_flip").set_value(True).run()
    np.testing.assert_array_equal(
        grid(at, "edge_flipped_chart"), conv2d(LECTURE_6X6, VERTICAL_EDGE[::-1, ::-1])
    )


def test_a_photo_is_sent_to_the_probe_as_its_working_size_input_and_output():
    at = open_page(PAGE, edge_input="Photo: brick wall", edge_filter="Sobel, vertical")
    probe = next(e for e in at.get("bidi_component") if e.proto.id.endswith("-edge_probe"))
    header, image, output = decode(probe.proto.bytes)
    assert max(image.shape) == 512
    np.testing.assert_allclose(output, conv2d(image, SOBEL_VERTICAL), rtol=1e-6, atol=1e-3)
    assert header["weights"] == SOBEL_VERTICAL.tolist() and header["view"] == "signed"


def test_a_custom_weight_beyond_a_million_is_refused_with_its_limit():
    edits = {"edited_rows": {0: {"c0": "1e18"}}, "added_rows": [], "deleted_rows": []}
    at = open_page(PAGE, edge_filter="Custom filter", edge_custom_3=edits)
    assert [e.value for e in at.error] == [
        "This filter cannot be used yet: row 0, column 0 is ` 1e18 `: weights here are from "
        "−1,000,000 to 1,000,000."
    ]
    assert not at.exception


def test_the_largest_custom_weights_give_exact_sums():
    edits = {
        "edited_rows": {
            r: {f"c{c}": "-1000000" if (r + c) % 2 else "1000000" for c in range(3)}
            for r in range(3)
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at = open_page(PAGE, edge_filter="Custom filter", edge_custom_3=edits)
    weights = [[-1_000_000 if (r + c) % 2 else 1_000_000 for c in range(3)] for r in range(3)]
    image = LECTURE_6X6.tolist()
    exact = [
        [
            sum(image[i + a][j + b] * weights[a][b] for a in range(3) for b in range(3))
            for j in range(4)
        ]
        for i in range(4)
    ]  # Python integers: no overflow, the sums as the lecture defines them
    assert output(at).tolist() == exact


def test_the_working_size_says_why_a_photo_is_computed_smaller_or_at_its_own_size():
    at = open_page(PAGE, edge_input="Photo: coffee")  # 600×400, working size 512
    assert (
        "coffee: computed at 300×200 pixels, 1/2 of its 600×400: a photo is shrunk by a whole "
        "number until its longer side is at most 512, each pixel standing for a 2×2 block"
    ) in texts(at)
    at.select_slider(key="edge_size").set_value(1024).run()
    assert "coffee: computed at 600×400 pixels, its own size: a photo is never enlarged." in (
        texts(at)
    )
    at.select_slider(key="edge_size").set_value(256).run()
    # The size said is the size the probe was sent (a JPEG may shrink by 1/4 here, not 1/3).
    probe = next(e for e in at.get("bidi_component") if e.proto.id.endswith("-edge_probe"))
    _, image, _ = decode(probe.proto.bytes)
    n_H, n_W = image.shape
    assert max(n_H, n_W) <= 256
    assert f"computed at {n_W}×{n_H} pixels, 1/{600 // n_W} of its 600×400" in texts(at)
