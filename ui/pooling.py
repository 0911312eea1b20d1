"""The pooling page's computed results, shared read-only by every session: the trace of one
channel, the pooled channels, the animation and the still figures.

A configuration is one flat key (``setting``), as on the sliding-window page (ui.sliding):
X (C, H, W) packed as shape and bytes, then the window, mode, padding, stride (None: the
window, PyTorch's default), ceil_mode and count_include_pad. The cached functions take it by
keyword.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
import torch

import i18n
from core import pooling
from core.practice import pool_cell_task
from i18n import N_, Texts, fmt
from ui.charts import Packed, heatmap_figure, packed, unpacked
from ui.frame import reject
from ui.quiz import predict_then_reveal
from ui.url import section
from viz import STATIC
from viz import pooling as viz_pooling
from viz.figure import PlainFigure
from viz.grid import column_widths

#: (X (C, H, W), pool size, mode, padding, stride or None, ceil_mode, count_include_pad)
Setting = tuple[Packed, Any, str, Any, Any, bool, bool]


def setting_of(X: Any, *, pool_size: Any, mode: str, padding: Any, stride: Any,
               ceil_mode: bool, count_include_pad: bool) -> Setting:
    """The cache key of one configuration; X is (C, H, W)."""
    return (packed(X), tuple(pool_size), mode, tuple(padding),
            None if stride is None else tuple(stride), bool(ceil_mode), bool(count_include_pad))


def _X(setting: Setting) -> torch.Tensor:
    return torch.from_numpy(unpacked(setting[0])).to(torch.float32)


def _kwargs(setting: Setting) -> dict:
    _, pool_size, mode, padding, stride, ceil_mode, count_include_pad = setting
    return {"pool_size": pool_size, "mode": mode, "padding": padding, "stride": stride,
            "ceil_mode": ceil_mode, "count_include_pad": count_include_pad}


@st.cache_data(max_entries=64, show_spinner=False)
def pooled(*, setting: Setting) -> torch.Tensor:
    """core.pool2d_multi of one configuration: Y (C, H_out, W_out)."""
    return pooling.pool2d_multi(_X(setting), **_kwargs(setting))


@st.cache_data(max_entries=64, show_spinner=False)
def traced(*, setting: Setting, channel: int) -> pooling.PoolTrace:
    """core.pool_windows of one channel of one configuration."""
    return pooling.pool_windows(_X(setting)[channel], **_kwargs(setting))


def _named(setting: Setting, channel: int) -> int | None:
    """The channel's number for the titles, or None for a one-channel input."""
    return channel if setting[0][0][0] > 1 else None


@st.cache_resource(max_entries=32, show_spinner=False)
def animated(*, setting: Setting, channel: int, lang: str, width: int | None = None,
             projector: bool = False) -> PlainFigure:
    """The animation of one channel in one language (``lang`` is part of the key), shared
    read-only like ui.sliding.animated."""
    return viz_pooling.animation(traced(setting=setting, channel=channel),
                                 channel=_named(setting, channel), width=width, lang=lang,
                                 projector=projector)


@st.cache_resource(max_entries=64, show_spinner=False)
def still(*, setting: Setting, channel: int, lang: str, width: int | None = None,
          projector: bool = False) -> PlainFigure:
    """One channel's input and whole output, no window (viz.pooling.still), shared read-only."""
    return viz_pooling.still(traced(setting=setting, channel=channel),
                             channel=_named(setting, channel), width=width, lang=lang,
                             projector=projector)


@st.cache_resource(max_entries=64, show_spinner=False)
def quizzed(*, setting: Setting, channel: int, n: int, lang: str, width: int | None = None,
            projector: bool = False) -> PlainFigure:
    """The quiz's figure for output cell n of one channel (viz.pooling.quiz_view)."""
    return viz_pooling.quiz_view(traced(setting=setting, channel=channel), n,
                                 channel=_named(setting, channel), width=width, lang=lang,
                                 projector=projector)


