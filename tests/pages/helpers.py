"""Reading numbers back out of a page run by AppTest."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_page(path: str, **state) -> AppTest:
    """Run app.py, switch to a page, and return the AppTest (session state preset)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def open_link(path: str, *, timeout: float = 60, **params: str) -> AppTest:
    """A fresh session opening ``/page?params``, as a student's browser would."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    at.switch_page(path)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def figure(at: AppTest, key: str) -> dict:
    return json.loads(at.get_by_key(key).proto.spec)


def _decode(value) -> np.ndarray:
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if shape:
            arr = arr.reshape([int(s) for s in str(shape).split(",")])
        return arr
    return np.asarray(value)


def grid(at: AppTest, key: str) -> np.ndarray:
    """The z values of the heatmap in the chart with this key."""
    return _decode(figure(at, key)["data"][0]["z"])


def formulas(at: AppTest) -> list[str]:
    """The text of every formula line on the page, without its HTML."""
    out = []
    for md in at.markdown:
        if 'class="convlab-formula"' in md.value:
            out.append(md.value.split('class="convlab-formula">')[1].split("</div>")[0])
    return out


def texts(at: AppTest) -> str:
    """Everything a student reads: markdown, captions, alerts, joined."""
    parts = [
        e.value
        for kind in ("markdown", "caption", "error", "warning", "info", "success")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def has(at: AppTest, key: str) -> bool:
    """Whether an element with this key is on the page."""
    try:
        at.get_by_key(key)
    except KeyError:
        return False
    return True


def heatmaps(at: AppTest, key: str) -> list[np.ndarray]:
    """The z values of every heatmap (panel) in the chart with this key, left to right."""
    return [_decode(t["z"]) for t in figure(at, key)["data"] if t["type"] == "heatmap"]


def linked(at: AppTest, key: str) -> dict:
    """The data the page sent to the linked grid with this key (ui.components.linked_grid)."""
    for el in at.get("bidi_component"):
        if el.proto.id.endswith(f"-{key}"):
            return json.loads(el.proto.json)
    raise KeyError(f"no linked grid {key!r} on the page")


def unpacked(colors: dict) -> list[list[str]]:
    """A grid's colours from the palette and indices it is sent as (grid_format.js: unpack)."""
    return [[colors["palette"][k] for k in row] for row in colors["index"]]


def linked_grids(at: AppTest, key: str) -> dict[str, np.ndarray]:
    """Every grid of a linked grid by its label, as arrays, in page order."""
    return {g["label"]: np.asarray(g["values"]) for g in linked(at, key)["grids"]}


def pinned_window(at: AppTest, key: str) -> tuple[int, int, int, int]:
    """(top, left, f, f): the input window behind the pinned output cell."""
    data = linked(at, key)
    _, i, j = data["pin"]
    return i * data["s"], j * data["s"], data["f"], data["f"]


def static_maps(at: AppTest, key: str) -> dict[str, np.ndarray]:
    """The grids of a ``show_maps`` (ui.components.maps) with this key, by screen-reader name."""
    data = linked(at, key)
    return {g["name"]: np.asarray(g["values"]) for b in data["bands"] for g in b["grids"]}
