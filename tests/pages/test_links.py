"""Shared links: a page's controls live in its URL, and a bad value falls back with a notice."""

import re
import tomllib
from pathlib import Path

import numpy as np
import pytest

from cnn_core import HORIZONTAL_EDGE, SOBEL_VERTICAL, box_filter, conv2d
from cnn_core.examples import CHECKER, lecture_image
from tests.pages.helpers import formulas, linked, linked_grids, open_link, texts
from ui.components.photo_probe import WORKING_SIZES, encode
from ui.controls.input_picker import MAX_UPLOAD_MB
from ui.links import verbatim

ROOT = Path(__file__).resolve().parents[2]


def test_an_edge_link_reproduces_input_filter_and_cell():
    at = open_link(
        "pages/edge_detection.py", input="Checker 6×6", filter="Horizontal edge", i="1", j="2"
    )
    grids = linked_grids(at, "edge_grid")
    np.testing.assert_array_equal(grids["Output 4×4"], conv2d(CHECKER, HORIZONTAL_EDGE))
    assert linked(at, "edge_grid")["pin"] == [0, 1, 2]
    assert formulas(at)[0].endswith("= −10")
    assert not at.info


def test_a_custom_filter_travels_in_the_link():
    at = open_link(
        "pages/edge_detection.py", filter="Custom filter", custom_f="3", w="1,2,1;0,0,0;-1,-2,-1"
    )
    np.testing.assert_array_equal(
        linked_grids(at, "edge_grid")["Filter 3×3"], [[1, 2, 1], [0, 0, 0], [-1, -2, -1]]
    )
    assert at.query_params["w"] == "1,2,1;0,0,0;-1,-2,-1"


def test_moving_a_control_updates_the_link():
    at = open_link("pages/stride.py")
    at.slider(key="stride_s").set_value(3).run()
    at.slider(key="stride_n").set_value(9).run()
    assert at.query_params["s"] == "3" and at.query_params["n"] == "9"
    again = open_link("pages/stride.py", **dict(at.query_params.items()))
    assert formulas(again) == formulas(at)
    np.testing.assert_array_equal(
        linked_grids(again, "stride_grid")["Output 3×3"],
        conv2d(lecture_image(9), box_filter(3), stride=3),
    )


@pytest.mark.parametrize(
    ("page", "params", "kind", "notice", "formula"),
    [
        (
            "pages/padding.py",
            {"n": "abc"},
            "info",
            "n = ` abc ` is not a whole number between 1 and 12, so 6 is used",
            "6 + 2·1 − 3 + 1 = 6",
        ),
        (
            "pages/stride.py",
            {"s": "9", "n": "7"},
            "warning",
            "s = ` 9 ` is outside 1 to 4, so 2 is used",
            "⌊(7 + 2·0 − 3)/2⌋ + 1 = ⌊4/2⌋ + 1 = 3",
        ),
        (
            "pages/padding.py",
            {"mode": "huge"},
            "info",
            "mode = ` huge ` is not one of the choices",
            "6 + 2·1 − 3 + 1 = 6",
        ),
    ],
)
def test_a_malformed_link_value_falls_back_with_a_notice(page, params, kind, notice, formula):
    at = open_link(page, **params)
    assert notice in getattr(at, kind)[0].value
    assert formulas(at)[0] == formula
    assert not at.error


def test_a_value_beyond_the_range_warns_and_a_malformed_one_informs():
    at = open_link("pages/padding.py", p="3000", n="x")
    assert at.warning[0].value == (
        "This link goes beyond this page's limits: p = ` 3000 ` is outside 0 to 3, so 1 is used."
    )
    assert at.info[0].value.startswith("This link had values ConvLab cannot use: n = ` x `")


@pytest.mark.parametrize("raw", ["**x**", "[a](http://e)"])
def test_a_link_value_with_markup_is_shown_literally_in_code(raw):
    at = open_link("pages/padding.py", n=raw)
    notice = at.info[0].value
    assert f"n = ` {raw} ` is not a whole number" in notice
    assert raw not in outside_code(notice)


def test_custom_weights_beyond_a_million_in_a_link_warn_and_keep_the_starting_filter():
    at = open_link(
        "pages/edge_detection.py", filter="Custom filter", custom_f="3", w="1e18,0,0;0,0,0;0,0,0"
    )
    assert "row 0, column 0 is ` 1e18 `: weights here are from −1,000,000 to 1,000,000" in (
        at.warning[0].value
    )
    assert "so the size's starting filter is used" in at.warning[0].value
    assert linked_grids(at, "edge_grid")["Filter 3×3"].tolist() == [[1, 0, -1]] * 3


