import numpy as np

from cnn_core import relu
from tests.pages.helpers import formulas, heatmaps, open_page, texts

PAGE = "pages/one_layer.py"


def table(at):
    return next(df for df in at.dataframe if "output shape" in df.value.columns).value


def test_bias_then_relu_per_filter():
    at = open_page(PAGE)
    z0, a0 = heatmaps(at, "layer_chart_0")
    z1, a1 = heatmaps(at, "layer_chart_1")
    np.testing.assert_array_equal(a0, relu(z0))
    np.testing.assert_array_equal(a1, relu(z1))
    at.slider(key="layer_b0").set_value(7).run()
    z0_new = heatmaps(at, "layer_chart_0")[0]
    np.testing.assert_array_equal(z0_new, z0 + 7)
    assert formulas(at)[0] == "6×6×3 → 4×4×2"


def test_parameter_counter_gives_280_and_456():
    at = open_page(PAGE)
    assert formulas(at)[3] == "(3·3·3 + 1)·10 = 280"
    at.slider(key="layer_f").set_value(5).run()
    at.slider(key="layer_nf").set_value(6).run()
    assert formulas(at)[3] == "(5·5·3 + 1)·6 = 456"


def test_lecture_network_preset():
    at = open_page(PAGE)
    t = table(at)
    assert list(t["output shape"]) == ["39×39×3", "37×37×10", "17×17×20", "7×7×40", "1960", "10"]
    assert list(t["parameters"])[:4] == [0, 280, 5020, 20040]
    assert int(t["activation size"].iloc[4]) == 1960


def test_lenet5_preset_counts_and_total():
    at = open_page(PAGE)
    at.selectbox(key="layer_preset").set_value("LeNet-5-like").run()
    t = table(at)
    assert list(t["parameters"]) == [0, 608, 0, 3216, 0, 0, 48120, 10164, 850]
    assert list(t["output shape"])[1:5] == ["28×28×8", "14×14×8", "10×10×16", "5×5×16"]
    assert formulas(at)[4] == "62,958 parameters to learn"


def test_an_impossible_layer_shows_its_reason_and_the_rest_computes():
    edits = {"edited_rows": {0: {"f": 50}}, "added_rows": [], "deleted_rows": []}
    at = open_page(PAGE, **{"layer_layers_The lecture's 39×39×3 network": edits})
    t = table(at)
    assert t["output shape"].iloc[1] == "—"
    assert "skipped: filter 50×50 does not fit a 39×39 image" in t["note"].iloc[1]
    assert list(t["output shape"])[2:4] == ["18×18×20", "7×7×40"]
    assert "1 layer cannot apply and were skipped" in texts(at)
