"""The book's exercises as tasks with checked answers: the right answer from ``core``'s own
rules, and the wrong answers learners are known to give, each named, so that feedback can
say which slip an answer comes from instead of only "wrong".

Tasks come from a seed (``random.Random``, never the global generator), so one link gives a
whole class the same exercises. Nothing here keeps state: a page keeps a learner's progress
in its session.

Conventions for shapes, as in the book and in PyTorch:
- **PyTorch** (``nn.Conv2d``): ``padding`` is per side: ⌊(n + 2p − k)/s⌋ + 1.
- **d2l** (《动手学深度学习》 §6.3): p is the total padding of an axis: ⌊(n − k + p + s)/s⌋.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import torch

from core.corr import corr2d
from core.errors import N_, CoreError
from core.geometry import unchecked_output_length
from core.images import diagonal_edge
from core.matrix import conv_matrix
from core.pooling import PoolWindow, mean_kernel, min_pool2d, pool2d
from core.transposed import as_conv, trans_conv2d, trans_geometry

Convention = Literal["torch", "d2l"]
Pair = tuple[int, int]

#: Largest number an answer may hold (larger ones are refused, not compared).
MAX_ANSWER = 10**9
#: Sizes random shape drills are drawn from.
DRILL_N, DRILL_K, DRILL_P, DRILL_S = (5, 32), (1, 7), (0, 3), (1, 4)


class AnswerError(CoreError):
    """An answer that cannot be read (nothing is compared)."""


class AnswerEmpty(AnswerError):
    template = N_("Type an answer first: two whole numbers, height × width, such as 2×2.")
    fields_ = ()


class AnswerNotAShape(AnswerError):
    template = N_("“{text}” is not a shape: write two whole numbers, height × width, "
                  "such as 2×2 or 2, 2.")
    fields_ = ("text",)


class AnswerNotANumber(AnswerError):
    template = N_("“{text}” is not a number here: type digits, such as 12 or −2.5 where a "
                  "fraction is possible, whole numbers otherwise.")
    fields_ = ("text",)


class AnswerTooLarge(AnswerError):
    template = N_("{value} is too large to be the answer here (at most {limit}).")
    fields_ = ("value", "limit")


class AnswerWrongSize(AnswerError):
    template = N_("The answer has {rows}×{cols} cells; this output has {want_rows}×{want_cols}. "
                  "Work out the output's shape first.")
    fields_ = ("rows", "cols", "want_rows", "want_cols")


#: What each named mistake means, for feedback (message ids for the catalog).
MISTAKES: dict[str, str] = {
    "dropped_plus_s": N_("This is what you get without the “+ s” in ⌊(n − k + p + s)/s⌋ "
                         "(or without the “+ 1” in PyTorch's ⌊(n + 2p − k)/s⌋ + 1): the first "
                         "window counts too."),
    "padding_total_as_per_side": N_("This treats the total padding as padding on each side: "
                                    "d2l's p is the sum of both sides, PyTorch's padding is one "
                                    "side."),
    "padding_per_side_as_total": N_("This treats PyTorch's per-side padding as the total: "
                                    "nn.Conv2d(padding=p) adds p rows on top and p at the "
                                    "bottom."),
    "rounded_up": N_("This rounds up: a window that does not fit in the (padded) input is not "
                     "computed, so the division rounds down (⌊⌋, not ⌈⌉)."),
    "ignored_stride": N_("This ignores the stride: with stride s the window jumps s cells, so "
                         "divide by s."),
    "pool_stride_one": N_("This uses stride 1: nn.MaxPool2d's stride defaults to its window "
                          "size, not 1."),
    "flipped_kernel": N_("This flips the kernel (a true convolution): corr2d, the book's and "
                         "PyTorch's “convolution”, slides K as it is."),
    "forgot_bias": N_("This leaves out the bias: one per output channel."),
    "forgot_in_channels": N_("This leaves out the input channels: each output channel has a "
                             "kernel slice per input channel."),
    "transposed_matrix": N_("This is Wᵀ, the transposed convolution's matrix: W has one row "
                            "per output cell and one column per input cell."),
    "column_major": N_("This numbers the cells column by column: `vec(X)` lists X row by row, "
                       "X[0, 0], X[0, 1], …, as X.reshape(-1) does."),
    "pool_sum_not_mean": N_("These weights add the window up: average pooling divides by the "
                            "number of cells, k_h·k_w."),
    "max_not_min": N_("This is max pooling of X: negate X, max-pool it, and negate the result."),
    "forgot_negate_back": N_("This is maxpool(−X), the minimum with its sign flipped: negate "
                             "the result once more."),
    "pool_max_not_mean": N_("This is the window's largest value: average pooling gives the "
                            "mean of the window, its sum divided by the number of cells."),
    "pool_mean_not_max": N_("This is the window's mean: max pooling keeps the largest value "
                            "in the window."),
    "pool_sum_not_divided": N_("This is the window's sum: average pooling divides it by the "
                               "number of cells counted."),
    "pool_pad_counted": N_("This divides by the whole window, padding included: with "
                           "count_include_pad=False only the input cells are counted."),
    "pool_pad_not_counted": N_("This divides by the input cells only: with "
                               "count_include_pad=True (PyTorch's default) the padding's zeros "
                               "count too, so divide by the whole window."),
    "trans_conv_formula": N_("This is the convolution's formula ⌊(n + 2p − k)/s⌋ + 1: a "
                             "transposed convolution goes the other way, "
                             "(n − 1)·s − 2p + k."),
    "trans_padding_added": N_("This adds the padding: in a transposed convolution, padding "
                              "p removes p rows (and columns) from each side of the output."),
    "trans_n_not_n_minus_1": N_("This multiplies n by s: there are n − 1 steps of s between "
                                "the first and the last stamp of K, so (n − 1)·s."),
    "trans_unflipped_kernel": N_("This slides K as it is over the spread-out input: read as "
                                 "an ordinary convolution, a transposed convolution turns K "
                                 "by 180° first."),
    "trans_ignored_stride": N_("This ignores the stride: the stamps of neighbouring input "
                               "cells lie s cells apart on the output, not 1."),
    "trans_forgot_crop": N_("This forgets the padding: it is the cell of the uncropped "
                            "output; padding p removes p rows and columns from each side, "
                            "so Y[i, j] is the uncropped cell [i + p, j + p]."),
}


@dataclass(frozen=True)
class Verdict:
    """A checked answer: ``right``; if not, ``mistake`` (a key of MISTAKES) when the answer
    is what that slip gives, else None; ``expected`` is the right answer, for the worked
    solution a page shows on request."""

    right: bool
    mistake: str | None
    expected: object


# -- reading answers ------------------------------------------------------------------------

def read_int(text: str) -> int:
    """A whole number as a learner types it ("12", " 12 ", "−3"); typed errors otherwise."""
    t = str(text).strip().replace("−", "-").replace("＋", "+")
    if not t:
        raise AnswerEmpty()
    if not re.fullmatch(r"[+-]?\d+", t):
        raise AnswerNotANumber(text=t[:20])
    if len(t.lstrip("+-")) > 10 or abs(int(t)) > MAX_ANSWER:
        raise AnswerTooLarge(value=t[:20], limit=MAX_ANSWER)
    return int(t)


def read_number(text: str) -> float:
    """A number as a learner types it ("19", "−2.5", " 0.25 "); typed errors otherwise."""
    t = str(text).strip().replace("−", "-").replace("＋", "+").replace("，", ".")
    if not t:
        raise AnswerEmpty()
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", t):
        raise AnswerNotANumber(text=t[:20])
    value = float(t)
    if abs(value) > MAX_ANSWER:
        raise AnswerTooLarge(value=t[:20], limit=MAX_ANSWER)
    return value


def read_shape(text: str) -> Pair:
    """"2×2", "2x2", "2 × 2", "2, 2", "(2, 2)", "2 2" → (2, 2); typed errors otherwise."""
    t = str(text).strip()
    if not t:
        raise AnswerEmpty()
    parts = [p for p in re.split(r"[×xX*,，\s]+", t.strip("()[]（）")) if p]
    if len(parts) != 2:
        raise AnswerNotAShape(text=t[:20])
    h, w = (read_int(p) for p in parts)
    return h, w


# -- shapes -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShapeTask:
    """An output-shape question: input n, kernel k, padding p, stride s, each (height, width),
    with p per side ("torch") or total ("d2l")."""

    n: Pair
    k: Pair
    p: Pair
    s: Pair
    convention: Convention = "torch"

    def answer(self) -> Pair:
        """The output shape, by core's one rule (core.geometry)."""
        return tuple(_length(n, k, p, s, self.convention)  # type: ignore[return-value]
                     for n, k, p, s in zip(self.n, self.k, self.p, self.s))

    def slips(self) -> dict[str, Pair]:
        """The answer each named mistake gives (only those that differ from the right one)."""
        right = self.answer()
        out: dict[str, Pair] = {}
        for name, rule in _SHAPE_SLIPS[self.convention].items():
            got = tuple(rule(n, k, p, s) for n, k, p, s in zip(self.n, self.k, self.p, self.s))
            if got != right and name not in out:
                out[name] = got  # type: ignore[assignment]
        return out

    def check(self, text: str) -> Verdict:
        """The verdict on a typed answer (raises AnswerError when it cannot be read)."""
        return _verdict(read_shape(text), self.answer(), self.slips())


