"""A network as an editable table of layers: rows to ``Layer``s, and a network as link text.

The one layer page's builder (``ui.controls.network_builder``) and the training page share it: the
same columns, the same blank-cell rules, one page's ``NetworkLimits`` for a link, a cell
and the number of rows, and a row refused with its reason rather than a value silently
ignored or clamped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral, Real

import pandas as pd
import streamlit as st

from cnn_core import POOL_MODES, Layer, Row, describe
from cnn_core.kinds import KINDS
from cnn_core.network import LAYER_KINDS
from ui.controls.network_code import layer_name
from ui.links import MAX_SHOWN, verbatim

COLUMNS = ["layer", "f", "s", "p", "filters / units", "pool mode"]
NUMBER_COLUMNS = ("f", "s", "filters / units")
FIELD_COLUMNS = {"f": "f", "s": "s", "p": "p", "n": "filters / units", "mode": "pool mode"}
"""Each ``Layer`` field's column; a kind's ``fields`` (``cnn_core.kinds``) say which apply."""
FIELD_NAMES = {"f": "filter size f", "s": "stride s", "p": "padding p"}


@dataclass(frozen=True)
class NetworkLimits:
    """The largest numbers one page's network may hold, kept in one place: the link parser
    (``parse_network``), the editor's columns (``column_config``), the guard on its rows
    (``layers_editor``) and the row reader (``read_layers``) all take them from here, so a
    value is refused alike wherever it comes from.
    """

    f: int
    """Filter (or pooling window) size f."""
    s: int
    """Stride s."""
    p: int
    """Padding p, in zero pixels per side."""
    filters: int
    """Filters of a conv layer, n_c[l]."""
    units: int
    """Units of a dense or softmax layer."""
    layers: int
    """Rows of the table, layers of a link's network."""
    side: int
    """Input height and width n_H, n_W."""
    channels: int
    """Input channels n_c."""

    def column_config(self) -> dict:
        """``st.data_editor``'s ``column_config`` for ``layers_table``, with these bounds."""
        return {
            "layer": st.column_config.SelectboxColumn(
                "layer", options=list(LAYER_KINDS), required=True
            ),
            "f": st.column_config.NumberColumn("f", min_value=1, max_value=self.f, step=1),
            "s": st.column_config.NumberColumn("s", min_value=1, max_value=self.s, step=1),
            "p": st.column_config.TextColumn(
                "p", help=f'a whole number from 0 to {self.p}, or "same"', max_chars=8
            ),
            "filters / units": st.column_config.NumberColumn(
                "filters / units",
                min_value=1,
                max_value=max(self.filters, self.units),
                step=1,
                help=f"conv: 1 to {self.filters:,} filters; dense, softmax: 1 to "
                f"{self.units:,} units",
            ),
            "pool mode": st.column_config.SelectboxColumn("pool mode", options=list(POOL_MODES)),
        }

    def ranges(self, layer: Layer) -> list[tuple[str, int, int, int]]:
        """(name, value, lowest, highest) of each number the layer uses."""
        kind = KINDS[layer.kind]
        out: list[tuple[str, int, int, int]] = []
        for field in kind.fields:
            if field == "n":
                most = self.filters if kind.count == "filters" else self.units
                out.append((kind.count, layer.n, 1, most))
            elif field in ("f", "s") or (field == "p" and not isinstance(layer.p, str)):
                lowest = 0 if field == "p" else 1
                out.append((FIELD_NAMES[field], getattr(layer, field), lowest, self[field]))
        return out

    def __getitem__(self, field: str) -> int:
        return getattr(self, field)


DIGITS_LIMITS = NetworkLimits(
    f=11, s=8, p=8, filters=256, units=4096, layers=12, side=8, channels=1
)
"""Train a CNN, on 8×8×1 digits. Padding and stride no larger than the digit (p ≤ 8 at most
triples its side); f up to 11, not 8, because a filter larger than the digit is itself a
lesson: a link with ``conv 11 1 0 8`` opens with the layer named and why it does not fit,
rather than a range warning (f costs little: a run's cost is bounded by cnn_core.budget).
256 filters and 4,096 units are 32 and 400 times the default network's, room to see what
width does; 12 layers is twice the deepest network that fits an 8×8 input with p = 0."""

