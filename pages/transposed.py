"""Transposed convolution (转置卷积): every input cell stamps K scaled by its value onto the
output; the same Y as an ordinary convolution and as Wᵀ·vec(X), in the visitor's language."""

import streamlit as st
import torch

import ui.transposed as U
from core import transposed as tc
from core.windows import num, random_grid
from i18n import N_, fmt
from ui.frame import Frame, reject
from ui.grid import grid_input
from ui.lang import gettext_for_session
from ui.quiz import predict_then_reveal
from ui.url import BIND, choice, tabs
from ui.view import keyboard_steps
from ui.viewport import main_width
from viz import STATIC
from viz.grid import narrow

#: The choices' and tabs' ids (what links carry), shown in the visitor's language.
INPUTS = (N_("d2l X 2×2"), N_("random integers"), N_("typed"))
KERNELS = (N_("d2l 2×2"), N_("typed"))
VIEWS = (N_("Scatter"), N_("As a convolution"), N_("As a matrix"))
#: The geometry sliders: key, label for height and width, range, default.
GEOMETRY = (("stride", N_("Stride h"), N_("Stride w"), 1, 4, 1),
            ("pad", N_("Padding h"), N_("Padding w"), 0, 4, 0),
            ("op", N_("Output padding h"), N_("Output padding w"), 0, 3, 0),
            ("dil", N_("Dilation h"), N_("Dilation w"), 1, 3, 1))
#: The book's examples, one click each: label and (stride, padding) on both axes.
BOOK = ((N_("Book: stride 1, no padding"), 1, 0), (N_("Book: padding 1"), 1, 1),
        (N_("Book: stride 2"), 2, 0))

t = gettext_for_session()
_, ngettext = t


def use_book(stride: int, padding: int) -> None:
    """Load one of the book's examples: its X and K, stride and padding, nothing else."""
    st.session_state["tc_x"] = st.session_state["tc_k"] = INPUTS[0]
    for name, _h, _w, _lo, _hi, default in GEOMETRY:
        value = {"stride": stride, "pad": padding}.get(name, default)
        st.session_state[f"tc_{name}_h"] = st.session_state[f"tc_{name}_w"] = value


page = Frame("tc_", _("Transposed convolution"), intro=_(
    "A transposed convolution makes a larger output from a smaller input: each input cell "
    "multiplies the whole kernel K by its value and adds it onto the output at its place, "
    "s cells apart; where stamps overlap they add up. Press ▶ and watch Y grow. The same Y "
    "comes out of an ordinary convolution and out of a matrix product."))

with st.sidebar:
    st.header(_("Input X"))
    source = choice(st.selectbox, _("Input"), INPUTS, key="tc_x", format_func=_,
                    label_visibility="collapsed")
    X, x_error = None, None
    if source == INPUTS[0]:
        X = torch.tensor(tc.TRANS_X, dtype=torch.float32)
    elif source == INPUTS[1]:
        rows_col, cols_col = st.columns(2)
        rows = rows_col.slider(_("Rows"), 1, 8, 3, key="tc_rows", **BIND)
        cols = cols_col.slider(_("Columns"), 1, 8, 3, key="tc_cols", **BIND)
        seed = st.slider(_("Random seed"), 0, 99, 0, key="tc_seed", **BIND,
                         help=_("X's entries are random digits 0–9; the seed picks which. "
                                "The same seed gives the same X."))
        X = random_grid(int(rows), int(cols), seed=int(seed))
    else:
        X, x_error = grid_input("X", key="tc_xgrid", default="0 1; 2 3", max_rows=8, max_cols=8)

    st.header(_("Kernel K"))
    k_source = choice(st.selectbox, _("Kernel"), KERNELS, key="tc_k", format_func=_,
                      label_visibility="collapsed")
    K, k_error = None, None
    if k_source == KERNELS[0]:
        K = torch.tensor(tc.TRANS_K, dtype=torch.float32)
    else:
        K, k_error = grid_input("K", key="tc_kgrid", default="0 1; 2 3", max_rows=5, max_cols=5)

    st.header(_("Stride, padding and dilation"))
    st.caption(_("Height ↕ on the left, width ↔ on the right. Padding crops that many cells "
                 "from each side of the output; output padding adds cells at the bottom and "
                 "right (PyTorch's rules)."))
    geometry = {}
    for name, label_h, label_w, lo, hi, default in GEOMETRY:
        left, right = st.columns(2)
        geometry[name] = tuple(int(col.slider(
            _(label), lo, hi, default, key=f"tc_{name}_{axis}", **BIND,
        )) for col, label, axis in ((left, label_h, "h"), (right, label_w, "w")))
    st.header(_("Predict, then reveal"))
    quiz = st.toggle(_("Quiz: predict each output cell"), key="tc_quiz", **BIND,
                     help=_("Hides the output: type each cell's value, check it, then see it. "
                            "A teacher's link with the quiz on opens it for the class."))

