"""The network as PyTorch code under the one layer page's builder."""

from __future__ import annotations

import ast

import pytest

from cnn_core import LECTURE_NETWORK, describe
from tests.pages.helpers import open_page, texts

PAGE = "pages/one_layer.py"
EDITOR = "layer_layers_The lecture's 39×39×3 network"


def test_the_builders_network_is_shown_as_code_that_builds_in_torch():
    at = open_page(PAGE)
    code = at.code[0].value
    ast.parse(code)
    assert "channels-first" in texts(at)
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(code, "<one_layer code>", "exec"), namespace)
    shape, layers = LECTURE_NETWORK
    total = sum(r.params for r in describe(shape, layers))
    assert sum(p.numel() for p in namespace["model"].parameters()) == total
    assert tuple(namespace["model"](torch.zeros(1, 3, 39, 39)).shape) == (1, 10)


def test_an_impossible_layer_gets_the_reason_instead_of_code():
    edits = {"edited_rows": {1: {"s": 8}, 2: {"f": 11}}, "added_rows": [], "deleted_rows": []}
    at = open_page(PAGE, **{EDITOR: edits})
    assert not at.code
    assert any(
        e.value.startswith("No code: cannot export to PyTorch: layer 3 (CONV f=11")
        for e in at.error
    )
