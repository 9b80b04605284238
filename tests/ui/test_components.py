"""What the browser components are sent: terms in the notes' order, colours, binary photos."""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from cnn_core import VERTICAL_EDGE, conv2d, explain_cell, explain_pool
from cnn_core.examples import LECTURE_6X6
from ui.components.grid_views import conv_terms, pool_terms
from ui.components.linked_grid import Grid, linked_grid
from ui.components.photo_probe import decode, encode
from ui.figures.colors import INK, SIGNED_LUT, cell_colors, contrast, hex_rgb, luminance
from ui.figures.formulas import factor, number, products_formula

UI = Path(__file__).resolve().parents[2] / "ui" / "components"


def written(terms) -> str:
    """The products as the browser writes them, for comparison with products_formula."""
    factor = lambda v: f"({number(v)})" if v < 0 else number(v)  # noqa: E731
    return " + ".join(f"{factor(x)}×{factor(w)}" for x, w in terms)


def test_conv_terms_follow_products_formula_for_every_cell():
    rng = np.random.default_rng(3)
    x = rng.integers(-5, 6, (6, 7, 3))
    w = rng.integers(-2, 3, (3, 3, 3))
    terms = conv_terms(x, w, stride=2, padding=1)
    assert terms.shape == (3, 4, 27, 2)  # ⌊(6 + 2 − 3)/2⌋ + 1 by ⌊(7 + 2 − 3)/2⌋ + 1
    for i in range(3):
        for j in range(4):
            cell = explain_cell(x, w, i, j, stride=2, padding=1)
            assert products_formula(cell) == written(terms[i, j]) + f" = {number(cell.total)}"


def test_conv_terms_of_the_lecture_top_left_cell():
    terms = conv_terms(LECTURE_6X6, VERTICAL_EDGE)
    assert terms[0, 0].tolist() == [
        [3, 1], [1, 1], [2, 1], [0, 0], [5, 0], [7, 0], [1, -1], [8, -1], [2, -1]
    ]  # fmt: skip
    assert (terms[..., 0] * terms[..., 1]).sum(axis=-1).tolist() == conv2d(
        LECTURE_6X6, VERTICAL_EDGE
    ).tolist()


def test_pool_terms_are_each_window_in_row_major_order():
    x = np.random.default_rng(1).integers(0, 9, (7, 7))
    terms = pool_terms(x, 3, stride=2)
    assert terms.shape == (3, 3, 9)
    for i in range(3):
        for j in range(3):
            np.testing.assert_array_equal(terms[i, j], explain_pool(x, 3, i, j).window.ravel())


def test_signed_colours_are_white_at_zero_and_darkest_at_the_extremes():
    colors = cell_colors(np.array([[-16, 0, 16, 8]]), "signed")[0]
    hexes = ["#" + "".join(f"{v:02x}" for v in SIGNED_LUT[k]) for k in (0, 128, 255)]
    assert colors[0] == hexes[0] and colors[2] == hexes[2]
    assert colors[1] == hexes[1]  # 0 sits in the middle of the diverging scale
    assert colors[3] not in hexes


def test_gray_colours_run_from_dark_to_light_and_lecture_numbers_use_their_range():
    colors = cell_colors(np.array([[0, 9]]), "gray")[0]
    assert colors == ["#3a3a3a", "#f7f7f7"]
    assert cell_colors(np.array([[0, 255]]), "gray")[0] == ["#3a3a3a", "#f7f7f7"]


def test_linked_grid_refuses_duplicate_labels_and_unknown_formulas():
    g = Grid(np.zeros((2, 2)), "Same")
    with pytest.raises(ValueError, match="unique"):
        linked_grid("k", [g, g], f=1, terms={})
    with pytest.raises(ValueError, match="formula must be one of"):
        linked_grid("k", [g], f=1, formula="median", terms={})


def test_the_photo_probe_data_round_trips_as_float32():
    rng = np.random.default_rng(0)
    img = rng.uniform(0, 255, (30, 41)).astype(np.float32)
    out = conv2d(img, VERTICAL_EDGE)
    header, img_back, out_back = decode(
        encode(img, out, VERTICAL_EDGE, view="signed", titles=("a", "b"))
    )
    np.testing.assert_array_equal(img_back, img)
    np.testing.assert_array_equal(out_back, out)
    assert header["weights"] == VERTICAL_EDGE.tolist() and header["output"] == [28, 39]
    assert len(header["lut"]) == 256 * 3
    with pytest.raises(ValueError, match="view must be one of"):
        encode(img, out, VERTICAL_EDGE, view="rainbow", titles=("a", "b"))


