import doctest

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import cnn_core.export
from cnn_core import LECTURE_NETWORK, LENET5_LIKE, Layer, describe, to_pytorch


def build(input_shape, layers, name="convlab_model"):
    """Run the generated source; return its namespace."""
    namespace = {"__name__": name}
    exec(compile(to_pytorch(input_shape, layers), "<to_pytorch>", "exec"), namespace)
    return namespace


def check_against_describe(input_shape, layers):
    """The model's parameter count and output shape are describe's, channels first."""
    rows = describe(input_shape, layers)
    model = build(input_shape, layers)["model"]
    n_H, n_W, n_c = input_shape
    shape = rows[-1].shape if rows else tuple(input_shape)
    want = shape if len(shape) == 1 else (shape[2], shape[0], shape[1])
    assert sum(p.numel() for p in model.parameters()) == sum(r.params for r in rows)
    with torch.no_grad():
        assert tuple(model(torch.zeros(2, n_c, n_H, n_W)).shape) == (2, *want)
    return model


@pytest.mark.parametrize("network", [LECTURE_NETWORK, LENET5_LIKE], ids=["lecture", "lenet5"])
def test_presets_have_describes_counts_and_shapes(network):
    check_against_describe(*network)


def test_lenet5_like_has_62958_parameters_in_torch():
    model = build(*LENET5_LIKE)["model"]
    assert sum(p.numel() for p in model.parameters()) == 62_958


def test_run_as_a_script_it_prints_the_shape_and_count(capsys):
    build(*LECTURE_NETWORK, name="__main__")
    assert capsys.readouterr().out == "torch.Size([1, 10])\n44950\n"


def test_flatten_then_dense_then_softmax_gives_logits():
    layers = [Layer("conv", f=3, p="same", n=8), Layer("pool", f=2, s=2), Layer("flatten")]
    layers += [Layer("dense", n=32), Layer("softmax", n=10)]
    model = check_against_describe((8, 8, 1), layers)
    kinds = [type(m) for m in model]
    assert kinds == [nn.Conv2d, nn.ReLU, nn.MaxPool2d, nn.Flatten, nn.Linear, nn.ReLU, nn.Linear]
    assert model[4].in_features == 4 * 4 * 8  # the flatten's 128
    code = to_pytorch((8, 8, 1), layers)
    assert '# CONV f=3 s=1 p=same, 8 filters ("same": padding=1) → 8×8×8, 80 parameters' in code
    assert "# FLATTEN → 128" in code and "nn.CrossEntropyLoss applies the softmax" in code


def test_flatten_comment_is_true_torch_reads_channel_by_channel():
    x = np.arange(2 * 3 * 4).reshape(2, 3, 4)  # one image, channels last: n_H=2, n_W=3, n_c=4
    flat = nn.Flatten()(torch.from_numpy(x.transpose(2, 0, 1)[None])).numpy()[0]
    np.testing.assert_array_equal(flat, x.transpose(2, 0, 1).ravel())
    assert not np.array_equal(flat, x.ravel())


def test_softmax_inside_a_network_stays_a_softmax():
    layers = [Layer("flatten"), Layer("softmax", n=4), Layer("dense", n=3)]
    model = check_against_describe((2, 2, 1), layers)
    assert [type(m) for m in model] == [nn.Flatten, nn.Linear, nn.Softmax, nn.Linear, nn.ReLU]


def test_same_padding_at_stride_2_is_written_as_a_number():
    layers = [Layer("conv", f=5, s=2, p="same", n=3), Layer("pool", f=3, s=1, mode="average")]
    model = check_against_describe((9, 7, 2), layers)
    assert model[0].padding == (2, 2) and isinstance(model[2], nn.AvgPool2d)


def test_no_layers_is_the_identity():
    assert len(check_against_describe((3, 3, 1), [])) == 0


def test_layers_describe_skips_are_refused_with_row_and_reason():
    layers = [
        Layer("conv", f=3, p="same", n=1),
        Layer("conv", f=4, p="same", n=1),
        Layer("dense", n=3),
    ]
    with pytest.raises(ValueError) as err:
        to_pytorch((7, 7, 1), layers)
    assert str(err.value) == (
        "cannot export to PyTorch: layer 2 (CONV f=4 s=1 p=same, 1 filter): "
        '"same" padding needs an odd filter size: f = 4 would need p = (f − 1)/2 = 1.5, '
        "which cannot be split equally between the two sides; layer 3 (FC 3 units): a "
        "dense layer needs a flat input; add FLATTEN after the 7×7×1 volume"
    )
    with pytest.raises(ValueError, match=r"layer 1 \(CONV f=7 s=1 p=0, 2 filters\): filter 7×7"):
        to_pytorch((6, 6, 3), [Layer("conv", f=7, n=2)])


conv = st.builds(
    Layer,
    kind=st.just("conv"),
    f=st.integers(1, 5),
    s=st.integers(1, 3),
    p=st.sampled_from([0, 1, 2, "same", "valid"]),
    n=st.integers(1, 4),
)
pool = st.builds(
    Layer,
    kind=st.just("pool"),
    f=st.integers(1, 3),
    s=st.integers(1, 3),
    mode=st.sampled_from(["max", "average"]),
)
dense = st.builds(Layer, kind=st.sampled_from(["dense", "softmax"]), n=st.integers(1, 6))


@settings(max_examples=150, deadline=None)
@given(
    st.tuples(st.integers(1, 12), st.integers(1, 12), st.integers(1, 3)),
    st.lists(st.one_of(conv, pool), max_size=4),
    st.lists(st.just(Layer("flatten")), max_size=1),
    st.lists(st.one_of(dense, dense, conv), min_size=1, max_size=3),
)
def test_any_valid_network_has_describes_counts_and_shapes(input_shape, head, flatten, tail):
    # describe skips a layer that cannot apply (a filter too big, a conv after the
    # flatten) and goes on from the last good shape, so the layers it kept are a
    # network with no skips and the same rows.
    rows = describe(input_shape, head + flatten + tail)
    valid = [r.layer for r in rows if not r.error]
    check_against_describe(input_shape, valid)


def test_docstring_examples_run():
    assert doctest.testmod(cnn_core.export).failed == 0
