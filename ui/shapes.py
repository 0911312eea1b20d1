"""The shapes page's widgets and callbacks: number boxes and (h, w) pairs bound to the URL,
the square lock, the notebook-cell buttons, and the layer planner's text and table.

Keys are URL parameter names (``sh_`` prefix); callbacks only write session state. Labels and
help are worded in the session's language (``ui.lang``); a ``title`` passed in comes translated.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.formula import SEED_CELLS, ConvGeometry, torch_check
from core.layers import LAYER_NAMES, ROW_KEYS, Shape3, rows_text
from core.plan import (
    LENET,
    LENET_INPUT,
    RESULT_COLUMNS,
    Plan,
    compact_from_code,
    plan_text,
    run_plan,
    table_rows,
)
from core.torchcode import editor_rows
from ui.lang import gettext_for_session
from ui.url import BIND

#: The calculator's (h, w) pairs by key name, with their defaults.
PAIRS: dict[str, int] = {"in": 8, "k": 3, "p": 1, "s": 1, "d": 1}
_NET = (("sh_net_c", LENET_INPUT[0]), ("sh_net_h", LENET_INPUT[1]),
        ("sh_net_w", LENET_INPUT[2]))


def int_input(col, label: str, lo: int, hi: int, default: int, key: str,
              on_change=None) -> int:
    """A whole-number box bound to the URL (``?key=inf`` is dropped by ui.url.UrlCheck)."""
    return int(col.number_input(label, lo, hi, default, step=1, key=key, **BIND,
                                on_change=on_change))


def pair_input(col, title: str, name: str, lo: int, hi: int, *, boxes: bool = False,
               disabled: bool = False, square: bool = False) -> tuple[int, int]:
    """A heading and two sliders (or boxes) for (rows, cols), keys sh_<name>_h / sh_<name>_w;
    with ``square``, one control (sh_<name>_h) for both."""
    _ = gettext_for_session().gettext
    col.markdown(f"**{title}**" if title else "")
    default = PAIRS[name]
    axes = ((("h", _("rows = cols")),) if square
            else (("h", _("height (rows)")), ("w", _("width (cols)"))))
    values = tuple(int_input(col, label, lo, hi, default, f"sh_{name}_{a}") if boxes
                   else col.slider(label, lo, hi, default, key=f"sh_{name}_{a}", **BIND,
                                   disabled=disabled)
                   for a, label in axes)
    return (values[0], values[0]) if square else values  # type: ignore[return-value]


def square_changed() -> None:
    """The square lock went on or off: every width takes its height's value, so the shown
    controls keep their values and the widths come back equal to the heights."""
    for name, default in PAIRS.items():
        st.session_state[f"sh_{name}_w"] = st.session_state.get(f"sh_{name}_h", default)


def use_seed(i: int) -> None:
    """Load one of the notebook's cells into the calculator's widgets (square lock off when
    the cell is not square)."""
    g = SEED_CELLS[i]
    values = {"in": tuple(map(float, g.input_size)), "k": g.kernel_size, "p": g.padding,
              "s": g.stride, "d": g.dilation}
    for name, (h, w) in values.items():
        st.session_state[f"sh_{name}_h"], st.session_state[f"sh_{name}_w"] = h, w
    st.session_state["sh_pad"] = "numbers"
    if any(h != w for h, w in values.values()):
        st.session_state["sh_square"] = False


def net_input() -> Shape3:
    """The planner's input (C, H, W) as the session holds it (also inside callbacks)."""
    return tuple(int(round(st.session_state.get(k, d))) for k, d in _NET)  # type: ignore


def stack_changed() -> None:
    """The planner's text or input changed. Pasted PyTorch that plans without error becomes
    the compact form (what the link carries), with a note of what was read; code that does
    not is kept as typed. A new table key gives a fresh table built from the new text."""
    ss = st.session_state
    if found := compact_from_code(net_input(), ss.get("sh_layers", LENET)):
        ss["sh_layers"], ss["sh_paste_note"] = found[0], found
    ss["sh_layers_v"] = ss.get("sh_layers_v", 0) + 1


def paste_note(text: str) -> str | None:
    """What the last paste read, while the text is still what it became."""
    found = st.session_state.get("sh_paste_note")
    return found[1].note(gettext_for_session()) if found and found[0] == text else None


