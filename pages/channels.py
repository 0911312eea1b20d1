"""Channels 多输入输出通道 and the 1×1 convolution: inputs add up, outputs stack."""


import streamlit as st

import core
from core import channels as ch
from core.errors import ChannelMismatch, NoOutput
from core.pysource import source_text
from ui.frame import Frame, reject
from ui.url import BIND
from ui.viewport import main_width
from viz.channels import groups_figure, matmul_figure, multi_in_figure, multi_out_figure
from viz.grid import narrow

CHART_CONFIG = {"displayModeBar": False}  # hover stays: compact views are read by hovering
TABS = ["Many inputs", "Many outputs", "1×1 convolution", "Cost"]

page = Frame("ch_", "Channels 多输入输出通道 & 1×1 卷积", (
    "A colour image has 3 channels, a hidden layer often hundreds. With several input "
    "channels the kernel gets one 2-D slice per channel and the results are **added**; for "
    "several output channels we stack one such kernel per output. With the default settings "
    "these are exactly the tensors of the d2l notebook."))
with st.sidebar:
    st.subheader("Shapes 形状")
    ci = st.slider("input channels ci", 1, ch.MAX_DRAWN_CHANNELS, 2, key="ch_ci", **BIND)
    co = st.slider("output channels co", 1, ch.MAX_DRAWN_CHANNELS, 3, key="ch_co", **BIND)
    n = st.slider("input size h = w", 1, ch.MAX_DRAWN_SIZE, 3, key="ch_n", **BIND)
    k = st.slider("kernel size kh = kw", 1, ch.MAX_DRAWN_KERNEL, 2, key="ch_k", **BIND)
    pad = st.slider("padding (per side)", 0, 3, 0, key="ch_pad", **BIND)
    stride = st.slider("stride", 1, 3, 1, key="ch_stride", **BIND)
    st.subheader("Values 数值")
    # No format_func on bound selectboxes: the URL would carry the formatted label.
    values = st.selectbox(
        "values", ch.VALUES, key="ch_values", **BIND,
        help="notebook: the seed's tensors (X[c] = 0, 1, 2, … + c; K[o, c] = 0, 1, … + c + o); "
             "integers: random 0–9; uniform: torch.rand in [0, 1), as the seed's 1×1 cell.",
    )
    seed = st.number_input("random seed", 0, 99_999, 0, key="ch_seed", **BIND,
                           disabled=values == "notebook", help="Same seed, same values.")
    st.subheader("Cost 参数量")
    groups = st.selectbox(
        "groups", list(range(1, ch.MAX_DRAWN_CHANNELS + 1)), key="ch_groups", **BIND,
        help="Split the channels into groups; output group j only sees input group j. "
             "groups = ci is a depthwise convolution. Changes the Cost tab; the figures "
             "in the other tabs always show groups = 1.",
    )
    with st.expander("Break it on purpose"):
        k_channels = st.selectbox(
            "input channels of K", ["same as X"] + list(range(1, ch.MAX_DRAWN_CHANNELS + 1)),
            key="ch_kci", **BIND,
            help="K must have one 2-D kernel per input channel; pick another number to see why.",
        )
# Lazy tabs (bound to the URL): only the open tab's section runs and is drawn, so a change
# in the sidebar redraws one figure, not four; a teacher's link opens the section it names.
tab_in, tab_out, tab_1x1, tab_cost = st.tabs(TABS, key="ch_tab", **BIND)

k_channels = ci if k_channels == "same as X" else k_channels
phone = narrow(main_width())  # a phone's column: the sheets lay themselves out for it
T = ch.channel_tensors(ci=ci, co=co, n=n, k=k, k_channels=k_channels, values=values,
                       seed=int(seed))


def chart(fig, key: str) -> None:
    """Draw a figure; say so when it is too big for numbers in the cells."""
    st.plotly_chart(fig, key=key, config=CHART_CONFIG)
    if not fig.plain_layout["meta"]["numbers"]:
        st.caption("Compact view: too many cells to write every number; hover a cell to read it.")


def fail(e: ValueError) -> None:
    """A core rule broken by the settings: say which, and what to change."""
    hint = ""
    if isinstance(e, ChannelMismatch):
        hint = ("Each input channel needs its own 2-D kernel slice. Set *input channels of "
                "K* (sidebar, “Break it on purpose”) back to “same as X”.")
    elif isinstance(e, NoOutput):
        hint = "Make the kernel smaller, the input larger, or add padding."
    reject(e, hint=hint)


def many_inputs() -> None:
    """Section 1: per-channel cross-correlations and their sum."""
    st.subheader("1 · Many inputs: add up 多输入通道")
    st.markdown(
        "Each input channel `X[c]` is cross-correlated with its own kernel slice `K[c]`; the "
        "ci results are then **added element by element** 按通道相加. Read each column top to "
        "bottom, then the last row from left to right."
    )
    try:
        mi = ch.multi_in(T.X, T.K[0], padding=pad, stride=stride)
    except ValueError as e:
        fail(e)
    else:
        chart(multi_in_figure(T.X, T.K[0], mi.parts, mi.Y, width=phone), "ch_fig_in")
        st.code(f"corr2d_multi_in(X, K)  # X: {tuple(T.X.shape)}, K: {tuple(T.K[0].shape)}, "
                f"padding={pad}, stride={stride} → {tuple(mi.Y.shape)}", language="python")