if not page.projector:  # at a projector: the figure first (the sidebar has the settings)
    st.caption(_("The book's examples, one click each (X = K = [[0, 1], [2, 3]]):"))
    for col, (i, (label, stride, padding)) in zip(st.columns(len(BOOK)), enumerate(BOOK)):
        col.button(_(label), key=f"tc_book{i}", on_click=use_book, args=(stride, padding),
                   width="stretch")

for error in (x_error, k_error):
    if error:
        reject(error, hint=_("Fix the grid in the sidebar; rows are separated by “;”."))
if X is None or K is None:
    page.stop()

setting = U.setting_of(X, K, padding=geometry["pad"], stride=geometry["stride"],
                       dilation=geometry["dil"], output_padding=geometry["op"])
try:
    g = U.geometry(setting)
except ValueError as e:
    reject(e, lead=_("This configuration has no output."),
           hint=_("Change the setting named above in the sidebar; X and K stay as typed."))
    page.stop()

phone = narrow(main_width())
if page.projector and not quiz:  # the scatter animation alone, large, stepped by the keyboard
    st.plotly_chart(U.scatter_figure(setting=setting, lang=t.lang, width=phone, projector=True),
                    key="tc_anim", config={"displayModeBar": False})
    keyboard_steps("tc_anim", play=2)  # ← → step, space plays (its ▶ Play button)
    page.essentials_end()
st.header(_("Output shape"))
st.code("\n".join(tc.output_shape_text(tuple(X.shape), tuple(K.shape), g)), language=None)
st.caption(fmt(t, "`(n − 1)·s − 2p + d·(k − 1) + output_padding + 1`: an input of {h}×{w} "
                  "gives an output of {oh}×{ow}.", h=X.shape[0], w=X.shape[1],
               oh=g.output_shape[0], ow=g.output_shape[1]))

if quiz:
    # Every other view shows Y: the quiz shows only X, K and the cells already answered.
    sc, Wo = U.scattered(setting=setting), g.output_shape[1]

    def reveal(n: int) -> str:
        i, j = divmod(n, Wo)
        terms = tc.cell_terms(sc, i, j)
        if not terms:
            return fmt(t, "**Y[{i}, {j}] = 0**: no stamp reaches this cell.", i=i, j=j)
        stamps = " + ".join(f"X[{s.i}, {s.j}]·K[{s.a}, {s.b}]" for s in terms)
        products = " + ".join(f"{num(s.x)}·{num(s.k)}" for s in terms)
        return "  \n".join((
            f"**Y[{i}, {j}] = {stamps}**", f"= {products} = **{num(float(sc.Y[i, j]))}**",
            ngettext("One stamp adds into this cell.", "{n} stamps add up in this cell.",
                     len(terms)).format(n=len(terms))))

    tasks = U.cell_tasks(setting=setting)
    predict_then_reveal(
        t, key="tc_quiz_state", setting=setting, cells=len(tasks),
        name_of=lambda n: "Y[{}, {}]".format(*divmod(n, Wo)), task_of=lambda n: tasks[n],
        reveal_of=reveal, figure_config=STATIC,
        figure_of=lambda n: U.quizzed(setting=setting, n=n, lang=t.lang, width=phone,
                                      projector=page.projector))
    page.stop()