BUILDER_LIMITS = NetworkLimits(
    f=11, s=8, p=10, filters=1024, units=4096, layers=24, side=512, channels=64
)
"""One layer's network builder, which only counts (no array is ever made): the presets
use f ≤ 5, s ≤ 2, 40 filters, 120 units, 8 layers on 39×39×3; these leave room for the
networks the lecture names: AlexNet's 11×11 stride-4 filters on 227×227×3 and its
4,096-unit FC layers, VGG-16's 512 filters and its 22 rows (13 conv, 5 pool, flatten,
3 FC). Padding 10 is more than "same" needs for f = 11 (5); the input slider's 64
channels are the conv-parameters slider's."""


def _cell(layer: Layer, field: str) -> object:
    """A layer's value for one column, blank where its kind has no such setting."""
    if field not in KINDS[layer.kind].fields:
        return None
    value = getattr(layer, field)
    return str(value) if field == "p" else value


def layers_table(layers: list[Layer]) -> pd.DataFrame:
    """Layers → editor rows; a cell that does not apply to the layer stays blank."""
    table = pd.DataFrame(
        [[la.kind, *(_cell(la, field) for field in FIELD_COLUMNS)] for la in layers],
        columns=COLUMNS,
    )
    # Always floats (a blank is NaN), whichever layers the table starts with.
    return table.astype(dict.fromkeys(NUMBER_COLUMNS, "float64"))


def _blank(v) -> bool:
    return v is None or (not isinstance(v, str) and pd.isna(v)) or str(v).strip() == ""


def _delta_problem(delta: object, rows: int, most: int) -> str:
    """Why the editor's pending changes (``st.session_state[key]``: ``edited_rows``,
    ``added_rows``, ``deleted_rows``) cannot be applied to a table of ``rows`` rows and
    leave at most ``most``, as the start of a sentence; "" if they can.

    Counted before ``st.data_editor`` applies them, one added row at a time; a forged change
    naming a row or column the table lacks would make it raise.
    """
    known = {*COLUMNS, "_index"}
    try:
        edited, added, deleted = (delta[k] for k in ("edited_rows", "added_rows", "deleted_rows"))
        if len(added) > most:  # before anything walks the list
            return f"{len(added):,} rows were added, but a network here has at most {most} layers"
        if not (
            len(edited) <= rows
            and len(deleted) <= rows
            and all(0 <= int(i) < rows and set(edited[i]) <= known for i in edited)
            and all(isinstance(i, int) and 0 <= i < rows for i in deleted)
            and all(set(row) <= known for row in added)
        ):
            return "This table's last change named rows or columns it does not have"
        if rows - len(set(deleted)) + len(added) > most:
            return (
                f"{len(added):,} row{'s were' if len(added) > 1 else ' was'} added, but a "
                f"network here has at most {most} layers"
            )
    except (KeyError, TypeError, ValueError, AttributeError):
        return "This table's last change could not be read"
    return ""


def _cell_for_table(column: str, v: object) -> object:
    """A value from the browser as a table may hold it: a number Arrow can carry, short
    text, or blank (the row reader then refuses whatever does not fit the page)."""
    if column in NUMBER_COLUMNS:
        if isinstance(v, int | float) and not isinstance(v, bool) and abs(v) < 1e15:
            return float(v)
        return None
    return None if v is None else str(v)[:MAX_SHOWN]


