"""Channels and the 1×1 convolution: inputs add up, outputs stack; in the visitor's language."""


import streamlit as st

import core
from core import channels as ch
from core.errors import ChannelMismatch, NoOutput
from core.pysource import source_text
from i18n import N_, error_text, fmt
from ui.frame import Frame, reject
from ui.lang import gettext_for_session
from ui.url import BIND, choice, tabs
from ui.viewport import main_width
from viz.channels import groups_figure, matmul_figure, multi_in_figure, multi_out_figure
from viz.grid import narrow

CHART_CONFIG = {"displayModeBar": False}  # hover stays: compact views are read by hovering
#: The tabs' ids: what links carry (the English names links have always carried).
TABS = [N_("Many inputs"), N_("Many outputs"), N_("1×1 convolution"), N_("Cost")]
#: The values' names (ids of core.channels.VALUES, shown translated).
VALUE_NAMES = {"notebook": N_("notebook"), "integers": N_("integers"), "uniform": N_("uniform")}
SAME = N_("same as X")  # K's input channels follow X's

t = gettext_for_session()
_, ngettext = t

page = Frame("ch_", _("Channels & 1×1"), _(
    "A colour image has 3 channels, a hidden layer often hundreds. With several input "
    "channels the kernel gets one 2-D slice per channel and the results are **added**; for "
    "several output channels we stack one such kernel per output. With the default settings "
    "these are exactly the tensors of the d2l notebook."))
with st.sidebar:
    st.subheader(_("Shapes"))
    ci = st.slider(_("input channels ci"), 1, ch.MAX_DRAWN_CHANNELS, 2, key="ch_ci", **BIND)
    co = st.slider(_("output channels co"), 1, ch.MAX_DRAWN_CHANNELS, 3, key="ch_co", **BIND)
    n = st.slider(_("input size h = w"), 1, ch.MAX_DRAWN_SIZE, 3, key="ch_n", **BIND)
    k = st.slider(_("kernel size kh = kw"), 1, ch.MAX_DRAWN_KERNEL, 2, key="ch_k", **BIND)
    pad = st.slider(_("padding (per side)"), 0, 3, 0, key="ch_pad", **BIND)
    stride = st.slider(_("stride"), 1, 3, 1, key="ch_stride", **BIND)
    st.subheader(_("Values"))
    # A choice, not a bound selectbox: the link carries the id, the box shows its name.
    values = choice(
        st.selectbox, _("values"), ch.VALUES, key="ch_values",
        format_func=lambda v: _(VALUE_NAMES[v]),
        help=_("notebook: the seed's tensors (X[c] = 0, 1, 2, … + c; K[o, c] = 0, 1, … + c + o); "
               "integers: random 0–9; uniform: torch.rand in [0, 1), as the seed's 1×1 cell."),
    )
    seed = st.number_input(_("random seed"), 0, 99_999, 0, key="ch_seed", **BIND,
                           disabled=values == "notebook", help=_("Same seed, same values."))
    st.subheader(_("Cost"))
    groups = st.selectbox(
        _("groups"), list(range(1, ch.MAX_DRAWN_CHANNELS + 1)), key="ch_groups", **BIND,
        help=_("Split the channels into groups; output group j only sees input group j. "
               "groups = ci is a depthwise convolution. Changes the Cost tab; the figures "
               "in the other tabs always show groups = 1."),
    )
    with st.expander(_("Break it on purpose")):
        k_channels = choice(
            st.selectbox, _("input channels of K"),
            [SAME] + [str(c) for c in range(1, ch.MAX_DRAWN_CHANNELS + 1)], key="ch_kci",
            format_func=_,
            help=_("K must have one 2-D kernel per input channel; pick another number to see "
                   "why."),
        )
# Lazy tabs (their ids in the URL): only the open tab's section runs and is drawn, so a change
# in the sidebar redraws one figure, not four; a teacher's link opens the section it names.
tab_in, tab_out, tab_1x1, tab_cost = tabs(TABS, key="ch_tab", format_func=_)

