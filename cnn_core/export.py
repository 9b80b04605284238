"""A network built in ConvLab, written out as PyTorch code a student can run.

``to_pytorch`` returns Python source; cnn_core itself never imports torch. The code
uses the shapes and counts ``describe`` computed, and says where PyTorch's conventions
differ from the lecture's: channels first, flattening channel by channel, and the
softmax left to the loss.
"""

from __future__ import annotations

from cnn_core.network import Layer, Row, check_applies
from cnn_core.shapes import resolve_padding

_HEADER = '''\
"""{title}

Made by ConvLab (cnn_core.to_pytorch). PyTorch is channels-first: a batch of m images
is (m, n_c, n_H, n_W), where the lecture writes one image as n_H×n_W×n_c. The comment
above each layer gives its output for one image in the lecture's notation.
"""

import torch
from torch import nn

model = nn.Sequential('''

_FLATTEN_NOTE = (
    "    # Order: torch flattens each image channel by channel (n_c, n_H, n_W); a\n"
    "    # channels-last flatten (n_H, n_W, n_c) lists the same {n:,} numbers in another\n"
    "    # order, so weights trained in one layout do not fit the other unchanged.\n"
)

_SOFTMAX_NOTE = (
    "    # No nn.Softmax here: the model outputs {n} scores (logits), and\n"
    "    # nn.CrossEntropyLoss applies the softmax itself (as log-softmax, which stays\n"
    "    # accurate for very confident scores). For probabilities: model(x).softmax(dim=1).\n"
)


def _shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape))


def _modules(row: Row, shape_in: tuple[int, ...], last: bool) -> list[str]:
    """The torch modules of one layer, one source line each."""
    layer = row.layer
    if layer.kind == "conv":
        p = resolve_padding(layer.p, layer.f)
        return [
            f"nn.Conv2d({shape_in[2]}, {layer.n}, kernel_size={layer.f}, "
            f"stride={layer.s}, padding={p}),",
            "nn.ReLU(),",
        ]
    if layer.kind == "pool":
        pool = "MaxPool2d" if layer.mode == "max" else "AvgPool2d"
        return [f"nn.{pool}(kernel_size={layer.f}, stride={layer.s}),"]
    if layer.kind == "flatten":
        return ["nn.Flatten(),"]
    linear = f"nn.Linear({shape_in[0]}, {layer.n}),"
    if layer.kind == "dense":
        return [linear, "nn.ReLU(),"]
    # A softmax in the middle of a network is an activation like any other.
    return [linear] if last else [linear, "nn.Softmax(dim=1),"]


def _comment(row: Row) -> str:
    """``CONV f=3 s=1 p=same, 8 filters → 8×8×8, 224 parameters``, with p spelled out."""
    label = row.layer.label()
    if row.layer.kind == "conv" and isinstance(row.layer.p, str):
        label += f' ("{row.layer.p}": padding={resolve_padding(row.layer.p, row.layer.f)})'
    params = f", {row.params:,} parameters" if row.params else ""
    return f"# {label} → {_shape_text(row.shape)}{params}"


def to_pytorch(input_shape: tuple[int, int, int], layers: list[Layer]) -> str:
    """PyTorch source defining ``model``, an ``nn.Sequential`` for these layers.

    Conv and dense layers are followed by ReLU; pooling becomes ``MaxPool2d`` or
    ``AvgPool2d``, flatten ``nn.Flatten``. A final softmax layer becomes a plain
    ``nn.Linear`` that outputs logits, because ``nn.CrossEntropyLoss`` applies the
    softmax itself: a softmax in the model as well would be applied twice and slow
    learning. ``"same"`` padding is written as its number, which PyTorch accepts at
    every stride (its own ``padding="same"`` only at stride 1).

    Parameters
    ----------
    input_shape : tuple of int
        One image, ``(n_H, n_W, n_c)``, as ``describe`` takes it.
    layers : list of Layer
        The network, as ``describe`` takes it.

    Returns
    -------
    str
        Python source that imports torch and defines ``model``. The model takes a batch
        ``(m, n_c, n_H, n_W)`` and returns ``(m, n_c', n_H', n_W')`` or ``(m, n)``: the
        last row of ``describe``, channels first. It has ``describe``'s total of
        parameters. Run as a script, it prints both for one blank image.

    Raises
    ------
    ValueError
        If ``describe`` skips a layer: names each such layer (counting from 1, after the
        input) and the reason.

    Examples
    --------
    >>> code = to_pytorch((8, 8, 1), [Layer("conv", f=3, p="same", n=4), Layer("flatten")])
    >>> print(code[code.index("model = "):])
    model = nn.Sequential(
        # input: 8×8×1
        # CONV f=3 s=1 p=same, 4 filters ("same": padding=1) → 8×8×4, 40 parameters
        nn.Conv2d(1, 4, kernel_size=3, stride=1, padding=1),
        nn.ReLU(),
        # FLATTEN → 256
        # Order: torch flattens each image channel by channel (n_c, n_H, n_W); a
        # channels-last flatten (n_H, n_W, n_c) lists the same 256 numbers in another
        # order, so weights trained in one layout do not fit the other unchanged.
        nn.Flatten(),
    )
    <BLANKLINE>
    if __name__ == "__main__":
        x = torch.zeros(1, 1, 8, 8)  # one blank 8×8×1 image, channels first
        print(model(x).shape)  # torch.Size([1, 256])
        print(sum(p.numel() for p in model.parameters()))  # 40
    <BLANKLINE>
    """
    rows = check_applies(input_shape, layers, "export to PyTorch")

    n_H, n_W, n_c = (int(v) for v in input_shape)
    total = sum(row.params for row in rows)
    title = f"A ConvLab network in PyTorch: {n_H}×{n_W}×{n_c} input, {total:,} parameters."
    lines = [_HEADER.format(title=title), f"    # input: {n_H}×{n_W}×{n_c}"]
    shape: tuple[int, ...] = (n_H, n_W, n_c)
    for i, row in enumerate(rows):
        lines.append(f"    {_comment(row)}")
        if row.layer.kind == "flatten":
            lines.append(_FLATTEN_NOTE.format(n=row.shape[0]).rstrip("\n"))
        last = i == len(rows) - 1
        lines += [f"    {module}" for module in _modules(row, shape, last)]
        if row.layer.kind == "softmax" and last:
            lines.append(_SOFTMAX_NOTE.format(n=row.layer.n).rstrip("\n"))
        shape = row.shape

    out = shape if len(shape) == 1 else (shape[2], shape[0], shape[1])
    lines += [
        ")",
        "",
        'if __name__ == "__main__":',
        f"    x = torch.zeros(1, {n_c}, {n_H}, {n_W})"
        f"  # one blank {n_H}×{n_W}×{n_c} image, channels first",
        f"    print(model(x).shape)  # torch.Size([1, {', '.join(map(str, out))}])",
        f"    print(sum(p.numel() for p in model.parameters()))  # {total}",
        "",
    ]
    return "\n".join(lines)
