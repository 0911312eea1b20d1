"""Shapes & padding: what comes out of a convolution, of a stack of layers, and which
padding gives the size you want (d2l's padding and stride), in the visitor's language.
All numbers come from core (formula, plan, padding).

Each tab is an ``st.fragment``: its widgets rerun that tab alone, not the other two (the
planner's table costs more than the rest of the page). The tabs share no setting."""

import pandas as pd
import streamlit as st

import ui.shapes as U
from core.formula import (
    D2L_TEX,
    MAX_INPUT,
    PYTORCH_TEX,
    SEED_CELLS,
    ConvGeometry,
    format_count,
    formulas,
    torch_check_limit,
    window_map,
)
from core.layers import MAX_LAYER_CHANNELS
from core.padding import (
    SOLVER_KERNELS,
    SOLVER_STRIDES,
    no_solution_advice,
    solve_padding,
    strides_without_solution,
)
from core.plan import LENET, LENET_INPUT, plan_text, run_limit, sequential_script
from core.torchcode import MAX_TEXT
from i18n import N_, error_text, fmt, sentences
from ui.frame import Frame, reject
from ui.lang import gettext_for_session, plotly_words
from ui.url import BIND, choice, tabs
from viz.config import chart_config
from viz.shapes import window_figure

#: The tabs' ids (what links carry) and the padding modes' (numbers, or PyTorch's strings).
TABS = (N_("Calculator"), N_("Layer planner"), N_("Padding solver"))
PAD_MODES = {"numbers": N_("numbers"), "same": N_("same"), "valid": N_("valid")}
#: The solver table's columns (core.padding.PaddingSolution.row) in the reader's language.
SOLVER_COLUMNS = {"kernel": N_("kernel"), "stride": N_("stride"), "dilation": N_("dilation"),
                  "before": N_("before"), "after": N_("after"), "d2l p": N_("d2l p"),
                  "PyTorch (both axes, 1 channel)": N_("PyTorch (both axes, 1 channel)")}
#: (its "same" column keeps PyTorch's word: the value of padding="same" it marks)

t = gettext_for_session()
_, ngettext = t
say = t.gettext  # for core's wording; a bare name: pybabel reads any "gettext" as a call

page = Frame("sh_", _("Shapes & padding"), _(
    "What shape comes out of a convolution, and what padding do you need? The notebook's "
    "padding and stride cells, as a calculator, a layer planner and a padding solver."))
calc, planner, solver = tabs(TABS, key="sh_tab", format_func=_)


