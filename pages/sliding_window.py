"""Sliding window: d2l's corr2d loop, played one output cell at a time, in the visitor's
language."""

import math

import streamlit as st
import torch

import core
from core import kernels, windows
from core.images import stripes
from core.practice import CellTask
from i18n import N_, fmt, sentences
from ui.frame import Frame, reject
from ui.grid import grid_input
from ui.lang import gettext_for_session
from ui.matrix import matrix_view
from ui.quiz import predict_then_reveal
from ui.sliding import animated, picked, quizzed, setting_of, traced
from ui.url import BIND, choice
from ui.view import keyboard_steps
from ui.viewport import main_width
from viz import STATIC, colours, heatmap
from viz.grid import column_widths, narrow

#: The choices' ids: what links carry (the English words links have always carried), shown
#: in the visitor's language.
INPUTS = (N_("seed 3×3"), N_("seed stripes 6×8"), N_("random integers"), N_("typed"))
KERNELS = (N_("d2l 2×2"), N_("edge [1, -1]"), N_("preset"), N_("typed"))
#: The geometry sliders: key, label for height and width, range, default.
GEOMETRY = (("pad", N_("Padding h"), N_("Padding w"), 0, 6, 0),
            ("stride", N_("Stride h"), N_("Stride w"), 1, 6, 1),
            ("dil", N_("Dilation h"), N_("Dilation w"), 1, 4, 1))

t = gettext_for_session()
_, ngettext = t

page = Frame("sw_", _("Sliding window"), intro_as="caption", intro=_(
    "The kernel K slides over the input X, left to right, top to bottom; each stop multiplies "
    "the cells under it by K and adds them up into one output cell (cross-correlation). Press "
    "▶ and watch Y fill."))

with st.sidebar:
    st.header(_("Input X"))
    source = choice(st.selectbox, _("Input"), INPUTS, key="sw_x", format_func=_,
                    label_visibility="collapsed")
    X, x_error = None, None
    if source == INPUTS[0]:
        X = torch.tensor(windows.D2L_X, dtype=torch.float32)
    elif source == INPUTS[1]:
        X = stripes()
    elif source == INPUTS[2]:
        rows_col, cols_col = st.columns(2)
        rows = rows_col.slider(_("Rows"), 1, 16, 6, key="sw_rows", **BIND)
        cols = cols_col.slider(_("Columns"), 1, 16, 6, key="sw_cols", **BIND)
        seed = st.slider(_("Random seed"), 0, 99, 0, key="sw_seed", **BIND,
                         help=_("X's entries are random digits 0–9; the seed picks which. "
                                "The same seed gives the same X."))
        X = windows.random_grid(int(rows), int(cols), seed=int(seed))
    else:
        X, x_error = grid_input("X", key="sw_xgrid", default="0 1 2; 3 4 5; 6 7 8",
                                max_rows=16, max_cols=16)

    st.header(_("Kernel K"))
    k_source = choice(st.selectbox, _("Kernel"), KERNELS, key="sw_k", format_func=_,
                      label_visibility="collapsed")
    K, k_error = None, None
    if k_source == KERNELS[0]:
        K = kernels.D2L_2X2.clone()
    elif k_source == KERNELS[1]:
        K = kernels.D2L_EDGE.clone()
    elif k_source == KERNELS[2]:
        name = choice(st.selectbox, _("Preset"), list(kernels.PRESETS), key="sw_kpreset",
                      format_func=_)
        K = kernels.preset(name)
    else:
        K, k_error = grid_input("K", key="sw_kgrid", default="0 1; 2 3", max_rows=7, max_cols=7)
    flip = st.toggle(_("True convolution: flip K"), key="sw_flip", **BIND,
                     help=_("Convolution flips the kernel top–bottom and left–right first."))

    st.header(_("Padding, stride and dilation"))
    st.caption(_("Height ↕ on the left, width ↔ on the right. Padding is per side (PyTorch)."))
    geometry = {}
    for name, label_h, label_w, lo, hi, default in GEOMETRY:
        left, right = st.columns(2)
        geometry[name] = tuple(int(col.slider(
            _(label), lo, hi, default, key=f"sw_{name}_{axis}", **BIND,
        )) for col, label, axis in ((left, label_h, "h"), (right, label_w, "w")))
    mode = choice(st.selectbox, _("Padding mode"), core.PADDING_MODES, key="sw_mode",
                  format_func=_)
    st.header(_("Predict, then reveal"))
    quiz = st.toggle(_("Quiz: predict each output cell"), key="sw_quiz", **BIND,
                     help=_("Hides the output: type each cell's value, check it, then see it. "
                            "A teacher's link with the quiz on opens it for the class."))