k_channels = ci if k_channels == SAME else int(k_channels)
phone = narrow(main_width())  # a phone's column: the sheets lay themselves out for it
T = ch.channel_tensors(ci=ci, co=co, n=n, k=k, k_channels=k_channels, values=values,
                       seed=int(seed))


def chart(fig, key: str) -> None:
    """Draw a figure; say so when it is too big for numbers in the cells."""
    st.plotly_chart(fig, key=key, config=CHART_CONFIG)
    if not fig.plain_layout["meta"]["numbers"]:
        st.caption(_("Compact view: too many cells to write every number; hover a cell to read "
                     "it."))


def fail(e: ValueError) -> None:
    """A core rule broken by the settings: say which, and what to change."""
    hint = ""
    if isinstance(e, ChannelMismatch):
        hint = _("Each input channel needs its own 2-D kernel slice. Set *input channels of "
                 "K* (sidebar, “Break it on purpose”) back to “same as X”.")
    elif isinstance(e, NoOutput):
        hint = _("Make the kernel smaller, the input larger, or add padding.")
    reject(e, hint=hint)


def many_inputs() -> None:
    """Section 1: per-channel cross-correlations and their sum."""
    st.subheader(_("1 · Many inputs: add up"))
    st.markdown(_(
        "Each input channel `X[c]` is cross-correlated with its own kernel slice `K[c]`; the "
        "ci results are then **added element by element**. Read each column top to "
        "bottom, then the last row from left to right."
    ))
    try:
        mi = ch.multi_in(T.X, T.K[0], padding=pad, stride=stride)
    except ValueError as e:
        fail(e)
    else:
        chart(multi_in_figure(T.X, T.K[0], mi.parts, mi.Y, width=phone, lang=t.lang,
                              projector=page.projector),
              "ch_fig_in")
        st.code(f"corr2d_multi_in(X, K)  # X: {tuple(T.X.shape)}, K: {tuple(T.K[0].shape)}, "
                f"padding={pad}, stride={stride} → {tuple(mi.Y.shape)}", language="python")


def many_outputs() -> None:
    """Section 2: one multi-input kernel per output channel, stacked."""
    st.subheader(_("2 · Many outputs: stack"))
    st.markdown(_(
        "For co output channels, take co kernels of shape ci × kh × kw and stack them: the kernel "
        "is then **co × ci × kh × kw**. Each column below is one `corr2d_multi_in` over X, "
        "giving one output channel.") + (
            _(" The notebook's columns are K, K + 1, K + 2.") if values == "notebook" else "")
    )
    try:
        Y = core.corr2d_multi_in_out(T.X, T.K, padding=pad, stride=stride)
    except ValueError as e:
        fail(e)
    else:
        names = [f"K + {o}" if o else "K" for o in range(co)] if values == "notebook" else None
        chart(multi_out_figure(T.K, Y, col_names=names, width=phone, lang=t.lang,
                               projector=page.projector), "ch_fig_out")
        st.code(f"corr2d_multi_in_out(X, K)  # K: {tuple(T.K.shape)} → Y: {tuple(Y.shape)}",
                language="python")


def one_by_one_section() -> None:
    """Section 3: the 1×1 convolution as a matrix product, checked against corr2d."""
    st.subheader(_("3 · 1×1 convolution = a fully connected layer"))
    st.markdown(_(
        "With a 1×1 kernel every output pixel only mixes the channels **at the same pixel**. Treat "
        "the channels as features and the h·w pixels as samples: the convolution is one matrix "
        "product, a fully connected layer. `Y[o, j]` is row o of K times column j of X "
        "(outlined in red for o = j = 0). No padding or stride here, as in the notebook."
    ))
    try:
        ob = ch.one_by_one(T.X, T.K1)
    except ValueError as e:
        fail(e)
    else:
        chart(matmul_figure(ob.Xm, ob.Km, ob.Ym, ob.Y1, width=phone, lang=t.lang,
                            projector=page.projector), "ch_fig_1x1")
        verdict = (fmt(t, "{verdict} the same", verdict=ob.verdict) if ob.passes
                   else fmt(t, "{verdict} different", verdict=ob.verdict))
        (st.success if ob.passes else st.error)(
            f"Y1 = corr2d_multi_in_out_1x1(X, K), Y2 = corr2d_multi_in_out(X, K): "
            f"‖Y1 − Y2‖ = {ob.norm:.3g} {verdict}  (X: {tuple(T.X.shape)}, K: {tuple(T.K1.shape)})"
        )
        if ob.tolerance > ch.TOLERANCE:
            st.caption(_("The bound is the notebook's 1e-6, or float32's round-off for these sizes "
                         "when that is larger: both sides add the same ci products in float32, "
                         "in different orders."))
        with st.expander(_("The code: 1×1 convolution as a matrix product")):
            st.code(source_text(core.corr2d_multi_in_out_1x1), language="python")


