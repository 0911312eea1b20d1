"""Home: the seed notebook, cell by cell, computed live by `core`, in the visitor's language.

Each cell names its section in the book: the Chinese edition's numbers (zh.d2l.ai) in 中文, the
English edition's (d2l.ai) in English; the two number the convolution chapter differently.
"""


import streamlit as st
import torch

import core
from core import channels, learn
from core.images import stripes
from core.kernels import D2L_2X2, D2L_EDGE
from core.pysource import source_text
from core.windows import D2L_X
from i18n import fmt
from ui.charts import heatmap_figure
from ui.frame import Frame
from ui.lang import gettext_for_session
from ui.learn_run import notebook_run
from ui.nav import page_link
from viz import STATIC, colours
from viz.grid import column_widths

t = gettext_for_session()
_ = t.gettext

page = Frame("tour_", _("ConvScope"), share=False, intro=_(
    "See how a 2-D convolution works, following the notebook on convolution from "
    "《动手学深度学习》 ([Dive into Deep Learning](https://d2l.ai/chapter_convolutional-neural-"
    "networks/index.html), chapter 7). Each cell below is the notebook's cell, computed live; "
    "open the page beside it to play with it."))


def book(ref: str) -> None:
    """Where the cell is in the book (a translated Markdown link to that edition's section)."""
    st.caption(fmt(t, "In the book: {ref}", ref=ref))


def grids(cell: str, *named: tuple[str, torch.Tensor]) -> None:
    """Heatmaps with numbers, side by side on one colour scale (the same value, the same
    colour), which a caption states; ``cell`` keeps their keys unique."""
    top = colours.top(*(T for _, T in named))
    widths = column_widths(len(named))
    for n, (col, (title, T)) in enumerate(zip(st.columns(len(named)), named)):
        col.plotly_chart(heatmap_figure(T, title=title, zmax=top, width=widths[n], lang=t.lang,
                                                  projector=page.projector),
                         key=f"tour_{cell}_{n}", config=STATIC)
    st.caption(colours.legend(top, (T for _, T in named), lang=t.lang))


st.header(_("1 · Cross-correlation"))
book(_("[§7.2.1 The Cross-Correlation Operation]"
       "(https://d2l.ai/chapter_convolutional-neural-networks/conv-layer.html)"))
X, K = torch.tensor(D2L_X), D2L_2X2
st.code("X = torch.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]])\n"
        "K = torch.tensor([[0, 1], [2, 3]])\ncorr2d(X, K)", language="python")
grids("corr", ("X", X), ("K", K), ("corr2d(X, K)", core.corr2d(X, K)))
page_link("sliding_window.py", _("Watch the window slide, cell by cell →"))

st.header(_("2 · Edge detection"))
book(_("[§7.2.3 Object Edge Detection in Images]"
       "(https://d2l.ai/chapter_convolutional-neural-networks/conv-layer.html)"))
X, K = stripes(), D2L_EDGE
st.code("X = torch.ones(6, 8)\nX[:, 2:6] = 0\nK = torch.tensor([[1, -1]])\nY = corr2d(X, K)",
        language="python")
grids("edge", ("X", X), ("K", K), ("Y = corr2d(X, K)", core.corr2d(X, K)))
st.caption(_("Where horizontal neighbours are equal, the output is 0; where they differ, it is "
             "not: here ±1, at the two edges of the dark stripe."))
page_link("edges.py", _("Try real kernels on real pictures →"))

st.header(_("3 · Learning the kernel"))
book(_("[§7.2.4 Learning a Kernel]"
       "(https://d2l.ai/chapter_convolutional-neural-networks/conv-layer.html)"))
st.markdown(_("The notebook's layer and training cell, as it has them (they need `d2l`, as the "
              "notebook does); the lines below them are what they print after "
              "`torch.manual_seed(0)`, computed here by `core.learn_kernel`."))
st.code(learn.NOTEBOOK_CONV2D, language="python")
st.code(learn.NOTEBOOK_TRAINING, language="python")
printout, learned = notebook_run()  # X, K: the edge cell's stripes and [1, −1]
st.code(printout, language=None)
st.markdown(fmt(t, "Learned kernel: `{learned}` (true: `1 -1`), with random seed 0.",
                learned=learned))
st.caption(_(
    "The notebook printed 8.531, 2.260, 0.616, 0.170: its kernel started from an unseeded "
    "`torch.randn`, so its numbers differ from any seed's; no starting kernel reproduces all "
    "four to three decimals under this set-up (the closest gives 8.533, 2.259, 0.616, 0.170). "
    "The fall to near zero is the same."))
with st.expander(_("The app's own layer: `core.learn.Conv2D`")):
    st.markdown(_("The same layer, written for the app: sizes as `2` or `(1, 2)`, the bias "
                  "optional, and a private seeded generator that draws what "
                  "`torch.manual_seed` would, so two visitors training at once never reseed "
                  "each other."))
    st.code(source_text(core.Conv2D), language="python")
page_link("learn.py", _("Watch gradient descent find it, live →"))

st.header(_("4 · Padding and stride"))
book(_("[§7.3 Padding and Stride]"
       "(https://d2l.ai/chapter_convolutional-neural-networks/padding-and-strides.html)"))
st.code("torch.nn.Conv2d(1, 1, kernel_size=..., padding=..., stride=...)", language="python")
cells = [((3, 3), (1, 1), (1, 1)), ((5, 3), (2, 1), (1, 1)), ((5, 3), (2, 1), (2, 2)),
         ((3, 5), (0, 1), (3, 4))]
# A Markdown table, not st.table: on a fresh server this is the first page anyone sees, and
# st.table would import pandas and pyarrow (≈0.4 s) into that first run.
rows = [_("| input | `kernel_size` | `padding` (per side) | `stride` | output |"),
        "|---|---|---|---|---|"]
rows += [f"| 8×8 | {k} | {p} | {s} | "
         f"{'×'.join(map(str, core.conv_output_shape((8, 8), k, padding=p, stride=s)))} |"
         for k, p, s in cells]
st.markdown("\n".join(rows))
page_link("shapes.py", _("Compute shapes and solve for padding →"))

st.header(_("5 · Channels and the 1×1 convolution"))
book(_("[§7.4 Multiple Input and Multiple Output Channels]"
       "(https://d2l.ai/chapter_convolutional-neural-networks/channels.html)"))
X, K = channels.SEED_X, channels.SEED_K
st.code("corr2d_multi_in(X, K)  # X: (2, 3, 3), K: (2, 2, 2)", language="python")
grids("chan", ("corr2d_multi_in(X, K)", core.corr2d_multi_in(X, K)),
      *[(fmt(t, "output channel {c}", c=c), Y) for c, Y in enumerate(
          core.corr2d_multi_in_out(X, channels.SEED_K_OUT))])
# The seed's 1×1 cell draws with torch.rand; a private generator leaves torch's global one
# (shared by every visitor of this server) alone.
g = torch.Generator().manual_seed(0)
check = channels.one_by_one(torch.rand(3, 3, 3, generator=g), torch.rand(2, 3, 1, 1, generator=g))
st.markdown(fmt(t, "1×1 convolution as a matrix product: ‖Y1 − Y2‖ = {norm:.2e} {verdict}",
                norm=check.norm, verdict=check.verdict))
page_link("channels.py", _("See the channels add up →"))
st.markdown(_("**What comes next:** the book goes on to pooling, which shrinks a feature map "
              "with windows that have no weights, and later to transposed convolution, which "
              "makes it larger again."))
page_link("pooling.py", _("Max and average pooling, window by window →"))
page_link("transposed.py", _("Transposed convolution →"))
page.end()