def quiz(t: Texts, *, setting: Setting, channel: int, width: int | None,
         projector: bool = False) -> None:
    """Predict, then reveal (ui.quiz) over one channel's output cells, checked by
    core.practice.pool_cell_task; the reveal is the window's arithmetic."""
    trace = traced(setting=setting, channel=channel)
    windows = trace.windows

    def name_of(n: int) -> str:
        return f"Y[{windows[n].i}, {windows[n].j}]"

    predict_then_reveal(
        t, key="pl_quiz_state", setting=(setting, channel), cells=len(windows),
        name_of=name_of, task_of=lambda n: pool_cell_task(windows[n]),
        reveal_of=lambda n: f"**{name_of(n)} = {windows[n].formula()}**",
        figure_config=STATIC,
        figure_of=lambda n: quizzed(setting=setting, channel=channel, n=n, lang=t.lang,
                                    width=width, projector=projector))


# -- the page's choices and the book's examples ----------------------------------------------

#: The input's ids: what links carry, shown in the visitor's language.
INPUTS = (N_("book 3×3"), N_("book 4×4"), N_("two channels"), N_("random integers"),
          N_("typed"))
#: Each example's input, as the id of INPUTS that gives it.
_EXAMPLE_INPUT = {pooling.POOL_X: INPUTS[0], pooling.POOL_X16: INPUTS[1],
                  pooling.POOL_X16_2: INPUTS[2]}


def example_label(name: str, t: Texts) -> str:
    """A button's label: the book's code (in backticks: code is not translated)."""
    code = pooling.POOL_EXAMPLES[name].code
    if name == "two channels":
        return fmt(t, "X and X + 1: `{code}`", code=code)
    return f"`{code}`"


def apply_example(name: str) -> None:
    """A button's callback: set the sidebar to the book's example ``name`` before the rerun."""
    ex = pooling.POOL_EXAMPLES[name]
    state = st.session_state
    state["pl_x"], state["pl_mode"] = _EXAMPLE_INPUT[ex.X], ex.mode
    state["pl_k_h"], state["pl_k_w"] = ex.pool_size
    state["pl_sdef"] = ex.stride is None
    state["pl_s_h"], state["pl_s_w"] = ex.stride or ex.pool_size
    state["pl_p_h"], state["pl_p_w"] = ex.padding
    state["pl_ceil"], state["pl_cip"], state["pl_c"] = False, True, "0"


def matching_example(X: torch.Tensor, pool_size: Any, mode: str, padding: Any, stride: Any,
                     ceil_mode: bool) -> pooling.PoolExample | None:
    """The book's example these settings are (X (C, H, W), stride resolved), or None."""
    for ex in pooling.POOL_EXAMPLES.values():
        ex_X = ex.X if isinstance(ex.X[0][0], tuple) else (ex.X,)
        if (not ceil_mode and mode == ex.mode and tuple(pool_size) == ex.pool_size
                and tuple(padding) == ex.padding
                and tuple(stride) == pooling.pool_stride(ex.stride, ex.pool_size)
                and X.tolist() == [[[float(v) for v in r] for r in c] for c in ex_X]):
            return ex
    return None


def book_check(example: pooling.PoolExample, Y: torch.Tensor) -> tuple[str, bool]:
    """What the book prints for ``example`` (its channels one after another) and whether Y
    (C, H_out, W_out) is exactly that."""
    book = example.Y if len(Y) > 1 else (example.Y,)
    printed = " ".join(str([list(row) for row in channel]) for channel in book)
    return printed, Y.tolist() == [[[float(v) for v in row] for row in c] for c in book]


# -- the book's questions --------------------------------------------------------------------


def questions(X: torch.Tensor, *, window: Any, padding: Any, stride: Any, ceil_mode: bool,
              lang: str) -> None:
    """The book's questions on X (H, W): average pooling as a convolution with a constant
    kernel, min pooling as −max(−X), the maximum of two numbers from a ReLU. They sit in a
    section the link opens (``pl_questions``), worked only while it is open: closed, a change
    of the window redraws the animation alone, not the questions' seven grids as well."""
    t = i18n.texts(lang)
    _ = t.gettext
    st.header(_("The book's questions"))
    box = section(_("Average pooling as a convolution · min pooling as −max(−X) · the maximum "
                    "from ReLUs, each worked on this X"), key="pl_questions")
    if box.open:
        with box:
            _worked(t, X, window=window, padding=padding, stride=stride, ceil_mode=ceil_mode)


