"""Shapes & padding: what comes out of a convolution, of a stack of layers, and which
padding gives the size you want (d2l: 填充和步幅).
All numbers come from core (formula, plan, padding)."""

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
    torch_check,
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
from core.plan import LENET, LENET_INPUT, plan_text, run_limit, run_plan, sequential_script
from core.torchcode import MAX_TEXT
from ui.frame import Frame, reject
from ui.url import BIND
from viz.shapes import window_figure

page = Frame("sh_", "Shapes & padding · 填充和步幅", (
    "What shape comes out of a convolution, and what padding do you need? The notebook's "
    "padding and stride cells, as a calculator, a layer planner and a padding solver."))
calc, planner, solver = st.tabs(["Calculator", "Layer planner", "Padding solver"],
                                key="sh_tab", **BIND)


@st.cache_data(max_entries=64, show_spinner=False)
def torch_shape(size: tuple, kernel: tuple, padding, stride: tuple, dilation: tuple) -> tuple:
    return torch_check(ConvGeometry(size, kernel, padding, stride, dilation))


@st.cache_data(max_entries=32, show_spinner=False)
def run_export(input_shape: tuple, text: str) -> tuple[tuple[int, ...], bool]:
    return run_plan(plan_text(input_shape, text))


with calc:
    st.subheader("Output shape · 输出形状")
    st.caption("The notebook's four cells (In [26]–[28]) on its 8×8 input, one click each:")
    for col, (i, g) in zip(st.columns(4), enumerate(SEED_CELLS)):
        col.button(g.label(), key=f"sh_seed{i}", on_click=U.use_seed, args=(i,), width="stretch")
    sq = st.toggle("Square: one value for rows and columns (h = w)", key="sh_square", **BIND,
                   on_change=U.square_changed)
    c = st.columns(5)
    size = U.pair_input(c[0], "Input n", "in", 1, MAX_INPUT, boxes=True, square=sq)
    kernel = U.pair_input(c[1], "Kernel k", "k", 1, 32, square=sq)
    mode = c[2].radio("**Padding p** per side", ["numbers", "same", "valid"], key="sh_pad",
                      **BIND, horizontal=True)
    pads = U.pair_input(c[2], "", "p", 0, 32, disabled=mode != "numbers", square=sq)
    stride = U.pair_input(c[3], "Stride s", "s", 1, 16, square=sq)
    dilation = U.pair_input(c[4], "Dilation d", "d", 1, 16, square=sq)
    g = ConvGeometry(size, kernel, pads if mode == "numbers" else mode, stride, dilation)
    try:
        out = g.output_shape()
    except ValueError as e:
        out = None
        reject(e)
    if out:
        left, right = st.columns([1, 3])
        left.metric("Output shape (H × W)", f"{out[0]} × {out[1]}")
        shape, meta = torch_shape(size, kernel, g.padding, stride, dilation)
        if shape == out:
            how = " on the meta device (shapes only)" if meta else ""
            right.success(f"✓ Checked by PyTorch{how}: `{g.code()}` on `torch.zeros(1, 1, "
                          f"{size[0]}, {size[1]})` gives `torch.Size([1, 1, {shape[0]}, "
                          f"{shape[1]}])`." + (f" A real run is left out: "
                                               f"{torch_check_limit(g, out)}." if meta else ""))
        else:
            right.error(f"PyTorch gives {shape}, the formula {out}: please report this.")
    try:
        fh, fw = formulas(g)
    except ValueError:
        fh = fw = None  # "same" with a stride: the error above already says why
    if fh:
        a, b = st.columns(2, border=True)
        a.markdown("**PyTorch** · p = `padding`, cells added on **each** side")
        a.latex(PYTORCH_TEX)
        a.markdown(f"H: {fh.pytorch}  \nW: {fw.pytorch}")
        a.caption("2p is written out as cells before + after (they differ for an even "
                  "kernel with \"same\").")
        b.markdown("**d2l** · p_h = padding on **both** sides together (2 × PyTorch's)")
        b.latex(D2L_TEX)
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
            wm = window_map(g)
        except ValueError as e:  # a drawing limit, not a refused setting: a caption
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