@st.fragment
def calculator() -> None:
    """The calculator tab (a fragment: its widgets rerun it alone)."""
    st.subheader(_("Output shape"))
    st.caption(_("The notebook's four cells (In [26]–[28]) on its 8×8 input, one click each:"))
    for col, (i, g) in zip(st.columns(4), enumerate(SEED_CELLS)):
        col.button(g.label(), key=f"sh_seed{i}", on_click=U.use_seed, args=(i,), width="stretch")
    sq = st.toggle(_("Square: one value for rows and columns (h = w)"), key="sh_square", **BIND,
                   on_change=U.square_changed)
    c = st.columns(5)
    size = U.pair_input(c[0], _("Input n"), "in", 1, MAX_INPUT, boxes=True, square=sq)
    kernel = U.pair_input(c[1], _("Kernel k"), "k", 1, 32, square=sq)
    mode = choice(c[2].radio, _("**Padding p** per side"), list(PAD_MODES), key="sh_pad",
                  format_func=lambda m: _(PAD_MODES[m]), horizontal=True)
    pads = U.pair_input(c[2], "", "p", 0, 32, disabled=mode != "numbers", square=sq)
    stride = U.pair_input(c[3], _("Stride s"), "s", 1, 16, square=sq)
    dilation = U.pair_input(c[4], _("Dilation d"), "d", 1, 16, square=sq)
    g = ConvGeometry(size, kernel, pads if mode == "numbers" else mode, stride, dilation)
    try:
        out = g.output_shape()
    except ValueError as e:
        out = None
        reject(e)
    if out:
        left, right = st.columns([1, 3])
        left.metric(_("Output shape (H × W)"), f"{out[0]} × {out[1]}")
        shape, meta = U.torch_shape(size, kernel, g.padding, stride, dilation)
        if shape == out:
            checked = dict(code=g.code(), x=f"torch.zeros(1, 1, {size[0]}, {size[1]})",
                           y=f"torch.Size([1, 1, {shape[0]}, {shape[1]}])")
            check = (fmt(t, "✓ Checked by PyTorch on the meta device (shapes only): `{code}` on "
                            "`{x}` gives `{y}`.", **checked) if meta else
                     fmt(t, "✓ Checked by PyTorch: `{code}` on `{x}` gives `{y}`.", **checked))
            if meta:
                check += " " + fmt(t, "A real run is left out: {why}.",
                                   why=torch_check_limit(g, out, say))
            right.success(check)
        else:
            right.error(fmt(t, "PyTorch gives {torch}, the formula {formula}: please report "
                               "this.", torch=shape, formula=out))
    try:
        fh, fw = formulas(g)
    except ValueError:
        fh = fw = None  # "same" with a stride: the error above already says why
    if fh:
        a, b = st.columns(2, border=True)
        a.markdown(_("**PyTorch** · p = `padding`, cells added on **each** side"))
        a.latex(PYTORCH_TEX)
        a.markdown(f"H: {fh.pytorch}  \nW: {fw.pytorch}")
        a.caption(_("2p is written out as cells before + after (they differ for an even "
                    "kernel with \"same\")."))
        b.markdown(_("**d2l** · p_h = padding on **both** sides together (2 × PyTorch's)"))
        b.latex(D2L_TEX)
        b.markdown(f"H: {fh.d2l}  \nW: {fw.d2l}")
        if dilation != (1, 1):
            b.caption(_("d2l's rule has no dilation: k here is the dilated kernel's span "
                        "d·(k − 1) + 1."))
        if min(fh.out, fw.out) < 1:
            st.warning(_("A result below 1 means no window fits: no output."))
    pic, notes = st.columns([3, 2])
    notes.info(_("**Reading the notebook's comments**  \n"
                 "`padding=(2, 1)` pads **2 rows on top and 2 on the bottom, 1 column left and 1 "
                 "right**: the first number is for the height, the second for the width; the "
                 "comment says the opposite. And ⌊ ⌋ is the floor: it rounds **down**, not up."))
    if fh and min(fh.out, fw.out) >= 1:
        try:
            wm = window_map(g)
        except ValueError as e:  # a drawing limit, not a refused setting: a caption
            pic.caption(fmt(t, "No picture: {why}.", why=error_text(t, e)))
        else:
            pic.caption(fmt(t, "The padded input: a dot where each of the {h}×{w} windows "
                               "starts, red squares = the taps of the window for Y[0, 0].",
                            h=wm.out[0], w=wm.out[1]))
            pic.plotly_chart(window_figure(wm, lang=t.lang), key="sh_windows",
                             config=chart_config(t.lang, displaylogo=False))
            plotly_words()
            for rows_, cells in ((True, wm.unreached_rows), (False, wm.unreached_cols)):
                if cells:
                    listed = _(", ").join(map(str, cells))
                    notes.warning(
                        fmt(t, "Rows {cells} of the input are never read: the stride jumps past "
                               "them, so they cannot change the output.", cells=listed)
                        if rows_ else
                        fmt(t, "Columns {cells} of the input are never read: the stride jumps "
                               "past them, so they cannot change the output.", cells=listed))


with calc:
    calculator()


