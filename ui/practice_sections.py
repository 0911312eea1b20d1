"""The practice page's seven sections, one function each, in the order of its tabs (``SECTIONS``).

A section takes the ``ExerciseSet`` the page draws (the visitor's language, the seed in the
link, the projector view) and writes its exercises with ``ui.practice``'s helpers; the tasks
and their checks come from ``core.practice``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
import torch

from core import practice as pr
from core.grids import parse_grid, split_cells
from i18n import N_, Texts, fmt
from ui.charts import heatmap_figure
from ui.practice import exercise, grid_text, say, shape_question, show_marks, trans_question
from viz import STATIC
from viz.grid import column_widths


@dataclass(frozen=True)
class ExerciseSet:
    """What every section draws with: the visitor's language, the seed that picks the
    exercises (0: the book's own numbers where it has them), the projector view (ui.view)."""

    t: Texts
    seed: int
    projector: bool


#: A grid's width: a third of the main column.
GRID_WIDTH = column_widths(3)[0]


def show_grid(es: ExerciseSet, T: torch.Tensor, title: str, key: str) -> None:
    """T as a heatmap with its numbers in the cells, GRID_WIDTH wide."""
    st.plotly_chart(heatmap_figure(T, title=title, width=GRID_WIDTH, lang=es.t.lang,
                                   projector=es.projector),
                    key=key, config=STATIC)


# -- 1 · shapes ---------------------------------------------------------------------------------
def shapes(es: ExerciseSet) -> None:
    t, seed = es.t, es.seed
    _ = t.gettext
    st.header(_("1 · Output shapes"))
    st.markdown(_("PyTorch's `padding` is added on each side; the book's p_h, p_w count both "
                  "sides together. Each task says which it means."))
    shape_question(t, pr.BOOK_SHAPE, "shape_book", _("The book's exercise."))
    for i, convention in enumerate(("torch", "torch", "d2l", "d2l")):
        shape_question(t, pr.shape_drill(seed, i, convention), f"shape_{seed}_{i}",
                       fmt(t, "Drill {n}.", n=i + 1))


# -- 2 · predict Y --------------------------------------------------------------------------------
PROMPTS = {"K": N_("K on X"), "Xt": N_("K on Xᵀ"), "Kt": N_("Kᵀ on X")}
TITLES = {"K": ("X", "K"), "Xt": ("Xᵀ", "K"), "Kt": ("X", "Kᵀ")}  # what each grid is


def predict(es: ExerciseSet) -> None:
    t = es.t
    _ = t.gettext
    st.header(_("2 · Predict the output: a diagonal edge"))
    st.markdown(_("The book asks what the edge kernel K = [1, −1] does to a diagonal edge, to "
                  "the picture transposed and with the kernel transposed. Type "
                  "Y = corr2d(X, K): rows separated by “;”, numbers by spaces."))
    for name, task in pr.edge_tasks().items():
        st.subheader(_(PROMPTS[name]))
        c1, c2 = st.columns(2)
        with c1:
            show_grid(es, task.X, TITLES[name][0], f"pr_x_{name}")
        with c2:
            show_grid(es, task.K, TITLES[name][1], f"pr_k_{name}")

        def solution(task: pr.GridTask = task, name: str = name) -> None:
            Y = task.answer()
            st.markdown(fmt(t, "Y has {h}×{w} cells; computed by the app:", h=Y.shape[0],
                            w=Y.shape[1]))
            show_grid(es, Y, "Y", f"pr_y_{name}")
            st.code(grid_text(Y), language=None)

        exercise(t, f"edge_{name}",
                 label=fmt(t, "Y ({rows} rows)", rows=task.answer().shape[0]),
                 area=True, placeholder="0 1 0; …",
                 check=lambda text, task=task: task.check(split_cells(text, name="Y")),
                 show=lambda v, marks: show_marks(t, v, marks), solution=solution)


# -- 3 · design a kernel ------------------------------------------------------------------------
GOALS = {
    "second_derivative_x": (N_("A second derivative along the rows (how fast the brightness's "
                               "slope changes from left to right)."), "1 -2 1"),
    "blur": (N_("A blur: each pixel replaced by a weighted mean of its neighbourhood."),
             "0.25 0.25; 0.25 0.25"),
    "vertical_edges": (N_("A detector of vertical edges only (brightness changing from left to "
                          "right)."), "1 -1"),
    "horizontal_edges": (N_("A detector of horizontal edges only."), "1; -1"),
}


def show_design(t: Texts, verdict: pr.DesignVerdict) -> None:
    """A designed kernel's verdict: right, or each test picture it fails on."""
    _ = t.gettext
    if verdict.right:
        st.success(_("Right: it does the job on every test picture."), icon="✅")
    else:
        st.error("\n".join(f"- {_(pr.DESIGN_FAILS[f])}" for f in verdict.fails), icon="🔎")


def design(es: ExerciseSet) -> None:
    t = es.t
    _ = t.gettext
    st.header(_("3 · Design a kernel"))
    st.markdown(_("Any kernel that does the job passes: it is run on test pictures (a constant, "
                  "a ramp, a parabola, a vertical and a horizontal edge) and judged by what it "
                  "gives, within a small tolerance. Type it like a grid: rows separated by “;”."))
    for goal, (ask, example) in GOALS.items():
        st.markdown(f"**{_(ask)}**")

        def design_solution(goal: str = goal, example: str = example) -> None:
            st.markdown(fmt(t, "One answer among many: `{example}`.", example=example))
            if goal == "second_derivative_x":
                st.markdown(_("A derivative of order d needs at least d + 1 taps: [1, −1] is "
                              "the first difference, [1, −2, 1] the second."))

        exercise(t, f"design_{goal}", label=_("Kernel K"), area=True, placeholder="a b c; d e f",
                 check=lambda text, goal=goal: (pr.check_design(
                     goal, parse_grid(text, name="K", max_rows=7, max_cols=7)), None),
                 show=lambda v, _x: show_design(t, v), solution=design_solution)


# -- 4 · cost -------------------------------------------------------------------------------------
def cost(es: ExerciseSet) -> None:
    t, seed = es.t, es.seed
    _ = t.gettext
    st.header(_("4 · What a layer costs"))
    task = pr.cost_drill(seed, 0)
    st.markdown(fmt(
        t, "`nn.Conv2d({ci}, {co}, kernel_size={k}, bias={bias})` on one image, its output "
           "{ho}×{wo} per channel.", ci=task.ci, co=task.co, k=task.kh, bias=task.bias,
        ho=task.ho, wo=task.wo))

    def cost_solution() -> None:
        bias = f" + {task.co}" if task.bias else ""
        st.markdown(fmt(t, "Parameters: co · ci · kh · kw{bias} = {co} · {ci} · {kh} · {kw}{bias} "
                           "= **{n:,}**.", bias=bias, co=task.co, ci=task.ci, kh=task.kh,
                        kw=task.kw, n=task.params()))
        st.markdown(fmt(t, "Multiply-adds: co · ci · kh · kw · h_out · w_out = **{n:,}**.",
                        n=task.macs()))

    exercise(t, f"cost_params_{seed}", label=_("Parameters (weights and biases)"),
             check=lambda text: (task.check_params(text), None), show=lambda v, _x: say(t, v),
             solution=cost_solution)
    exercise(t, f"cost_macs_{seed}", label=_("Multiply-adds (MACs) for one image"),
             check=lambda text: (task.check_macs(text), None), show=lambda v, _x: say(t, v),
             solution=cost_solution)


# -- 5 · pooling ----------------------------------------------------------------------------------
def pool_solution(t: Texts) -> None:
    """The worked solution of the book's pooling exercise."""
    st.markdown(t.gettext("`nn.MaxPool2d`'s stride defaults to its window: stride 3, so "
                          "⌊(4 − 3)/3⌋ + 1 = **1**: one window fits, and the output is 1×1."))


def pooling(es: ExerciseSet) -> None:
    t, seed = es.t, es.seed
    _ = t.gettext
    st.header(_("5 · Pooling"))
    st.markdown(_("`nn.MaxPool2d(3)` on a 4×4 input (no other argument): how many cells does "
                  "the output have along each side?"))
    exercise(t, "pool_book", label=_("Output side"),
             check=lambda text: (pr.BOOK_POOL.check(text), None), show=lambda v, _x: say(t, v),
             solution=lambda: pool_solution(t))

    avg = pr.avg_kernel_task(seed)
    st.markdown(fmt(t, "`nn.AvgPool2d({k})` is a convolution in disguise: with stride {k}, "
                       "which {k}×{k} kernel K makes `corr2d(X, K, stride={k})` equal to it?",
                    k=avg.k))
    exercise(t, f"avg_kernel_{seed}", label=_("Kernel K"), area=True, placeholder="a b; c d",
             check=lambda text: (avg.check(parse_grid(text, name="K", max_rows=7,
                                                      max_cols=7)), None),
             show=lambda v, _x: say(t, v), solution=lambda: st.markdown(fmt(
                 t, "Every weight 1/(k_h·k_w) = 1/{n}: `{grid}` (`core.pooling.mean_kernel`).",
                 n=avg.k * avg.k, grid=grid_text(avg.answer()))))

    mins = pr.min_pool_task(seed)
    st.markdown(_("PyTorch has no min pooling, but max pooling gives it: what is the 2×2 min "
                  "pooling (stride 2) of this X? Type it as a grid."))
    show_grid(es, mins.X, "X", "pr_min_x")

    def min_solution() -> None:
        st.markdown(_("min(a, b, …) = −max(−a, −b, …): negate X, max-pool it, negate the result "
                      "(`core.pooling.min_pool2d`)."))
        st.code(grid_text(mins.answer()), language=None)

    exercise(t, f"min_pool_{seed}", label=_("Min pooling of X"), area=True,
             placeholder="a b; c d",
             check=lambda text: mins.check(split_cells(text, name="Y")),
             show=lambda v, marks: show_marks(t, v, marks), solution=min_solution)


# -- 6 · the matrix -------------------------------------------------------------------------------
def matrix(es: ExerciseSet) -> None:
    t, seed = es.t, es.seed
    _ = t.gettext
    st.header(_("6 · Cross-correlation as a matrix product"))
    mat = pr.matrix_task(seed)
    W = mat.answer()
    st.markdown(fmt(t, "For a 3×3 input X, corr2d(X, K) is one matrix product: "
                       "`vec(Y) = W · vec(X)`, with `vec` listing a grid row by row (X[0, 0], "
                       "X[0, 1], …). Build W for this K: {rows} rows (one per output cell), "
                       "{cols} columns (one per input cell).", rows=W.shape[0], cols=W.shape[1]))
    show_grid(es, mat.K, "K", "pr_mat_k")

    def matrix_solution() -> None:
        st.markdown(_("Row i·W_out + j is output cell (i, j): it holds K[a, b] in the column of "
                      "the input cell that tap (a, b) reads, zeros elsewhere "
                      "(`core.matrix.conv_matrix`)."))
        st.code(grid_text(W), language=None)

    exercise(t, f"matrix_{seed}", label=_("W"), area=True, placeholder="0 1 0 …; …",
             check=lambda text: mat.check(split_cells(text, name="W", max_cols=16)),
             show=lambda v, marks: show_marks(t, v, marks) if marks else say(t, v),
             solution=matrix_solution)


# -- 7 · transposed convolution -------------------------------------------------------------------
def transposed(es: ExerciseSet) -> None:
    t, seed = es.t, es.seed
    _ = t.gettext
    st.header(_("7 · Transposed convolution: output shape"))
    trans_question(t, pr.BOOK_TRANS, "trans_book", _("The book's example."))
    for i in range(2):
        trans_question(t, pr.trans_drill(seed, i), f"trans_{seed}_{i}",
                       fmt(t, "Drill {n}.", n=i + 1))


#: The sections by their tab's id (its English label, also the ``pr_tab`` value in a link).
SECTIONS: dict[str, Callable[[ExerciseSet], None]] = {
    N_("Shapes"): shapes, N_("Predict Y"): predict, N_("Design K"): design, N_("Cost"): cost,
    N_("Pooling"): pooling, N_("Matrix"): matrix, N_("Transposed convolution"): transposed}