def _length(n: int, k: int, p: int, s: int, convention: Convention) -> int:
    """One axis of the right answer: PyTorch's per-side p, or d2l's total p (split as the
    book does: ⌈p/2⌉ on top, ⌊p/2⌋ below; only the total matters to the length)."""
    before, after = (p, p) if convention == "torch" else (math.ceil(p / 2), p // 2)
    return unchecked_output_length(n, k, before, after, s, 1)


# Each slip as a rule of one axis, in the order feedback prefers when two give one answer.
_SHAPE_SLIPS: dict[Convention, dict[str, Callable[[int, int, int, int], int]]] = {
    "torch": {
        "dropped_plus_s": lambda n, k, p, s: (n + 2 * p - k) // s,
        "padding_per_side_as_total": lambda n, k, p, s: (n + p - k) // s + 1,
        "rounded_up": lambda n, k, p, s: -(-(n + 2 * p - k) // s) + 1,
        "ignored_stride": lambda n, k, p, s: n + 2 * p - k + 1,
    },
    "d2l": {
        "dropped_plus_s": lambda n, k, p, s: (n - k + p) // s,
        "padding_total_as_per_side": lambda n, k, p, s: (n - k + 2 * p + s) // s,
        "rounded_up": lambda n, k, p, s: -(-(n - k + p + s) // s),
        "ignored_stride": lambda n, k, p, s: n - k + p + 1,
    },
}


def _verdict(given: object, right: object, slips: dict[str, object]) -> Verdict:
    if given == right:
        return Verdict(True, None, right)
    named = next((name for name, wrong in slips.items() if wrong == given), None)
    return Verdict(False, named, right)


#: The book's exercise (§6.3, padding and stride): 8×8, k = (3, 5), p = (0, 1) per side,
#: s = (3, 4) → 2×2.
BOOK_SHAPE = ShapeTask(n=(8, 8), k=(3, 5), p=(0, 1), s=(3, 4), convention="torch")


def shape_drill(seed: int, index: int, convention: Convention) -> ShapeTask:
    """Drill ``index`` of the set ``seed`` makes: the same seed, the same tasks for everyone.
    Every task has an output (a kernel no larger than the padded input)."""
    rng = random.Random(f"shape:{seed}:{index}:{convention}")
    while True:
        n = (rng.randint(*DRILL_N), rng.randint(*DRILL_N))
        k = (rng.randint(*DRILL_K), rng.randint(*DRILL_K))
        p = (rng.randint(*DRILL_P), rng.randint(*DRILL_P))
        s = (rng.randint(*DRILL_S), rng.randint(*DRILL_S))
        task = ShapeTask(n, k, p, s, convention)
        if min(task.answer()) >= 1:
            return task


# -- pooling ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PoolShapeTask:
    """``nn.MaxPool2d(k)`` (stride left at its default) on an n×n input: the output side."""

    n: int
    k: int

    def answer(self) -> int:
        return unchecked_output_length(self.n, self.k, 0, 0, self.k, 1)

    def check(self, text: str) -> Verdict:
        slips = {"pool_stride_one": unchecked_output_length(self.n, self.k, 0, 0, 1, 1)}
        return _verdict(read_int(text), self.answer(), slips)


#: The book's trap: nn.MaxPool2d(3) on 0..15 as 4×4 gives one cell, not 2×2.
BOOK_POOL = PoolShapeTask(n=4, k=3)


# -- grids: predict Y -------------------------------------------------------------------------

def read_grid(cells: list[list[str]], shape: tuple[int, int]) -> torch.Tensor:
    """A typed grid of whole numbers as a tensor of ``shape`` (rows, cols); AnswerWrongSize
    for a grid of another size, an AnswerError naming an unreadable cell."""
    rows, cols = shape
    if len(cells) != rows or any(len(r) != cols for r in cells):
        raise AnswerWrongSize(rows=len(cells), cols=max((len(r) for r in cells), default=0),
                              want_rows=rows, want_cols=cols)
    return torch.tensor([[float(read_int(c)) for c in r] for r in cells])


@dataclass(frozen=True)
class GridTask:
    """Predict Y = corr2d(X, K) cell by cell."""

    X: torch.Tensor
    K: torch.Tensor

    def answer(self) -> torch.Tensor:
        return corr2d(self.X, self.K)

    def check(self, cells: list[list[str]]) -> tuple[Verdict, list[list[bool]]]:
        """The verdict on a typed grid and, cell by cell, which cells are right. Raises
        AnswerError for an unreadable cell or a grid of the wrong size (naming it)."""
        Y = self.answer()
        given = read_grid(cells, Y.shape)
        marks = (given == Y).tolist()
        slips: dict[str, object] = {}
        flipped = corr2d(self.X, torch.flip(self.K, (0, 1)))
        if flipped.shape == Y.shape and not torch.equal(flipped, Y):
            slips["flipped_kernel"] = flipped.tolist()
        return _verdict(given.tolist(), Y.tolist(), slips), marks


def edge_tasks() -> dict[str, GridTask]:
    """The book's exercise on the diagonal edge (§6.2): Y for K = [1, −1], for Xᵀ, for Kᵀ."""
    X, K = diagonal_edge(6), torch.tensor([[1.0, -1.0]])
    return {"K": GridTask(X, K), "Xt": GridTask(X.T.contiguous(), K),
            "Kt": GridTask(X, K.T.contiguous())}


# -- one output cell: predict, then reveal ----------------------------------------------------

@dataclass(frozen=True)
class CellTask:
    """Predict one output cell: its ``value``, and what the same cell is with the kernel
    flipped (a true convolution), if that differs."""

    value: float
    flipped: float | None = None
    #: Other named slips: (key of MISTAKES, the value that slip gives), checked in order.
    slips: tuple[tuple[str, float], ...] = ()

    def check(self, text: str) -> Verdict:
        given = read_number(text)
        slips = {} if self.flipped is None else {"flipped_kernel": self.flipped}
        slips.update((k, v) for k, v in self.slips if not _close(v, self.value))
        if _close(given, self.value):
            return Verdict(True, None, self.value)
        named = next((k for k, v in slips.items() if _close(given, v)), None)
        return Verdict(False, named, self.value)


def pool_cell_task(window: PoolWindow) -> CellTask:
    """The task of one window of ``core.pool_windows``: its value and what the usual slips
    give. Average: the maximum instead of the mean, the sum not divided, the padding counted
    or not counted against ``count_include_pad``. Max: the mean of the window's input cells.
    A slip equal to the value (or to an earlier slip) is not named."""
    inputs = [v for v, kind in zip(window.values, window.kinds) if kind == "input"]
    if not inputs:
        return CellTask(float(window.value))
    slips: list[tuple[str, float]] = []
    if window.argmax:  # max pooling
        slips.append(("pool_mean_not_max", sum(inputs) / len(inputs)))
    else:
        pads = window.kinds.count("padding")  # the padding's slip first: the most specific
        if pads and window.count_pad:
            slips.append(("pool_pad_not_counted", window.total / len(inputs)))
        elif pads:
            slips.append(("pool_pad_counted", window.total / (len(inputs) + pads)))
        slips.append(("pool_max_not_mean", max(inputs)))
        slips.append(("pool_sum_not_divided", window.total))
    kept: list[tuple[str, float]] = []
    for name, v in slips:
        if not _close(v, window.value) and not any(_close(v, u) for _, u in kept):
            kept.append((name, float(v)))
    return CellTask(float(window.value), slips=tuple(kept))


def trans_cell_tasks(X: torch.Tensor, K: torch.Tensor, *, padding: int | Pair = 0,
                     stride: int | Pair = 1, dilation: int | Pair = 1,
                     output_padding: int | Pair = 0) -> tuple[CellTask, ...]:
    """Predict each output cell of a transposed convolution, row by row, with its named
    slips: K not turned (the as-a-convolution reading, cross-correlating the spread-out and
    bordered input with K as given), the stride ignored (stride 1), the padding's crop
    forgotten (the uncropped output's cell [i, j], where Y[i, j] is its [i + p, j + p]).
    A slip is named only where it exists (its setting is not already the right one) and
    gives another value.

    >>> [t.value for t in trans_cell_tasks(torch.tensor([[0., 1], [2, 3]]),
    ...                                    torch.tensor([[0., 1], [2, 3]]))][:3]
    [0.0, 0.0, 1.0]
    """
    X, K = X.double(), K.double()
    g = trans_geometry(tuple(X.shape), tuple(K.shape), padding=padding, stride=stride,
                       dilation=dilation, output_padding=output_padding)
    v = as_conv(X, K, padding=g.padding, stride=g.stride, dilation=g.dilation,
                output_padding=g.output_padding)
    unflipped = corr2d(v.X_padded, K, dilation=g.dilation)
    one = None
    if g.stride != (1, 1):
        try:
            one = trans_conv2d(X, K, padding=g.padding, dilation=g.dilation)
        except ValueError:  # with stride 1 there is no output: no such slip
            one = None
    whole = None if g.padding == (0, 0) else trans_conv2d(
        X, K, stride=g.stride, dilation=g.dilation, output_padding=g.output_padding)
    tasks = []
    for i in range(v.Y.shape[0]):
        for j in range(v.Y.shape[1]):
            slips = [("trans_unflipped_kernel", float(unflipped[i, j]))]
            if one is not None and i < one.shape[0] and j < one.shape[1]:
                slips.append(("trans_ignored_stride", float(one[i, j])))
            if whole is not None:
                slips.append(("trans_forgot_crop", float(whole[i, j])))
            tasks.append(CellTask(float(v.Y[i, j]), slips=tuple(slips)))
    return tuple(tasks)


def _close(a: float, b: float) -> bool:
    """Equal as a learner writes a value: to 3 decimals or 1 part in 1000."""
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-3)


# -- cost -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CostTask:
    """A conv layer's parameters and multiply-adds: ci → co channels, kh×kw kernel, an
    ho×wo output, with or without bias."""

    ci: int
    co: int
    kh: int
    kw: int
    ho: int
    wo: int
    bias: bool = True

    def params(self) -> int:
        return self.co * self.ci * self.kh * self.kw + (self.co if self.bias else 0)

    def macs(self) -> int:
        return self.co * self.ci * self.kh * self.kw * self.ho * self.wo

    def check_params(self, text: str) -> Verdict:
        w = self.co * self.ci * self.kh * self.kw
        slips = {"forgot_bias": w, "forgot_in_channels": self.co * self.kh * self.kw
                 + (self.co if self.bias else 0)}
        return _verdict(read_int(text), self.params(), {k: v for k, v in slips.items()
                                                        if v != self.params()})

    def check_macs(self, text: str) -> Verdict:
        slips = {"forgot_in_channels": self.co * self.kh * self.kw * self.ho * self.wo}
        return _verdict(read_int(text), self.macs(), {k: v for k, v in slips.items()
                                                      if v != self.macs()})


def cost_drill(seed: int, index: int) -> CostTask:
    """Cost task ``index`` of the set ``seed`` makes."""
    rng = random.Random(f"cost:{seed}:{index}")
    k = rng.choice((1, 3, 5))
    side = rng.choice((7, 14, 28, 32, 56))
    return CostTask(ci=rng.choice((1, 3, 16, 32, 64)), co=rng.choice((8, 16, 32, 64, 128)),
                    kh=k, kw=k, ho=side, wo=side, bias=rng.random() < 0.7)


# -- design a kernel --------------------------------------------------------------------------

#: Relative tolerance of a designed kernel's outputs (of the largest response).
DESIGN_TOL = 1e-4
#: Side of the test pictures a designed kernel is run on.
TEST_SIDE = 12

Design = Literal["second_derivative_x", "blur", "vertical_edges", "horizontal_edges"]

#: Why a designed kernel fails, for feedback (message ids).
DESIGN_FAILS: dict[str, str] = {
    "not_zero_on_constant": N_("On a constant picture it does not give 0: its weights must add "
                               "up to 0."),
    "not_zero_on_ramp": N_("On a straight ramp (brightness growing evenly to the right) it does "
                           "not give 0: a second derivative of a straight line is 0."),
    "not_constant_on_parabola": N_("On x² it should give the same non-zero number everywhere "
                                   "(the second derivative of x² is 2)."),
    "too_small": N_("A second derivative needs at least three taps along the row: one more "
                    "than the order of the derivative."),
    "negative_weight": N_("A blur averages: no weight may be negative."),
    "not_sum_one": N_("A blur keeps brightness: its weights must add up to 1."),
    "identity": N_("This kernel copies the picture: a blur mixes each pixel with its "
                   "neighbours."),
    "no_response": N_("It does not respond to an edge of the asked direction."),
    "other_direction": N_("It also responds to edges of the other direction."),
}


@dataclass(frozen=True)
class DesignVerdict:
    """``right``; else ``fails``, the keys of DESIGN_FAILS that apply, first the most basic."""

    right: bool
    fails: tuple[str, ...]


def _pictures() -> dict[str, torch.Tensor]:
    """Test pictures, TEST_SIDE a side: constant, ramp x, parabola x², a vertical edge (dark
    left half), a horizontal edge (dark top half)."""
    n = TEST_SIDE
    x = torch.arange(n, dtype=torch.float32).repeat(n, 1)
    half = (torch.arange(n) >= n // 2).float()
    return {"constant": torch.ones(n, n), "ramp": x, "parabola": x * x,
            "vertical": half.repeat(n, 1), "horizontal": half[:, None].repeat(1, n)}


def _small(Y: torch.Tensor, scale: float) -> bool:
    return float(Y.abs().max()) <= DESIGN_TOL * max(scale, 1.0)


def check_design(goal: Design, K: torch.Tensor) -> DesignVerdict:
    """Whether kernel K (2-D, from core.grids) does what ``goal`` asks, judged by its outputs
    on test pictures within DESIGN_TOL, not by matching one answer: any scale of a second
    difference, any blur, any detector of the direction passes."""
    K = K.to(torch.float32)
    P = _pictures()
    out = {name: corr2d(X, K) for name, X in P.items()}
    scale = float(K.abs().sum()) * TEST_SIDE**2
    fails: list[str] = []
    if goal == "second_derivative_x":
        if K.shape[1] < 3:
            fails.append("too_small")
        if not _small(out["constant"], scale):
            fails.append("not_zero_on_constant")
        if not _small(out["ramp"], scale):
            fails.append("not_zero_on_ramp")
        Y = out["parabola"]
        if not fails and (_small(Y, scale) or not _small(Y - Y.flatten()[0], scale)):
            fails.append("not_constant_on_parabola")
    elif goal == "blur":
        if bool((K < 0).any()):
            fails.append("negative_weight")
        if abs(float(K.sum()) - 1.0) > DESIGN_TOL:
            fails.append("not_sum_one")
        if int((K != 0).sum()) < 2:
            fails.append("identity")
    else:
        asked, other = (("vertical", "horizontal") if goal == "vertical_edges"
                        else ("horizontal", "vertical"))
        if not _small(out["constant"], scale):
            fails.append("not_zero_on_constant")
        if _small(out[asked], scale):
            fails.append("no_response")
        if not _small(out[other], scale):
            fails.append("other_direction")
    return DesignVerdict(not fails, tuple(fails))


# -- cross-correlation as a matrix product ----------------------------------------------------

@dataclass(frozen=True)
class MatrixTask:
    """Build W with vec(corr2d(X, K)) = W·vec(X) for an ``n``×``n`` input (core.matrix)."""

    n: int
    K: torch.Tensor

    def answer(self) -> torch.Tensor:
        """W: (H_out·W_out, n·n), by core.matrix.conv_matrix."""
        return conv_matrix((self.n, self.n), self.K)

    def slips(self) -> dict[str, torch.Tensor]:
        W = self.answer()
        # Input cells numbered column by column: column r·n + c holds what (c, r)'s did.
        order = torch.arange(self.n * self.n).reshape(self.n, self.n).T.reshape(-1)
        out = {"flipped_kernel": conv_matrix((self.n, self.n), torch.flip(self.K, (0, 1))),
               "column_major": W[:, order], "transposed_matrix": W.T}
        return {k: v for k, v in out.items() if not torch.equal(v, W)}

    def check(self, cells: list[list[str]]) -> tuple[Verdict, list[list[bool]] | None]:
        """The verdict on a typed W and, when it has W's shape, which cells are right.
        Wᵀ is named, not refused for its shape; any other shape raises AnswerWrongSize."""
        W = self.answer()
        rows, cols = len(cells), max((len(r) for r in cells), default=0)
        if (rows, cols) == tuple(W.T.shape) and (rows, cols) != tuple(W.shape) and all(
                len(r) == cols for r in cells):
            given = torch.tensor([[float(read_int(c)) for c in r] for r in cells])
            slips = {k: v.tolist() for k, v in self.slips().items()}
            return _verdict(given.tolist(), W.tolist(), slips), None
        if (rows, cols) != tuple(W.shape) or any(len(r) != cols for r in cells):
            raise AnswerWrongSize(rows=rows, cols=cols, want_rows=W.shape[0],
                                  want_cols=W.shape[1])
        given = torch.tensor([[float(read_int(c)) for c in r] for r in cells])
        slips = {k: v.tolist() for k, v in self.slips().items()}
        return _verdict(given.tolist(), W.tolist(), slips), (given == W).tolist()


def matrix_task(seed: int) -> MatrixTask:
    """The matrix task of the set ``seed``: a 3×3 input and a 2×2 kernel of small whole
    numbers (seed 0: the book's K = [[0, 1], [2, 3]]); W is then 4×9."""
    if seed == 0:
        return MatrixTask(3, torch.tensor([[0.0, 1.0], [2.0, 3.0]]))
    rng = random.Random(f"matrix:{seed}")
    while True:
        K = torch.tensor([[float(rng.randint(-3, 4)) for _ in range(2)] for _ in range(2)])
        if not torch.equal(K, torch.flip(K, (0, 1))) and int((K != 0).sum()) >= 3:
            return MatrixTask(3, K)


# -- pooling from convolution and from max pooling --------------------------------------------

#: Relative tolerance of a typed averaging kernel's outputs (0.111 for 1/9 passes).
AVG_TOL = 1e-2


@dataclass(frozen=True)
class AvgKernelTask:
    """``nn.AvgPool2d(k)`` as a convolution: the kernel K with corr2d(X, K, stride=k) equal
    to it, judged by its outputs on a test picture within AVG_TOL."""

    k: int

    def answer(self) -> torch.Tensor:
        return mean_kernel(self.k)

    def check(self, K: torch.Tensor) -> Verdict:
        """K from core.grids.parse_grid; a kernel of another shape is refused."""
        want = self.answer()
        if tuple(K.shape) != tuple(want.shape):
            raise AnswerWrongSize(rows=K.shape[0], cols=K.shape[1], want_rows=self.k,
                                  want_cols=self.k)
        X = torch.arange(36, dtype=torch.float32).reshape(6, 6) % 7 + 1
        pooled = pool2d(X, self.k, "avg")
        got = corr2d(X, K.to(torch.float32), stride=self.k)
        if float((got - pooled).abs().max()) <= AVG_TOL * float(pooled.abs().max()):
            return Verdict(True, None, want)
        summed = bool(torch.allclose(K, torch.ones_like(K), rtol=AVG_TOL))
        return Verdict(False, "pool_sum_not_mean" if summed else None, want)


@dataclass(frozen=True)
class MinPoolTask:
    """Min pooling (k×k windows, stride k) of X computed with max pooling only:
    minpool(X) = −maxpool(−X) (core.pooling.min_pool2d)."""

    X: torch.Tensor
    k: int

    def answer(self) -> torch.Tensor:
        return min_pool2d(self.X, self.k)

    def check(self, cells: list[list[str]]) -> tuple[Verdict, list[list[bool]]]:
        Y = self.answer()
        given = read_grid(cells, Y.shape)
        slips = {"max_not_min": pool2d(self.X, self.k, "max").tolist(),
                 "forgot_negate_back": pool2d(-self.X, self.k, "max").tolist()}
        return _verdict(given.tolist(), Y.tolist(), slips), (given == Y).tolist()


def min_pool_task(seed: int) -> MinPoolTask:
    """The min-pooling task of the set ``seed``: a 4×4 X of digits 1–9, 2×2 windows."""
    rng = random.Random(f"minpool:{seed}")
    X = torch.tensor([[float(rng.randint(1, 9)) for _ in range(4)] for _ in range(4)])
    return MinPoolTask(X, 2)


def avg_kernel_task(seed: int) -> AvgKernelTask:
    """The averaging-kernel task of the set ``seed``: 2×2 for seed 0, else 2×2 or 3×3."""
    return AvgKernelTask(2 if seed == 0 else random.Random(f"avg:{seed}").choice((2, 3)))


# -- transposed convolution: output shape -----------------------------------------------------

@dataclass(frozen=True)
class TransShapeTask:
    """``nn.ConvTranspose2d(kernel_size=k, stride=s, padding=p)`` (per side) on an n input,
    each (height, width): the output's shape."""

    n: Pair
    k: Pair
    p: Pair
    s: Pair

    def answer(self) -> Pair:
        """(n − 1)·s − 2p + k per axis, by core.transposed.trans_geometry."""
        return trans_geometry(self.n, self.k, padding=self.p, stride=self.s, dilation=1,
                              output_padding=0).output_shape

    def slips(self) -> dict[str, Pair]:
        right = self.answer()
        rules: dict[str, Callable[[int, int, int, int], int]] = {
            "trans_conv_formula": lambda n, k, p, s: (n + 2 * p - k) // s + 1,
            "trans_padding_added": lambda n, k, p, s: (n - 1) * s + 2 * p + k,
            "trans_n_not_n_minus_1": lambda n, k, p, s: n * s - 2 * p + k,
        }
        out: dict[str, Pair] = {}
        for name, rule in rules.items():
            got = tuple(rule(n, k, p, s) for n, k, p, s in zip(self.n, self.k, self.p, self.s))
            if got != right and got not in out.values():
                out[name] = got  # type: ignore[assignment]
        return out

    def check(self, text: str) -> Verdict:
        return _verdict(read_shape(text), self.answer(), self.slips())


#: The book's example (§13.10, transposed convolution): a 2×2 input, a 2×2 kernel, stride 2
#: → 4×4.
BOOK_TRANS = TransShapeTask(n=(2, 2), k=(2, 2), p=(0, 0), s=(2, 2))


def trans_drill(seed: int, index: int) -> TransShapeTask:
    """Transposed-convolution shape task ``index`` of the set ``seed`` (an output of at
    least 1 cell a side; padding below the kernel)."""
    rng = random.Random(f"trans:{seed}:{index}")
    while True:
        n = (rng.randint(2, 8), rng.randint(2, 8))
        k = (rng.randint(1, 5), rng.randint(1, 5))
        s = (rng.randint(1, 3), rng.randint(1, 3))
        p = (rng.randint(0, k[0] - 1), rng.randint(0, k[1] - 1))
        task = TransShapeTask(n, k, p, s)
        try:
            task.answer()
        except ValueError:  # the padding leaves nothing: draw again
            continue
        return task
