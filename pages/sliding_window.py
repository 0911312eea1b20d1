"""Sliding window 滑动窗口: d2l's corr2d loop, played one output cell at a time."""

import streamlit as st
import torch

import core
from core import kernels, windows
from core.images import stripes
from ui.frame import Frame, reject
from ui.grid import grid_input
from ui.sliding import animated, picked, setting_of, traced
from ui.url import BIND
from ui.viewport import main_width
from viz import STATIC, colours, heatmap
from viz.grid import column_widths, narrow

INPUTS = ("seed 3×3", "seed stripes 6×8", "random integers", "typed")
KERNELS = ("d2l 2×2", "edge [1, -1]", "preset", "typed")


page = Frame("sw_", "Sliding window 滑动窗口", intro_as="caption", intro=(
    "The kernel K slides over the input X, left to right, top to bottom; each stop multiplies "
    "the cells under it by K and adds them up into one output cell (互相关运算). Press ▶ and "
    "watch Y fill."))

with st.sidebar:
    st.header("Input X 输入")
    source = st.selectbox("Input", INPUTS, key="sw_x", **BIND,
                          label_visibility="collapsed")
    X, x_error = None, None
    if source == INPUTS[0]:
        X = torch.tensor(windows.D2L_X, dtype=torch.float32)
    elif source == INPUTS[1]:
        X = stripes()
    elif source == INPUTS[2]:
        rows_col, cols_col = st.columns(2)
        rows = rows_col.slider("Rows", 1, 16, 6, key="sw_rows", **BIND)
        cols = cols_col.slider("Columns", 1, 16, 6, key="sw_cols", **BIND)
        seed = st.slider("Random seed", 0, 99, 0, key="sw_seed", **BIND,
                         help="X's entries are random digits 0–9; the seed picks which. "
                              "The same seed gives the same X.")
        X = windows.random_grid(int(rows), int(cols), seed=int(seed))
    else:
        X, x_error = grid_input("X", key="sw_xgrid", default="0 1 2; 3 4 5; 6 7 8",
                                max_rows=16, max_cols=16)

    st.header("Kernel K 核")
    k_source = st.selectbox("Kernel", KERNELS, key="sw_k", **BIND,
                            label_visibility="collapsed")
    K, k_error = None, None
    if k_source == KERNELS[0]:
        K = kernels.D2L_2X2.clone()
    elif k_source == KERNELS[1]:
        K = kernels.D2L_EDGE.clone()
    elif k_source == KERNELS[2]:
        name = st.selectbox("Preset", list(kernels.PRESETS), key="sw_kpreset",
                            **BIND)
        K = kernels.preset(name)
    else:
        K, k_error = grid_input("K", key="sw_kgrid", default="0 1; 2 3", max_rows=7, max_cols=7)
    flip = st.toggle("True convolution: flip K 卷积", key="sw_flip", **BIND,
                     help="Convolution flips the kernel top–bottom and left–right first.")

    st.header("Geometry 填充和步幅")
    st.caption("Height ↕ on the left, width ↔ on the right. Padding is per side (PyTorch).")
    geometry = {}
    for name, label, lo, hi, default in (("pad", "Padding", 0, 6, 0), ("stride", "Stride", 1, 6, 1),
                                         ("dil", "Dilation", 1, 4, 1)):
        left, right = st.columns(2)
        geometry[name] = tuple(int(col.slider(
            f"{label} {axis}", lo, hi, default, key=f"sw_{name}_{axis}", **BIND,
        )) for col, axis in ((left, "h"), (right, "w")))
    mode = st.selectbox("Padding mode", core.PADDING_MODES, key="sw_mode", **BIND)

for error in (x_error, k_error):
    if error:
        reject(error, hint="Fix the grid in the sidebar; rows are separated by “;”.")
if X is None or K is None:
    page.stop()

setting = setting_of(X, K, padding=geometry["pad"], stride=geometry["stride"],
                     dilation=geometry["dil"], mode=mode, flip=flip)
try:
    trace = traced(setting=setting)
except ValueError as e:
    reject(e, lead="This configuration has no output.")
    st.caption("The input and kernel as they stand:")
    for col, (title, T) in zip(st.columns(2), (("X", X), ("K", K))):
        col.plotly_chart(heatmap(T, title=title, width=column_widths(2)[0], colorbar=True),
                         key=f"sw_bad_{title}", config=STATIC)
    page.stop()

