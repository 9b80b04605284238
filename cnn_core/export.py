"""A network built in ConvLab, written out as PyTorch code a student can run.

``to_pytorch`` returns Python source; cnn_core itself never imports torch. The code
uses the shapes and counts ``describe`` computed, and says where PyTorch's conventions
differ from the lecture's: channels first, flattening channel by channel, and the
softmax left to the loss.
"""

from __future__ import annotations

from cnn_core.kinds import KINDS
from cnn_core.network import Layer, Row, check_applies

_HEADER = '''\
"""{title}

Made by ConvLab (cnn_core.to_pytorch). PyTorch is channels-first: a batch of m images
is (m, n_c, n_H, n_W), where the lecture writes one image as n_H×n_W×n_c. The comment
above each layer gives its output for one image in the lecture's notation.
"""

import torch
from torch import nn

model = nn.Sequential('''


def _shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape))


def _comment(row: Row) -> str:
    """``CONV f=3 s=1 p=same, 8 filters → 8×8×8, 224 parameters``, with p spelled out."""
    label = KINDS[row.layer.kind].torch_label(row.layer)
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
        modules = KINDS[row.layer.kind].torch(row.layer, shape, row.shape, i == len(rows) - 1)
        lines += [f"    {line}" for line in modules]
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
