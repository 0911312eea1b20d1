"""Shapes & padding: what comes out of a convolution, of a stack of layers, and which
padding gives the size you want (d2l: 填充和步幅). All numbers come from core.shapes."""

import pandas as pd
import streamlit as st

import core.shapes as S
from core import conv_output_shape
from ui.nav import ensure_router
from ui.share import share_link
from ui.url import UrlCheck
from viz.shapes import window_figure

Q = "query-params"
ensure_router()
st.title("Shapes & padding · 填充和步幅")
st.markdown("What shape comes out of a convolution, and what padding do you need? "
            "The notebook's padding and stride cells, as a calculator, a layer planner and a "
            "padding solver.")
check = UrlCheck("sh_")
calc, planner, solver = st.tabs(["Calculator", "Layer planner", "Padding solver"],
                                key="sh_tab", bind=Q)


def use_seed(i: int) -> None:
    """Load one of the notebook's cells into the calculator's widgets."""
    g = S.SEED_CELLS[i]
    st.session_state["sh_in_h"], st.session_state["sh_in_w"] = map(float, g.input_size)
    for name, (h, w) in (("k", g.kernel), ("p", g.padding), ("s", g.stride), ("d", g.dilation)):
        st.session_state[f"sh_{name}_h"], st.session_state[f"sh_{name}_w"] = h, w
    st.session_state["sh_pad"] = "numbers"


def int_input(col, label: str, lo: int, hi: int, default: int, key: str) -> int:
    """A whole-number box bound to the URL. Float-valued on purpose: Streamlit 1.67 crashes
    on ?key=inf for an int number_input bound to the URL; a float one drops the value."""
    return int(round(col.number_input(label, float(lo), float(hi), float(default), step=1.0,
                                      format="%.0f", key=key, bind=Q)))


def pair_input(col, title: str, name: str, default: int, lo: int, hi: int,
               boxes: bool = False, disabled: bool = False) -> tuple[int, int]:
    """A heading and two sliders (or boxes) for (rows, cols), keys sh_<name>_h / sh_<name>_w."""
    col.markdown(f"**{title}**" if title else "")
    return tuple(int_input(col, f"{axis} ({side})", lo, hi, default, f"sh_{name}_{a}") if boxes
                 else col.slider(f"{axis} ({side})", lo, hi, default, key=f"sh_{name}_{a}",
                                 bind=Q, disabled=disabled)
                 for a, axis, side in (("h", "height", "rows"), ("w", "width", "cols")))


@st.cache_data(max_entries=64, show_spinner=False)
def torch_shape(size: tuple, kernel: tuple, padding, stride: tuple, dilation: tuple) -> tuple:
    return S.torch_output_shape(S.ConvGeometry(size, kernel, padding, stride, dilation))


@st.cache_data(max_entries=32, show_spinner=False)
def run_export(script: str) -> tuple[int, ...]:
    return S.run_script(script)