for error in (x_error, k_error):
    if error:
        reject(error, hint=_("Fix the grid in the sidebar; rows are separated by “;”."))
if X is None or K is None:
    page.stop()

setting = setting_of(X, K, padding=geometry["pad"], stride=geometry["stride"],
                     dilation=geometry["dil"], mode=mode, flip=flip)
try:
    trace = traced(setting=setting)
except ValueError as e:
    reject(e, lead=_("This configuration has no output."))
    st.caption(_("The input and kernel as they stand:"))
    for col, (title, T) in zip(st.columns(2), (("X", X), ("K", K))):
        col.plotly_chart(heatmap(T, title=title, width=column_widths(2)[0], colorbar=True,
                                 lang=t.lang, projector=page.projector),
                         key=f"sw_bad_{title}", config=STATIC)
    page.stop()

Ho, Wo = trace.Y.shape
phone = narrow(main_width())  # a phone's width: the panels stack; None: wide
if quiz:
    # The other cells' arithmetic is the answer: the quiz shows only what it asks about.
    other = traced(setting=setting[:-1] + (not setting[-1],))  # the kernel flipped or not

    def cell_task(n: int) -> CellTask:
        value, then = float(trace.Y.flatten()[n]), float(other.Y.flatten()[n])
        # K flipped gives the same where K is symmetric: then there is no slip to name
        return CellTask(value, None if math.isclose(value, then) else then)

    def reveal(n: int) -> str:
        w = trace.windows[n]
        return f"**Y[{w.i}, {w.j}] = {w.formula()}**"

    predict_then_reveal(
        t, key="sw_quiz_state", setting=setting, cells=len(trace.windows),
        name_of=lambda n: f"Y[{trace.windows[n].i}, {trace.windows[n].j}]",
        task_of=cell_task, reveal_of=reveal, figure_config=STATIC,
        figure_of=lambda n: quizzed(setting=setting, n=n, lang=t.lang, width=phone,
                                    projector=page.projector))
    page.stop()
st.plotly_chart(animated(setting=setting, lang=t.lang, width=phone, projector=page.projector),
                key="sw_anim", config={"displayModeBar": False})
if page.projector:
    keyboard_steps("sw_anim", play=2)  # ← → step, space plays (its ▶ Play button)
st.caption(fmt(t, "Green: the window, the cells K multiplies (each one's weight in its corner "
                  "when there is room) · grey: padding ({mode}) · dashed line: the edge of X · "
                  "empty: not computed yet · cells: white 0, red positive, blue negative, "
                  "deeper for larger |value| (each grid on its own scale).", mode=_(mode)))
page.essentials_end()

st.header(_("Pick an output cell"))
pick = []
for col, axis, size in zip(st.columns(2), ("r", "c"), (Ho, Wo)):
    key = f"sw_{axis}"
    label = _("Output row") if axis == "r" else _("Output column")
    if size == 1:
        col.markdown(_("Output row: **0** (Y has one row)") if axis == "r"
                     else _("Output column: **0** (Y has one column)"))
        pick.append(0)
        continue
    if st.session_state.get(key, 0) >= size:  # Y shrank since the last run
        st.session_state[key] = size - 1
    # No value argument: the default is 0 (min_value), and the clamp above may have set it.
    pick.append(col.slider(label, 0, size - 1, key=key, **BIND))