@st.fragment
def layer_planner() -> None:
    """The layer planner tab (a fragment: its widgets rerun it alone)."""
    st.subheader(_("Layer planner"))
    c = st.columns(3)
    C = U.int_input(c[0], _("input channels"), 1, MAX_LAYER_CHANNELS, LENET_INPUT[0],
                    "sh_net_c", on_change=U.stack_changed)
    H = U.int_input(c[1], _("input height"), 1, MAX_INPUT, LENET_INPUT[1], "sh_net_h",
                    on_change=U.stack_changed)
    W = U.int_input(c[2], _("input width"), 1, MAX_INPUT, LENET_INPUT[2], "sh_net_w",
                    on_change=U.stack_changed)
    text = st.text_area(
        _("Layers: the compact form (it goes into the link), or paste PyTorch"), LENET,
        key="sh_layers", **BIND, on_change=U.stack_changed, max_chars=MAX_TEXT, height=68,
        help=_("`conv:OUT,K,S,P,D,G,BIAS` and `pool:max,K,S,P,D` / `pool:avg,K,S,P`, separated "
               "by `;`. K, S, P, D: a number or rows×cols like `5x3`; P may be `same` or "
               "`valid` for convs. Trailing fields can be left out (PyTorch's defaults). Or "
               "paste `nn.Conv2d(...)`, `nn.MaxPool2d(...)`, `nn.AvgPool2d(...)` lines or a "
               "whole `nn.Sequential(...)`: read, never run, and turned into the compact form."))
    if note := U.paste_note(text):
        st.info(note)
    st.caption(sentences(t, ([_("The default stack is the convolution part of d2l's LeNet.")]
                             if text == LENET else [])
                         + [_("Edit the table (＋ below it adds a layer; select rows and press "
                              "Delete to remove them) or the text above (Ctrl+Enter applies "
                              "it).")]))
    p = plan_text((C, H, W), text)
    n_rows = U.layer_table(text, p)
    if p.error:
        reject(p.error, hint=_("The rows before it still work; fix this layer to go on."))
    summary = dict(shape="×".join(map(str, p.out_shape)), done=len(p.rows), total=n_rows,
                   params=format_count(p.params), macs=format_count(p.macs))
    st.markdown(
        fmt(t, "**Before the error: {shape}** after {done} of {total} layers · {params} "
               "parameters · {macs} multiply-accumulates", **summary) if p.error else
        fmt(t, "**Output: {shape}** after {done} of {total} layers · {params} parameters · "
               "{macs} multiply-accumulates", **summary))
    if p.error is None and p.rows:
        st.code(sequential_script(p), language="python")
        shape, meta = U.run_export((C, H, W), text)
        if shape == (1,) + p.out_shape:
            size_text = f"torch.Size({list(shape)})"
            ran = (fmt(t, "✓ Ran this code on the meta device (shapes only): `Y.shape` is "
                          "`{shape}`, as planned.", shape=size_text) if meta else
                   fmt(t, "✓ Ran this code: `Y.shape` is `{shape}`, as planned.",
                       shape=size_text))
            if meta:
                ran += " " + fmt(t, "A real run is left out: {why}.",
                                 why=run_limit(p, say))
            st.success(ran)
        else:
            st.error(fmt(t, "Running the code gives {shape}, the plan {plan}: please report it.",
                         shape=shape, plan=p.out_shape))


with planner:
    layer_planner()


@st.fragment
def padding_solver() -> None:
    """The padding solver tab (a fragment: its widgets rerun it alone)."""
    st.subheader(_("Padding solver"))
    st.caption(_("Each axis is solved on its own: solve for the height, then for the width."))
    c = st.columns(5)
    n = U.int_input(c[0], _("input size n"), 1, MAX_INPUT, 8, "sh_sol_n")
    m = U.int_input(c[1], _("wanted output"), 1, MAX_INPUT, 8, "sh_sol_m")
    ks = c[2].slider(_("kernel sizes"), *SOLVER_KERNELS, (1, 7), key="sh_sol_k", **BIND)
    ss = c[3].slider(_("strides"), *SOLVER_STRIDES, (1, 2), key="sh_sol_s", **BIND)
    d = U.int_input(c[4], _("dilation"), 1, 8, 1, "sh_sol_d")
    try:
        found = solve_padding(n, m, kernels=ks, strides=ss, dilation=d)
    except ValueError as e:
        found = None
        reject(e)
    if found:
        table = pd.DataFrame([s.row() for s in found])
        st.dataframe(table.rename(columns=lambda c: _(SOLVER_COLUMNS.get(c, c))),
                     hide_index=True, width="stretch")
        st.caption(_("Padding before and after along the axis; d2l's p is both together. Left "
                     "out: paddings so wide that a whole window could sit in the zeros (a side "
                     "≥ the kernel's span). “same” marks PyTorch's `padding=\"same\"`. The code "
                     "pads both axes alike (1 channel in and out: change the first two "
                     "numbers); uneven padding goes into `nn.ZeroPad2d` first."))
        if none := strides_without_solution(found, ss):
            st.caption(fmt(t, "No solution with stride {strides}: a stride s divides the size "
                              "by about s.", strides=_(", ").join(map(str, none))))
    elif found is not None:
        st.warning(no_solution_advice(n, m, kernels=ks, strides=ss, dilation=d,
                                      gettext=say))


with solver:
    padding_solver()


page.end()
