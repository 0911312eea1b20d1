"""Home: the seed notebook, cell by cell, computed live by `core`."""

import inspect

import streamlit as st
import torch

import core
from core import channels, learn
from core.images import stripes
from core.kernels import D2L_2X2, D2L_EDGE
from core.windows import D2L_X
from ui.frame import Frame
from ui.nav import page_link
from viz import STATIC, colours, heatmap
from viz.grid import column_widths

page = Frame("tour_", "ConvScope · 卷积可视化", share=False, intro=(
    "See how a 2-D convolution works, following the d2l.ai notebook on convolution "
    "(《动手学深度学习》卷积神经网络). Each cell below is the notebook's cell, computed live; "
    "open the page beside it to play with it."))


def grids(cell: str, *named: tuple[str, torch.Tensor]) -> None:
    """Heatmaps with numbers, side by side on one colour scale (the same value, the same
    colour), which a caption states; ``cell`` keeps their keys unique."""
    top = colours.top(*(T for _, T in named))
    widths = column_widths(len(named))
    for n, (col, (title, T)) in enumerate(zip(st.columns(len(named)), named)):
        col.plotly_chart(heatmap(T, title=title, zmax=top, width=widths[n]),
                         key=f"tour_{cell}_{n}", config=STATIC)
    st.caption(colours.legend(top, (T for _, T in named)))


st.header("1 · Cross-correlation 互相关运算")
X, K = torch.tensor(D2L_X), D2L_2X2
st.code("X = torch.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]])\n"
        "K = torch.tensor([[0, 1], [2, 3]])\ncorr2d(X, K)", language="python")
grids("corr", ("X", X), ("K", K), ("corr2d(X, K)", core.corr2d(X, K)))
page_link("sliding_window.py", "Watch the window slide, cell by cell →")

st.header("2 · Edge detection 图像物体边缘检测")
X, K = stripes(), D2L_EDGE
st.code("X = torch.ones(6, 8)\nX[:, 2:6] = 0\nK = torch.tensor([[1, -1]])\nY = corr2d(X, K)",
        language="python")
grids("edge", ("X", X), ("K", K), ("Y = corr2d(X, K)", core.corr2d(X, K)))
st.caption("如果横向相邻元素相同，输出为0；否则输出为非0 — where neighbours differ, Y is ±1.")
page_link("edges.py", "Try real kernels on real pictures →")

st.header("3 · Learning the kernel 通过数据学习核数组")
st.markdown("The notebook's layer and training cell, as it has them (they need `d2l`, as the "
            "notebook does); the lines below them are what they print after "
            "`torch.manual_seed(0)`, computed here by `core.learn_kernel`.")
st.code(learn.NOTEBOOK_CONV2D, language="python")
st.code(learn.NOTEBOOK_TRAINING, language="python")
Y = core.corr2d(X, K)
steps = list(core.learn_kernel(X, Y, kernel_size=(1, 2), lr=0.01, steps=20, seed=0))
st.code(learn.notebook_printout(steps), language=None)
st.markdown(f"Learned kernel: `{core.format_grid(steps[-1].weight)}` (true: `1 -1`), "
            f"with random seed 0.")
st.caption(
    "The notebook printed 8.531, 2.260, 0.616, 0.170: its kernel started from an unseeded "
    "`torch.randn`, so its numbers differ from any seed's; no starting kernel reproduces all "
    "four to three decimals under this set-up (the closest gives 8.533, 2.259, 0.616, 0.170). "
    "The fall to near zero is the same. 随机初始化不同，损失数值不同，趋势相同。"
)
with st.expander("The app's own layer: core.learn.Conv2D"):
    st.markdown("The same layer, written for the app: sizes as `2` or `(1, 2)`, the bias "
                "optional, and a private seeded generator that draws what `torch.manual_seed` "
                "would, so two visitors training at once never reseed each other.")
    st.code(inspect.getsource(core.Conv2D), language="python")
page_link("learn.py", "Watch gradient descent find it, live →")

st.header("4 · Padding and stride 填充和步幅")
st.code("torch.nn.Conv2d(1, 1, kernel_size=..., padding=..., stride=...)", language="python")
cells = [((3, 3), (1, 1), (1, 1)), ((5, 3), (2, 1), (1, 1)), ((5, 3), (2, 1), (2, 2)),
         ((3, 5), (0, 1), (3, 4))]
# A Markdown table, not st.table: on a fresh server this is the first page anyone sees, and
# st.table would import pandas and pyarrow (≈0.4 s) into that first run.
rows = ["| input | kernel_size | padding (per side) | stride | output |", "|---|---|---|---|---|"]
rows += [f"| 8×8 | {k} | {p} | {s} | "
         f"{'×'.join(map(str, core.conv_output_shape((8, 8), k, padding=p, stride=s)))} |"
         for k, p, s in cells]
st.markdown("\n".join(rows))
page_link("shapes.py", "Compute shapes and solve for padding →")

st.header("5 · Channels 多输入输出通道 and 1×1 卷积")
X, K = channels.SEED_X, channels.SEED_K
st.code("corr2d_multi_in(X, K)  # X: (2, 3, 3), K: (2, 2, 2)", language="python")
grids("chan", ("corr2d_multi_in(X, K)", core.corr2d_multi_in(X, K)),
      *[(f"output channel {c}", Y) for c, Y in enumerate(
          core.corr2d_multi_in_out(X, channels.SEED_K_OUT))])
# The seed's 1×1 cell draws with torch.rand; a private generator leaves torch's global one
# (shared by every visitor of this server) alone.
g = torch.Generator().manual_seed(0)
check = channels.one_by_one(torch.rand(3, 3, 3, generator=g), torch.rand(2, 3, 1, 1, generator=g))
st.markdown(f"1×1 convolution as a matrix product: ‖Y1 − Y2‖ = {check.norm:.2e} "
            f"{'< 1e-6 ✓' if check.passes else '≥ 1e-6 ✗'}")
page_link("channels.py", "See the channels add up →")
page.end()