with planner:
    st.subheader("Layer planner · 层规划")
    c = st.columns(3)
    C = U.int_input(c[0], "input channels", 1, MAX_LAYER_CHANNELS, LENET_INPUT[0], "sh_net_c",
                    on_change=U.stack_changed)
    H = U.int_input(c[1], "input height", 1, MAX_INPUT, LENET_INPUT[1], "sh_net_h",
                    on_change=U.stack_changed)
    W = U.int_input(c[2], "input width", 1, MAX_INPUT, LENET_INPUT[2], "sh_net_w",
                    on_change=U.stack_changed)
    text = st.text_area(
        "Layers: the compact form (it goes into the link), or paste PyTorch", LENET,
        key="sh_layers", **BIND, on_change=U.stack_changed, max_chars=MAX_TEXT, height=68,
        help="`conv:OUT,K,S,P,D,G,BIAS` and `pool:max,K,S,P,D` / `pool:avg,K,S,P`, separated by"
             " `;`. K, S, P, D: a number or rows×cols like `5x3`; P may be `same` or `valid` for"
             " convs. Trailing fields can be left out (PyTorch's defaults). Or paste "
             "`nn.Conv2d(...)`, `nn.MaxPool2d(...)`, `nn.AvgPool2d(...)` lines or a whole "
             "`nn.Sequential(...)`: read, never run, and turned into the compact form.")
    if note := U.paste_note(text):
        st.info(note)
    st.caption(("The default stack is the convolution part of d2l's LeNet. " if text == LENET
                else "") + "Edit the table (＋ below it adds a layer; select rows and press "
               "Delete to remove them) or the text above (Ctrl+Enter applies it).")
    p = plan_text((C, H, W), text)
    n_rows = U.layer_table(text, p)
    if p.error:
        reject(p.error, hint="The rows before it still work; fix this layer to go on.")
    st.markdown(f"**{'Before the error' if p.error else 'Output'}: "
                f"{'×'.join(map(str, p.out_shape))}** after {len(p.rows)} of {n_rows} layers · "
                f"{format_count(p.params)} parameters · {format_count(p.macs)} "
                "multiply-accumulates")
    if p.error is None and p.rows:
        st.code(sequential_script(p), language="python")
        shape, meta = run_export((C, H, W), text)
        if shape == (1,) + p.out_shape:
            st.success(f"✓ Ran this code{' on the meta device (shapes only)' if meta else ''}: "
                       f"`Y.shape` is `torch.Size({list(shape)})`, as planned."
                       + (f" A real run is left out: {run_limit(p)}." if meta else ""))
        else:
            st.error(f"Running the code gives {shape}, the plan {p.out_shape}: please report it.")

with solver:
    st.subheader("Padding solver · 填充求解")
    st.caption("Each axis is solved on its own: solve for the height, then for the width.")
    c = st.columns(5)
    n = U.int_input(c[0], "input size n", 1, MAX_INPUT, 8, "sh_sol_n")
    m = U.int_input(c[1], "wanted output", 1, MAX_INPUT, 8, "sh_sol_m")
    ks = c[2].slider("kernel sizes", *SOLVER_KERNELS, (1, 7), key="sh_sol_k", **BIND)
    ss = c[3].slider("strides", *SOLVER_STRIDES, (1, 2), key="sh_sol_s", **BIND)
    d = U.int_input(c[4], "dilation", 1, 8, 1, "sh_sol_d")
    try:
        found = solve_padding(n, m, kernels=ks, strides=ss, dilation=d)
    except ValueError as e:
        found = None
        reject(e)
    if found:
        st.dataframe(pd.DataFrame([s.row() for s in found]), hide_index=True, width="stretch")
        st.caption("Padding before and after along the axis; d2l's p is both together. Left "
                   "out: paddings so wide that a whole window could sit in the zeros (a side ≥ "
                   "the kernel's span). “same” marks PyTorch's padding=\"same\". The code pads "
                   "both axes alike (1 channel in and out: change the first two numbers); "
                   "uneven padding goes into nn.ZeroPad2d first.")
        if none := strides_without_solution(found, ss):
            st.caption(f"No solution with stride {', '.join(map(str, none))}: a stride s divides "
                       "the size by about s.")
    elif found is not None:
        st.warning(no_solution_advice(n, m, kernels=ks, strides=ss, dilation=d))
page.end()