def _table_edited(base: list[dict], key: str) -> None:
    """Apply the table's edits to ``base`` and write the stack's text (the source of truth)."""
    state, rows = st.session_state[key], [dict(r) for r in base]
    for i, changes in state.get("edited_rows", {}).items():
        rows[int(i)].update(changes)
    rows += [dict(r) for r in state.get("added_rows", [])]
    for i in sorted(state.get("deleted_rows", []), reverse=True):
        rows.pop(int(i))
    st.session_state["sh_layers"] = rows_text(rows)
    stack_changed()


def _text_col(label: str, help: str, width: int = 70, default: str | None = None):
    return st.column_config.TextColumn(label, width=width, help=help, default=default)


def layer_table(text: str, p: Plan) -> int:
    """The stack as an editable table, results beside each layer, the failing layer in red.
    Returns the number of rows."""
    rows = editor_rows(text)
    results = table_rows(p, len(rows))
    # built by columns in one step (rows of dicts and a join took 2.3 times as long), as
    # text also when the stack is empty: the editor's text columns refuse a float column
    df = pd.DataFrame({k: [r[k] for r in rows] for k in ROW_KEYS}
                      | {k: [r[k] for r in results] for k in RESULT_COLUMNS}, dtype=str)
    bad = p.error.index if p.error else None
    # a Styler only to paint a failing layer: marshalling one costs a few ms every rerun
    styled = df if bad is None else df.style.apply(
        lambda r: ["background-color: #fcbba1" if r.name == bad else "" for _ in r], axis=1,
        subset=list(RESULT_COLUMNS))
    key = f"sh_layers_ed{st.session_state.get('sh_layers_v', 0)}"
    _ = gettext_for_session().gettext
    st.data_editor(
        styled, key=key, on_change=_table_edited, args=(rows, key), num_rows="dynamic",
        disabled=list(RESULT_COLUMNS), width="stretch", hide_index=True,
        column_config={
            "layer": st.column_config.SelectboxColumn(
                _("layer"), options=list(LAYER_NAMES.values()), required=True, width=90,
                default="conv"),  # ＋ adds a 3×3 conv that keeps the size
            "out": _text_col(_("out ch"), _("Output channels (convs); blank keeps the input's")),
            "kernel": _text_col("k", _("Kernel: 3, or rows×cols like 5x3"), 52, "3"),
            "stride": _text_col("s", _("Stride: blank = 1 for convs, the kernel for pools"), 52,
                                "1"),
            "padding": _text_col("p", _("Padding per side; convs also take same / valid"), 52,
                                 "1"),
            "dilation": _text_col("d", _("Dilation (not for avg pool)"), 52, "1"),
            "groups": _text_col("groups", _("Groups: must divide in and out channels"), 64, "1"),
            "bias": _text_col("bias", _("True or False: one bias per output channel (convs)"),
                              52, "True"),
            "output": _text_col(_("output"), _("C×H×W after this layer"), 95),
            "params": _text_col(_("params"), _("Weights + biases"), 80),
            "MACs": _text_col("MACs", _("Multiply-accumulates for one image"), 100),
            "RF size": _text_col(_("RF size"), _("Input cells one output cell sees (Distill)"),
                                 62),
            "RF jump": _text_col(_("RF jump"), _("Input cells between neighbouring outputs"), 62),
            "RF start": _text_col(_("RF start"), _("First input cell output (0, 0) sees; "
                                                   "negative = in the padding"), 62),
        })
    return len(rows)


# Cached here, not in the page: a cached function defined in a page script is made again,
# its source read, on every run.
@st.cache_data(max_entries=64, show_spinner=False)
def torch_shape(size: tuple, kernel: tuple, padding, stride: tuple, dilation: tuple) -> tuple:
    """core.formula.torch_check of the geometry: (output shape, meta) from PyTorch itself."""
    return torch_check(ConvGeometry(size, kernel, padding, stride, dilation))


@st.cache_data(max_entries=32, show_spinner=False)
def run_export(input_shape: tuple, text: str) -> tuple[tuple[int, ...], bool]:
    """core.plan.run_plan of the typed layers on ``input_shape``, run in PyTorch."""
    return run_plan(plan_text(input_shape, text))
