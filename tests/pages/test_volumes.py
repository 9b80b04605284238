import numpy as np

from cnn_core import HORIZONTAL_EDGE, VERTICAL_EDGE, conv2d
from cnn_core.examples import LECTURE_RGB
from tests.pages.helpers import (
    formulas,
    linked,
    linked_grids,
    open_link,
    open_page,
    pinned_window,
    texts,
    unpacked,
)

PAGE = "pages/volumes.py"


def test_lecture_preset_gives_4x4x2():
    at = open_page(PAGE)
    assert formulas(at)[0] == "6×6×3 * 2 filters 3×3×3 → 4×4×2"
    grids = linked_grids(at, "volumes_grid")
    outs = [v for k, v in grids.items() if k.startswith("Output")]
    assert list(grids) == [
        "Input, red",
        "Input, green",
        "Input, blue",
        "Filter 0, red",
        "Filter 0, green",
        "Filter 0, blue",
        "Filter 1, red",
        "Filter 1, green",
        "Filter 1, blue",
        "Output channel 0",
        "Output channel 1",
    ]
    v3 = np.repeat(VERTICAL_EDGE[:, :, None], 3, axis=2)
    h3 = np.repeat(HORIZONTAL_EDGE[:, :, None], 3, axis=2)
    np.testing.assert_array_equal(outs[0], conv2d(LECTURE_RGB, v3))
    np.testing.assert_array_equal(outs[1], conv2d(LECTURE_RGB, h3))
    for c, name in enumerate(("red", "green", "blue")):
        np.testing.assert_array_equal(grids[f"Input, {name}"], LECTURE_RGB[..., c])
        np.testing.assert_array_equal(grids[f"Filter 1, {name}"], HORIZONTAL_EDGE)
    assert "each filter is 3×3×3: a filter must have one slice per input channel" in texts(at)


def test_all_27_products_are_written_out_and_sum_to_the_cell():
    at = open_page(PAGE)
    at = open_page(PAGE, volumes_i=1, volumes_k=1)
    text = formulas(at)[1]
    assert text.count("×") == 27
    h3 = np.repeat(HORIZONTAL_EDGE[:, :, None], 3, axis=2)
    want = conv2d(LECTURE_RGB, h3)[1, 0]
    assert text.endswith(f"= {want}".replace("-", "−"))
    assert pinned_window(at, "volumes_grid") == (1, 0, 3, 3)
    assert linked(at, "volumes_grid")["pin"] == [1, 1, 0]
    terms = np.asarray(linked(at, "volumes_grid")["terms"]["1"])
    assert terms.shape == (4, 4, 27, 2)
    assert (terms[1, 0, :, 0] * terms[1, 0, :, 1]).sum() == want


def test_red_only_filter_sees_only_the_red_channel():
    at = open_page(PAGE)
    at.selectbox(key="volumes_filters").set_value("Vertical edge, red channel only").run()
    outs = [v for k, v in linked_grids(at, "volumes_grid").items() if k.startswith("Output")]
    assert len(outs) == 1
    np.testing.assert_array_equal(outs[0], conv2d(LECTURE_RGB[..., 0], VERTICAL_EDGE))
    assert formulas(at)[0] == "6×6×3 * 1 filter 3×3×3 → 4×4×1"


def test_photo_crop_and_random_inputs_work():
    at = open_page(PAGE)
    at.selectbox(key="volumes_input").set_value("Crop of a photo (cat)").run()
    crop = linked_grids(at, "volumes_grid")["Input, red"]
    assert crop.shape == (6, 6) and crop.max() <= 255
    at.selectbox(key="volumes_input").set_value("Random integers 6×6×3").run()
    assert not at.exception and not at.error


def test_each_cells_channel_subtotals_are_sent_and_add_up_to_the_cell():
    at = open_page(PAGE, volumes_i=2, volumes_j=1, volumes_k=1)
    data = linked(at, "volumes_grid")
    assert data["channels"] == ["R", "G", "B"]
    h3 = np.repeat(HORIZONTAL_EDGE[:, :, None], 3, axis=2)
    out = conv2d(LECTURE_RGB, h3)
    for m, kernel in ((0, VERTICAL_EDGE), (1, HORIZONTAL_EDGE)):
        sums = np.asarray(data["subtotals"][str(m)])
        assert sums.shape == (4, 4, 3)
        for i in range(4):
            for j in range(4):
                for c in range(3):  # a plain loop over channel c's window
                    window = LECTURE_RGB[i : i + 3, j : j + 3, c]
                    assert sums[i, j, c] == (window * kernel).sum()
    np.testing.assert_array_equal(np.asarray(data["subtotals"]["1"]).sum(axis=2), out)
    lines = formulas(at)[1].split("<br>")
    assert [line[:3] for line in lines] == ["R: ", "G: ", "B: ", "tot"]
    r, g, b = (int((LECTURE_RGB[2:5, 1:4, c] * HORIZONTAL_EDGE).sum()) for c in range(3))
    want = " + ".join(f"({v})" if v < 0 else str(v) for v in (r, g, b)).replace("-", "−")
    assert lines[3] == f"total: {want} = {out[2, 1]}".replace("-", "−")


def test_the_input_channels_are_tinted_red_green_and_blue():
    grids = {g["label"]: g for g in linked(open_page(PAGE), "volumes_grid")["grids"]}
    for k, name in enumerate(("red", "green", "blue")):
        colors = np.asarray(unpacked(grids[f"Input, {name}"]["colors"]))
        at_max = colors.ravel()[np.argmax(LECTURE_RGB[..., k])]
        rgb = [int(at_max[p : p + 2], 16) for p in (1, 3, 5)]
        assert int(np.argmax(rgb)) == k, (name, at_max)
    red, green = (unpacked(grids[f"Filter 0, {c}"]["colors"]) for c in ("red", "green"))
    assert red == green  # signed


def test_a_photo_crop_shows_its_square_on_the_photo():
    at = open_page(PAGE, volumes_input="Crop of a photo (cat)", volumes_crop_top=10)
    [figure] = [m.value for m in at.markdown if "Where the crop comes from" in m.value]
    # Every 4th pixel of the 451×300 cat: rows 40–63, columns 200–223.
    assert f"left: {100 * 200 / 451:.3f}%" in figure and f"top: {100 * 40 / 300:.3f}%" in figure
    assert "rows 40–63, columns 200–223" in figure and 'alt="The cat photo' in figure
    assert linked_grids(at, "volumes_grid")["Input, red"].shape == (6, 6)


def test_the_rule_in_symbols_keeps_its_sizes_in_the_link():
    at = open_link(PAGE, rule_n="39", rule_nc="3", rule_f="5", rule_p="2", rule_s="2", rule_nf="4")
    assert formulas(at)[-2] == "⌊(39 + 2·2 − 5)/2⌋ + 1 = ⌊38/2⌋ + 1 = 20"
    assert formulas(at)[-1] == "39×39×3 * 4 filters 5×5×3 → 20×20×4"
    at.number_input(key="volumes_rule_f").set_value(3).run()
    assert at.query_params["rule_f"] == "3" and at.query_params["rule_n"] == "39"
