"""A network as link text, ``conv 3 1 same 8; pool 2 2 max; flatten; softmax 10``, and back.

Each layer is its kind's name and its ``fields`` (``cnn_core.kinds``) in order; a link's
network is read against one page's ``NetworkLimits``, its numbers refused with their range.
"""

from __future__ import annotations

from cnn_core import POOL_MODES, Layer
from cnn_core.kinds import KINDS
from ui.controls.network_table import DIGITS_LIMITS, NetworkLimits
from ui.links import OutOfRangeError


def network_text(layers: list[Layer]) -> str:
    """A network for a link: ``conv 3 1 same 8; pool 2 2 max; flatten; softmax 10``."""
    return "; ".join(
        " ".join([la.kind, *(str(getattr(la, f)) for f in KINDS[la.kind].fields)]) for la in layers
    )


def _field(field: str, word: str) -> object:
    """One word of a network's link text as the field it stands for; ValueError if not."""
    if field == "p" and word in ("same", "valid"):
        return word
    if field == "mode":
        if word not in POOL_MODES:
            raise ValueError
        return word
    return int(word)


NETWORK_FORM = "conv f s p n; pool f s mode; flatten; …"


def parse_network(text: str, limits: NetworkLimits = DIGITS_LIMITS) -> list[Layer]:
    """The inverse of ``network_text``; ValueError saying what a link may hold, and
    ``OutOfRangeError`` naming the first number beyond ``limits``."""
    parts = [p.split() for p in text.split(";") if p.strip()]
    if not parts:
        raise ValueError(f"not a network written as {NETWORK_FORM}")
    if len(parts) > limits.layers:
        raise OutOfRangeError(
            f"a network of {len(parts):,} layers, more than the {limits.layers} this page takes"
        )
    layers = []
    for words in parts:
        name, args = words[0], words[1:]
        kind = KINDS.get(name)
        if kind is None or len(args) != len(kind.fields):
            raise ValueError(f"not a network written as {NETWORK_FORM}")
        try:
            fields = {f: _field(f, word) for f, word in zip(kind.fields, args, strict=True)}
        except ValueError:
            raise ValueError(f"not a network written as {NETWORK_FORM}") from None
        layers.append(Layer(name, **fields))
    for index, layer in enumerate(layers, 1):
        for name, value, lo, hi in limits.ranges(layer):
            if not lo <= value <= hi:
                raise OutOfRangeError(
                    f"out of range: layer {index} ({layer.label()}) has {name} = {value:,}, "
                    f"and this page takes {lo} to {hi:,}"
                )
    return layers