def many_outputs() -> None:
    """Section 2: one multi-input kernel per output channel, stacked."""
    st.subheader("2 · Many outputs: stack 多输出通道")
    st.markdown(
        "For co output channels, take co kernels of shape ci × kh × kw and stack them: the kernel "
        "is then **co × ci × kh × kw**. Each column below is one corr2d_multi_in over X, giving "
        "one output map 输出通道." + (
            " The notebook's columns are K, K + 1, K + 2." if values == "notebook" else "")
    )
    try:
        Y = core.corr2d_multi_in_out(T.X, T.K, padding=pad, stride=stride)
    except ValueError as e:
        fail(e)
    else:
        names = [f"K + {o}" if o else "K" for o in range(co)] if values == "notebook" else None
        chart(multi_out_figure(T.K, Y, col_names=names, width=phone), "ch_fig_out")
        st.code(f"corr2d_multi_in_out(X, K)  # K: {tuple(T.K.shape)} → Y: {tuple(Y.shape)}",
                language="python")


def one_by_one_section() -> None:
    """Section 3: the 1×1 convolution as a matrix product, checked against corr2d."""
    st.subheader("3 · 1×1 convolution = a fully connected layer 1×1卷积层")
    st.markdown(
        "With a 1×1 kernel every output pixel only mixes the channels **at the same pixel**. Treat "
        "the channels as features and the h·w pixels as samples: the convolution is one matrix "
        "product 全连接层. `Y[o, j]` is row o of K times column j of X (outlined in red for "
        "o = j = 0). No padding or stride here, as in the notebook."
    )
    try:
        ob = ch.one_by_one(T.X, T.K1)
    except ValueError as e:
        fail(e)
    else:
        chart(matmul_figure(ob.Xm, ob.Km, ob.Ym, ob.Y1, width=phone), "ch_fig_1x1")
        verdict = "< 1e-6 ✓ the same" if ob.passes else "≥ 1e-6 ✗ different"
        (st.success if ob.passes else st.error)(
            f"Y1 = corr2d_multi_in_out_1x1(X, K), Y2 = corr2d_multi_in_out(X, K): "
            f"‖Y1 − Y2‖ = {ob.norm:.3g} {verdict}  (X: {tuple(T.X.shape)}, K: {tuple(T.K1.shape)})"
        )
        with st.expander("The code: 1×1 convolution as a matrix product"):
            st.code(source_text(core.corr2d_multi_in_out_1x1), language="python")


def cost() -> None:
    """Section 4: parameters and MACs of nn.Conv2d with these settings, with groups."""
    st.subheader("4 · Cost: parameters and multiply-accumulates 参数量与计算量")
    st.markdown(
        "What `nn.Conv2d` with these settings stores and computes for one image. **groups** "
        "(sidebar) splits the channels: each output channel then sees only ci / groups inputs, "
        "which divides both numbers by groups; groups = ci is a *depthwise* convolution."
    )
    try:
        rows = ch.cost_comparison(ci, co, k, input_size=n, padding=pad, stride=stride,
                                  groups=groups)
    except ValueError as e:
        fail(e)
    else:
        try:
            c = ch.conv_cost(ci, co, k, input_size=n, padding=pad, stride=stride, groups=groups)
        except ValueError as e:
            c = None
            reject(e, hint="Depthwise means groups = ci, which needs co to be a multiple of ci.")
        if c:
            st.code(c.line, language="python")
            m1, m2, m3 = st.columns(3)
            m1.metric("parameters", f"{c.params:,}", help="weights + one bias per output channel")
            m2.metric("multiply-accumulates (MACs)", f"{c.macs:,}", help="for one input image")
            h_out, w_out = c.output_size
            m3.metric("output co × h_out × w_out", f"{co} × {h_out} × {w_out}")
            st.markdown(
                f"weights = co · (ci / groups) · kh · kw = {co} · {ci // groups} · {k} · {k} = "
                f"**{c.weights:,}**, plus {c.biases} biases. MACs = weights · h_out · w_out = "
                f"{c.weights:,} · {h_out} · {w_out} = **{c.macs:,}**."
            )
        left, right = st.columns([1, 2]) if c else (None, st.container())
        if c:
            with left:
                mask = ch.group_mask(ci, co, groups)
                chart(groups_figure(mask, kernel=f"{k}×{k}"), "ch_fig_groups")
                st.caption("Each coloured cell is one k×k kernel of the weight: groups remove the "
                           "blocks off the diagonal, and with them parameters and MACs.")
        right.table([{
            "layer": r.name,
            "parameters": f"{r.params:,}" if r.layers else "–",
            "MACs": f"{r.macs:,}" if r.layers else "–",
            "MACs vs standard": f"{r.macs / rows[0].macs:.2f}×" if r.layers else "–",
            "as nn.Conv2d": " → ".join(x.line for x in r.layers) or r.why,
        } for r in rows])


for tab, section in zip((tab_in, tab_out, tab_1x1, tab_cost),
                        (many_inputs, many_outputs, one_by_one_section, cost)):
    if tab.open:
        with tab:
            section()
page.end()