n = pick[0] * Wo + pick[1]
w, field = trace.windows[n], windows.receptive_field(trace, n)
st.markdown(f"### Y[{w.i}, {w.j}] = {w.formula()}")
st.code(f"Y[{w.i}, {w.j}] = {windows.symbolic(trace, n)}", language=None, wrap_lines=True)
st.markdown(fmt(t, "**Receptive field:** {field}", field=windows.describe_field(field, t)))
st.plotly_chart(picked(setting=setting, n=n, lang=t.lang, width=phone), key="sw_pick",
                config=STATIC)

st.header(_("Cross-correlation vs convolution"))
if flip:
    geo = dict(padding=geometry["pad"], stride=geometry["stride"], dilation=geometry["dil"],
               padding_mode=mode)
    st.markdown(_("Convolution flips K top–bottom and left–right, then slides it exactly like "
                  "cross-correlation. The animation uses the flipped K."))
    Y_corr, Y_conv = core.corr2d(X, K, **geo), core.conv2d(X, K, **geo)
    y_top = colours.top(Y_corr, Y_conv)  # the two outputs are compared: one colour scale
    for col, (cmp_key, title, T, top) in zip(st.columns(4), (
        ("K", "K", K, None), ("K flipped", _("K flipped"), K.flip(0, 1), None),
        ("Y, cross-correlation", _("Y, cross-correlation"), Y_corr, y_top),
        ("Y, convolution", _("Y, convolution"), Y_conv, y_top),
    )):
        col.plotly_chart(heatmap(T, title=title, zmax=top, width=column_widths(4)[0],
                                 colorbar=True, lang=t.lang), key=f"sw_cmp_{cmp_key}",
                         config=STATIC)
else:
    st.markdown(_("What d2l and PyTorch call a convolution layer computes cross-correlation: "
                  "K is used as given. Switch on **True convolution** in the sidebar to flip K "
                  "and compare both outputs."))

st.header(_("Output shape"))
steps = windows.output_shape_steps(trace)
st.code("\n".join(s.formula() for s in steps), language=None)
st.caption(fmt(t, "Padding is per side, as in PyTorch; d2l's total padding p_h = {p_h}, "
                  "p_w = {p_w}.", p_h=steps[0].before + steps[0].after,
               p_w=steps[1].before + steps[1].after))
for s in steps:
    if s.left_over:
        st.info(s.left_over_text(t))
unread = windows.describe_unreached(*trace.unreached(), t)
if unread:
    st.warning(sentences(t, [unread, _("Their values cannot change Y.")]))
else:
    st.success(_("Every cell of X is read by at least one window."))

st.header(_("As a matrix"))
if st.toggle(_("Show Y = W·vec(X) and im2col(X) (the book's exercise 4)"), key="sw_matrix",
             **BIND):
    matrix_view(setting, t, width=phone)

st.header(_("The code"))
result = windows.loop_check(trace)
st.markdown(_("d2l's loop, `core.corr2d_loop` (its source, as it runs here):"))
st.code(result.loop_source, language="python")
plain_loop = result.loop_code == "corr2d_loop(X, K)"
st.markdown(_("The same Y from one PyTorch call (`F` is `torch.nn.functional`) and from the "
              "loop:") if plain_loop else
            _("The same Y from one PyTorch call (`F` is `torch.nn.functional`) and from the "
              "loop run on the padded X (stride: keep every s-th output; dilation: a kernel "
              "with holes):"))
st.code(f"Y = {result.torch_code}\nY = {result.loop_code}", language="python", wrap_lines=True)
if result.agree:
    st.success(fmt(t, "✓ Both give the same {h}×{w} Y (largest difference {diff:.2g}).",
                   h=Ho, w=Wo, diff=result.max_diff))
else:
    st.error(fmt(t, "✗ They differ (largest difference {diff:.3g}).", diff=result.max_diff))
page.end()
