"""Pooling (汇聚层): max and average pooling, the window played cell by cell in the browser, the
book's examples one click away, and the book's questions made visible."""

import streamlit as st
import torch

import core
from core import windows
from core.errors import NoOutput, PoolPaddingTooLarge
from core.torchcode import module_code
from i18n import N_, fmt
from ui.charts import heatmap_figure
from ui.frame import Frame, reject
from ui.grid import grid_input
from ui.lang import gettext_for_session
from ui.pooling import (
    INPUTS,
    animated,
    apply_example,
    book_check,
    example_label,
    matching_example,
    pooled,
    questions,
    quiz,
    setting_of,
    still,
)
from ui.url import BIND, choice
from ui.view import keyboard_steps
from ui.viewport import main_width
from viz import STATIC
from viz.grid import column_widths, narrow

MODES = {"max": N_("max pooling"), "avg": N_("average pooling")}

t = gettext_for_session()
_, ngettext = t

page = Frame("pl_", _("Pooling"), intro_as="caption", intro=_(
    "A pooling window slides over the input X like a kernel, but it has no weights: each stop "
    "keeps the largest value under it (max pooling) or their mean (average pooling). Press ▶ "
    "and watch Y fill."))

with st.sidebar:
    st.header(_("Input X"))
    source = choice(st.selectbox, _("Input"), INPUTS, key="pl_x", format_func=_,
                    label_visibility="collapsed")
    X, x_error = None, None
    if source == INPUTS[0]:
        X = torch.tensor([core.POOL_X], dtype=torch.float32)
    elif source == INPUTS[1]:
        X = torch.tensor([core.POOL_X16], dtype=torch.float32)
    elif source == INPUTS[2]:
        X = torch.tensor(core.POOL_X16_2, dtype=torch.float32)
    elif source == INPUTS[3]:
        rows_col, cols_col = st.columns(2)
        rows = rows_col.slider(_("Rows"), 1, 16, 6, key="pl_rows", **BIND)
        cols = cols_col.slider(_("Columns"), 1, 16, 6, key="pl_cols", **BIND)
        seed = st.slider(_("Random seed"), 0, 99, 0, key="pl_seed", **BIND,
                         help=_("X's entries are random digits 0–9; the seed picks which. "
                                "The same seed gives the same X."))
        X = windows.random_grid(int(rows), int(cols), seed=int(seed))[None]
    else:
        X, x_error = grid_input("X", key="pl_xgrid", default="0 1 2; 3 4 5; 6 7 8",
                                max_rows=16, max_cols=16)
        X = None if X is None else X[None]

    st.header(_("Pooling"))
    mode = choice(st.radio, _("Mode"), list(MODES), key="pl_mode",
                  format_func=lambda m: _(MODES[m]), horizontal=True)
    st.caption(_("Height ↕ on the left, width ↔ on the right. Padding is per side (PyTorch)."))
    left, right = st.columns(2)
    window = (left.slider(_("Window h"), 1, 8, 2, key="pl_k_h", **BIND),
              right.slider(_("Window w"), 1, 8, 2, key="pl_k_w", **BIND))
    same = st.toggle(_("stride = window (PyTorch default)"), key="pl_sdef", **BIND,
                     help=_("`nn.MaxPool2d` and `nn.AvgPool2d` stride by the window unless told "
                            "otherwise; a convolution strides by 1."))
    left, right = st.columns(2)
    stride_set = (left.slider(_("Stride h"), 1, 8, 1, key="pl_s_h", disabled=same, **BIND),
                  right.slider(_("Stride w"), 1, 8, 1, key="pl_s_w", disabled=same, **BIND))
    left, right = st.columns(2)
    padding = (left.slider(_("Padding h"), 0, 4, 0, key="pl_p_h", **BIND),
               right.slider(_("Padding w"), 0, 4, 0, key="pl_p_w", **BIND))
    ceil_mode = st.toggle("`ceil_mode`", key="pl_ceil", **BIND, help=_(
        "Round the output size up: one more, partial window at the end when the stride "
        "leaves cells over."))
    count_pad = st.toggle("`count_include_pad`", value=True, key="pl_cip", **BIND,
                          disabled=mode != "avg", help=_(
                              "Average pooling only: divide by the whole window, padding "
                              "included (on), or by the input cells in it (off)."))
    st.header(_("Predict, then reveal"))
    quizzing = st.toggle(_("Quiz: predict each output cell"), key="pl_quiz", **BIND,
                         help=_("Hides the output: type each cell's value, check it, then see "
                                "it. A teacher's link with the quiz on opens it for the class."))

if x_error:
    reject(x_error, hint=_("Fix the grid in the sidebar; rows are separated by “;”."))
    page.stop()