Ho, Wo = trace.Y.shape
phone = narrow(main_width())  # a phone's width: the panels stack; None: wide
st.plotly_chart(animated(setting=setting, width=phone), key="sw_anim",
                config={"displayModeBar": False})
st.caption("Green: the window, the cells K multiplies (each one's weight in its corner when "
           f"there is room) · grey: padding ({mode}) · dashed line: the edge of X · empty: not "
           "computed yet · cells: white 0, red positive, blue negative, deeper for larger |value| "
           "(each grid on its own scale).")

st.header("Pick an output cell 选一个输出元素")
pick = []
for col, axis, size in zip(st.columns(2), ("row", "column"), (Ho, Wo)):
    key = f"sw_{axis[0]}"
    if size == 1:
        col.markdown(f"Output {axis}: **0** (Y has one {axis})")
        pick.append(0)
        continue
    if st.session_state.get(key, 0) >= size:  # Y shrank since the last run
        st.session_state[key] = size - 1
    # No value argument: the default is 0 (min_value), and the clamp above may have set it.
    pick.append(col.slider(f"Output {axis}", 0, size - 1, key=key, **BIND))
n = pick[0] * Wo + pick[1]
w, field = trace.windows[n], windows.receptive_field(trace, n)
st.markdown(f"### Y[{w.i}, {w.j}] = {w.formula()}")
st.code(f"Y[{w.i}, {w.j}] = {windows.symbolic(trace, n)}", language=None, wrap_lines=True)
st.markdown(f"**Receptive field 感受野:** {windows.describe_field(field)}")
st.plotly_chart(picked(setting=setting, n=n, width=phone), key="sw_pick", config=STATIC)

st.header("Cross-correlation vs convolution 互相关 vs 卷积")
if flip:
    geo = dict(padding=geometry["pad"], stride=geometry["stride"], dilation=geometry["dil"],
               padding_mode=mode)
    st.markdown("Convolution flips K top–bottom and left–right, then slides it exactly like "
                "cross-correlation (将核数组左右翻转并上下翻转). The animation uses the flipped K.")
    Y_corr, Y_conv = core.corr2d(X, K, **geo), core.conv2d(X, K, **geo)
    y_top = colours.top(Y_corr, Y_conv)  # the two outputs are compared: one colour scale
    for col, (title, T, top) in zip(st.columns(4), (
        ("K", K, None), ("K flipped", K.flip(0, 1), None),
        ("Y, cross-correlation", Y_corr, y_top), ("Y, convolution", Y_conv, y_top),
    )):
        col.plotly_chart(heatmap(T, title=title, zmax=top, width=column_widths(4)[0],
                                 colorbar=True), key=f"sw_cmp_{title}", config=STATIC)
else:
    st.markdown("What d2l and PyTorch call a convolution layer computes cross-correlation: "
                "K is used as given. Switch on **True convolution** in the sidebar to flip K "
                "and compare both outputs.")

st.header("Output shape 输出形状")
steps = windows.output_shape_steps(trace)
st.code("\n".join(s.formula() for s in steps), language=None)
st.caption(f"Padding is per side, as in PyTorch; d2l's total padding p_h = "
           f"{steps[0].before + steps[0].after}, p_w = {steps[1].before + steps[1].after}.")
for s in steps:
    if s.left_over:
        st.info(s.left_over_text())
unread = windows.describe_unreached(*trace.unreached())
if unread:
    st.warning(f"{unread} Their values cannot change Y.")
else:
    st.success("Every cell of X is read by at least one window.")

st.header("The code 代码")
result = windows.loop_check(trace)
st.markdown("d2l's loop, `core.corr2d_loop` (its source, as it runs here):")
st.code(result.loop_source, language="python")
plain_loop = result.loop_code == "corr2d_loop(X, K)"
st.markdown("The same Y from one PyTorch call (`F` is `torch.nn.functional`) and from the loop"
            + (":" if plain_loop else " run on the padded X (stride: keep every s-th output; "
               "dilation: a kernel with holes):"))
st.code(f"Y = {result.torch_code}\nY = {result.loop_code}", language="python", wrap_lines=True)
if result.agree:
    st.success(f"✓ Both give the same {Ho}×{Wo} Y (largest difference {result.max_diff:.2g}).")
else:
    st.error(f"✗ They differ (largest difference {result.max_diff:.3g}).")
page.end()