def test_links_work_on_every_page():
    cases = {
        "pages/pooling.py": ({"mode": "average", "i": "1"}, "(1 + 4 + 5 + 6) / 4 = 4"),
        "pages/why_convolutions.py": ({"size": "64×64×3"}, "64·64·3 = 12,288 inputs"),
        "pages/one_layer.py": ({"f": "5", "nf": "6"}, "(5·5·3 + 1)·6 = 456"),
        "pages/volumes.py": (
            {"filters": "Vertical edge, red channel only"},
            "6×6×3 * 1 filter 3×3×3 → 4×4×1",
        ),
    }
    for page, (params, formula) in cases.items():
        at = open_link(page, **params)
        assert formula in formulas(at), page


def test_presentation_mode_is_in_the_link_and_enlarges_the_numbers():
    plain = open_link("pages/edge_detection.py")
    big = open_link("pages/edge_detection.py", present="1")
    assert big.toggle(key="present").value is True
    assert big.query_params["present"] == "1"
    assert "font-size: 21px" in texts(big) and "font-size: 21px" not in texts(plain)
    assert linked(big, "edge_grid")["present"] and not linked(plain, "edge_grid")["present"]


def test_every_chart_has_a_text_alternative_with_its_numbers():
    at = open_link("pages/edge_detection.py")
    at.toggle(key="edge_flip").set_value(True).run()
    alt = at.get_by_key("edge_flipped_chart").proto.alt
    assert alt == "Filter flipped: 5 4 0 −8 / 10 2 −2 −3 / 0 2 4 7 / 3 2 3 16"


def test_streamlit_upload_limit_equals_the_apps():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
    assert config["browser"]["gatherUsageStats"] is False


def test_the_message_limits_hold_the_largest_message_with_room_and_little_more():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    # The largest message a page sends: the photo probe of a square photo at the largest
    # working size (measured 8.0 MB for 1000×1000; the figure in config.toml).
    side = max(WORKING_SIZES)
    photo = np.zeros((side, side), dtype=np.float32)
    probe = encode(photo, photo[1:-1, 1:-1], SOBEL_VERTICAL, view="signed", titles=("a", "b"))
    assert 1.5 * len(probe) <= config["maxMessageSize"] * 1e6 <= 4 * len(probe)
    # What a browser sends in one rerun is measured in KB: 1 MB holds it, and no more.
    assert config["maxWidgetStateSize"] == 1


PAYLOAD = "[Click here](https://evil.example/login) **now** <b>tag</b> `x`"
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


def outside_code(markdown: str) -> str:
    """What Markdown renders as text or markup: everything outside inline code spans."""
    return re.sub(r"(`+) .*? \1", "", markdown)


@pytest.mark.parametrize("page", PAGES)
def test_a_crafted_link_is_shown_as_text_never_as_markup(page):
    names = re.findall(r'Param\(\s*"(\w+)"', (ROOT / page).read_text())
    at = open_link(page, **dict.fromkeys(names, PAYLOAD))
    notices = [e.value for kind in ("info", "warning", "error") for e in getattr(at, kind)]
    for notice in notices:
        shown = outside_code(notice)
        # The page's own bold may stay; the link's must not speak: its link, bold and tag.
        assert "evil.example" not in shown and "**now**" not in shown and "<b>" not in shown, notice
        # What is used instead is named in the lecture's notation, never as a Python repr.
        assert "None is used" not in notice and "Layer(" not in notice, notice
    if names:
        assert any(PAYLOAD.replace("`", "")[:20] in n for n in notices), notices


def test_a_long_value_is_cut_and_fenced_around_its_backticks():
    assert verbatim("a`b", limit=60) == "`` a`b ``"
    assert verbatim("x" * 100, limit=10) == "` xxxxxxxxx… `"
    assert verbatim("two\nlines") == "` two lines `"


def test_an_upload_name_is_shown_as_text():
    at = open_link("pages/edge_detection.py", input="Upload your own image")
    at.file_uploader(key="edge_upload").set_value(
        ("[x](https://evil.example).png", b"no", "image/png")
    )
    at.run()
    message = at.error[0].value
    assert "Could not use ` [x](https://evil.example).png `" in message
    assert "evil.example" not in outside_code(message)