def test_the_browser_writes_numbers_as_python_does():
    """grid_format.js's fmt against ui.figures.formulas.number, run in node."""
    node = shutil.which("node")
    assert node, "node is needed to check the browser's number formatting"
    values = [0, 5, -5, -16, 3.75, -1.25, 0.70710678, 1 / 3, 123.456, -0.5, 2.5e-5, 12345.6, 1e15]
    # Float noise, near-integers, compact large numbers, exact ties (1.0625 rounds up in both).
    values += [1.776e-15, -1.776e-15, 4.0000000001, -109812.3, 9999.6, 1.0625, -1.0625, 2e-9]
    rng = np.random.default_rng(5)
    values += (rng.normal(0, 1, 400) * 10.0 ** rng.integers(-12, 16, 400)).tolist()
    script = (
        f"import {{ fmt }} from {json.dumps((UI / 'grid_format.js').as_uri())};"
        f"console.log(JSON.stringify({json.dumps(values)}.map(fmt)));"
    )
    result = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [number(v) for v in values]


def test_the_browser_brackets_negative_factors_as_python_does():
    """grid_format.js's factor against ui.figures.formulas.factor: noise such as −1e−15 is "0"."""
    node = shutil.which("node")
    assert node, "node is needed to check the browser's number formatting"
    values = [-1, 2, -1.776e-15, -0.5, -109812.3]
    script = (
        f"import {{ factor }} from {json.dumps((UI / 'grid_format.js').as_uri())};"
        f"console.log(JSON.stringify({json.dumps(values)}.map(factor)));"
    )
    result = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [factor(v) for v in values]
    assert json.loads(result.stdout) == ["(−1)", "2", "0", "(−0.5)", "(−109.8k)"]


@pytest.mark.parametrize("scale", ["red", "green", "blue", "gray", "count", "signed"])
def test_every_cell_colour_keeps_its_number_at_aa_contrast(scale):
    """The text colour the browser picks (grid_format.js's ink) reads at 4.5:1 or more."""
    z = np.linspace(0, 255, 1024).reshape(32, 32) - (127.5 if scale == "signed" else 0)
    colors = sorted({c for row in cell_colors(z, scale) for c in row})
    assert len(colors) > 100
    node = shutil.which("node")
    assert node, "node is needed to check the browser's text colour"
    script = (
        f"import {{ ink }} from {json.dumps((UI / 'grid_format.js').as_uri())};"
        f"console.log(JSON.stringify({json.dumps(colors)}.map(ink)));"
    )
    result = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, check=True
    )
    for c, text in zip(colors, json.loads(result.stdout), strict=True):
        assert text in INK
        assert float(contrast(hex_rgb(c), hex_rgb(text))) >= 4.5, (scale, c, text)


def test_channel_colours_are_in_their_own_hue_light_for_zero():
    for k, name in enumerate(("red", "green", "blue")):
        low, high = (hex_rgb(c) for c in cell_colors(np.array([[0, 255]]), name)[0])
        assert luminance(low) > 0.85 > 0.2 > luminance(high)
        assert int(np.argmax(high)) == k and high[k] > high.min() + 40, (name, high)


def test_linked_grid_refuses_subtotals_without_a_name_per_channel():
    g = Grid(np.zeros((2, 2)), "Output", role="output")
    with pytest.raises(ValueError, match="a name per channel"):
        linked_grid("k", [g], f=1, terms={}, subtotals={0: np.zeros((2, 2, 3))}, channels="RG")


def test_every_components_code_travels_once_per_page_and_each_component_sends_its_data():
    from tests.pages.helpers import open_page
    from ui.components import CODE_KEY, COMPONENTS, source

    at = open_page("pages/padding.py")
    elements = at.get("bidi_component")
    code = [e for e in elements if e.proto.id.endswith(f"-{CODE_KEY}")]
    assert len(code) == 1
    data = json.loads(code[0].proto.json)
    assert sorted(data) == sorted(COMPONENTS)
    assert data["linked_grid"]["js"] == source("grid_format.js") + "\n" + source("linked_grid.js")
    assert data["maps"]["css"] == source("maps.css")
    grids = [e for e in elements if e.proto.id.endswith("-padding_grid")]
    assert len(grids) == 1  # the linked grid: its data and a stand-in that waits for its code
    stand_in = grids[0].proto
    assert 'const NAME = "linked_grid";' in stand_in.js_content
    assert len(stand_in.js_content) < 1000 and stand_in.css_content == ""
    assert "//" not in stand_in.js_content  # comments stay in the files, not in every move


def test_a_grids_colours_travel_as_a_palette_and_read_back_the_same():
    from ui.figures.colors import cell_colors, indexed_colors

    z = np.random.default_rng(0).integers(-9, 10, (5, 7))
    packed = indexed_colors(z, "signed")
    assert len(packed["palette"]) == len(set(packed["palette"])) <= 19
    script = (
        f"import {{ unpack }} from {json.dumps((UI / 'grid_format.js').as_uri())};"
        f"console.log(JSON.stringify(unpack({json.dumps(packed)})));"
    )
    node = shutil.which("node")
    assert node, "node is needed to check the browser's colours"
    result = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == cell_colors(z, "signed")