with calc:
    st.subheader("Output shape · 输出形状")
    st.caption("The notebook's four cells (In [26]–[28]) on its 8×8 input, one click each:")
    for col, (i, g) in zip(st.columns(4), enumerate(S.SEED_CELLS)):
        col.button(g.label(), key=f"sh_seed{i}", on_click=use_seed, args=(i,), width="stretch")
    c = st.columns(5)
    size = pair_input(c[0], "Input n", "in", 8, 1, S.MAX_INPUT, boxes=True)
    kernel = pair_input(c[1], "Kernel k", "k", 3, 1, 32)
    mode = c[2].radio("**Padding p** per side", ["numbers", "same", "valid"], key="sh_pad",
                      bind=Q, horizontal=True)
    pads = pair_input(c[2], "", "p", 1, 0, 32, disabled=mode != "numbers")
    stride = pair_input(c[3], "Stride s", "s", 1, 1, 16)
    dilation = pair_input(c[4], "Dilation d", "d", 1, 1, 16)
    g = S.ConvGeometry(size, kernel, pads if mode == "numbers" else mode, stride, dilation)
    try:
        out = conv_output_shape(size, kernel, padding=g.padding, stride=stride, dilation=dilation)
    except ValueError as e:
        out = None
        st.error(f"{e}")
    if out:
        left, right = st.columns([1, 3])
        left.metric("Output shape (H × W)", f"{out[0]} × {out[1]}")
        reason = S.torch_check_limit(g, out)
        with right:
            if reason:
                st.info(f"Not checked by PyTorch: {reason}. The formula alone gives the shape.")
            elif (shape := torch_shape(size, kernel, g.padding, stride, dilation)) == out:
                st.success(f"✓ Checked by PyTorch: `{g.code()}` on `torch.zeros(1, 1, {size[0]},"
                           f" {size[1]})` gives `torch.Size([1, 1, {shape[0]}, {shape[1]}])`.")
            else:
                st.error(f"PyTorch gives {shape}, the formula {out}: please report this.")
    try:
        fh, fw = S.formulas(g)
    except ValueError:
        fh = fw = None  # "same" with a stride: the error above already says why
    if fh:
        a, b = st.columns(2, border=True)
        a.markdown("**PyTorch** · p = `padding`, cells added on **each** side")
        a.latex(S.PYTORCH_TEX)
        a.markdown(f"H: {fh.pytorch}  \nW: {fw.pytorch}")
        a.caption("2p is written out as cells before + after (they differ for an even "
                  "kernel with \"same\").")
        b.markdown("**d2l** · p_h = padding on **both** sides together (2 × PyTorch's)")
        b.latex(S.D2L_TEX)
        b.markdown(f"H: {fh.d2l}  \nW: {fw.d2l}")
        if dilation != (1, 1):
            b.caption("d2l's rule has no dilation: k here is the dilated kernel's span "
                      "d·(k − 1) + 1.")
        if min(fh.out, fw.out) < 1:
            st.warning("A result below 1 means no window fits: no output.")
    pic, notes = st.columns([3, 2])
    notes.info("**Reading the notebook's comments** · 注释更正  \n"
               "`padding=(2, 1)` pads **2 rows on top and 2 on the bottom, 1 column left and 1 "
               "right**: the first number is for the height (第一个数是高：上下各填充2行), the "
               "second for the width (第二个数是宽：左右各填充1列); the comment says the "
               "opposite. And ⌊ ⌋ is the floor: it rounds **down** (向下取整), not up (向上取整).")
    if fh and min(fh.out, fw.out) >= 1:
        try:
            wm = S.window_map(g)
        except ValueError as e:
            pic.caption(f"No picture: {e}.")
        else:
            pic.caption(f"The padded input: a dot where each of the {wm.out[0]}×{wm.out[1]} "
                        "windows starts, red squares = the taps of the window for Y[0, 0].")
            pic.plotly_chart(window_figure(wm), key="sh_windows", config={"displaylogo": False})
            for what, cells in (("Rows", wm.unreached_rows), ("Columns", wm.unreached_cols)):
                if cells:
                    notes.warning(f"{what} {', '.join(map(str, cells))} of the input are never "
                                  "read: the stride jumps past them, so they cannot change the "
                                  "output.")


def stack_changed() -> None:  # a new key gives a fresh table, built from the new text
    st.session_state["sh_layers_v"] = st.session_state.get("sh_layers_v", 0) + 1


def text_col(label: str, help: str, width: int = 70, default: str | None = None):
    return st.column_config.TextColumn(label, width=width, help=help, default=default)


def table_edited(base: list[dict], key: str) -> None:
    """Apply the table's edits to ``base`` and write the stack's text (the source of truth)."""
    state, rows = st.session_state[key], [dict(r) for r in base]
    for i, changes in state.get("edited_rows", {}).items():
        rows[int(i)].update(changes)
    rows += [dict(r) for r in state.get("added_rows", [])]
    for i in sorted(state.get("deleted_rows", []), reverse=True):
        rows.pop(int(i))
    st.session_state["sh_layers"] = S.rows_text(rows)
    stack_changed()