def cost() -> None:
    """Section 4: parameters and MACs of nn.Conv2d with these settings, with groups."""
    st.subheader(_("4 · Cost: parameters and multiply-accumulates"))
    st.markdown(_(
        "What `nn.Conv2d` with these settings stores and computes for one image. `groups` "
        "(sidebar) splits the channels: each output channel then sees only ci / `groups` "
        "inputs, which divides both numbers by `groups`; `groups` = ci is a *depthwise* "
        "convolution."
    ))
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
            reject(e, hint=_("Depthwise means `groups` = ci, which needs co to be a multiple of "
                             "ci."))
        if c:
            st.code(c.line, language="python")
            m1, m2, m3 = st.columns(3)
            m1.metric(_("parameters"), f"{c.params:,}",
                      help=_("weights + one bias per output channel"))
            m2.metric(_("multiply-accumulates (MACs)"), f"{c.macs:,}",
                      help=_("for one input image"))
            h_out, w_out = c.output_size
            m3.metric(_("output co × h_out × w_out"), f"{co} × {h_out} × {w_out}")
            st.markdown(fmt(
                t, "weights = co · (ci / groups) · kh · kw = {co} · {cg} · {k} · {k} = "
                   "**{weights:,}**, plus {biases} biases. MACs = weights · h_out · w_out = "
                   "{weights:,} · {h_out} · {w_out} = **{macs:,}**.",
                co=co, cg=ci // groups, k=k, weights=c.weights, biases=c.biases, h_out=h_out,
                w_out=w_out, macs=c.macs))
        left, right = st.columns([1, 2]) if c else (None, st.container())
        if c:
            with left:
                mask = ch.group_mask(ci, co, groups)
                chart(groups_figure(mask, kernel=f"{k}×{k}", lang=t.lang), "ch_fig_groups")
                st.caption(_("Each coloured cell is one k×k kernel of the weight: groups remove "
                             "the blocks off the diagonal, and with them parameters and MACs."))
        right.table([{
            _("layer"): layer_name(r, ci=ci, groups=groups),
            _("parameters"): f"{r.params:,}" if r.layers else "–",
            "MACs": f"{r.macs:,}" if r.layers else "–",
            _("MACs vs standard"): f"{r.macs / rows[0].macs:.2f}×" if r.layers else "–",
            _("as nn.Conv2d"): " → ".join(x.line for x in r.layers) or why_not(r, ci=ci, co=co),
        } for r in rows])


def layer_name(r: ch.CostRow, *, ci: int, groups: int) -> str:
    """A row of the cost table named in the reader's language (core names it in English)."""
    if r.kind == "standard":
        return _("standard (groups=1)")
    if r.kind == "grouped":
        return fmt(t, "grouped (groups={groups})", groups=groups)
    if r.kind == "depthwise":
        return fmt(t, "depthwise (groups=ci={ci})", ci=ci)
    return _("depthwise separable (depthwise + 1×1)")


def why_not(r: ch.CostRow, *, ci: int, co: int) -> str:
    """Why a row of the cost table cannot be built, in the reader's language."""
    if r.kind == "depthwise":
        return fmt(t, "depthwise needs co to be a multiple of ci: co={co}, ci={ci}", co=co, ci=ci)
    return error_text(t, r.error) if r.error is not None else r.why


for tab, section in zip((tab_in, tab_out, tab_1x1, tab_cost),
                        (many_inputs, many_outputs, one_by_one_section, cost)):
    if tab.open:
        with tab:
            section()
page.end()