examples = _("**The book's examples**, one click each (they set the sidebar):")
# The projector view folds them away: the animation belongs on the first screen.
with st.expander(examples) if page.projector else st.container():
    if not page.projector:
        st.markdown(examples)
    cells = [col for _row in range(3) for col in st.columns(2)]
    for n, (name, col) in enumerate(zip(core.POOL_EXAMPLES, cells)):
        col.button(example_label(name, t), key=f"pl_ex_{n}", on_click=apply_example,
                   args=(name,), width="stretch")
    st.caption(_("The trap: `nn.MaxPool2d(3)` strides by 3, not 1. PyTorch's pooling stride "
                 "defaults to the window, so on the 4×4 input it fits one window."))

stride = None if same else stride_set
setting = setting_of(X, pool_size=window, mode=mode, padding=padding, stride=stride,
                     ceil_mode=ceil_mode, count_include_pad=count_pad)
try:
    Y = pooled(setting=setting)
except ValueError as e:
    hint = (_("Lower the padding to at most half the window, or widen the window.")
            if isinstance(e, PoolPaddingTooLarge) else
            _("Make the window smaller, add padding, or switch on `ceil_mode`.")
            if isinstance(e, NoOutput) else "")
    reject(e, lead=_("This pool has no output."), hint=hint)
    st.caption(_("The input as it stands:"))
    st.plotly_chart(heatmap_figure(X[0], title="X", width=column_widths(2)[0], lang=t.lang),
                    key="pl_bad_X", config=STATIC)
    page.stop()

example = None if quizzing else matching_example(  # the quiz: the book's Y not printed
    X, window, mode, padding, core.pool_stride(stride, window), ceil_mode)
if example:
    printed, same_y = book_check(example, Y)
    (st.success if same_y else st.error)(fmt(
        t, "The book's example `{code}`: the book prints {Y}; {verdict}", code=example.code,
        Y=printed, verdict=_("✓ the same here.") if same_y else _("✗ different here.")))

C = X.shape[0]
channel = 0
if C > 1:
    st.markdown(_("**Channels are pooled separately:** each input channel gives its own output "
                  "channel, C in and C out. Nothing is added up across channels, unlike the "
                  "channels page's convolution."))
    channel = int(choice(st.radio, _("Channel to animate"), [str(c) for c in range(C)],
                         key="pl_c", format_func=lambda c: fmt(t, "channel {c}", c=c),
                         horizontal=True))
phone = narrow(main_width())
if quizzing:  # the output and everything below it (the code's print, the questions) hidden
    quiz(t, setting=setting, channel=channel, width=phone, projector=page.projector)
    page.stop()
st.plotly_chart(animated(setting=setting, channel=channel, lang=t.lang, width=phone,
                         projector=page.projector),
                key="pl_anim", config={"displayModeBar": False})
if page.projector:
    keyboard_steps("pl_anim", play=2)  # ← → step, space plays (its ▶ Play button)
st.caption(_("Green: the window · orange ring: its maximum (every tie) · grey: padding, −∞ for "
             "max pooling (it never wins), 0 for average pooling · pale yellow cells past the "
             "padding: `ceil_mode`'s partial window, not counted · dashed line: the edge of X · "
             "empty: not computed yet."))
if C > 1:
    for c in range(C):
        st.plotly_chart(still(setting=setting, channel=c, lang=t.lang, width=phone,
                              projector=page.projector),
                        key=f"pl_still_{c}", config=STATIC)
page.essentials_end()

st.header(_("Output shape"))
steps = [core.pool_axis_formula(axis, n, k, p, s, ceil_mode=ceil_mode) for axis, n, k, p, s in
         zip("HW", X.shape[1:], window, padding, core.pool_stride(stride, window))]
st.code("\n".join(f.text for f in steps), language=None)
st.caption(fmt(t, "The convolution's rule, with the window as the kernel (dilation 1) and the "
                  "padding per side. The stride defaults to the window (PyTorch); here it is "
                  "{s}.", s=" × ".join(map(str, core.pool_stride(stride, window)))))
if ceil_mode:
    st.info(_("`ceil_mode` rounds up (⌈ ⌉): a last, partial window may hang past the padding. "
              "PyTorch drops it when it would start on the right padding (− 1 above).")
            if any(f.dropped for f in steps) else
            _("`ceil_mode` rounds up (⌈ ⌉): a last, partial window may hang past the padding; "
              "its cells there are not counted."))

st.header(_("The code"))
name = "MaxPool2d" if mode == "max" else "AvgPool2d"
extra = {"ceil_mode": True} if ceil_mode else {}
if mode == "avg" and not count_pad:
    extra["count_include_pad"] = False
code = module_code(name, kernel_size=window, stride=core.pool_stride(stride, window),
                   padding=padding, **extra)
printed = f"\n\nprint(Y)\n{Y}" if Y.numel() <= 32 else ""  # the book's size prints whole
st.code(f"pool = {code}\nY = pool(X)  # X: {tuple(X.shape)} → Y: {tuple(Y.shape)}{printed}",
        language="python")

questions(X[channel], window=window, padding=padding, stride=stride, ceil_mode=ceil_mode,
          lang=t.lang)
page.end()