def _kept_rows(table: pd.DataFrame, delta: object, most: int) -> pd.DataFrame:
    """The table with the editor's changes it can read applied, cut to ``most`` rows."""
    rows = table.to_dict("records")
    get = delta.get if isinstance(delta, Mapping) else (lambda k, d: d)
    edited = get("edited_rows", {})
    for i, change in edited.items() if isinstance(edited, Mapping) else []:
        try:
            row = rows[int(i)]
        except (IndexError, TypeError, ValueError):
            continue
        for c, v in change.items() if isinstance(change, Mapping) else []:
            if c in COLUMNS:
                row[c] = _cell_for_table(c, v)
    deleted = get("deleted_rows", [])
    gone = {i for i in deleted if isinstance(i, int)} if isinstance(deleted, list) else set()
    rows = [r for i, r in enumerate(rows) if i not in gone]
    added = get("added_rows", [])
    for new in (added if isinstance(added, list) else [])[: max(0, most - len(rows))]:
        if isinstance(new, Mapping):
            rows.append({c: _cell_for_table(c, new.get(c)) for c in COLUMNS})
    table = pd.DataFrame(rows[:most], columns=COLUMNS)
    return table.astype(dict.fromkeys(NUMBER_COLUMNS, "float64"))


def layers_editor(
    key: str, layers: list[Layer], limits: NetworkLimits = DIGITS_LIMITS
) -> list[tuple[Layer, str]]:
    """The layers as an editable table (rows can be added and deleted), read back with
    ``read_layers``. A new ``key`` starts the table again from ``layers``.

    Streamlit applies the rows a browser added one at a time on every rerun (1,000 pasted
    rows cost 6–7.6 CPU s a rerun here), so the pending changes are counted first: more
    rows than ``limits.layers`` start the table again, cut to that many, with a message.
    """
    generation = st.session_state.get(f"_{key}_generation", 0)
    table = st.session_state.get(f"_{key}_kept") if generation else None
    if table is None:
        table = layers_table(layers)
    editor = f"{key} ({generation})" if generation else key
    delta = st.session_state.get(editor)
    problem = "" if delta is None else _delta_problem(delta, len(table), limits.layers)
    if problem:
        table = _kept_rows(table, delta, limits.layers)
        generation += 1
        st.session_state[f"_{key}_generation"] = generation
        st.session_state[f"_{key}_kept"] = table
        editor = f"{key} ({generation})"
        st.warning(f"{problem}: the table starts again with its first {len(table)} rows.")
    edited = st.data_editor(
        table,
        key=editor,
        num_rows="dynamic",
        hide_index=True,
        column_config=limits.column_config(),
        # A cell that does not apply to its layer is blank, not "None" (Streamlit's default).
        placeholder="",
    )
    return read_layers(edited, limits)


CELL_NAMES = {"f": "f", "s": "stride s", "p": "padding p", "n": "filters / units"}


def _whole(v: object, name: str, lo: int, hi: int) -> tuple[int | None, str]:
    """A cell as a whole number from lo to hi, or (None, why) naming the value and range."""
    value: int | None = None
    if isinstance(v, Integral) and not isinstance(v, bool):
        value = int(v)
    elif isinstance(v, Real) and math.isfinite(v) and v == round(v):
        value = round(v)
    elif isinstance(v, str) and re.fullmatch(r"\s*-?\d{1,9}\s*", v):
        value = int(v)
    if value is None or not lo <= value <= hi:
        # A number column holds floats: 50 typed is 50.0 here, and is shown as typed.
        shown = value if value is not None and abs(value) < 1e15 else v
        return None, f"{name} = {verbatim(shown)} is not a whole number from {lo} to {hi:,}"
    return value, ""