def _worked(t: Texts, X: torch.Tensor, *, window: Any, padding: Any, stride: Any,
            ceil_mode: bool) -> None:
    """The three questions of ``questions``, worked."""
    _ = t.gettext
    lang = t.lang
    width = column_widths(3)[0]

    def row(key: str, *grids: tuple[str, Any]) -> None:
        # The grids of a row are compared: one colour scale (the kernel keeps its own).
        top = max(float(T.abs().max()) for title, T in grids if title != "K") or 1.0
        for col, (title, T) in zip(st.columns(3), grids):
            zmax = None if title == "K" else top
            col.plotly_chart(heatmap_figure(T, title=title, zmax=zmax, width=width, lang=lang),
                             key=f"pl_q_{key}_{title}", config=STATIC)

    s = pooling.pool_stride(stride, window)
    st.subheader(_("Average pooling is a convolution with a constant kernel"))
    st.markdown(_("Every weight of K is 1/(k_h·k_w): the convolution adds the window's cells "
                  "and divides by their number, as average pooling does (zero padding counted, "
                  "floor mode)."))
    try:
        Y_avg = pooling.pool2d(X, window, "avg", padding=padding, stride=s)
        Y_conv = pooling.avg_pool_as_conv(X, window, padding=padding, stride=s)
    except ValueError as e:
        reject(e)
    else:
        row("avg", ("K", pooling.mean_kernel(window)), (_("average pooling"), Y_avg),
            ("corr2d(X, K)", Y_conv))
        _verdict(t, torch.allclose(Y_avg, Y_conv, atol=1e-5))

    st.subheader(_("Min pooling is −max(−X)"))
    st.markdown(_("Flip the signs, take the maximum, flip back: the smallest value of each "
                  "window. No separate layer is needed."))
    st.code(f"Y_min = -F.max_pool2d(-X, {tuple(window)}, stride={s}, padding={tuple(padding)}"
            + (", ceil_mode=True)" if ceil_mode else ")"), language="python")
    Y_max = pooling.pool2d(X, window, "max", padding=padding, stride=s, ceil_mode=ceil_mode)
    Y_min = pooling.min_pool2d(X, window, padding=padding, stride=s, ceil_mode=ceil_mode)
    row("min", (_("max pooling"), Y_max), (_("min pooling"), Y_min))

    st.subheader(_("The maximum of two numbers from a ReLU"))
    st.markdown(_("max(a, b) = a + ReLU(b − a): when b is larger, ReLU passes the difference; "
                  "otherwise it gives 0. Folding the window's cells this way, one "
                  "convolution with a one-hot kernel per cell, gives max pooling with "
                  "convolutions and ReLUs only (no padding here)."))
    a, b = 3.0, 5.0
    st.code(f"max({a:g}, {b:g}) = {a:g} + ReLU({b:g} − {a:g}) = "
            f"{float(pooling.relu_max(a, b)):g}\n"
            f"max({b:g}, {a:g}) = {b:g} + ReLU({a:g} − {b:g}) = "
            f"{float(pooling.relu_max(b, a)):g}", language=None)
    try:
        Y_relu = pooling.max_pool_by_relu(X, window, stride=s)
        Y_pool = pooling.pool2d(X, window, "max", stride=s)
    except ValueError as e:
        reject(e)
    else:
        row("relu", (_("max pooling"), Y_pool), (_("from ReLUs"), Y_relu))
        _verdict(t, torch.equal(Y_relu, Y_pool))


def _verdict(t: Texts, same: bool) -> None:
    _ = t.gettext
    (st.success if same else st.error)(_("✓ The two outputs are equal.") if same
                                        else _("✗ The two outputs differ."))