scatter_tab, conv_tab, matrix_tab = tabs(VIEWS, key="tc_view", format_func=_)
if scatter_tab.open:
    with scatter_tab:
        st.plotly_chart(U.scatter_figure(setting=setting, lang=t.lang, width=phone),
                        key="tc_anim", config={"displayModeBar": False})
        st.caption(_("Green: the input cell that stamps now, and the output cells its stamp "
                     "adds to · grey: output cells the padding crops away · dashed line: the "
                     "edge of the output Y · cells: white 0, red positive, blue negative."))
if conv_tab.open:
    with conv_tab:
        v = U.as_conv(setting=setting)
        (top, bottom), (left, right) = v.border
        st.markdown(fmt(t, "The same Y from an ordinary cross-correlation: put {sh_} zeros "
                           "between neighbouring rows of X and {sw_} between columns (stride "
                           "− 1), add a border of d·(k − 1) − p cells (top {top}, bottom "
                           "{bottom}, left {left}, right {right}; output padding adds to the "
                           "bottom and right, a negative border crops), and slide K turned "
                           "180° over it with stride 1.", sh_=g.stride[0] - 1,
                        sw_=g.stride[1] - 1, top=top, bottom=bottom, left=left, right=right))
        st.plotly_chart(U.conv_figure(setting=setting, lang=t.lang, width=phone),
                        key="tc_conv", config={"displayModeBar": False})
        st.caption(_("Coloured: X's own cells · pale yellow: zeros inserted between them "
                     "(stride) · grey: the border of zeros · dashed line: where X's cells "
                     "lie."))
if matrix_tab.open:
    with matrix_tab:
        st.markdown(_("The book's demonstration: an ordinary convolution with K (same "
                      "padding, stride and dilation) takes an input of Y's shape to one of "
                      "X's shape, and is one matrix W: vec(conv(Z)) = W·vec(Z). The "
                      "transposed convolution is the transposed matrix: vec(Y) = Wᵀ·vec(X). "
                      "Hover over an entry to see which cells it links."))
        try:
            W_fig, WT_fig = U.matrix_figures(setting=setting, width=phone, lang=t.lang, names=(
                _("rows: cells of X's shape (the convolution's output)"),
                _("columns: cells of Y's shape (the convolution's input)"),
                _("rows: output Y"), _("columns: input X")))
        except ValueError as e:
            reject(e, lead=_("The matrix is too large to draw."),
                   hint=_("Use a smaller input, kernel or stride to see it."))
        else:
            st.subheader(_("W: the ordinary convolution"))
            st.plotly_chart(W_fig, key="tc_w", config={"displayModeBar": False})
            st.subheader(_("Wᵀ·vec(X) = vec(Y): the transposed convolution"))
            st.plotly_chart(WT_fig, key="tc_wt", config={"displayModeBar": False})

st.header(_("The code"))
Y = U.scattered(setting=setting).Y
Y_conv, (_M, Y_matrix) = U.as_conv(setting=setting).Y, U.by_matrix(setting=setting)
diff = max(float((Y - Y_conv).abs().max()), float((Y - Y_matrix).abs().max()))
st.code(f"layer = {tc.layer_code(tuple(K.shape), g)}\n"
        "layer.weight.data = K[None, None]  # (in, out, kh, kw)\n"
        "Y = layer(X[None, None])[0, 0]", language="python", wrap_lines=True)
if diff < 1e-4:
    st.success(fmt(t, "✓ PyTorch's layer, the stamps, the ordinary convolution and the matrix "
                      "give the same {h}×{w} Y (largest difference {diff:.2g}).",
                   h=g.output_shape[0], w=g.output_shape[1], diff=diff))
else:
    st.error(fmt(t, "✗ They differ (largest difference {diff:.3g}).", diff=diff))
page.end()