def read_layers(
    table: pd.DataFrame, limits: NetworkLimits = DIGITS_LIMITS
) -> list[tuple[Layer, str]]:
    """Rows of the editor → (layer, why it is refused or ""); blank cells take defaults.

    A value typed where the layer has no such setting (p on a pool row, s or p on a
    flatten, dense or softmax row) is refused on its row, never silently ignored; so is a
    value outside ``limits``, an unknown kind or pool mode, and any row past
    ``limits.layers``. A refused row's layer holds only what could be read (its kind if
    known, else ""; a default for each bad cell), so no typed text or unbounded number
    travels further than the row's reason, where it is shown inside ``verbatim``.
    """
    out = []
    for index, row in enumerate(table.itertuples(index=False)):
        kind, f, s, p, n, mode = row[:6]
        cells = {"f": f, "s": s, "p": p, "n": n}
        why: list[str] = []
        name = "" if _blank(kind) else str(kind).strip()
        if name not in LAYER_KINDS:
            shown = verbatim(name) if name else "blank"
            why.append(f"its layer kind is {shown}: choose one of {', '.join(LAYER_KINDS)}")
            name = ""
        kind = KINDS.get(name)
        uses = "".join(c for c in "fspn" if kind and c in kind.fields)
        unused = [c for c in "fspn" if c not in uses and not _blank(cells[c])]
        if name == "pool" and "p" in unused:
            why.append(
                f"a pooling layer here takes no padding p (you typed {verbatim(p)}); padding "
                "is rare in pooling: clear p"
            )
            unused.remove("p")
        if name and unused:
            names = " or ".join(CELL_NAMES[c] for c in unused)
            them = "them" if len(unused) > 1 else "it"
            why.append(f"a {name} layer has no {names}: clear {them}")
        fields: dict[str, object] = {"kind": name}
        bounds = {
            "f": ("f", 1, limits.f),
            "s": ("stride s", 1, limits.s),
            "n": (kind.count, 1, limits[kind.count]) if kind and kind.count else None,
        }
        for c in uses.replace("p", ""):
            if not _blank(cells[c]):
                fields[c], problem = _whole(cells[c], *bounds[c])
                if problem:
                    fields.pop(c)
                    why.append(problem)
        if "p" in uses and not _blank(p):
            text = str(p).strip()
            if text in ("same", "valid"):
                fields["p"] = text
            else:
                fields["p"], problem = _whole(p, "padding p", 0, limits.p)
                if problem:
                    fields.pop("p")
                    why.append(f'{problem}, "same" or "valid"')
        if kind and "mode" in kind.fields and not _blank(mode):
            if str(mode) in POOL_MODES:
                fields["mode"] = str(mode)
            else:
                why.append(f"pool mode {verbatim(mode)} is not one of {', '.join(POOL_MODES)}")
        if index >= limits.layers:
            why.append(f"a network here has at most {limits.layers} layers")
        out.append((Layer(**fields), "; ".join(why)))
    return out


def shape_text(shape: tuple[int, ...] | None) -> str:
    """``37×37×10``; a flattened layer's length with a thousands separator (``1,960``)."""
    if shape is None:
        return "—"
    return f"{shape[0]:,}" if len(shape) == 1 else "×".join(str(v) for v in shape)


def describe_rows(input_shape: tuple[int, int, int], parsed: list[tuple[Layer, str]]) -> list[Row]:
    """``describe``'s rows for the table's layers; a row the table could not read keeps why."""
    described = iter(describe(input_shape, [layer for layer, why in parsed if not why]))
    return [
        Row(layer, None, 0, 0, f"skipped: {why}") if why else next(described)
        for layer, why in parsed
    ]


def shape_line(
    input_shape: tuple[int, int, int], parsed: list[tuple[Layer, str]], bad: str
) -> None:
    """The network's shapes and parameter count in one line, or why it cannot run."""
    rows = describe_rows(input_shape, parsed)
    wrong = [
        f"layer {i} ({layer_name(r.layer)}): {r.error}" for i, r in enumerate(rows, 1) if r.error
    ]
    if wrong:
        st.warning(f"{bad}: " + "; ".join(wrong) + ".")
    elif rows:
        path = " → ".join("×".join(map(str, r.shape)) for r in rows)
        total = sum(r.params for r in rows)
        start = "×".join(map(str, input_shape))
        st.markdown(f"Shapes: {start} → {path}; **{total:,} parameters** to learn.")