with planner:
    st.subheader("Layer planner · 层规划")
    c = st.columns(3)
    C = int_input(c[0], "input channels", 1, S.MAX_CHANNELS, S.LENET_INPUT[0], "sh_net_c")
    H = int_input(c[1], "input height", 1, S.MAX_INPUT, S.LENET_INPUT[1], "sh_net_h")
    W = int_input(c[2], "input width", 1, S.MAX_INPUT, S.LENET_INPUT[2], "sh_net_w")
    text = st.text_input(
        "Layers (the compact form that goes into the link)", S.LENET, key="sh_layers", bind=Q,
        on_change=stack_changed, max_chars=60 * S.MAX_LAYERS,
        help="`conv:OUT,K,S,P,D,G` and `pool:max,K,S,P,D` / `pool:avg,K,S,P`, separated by `;`."
             " K, S, P, D: a number or rows×cols like `5x3`; P may be `same` or `valid` for "
             "convs. Trailing fields can be left out (PyTorch's defaults).")
    st.caption("The default stack is the convolution part of d2l's LeNet. Edit the table "
               "(＋ below it adds a layer; select rows and press Delete to remove them) or the "
               "text above.")
    p = S.plan_text((C, H, W), text)
    rows = S.editor_rows(text)
    df = pd.DataFrame(rows, columns=S.ROW_KEYS).join(
        pd.DataFrame(S.table_rows(p, len(rows)), columns=S.RESULT_COLUMNS))
    df.index = range(1, len(df) + 1)
    bad = p.error.index + 1 if p.error else None
    styled = df.style.apply(lambda r: ["background-color: #fcbba1" if r.name == bad else ""
                                       for _ in r], axis=1, subset=list(S.RESULT_COLUMNS))
    key = f"sh_layers_ed{st.session_state.get('sh_layers_v', 0)}"
    st.data_editor(
        styled, key=key, on_change=table_edited, args=(rows, key), num_rows="dynamic",
        disabled=list(S.RESULT_COLUMNS), width="stretch", hide_index=True,
        column_config={
            "layer": st.column_config.SelectboxColumn(
                "layer", options=list(S.LAYER_NAMES.values()), required=True, width=90,
                default="conv"),  # ＋ adds a 3×3 conv that keeps the size
            "out": text_col("out ch", "Output channels (convs); blank keeps the input's"),
            "kernel": text_col("k", "Kernel: 3, or rows×cols like 5x3", 52, "3"),
            "stride": text_col("s", "Stride: blank = 1 for convs, the kernel for pools", 52, "1"),
            "padding": text_col("p", "Padding per side; convs also take same / valid", 52, "1"),
            "dilation": text_col("d", "Dilation (not for avg pool)", 52, "1"),
            "groups": text_col("groups", "Groups: must divide in and out channels", 70, "1"),
            "output": text_col("output", "C×H×W after this layer", 95),
            "params": text_col("params", "Weights + biases"),
            "MACs": text_col("MACs", "Multiply-accumulates for one image"),
            "RF size": text_col("RF size", "Input cells one output cell sees (Distill)"),
            "RF jump": text_col("RF jump", "Input cells between neighbouring outputs"),
            "RF start": text_col("RF start", "First input cell output (0, 0) sees; negative = "
                                             "in the padding"),
        })
    if p.error:
        st.error(f"{p.error}  \nThe rows before it still work; fix this layer to go on.")
    st.markdown(f"**{'Before the error' if p.error else 'Output'}: "
                f"{'×'.join(map(str, p.out_shape))}** after {len(p.rows)} of {len(rows)} layers · "
                f"{S.human(p.params)} parameters · {S.human(p.macs)} multiply-accumulates")
    if p.error is None and p.rows:
        script = S.sequential_script(p)
        st.code(script, language="python")
        if reason := S.run_limit(p):
            st.info(f"Not run: {reason}. The table's shapes come from the formula.")
        elif (shape := run_export(script)) == (1,) + p.out_shape:
            st.success(f"✓ Ran this code: `Y.shape` is `torch.Size({list(shape)})`, as planned.")
        else:
            st.error(f"Running the code gives {shape}, the plan {p.out_shape}: please report it.")

with solver:
    st.subheader("Padding solver · 填充求解")
    st.caption("Each axis is solved on its own: solve for the height, then for the width.")
    c = st.columns(5)
    n = int_input(c[0], "input size n", 1, S.MAX_INPUT, 8, "sh_sol_n")
    m = int_input(c[1], "wanted output", 1, S.MAX_INPUT, 8, "sh_sol_m")
    ks = c[2].slider("kernel sizes", 1, 15, (1, 7), key="sh_sol_k", bind=Q)
    ss = c[3].slider("strides", 1, 8, (1, 2), key="sh_sol_s", bind=Q)
    d = int_input(c[4], "dilation", 1, 8, 1, "sh_sol_d")
    try:
        found = S.solve_padding(n, m, kernels=ks, strides=ss, dilation=d)
    except ValueError as e:
        found = None
        st.error(str(e))
    if found:
        st.dataframe(pd.DataFrame([s.row() for s in found]), hide_index=True, width="stretch")
        st.caption("Left out: paddings so wide that a whole window could sit in the zeros "
                   "(a side ≥ the kernel's span). “same” marks PyTorch's padding=\"same\".")
        if none := S.strides_without_solution(found, ss):
            st.caption(f"No solution with stride {', '.join(map(str, none))}: a stride s divides "
                       "the size by about s.")
    elif found is not None:
        st.warning(f"No kernel {ks[0]}–{ks[1]} with stride {ss[0]}–{ss[1]} turns {n} into {m}:"
                   " try other strides (a stride s divides the size by about s).")

with st.sidebar:
    share_link(key="sh_share")
check.report()
