"""Pooling (汇聚层): max and average pooling, their windows, and the book's questions.

``pool2d`` is a thin layer over ``F.max_pool2d`` / ``F.avg_pool2d`` (the reference), with
``corr2d``'s conventions: ``padding`` per side, keyword-only geometry, typed errors. Unlike
``corr2d_multi_in``, pooling keeps channels apart: C channels in, the same C out, no sum.
``pool_windows`` rebuilds every output cell in plain Python (what the page animates).

PyTorch's rules, kept exactly:

- ``stride=None`` is the window itself (``nn.MaxPool2d(3)`` strides by 3: the book's trap);
- padding at most half the kernel per side;
- max pooling counts padding as −∞ (it never wins); average pooling counts it as 0 and
  divides by the whole window with ``count_include_pad=True``, by the input cells only
  without;
- ``ceil_mode`` rounds the output size up: a last, partial window that starts inside the
  input or the left padding; its cells past the right padding are left out (not counted).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import torch
import torch.nn.functional as F

from core.corr import as_tensor, corr2d
from core.errors import TooManyElements, UnknownName
from core.formula import axis_formula, exact_quotient
from core.geometry import (
    MAX_TRACE_CELLS,
    IntOrPair,
    Pair,
    pair,
    pool_output_shape,
    pool_stride,
    unchecked_output_length,
)
from core.matrix import im2col
from core.windows import num

Mode = Literal["max", "avg"]
POOL_MODES: tuple[Mode, ...] = ("max", "avg")
#: What each kind of window cell is: an input cell, padding, or past the padding (the
#: partial window of ``ceil_mode``).
CELL_KINDS = ("input", "padding", "outside")

#: The book's 3×3 input, 0..8 (window 2×2, stride 1: max [[4, 5], [7, 8]], avg [[2, 3], [5, 6]]).
POOL_X = ((0, 1, 2), (3, 4, 5), (6, 7, 8))
#: The book's 4×4 input, 0..15, for padding and stride.
POOL_X16 = tuple(tuple(range(4 * r, 4 * r + 4)) for r in range(4))
#: The book's two channels: POOL_X16 and POOL_X16 + 1 (channels stay apart).
POOL_X16_2 = (POOL_X16, tuple(tuple(v + 1 for v in row) for row in POOL_X16))


@dataclass(frozen=True)
class PoolExample:
    """One of the book's pooling cells: input, settings, and the output the book prints."""

    X: tuple
    pool_size: Pair
    mode: Mode
    padding: Pair
    stride: Pair | None
    Y: tuple
    code: str

    def settings(self) -> dict[str, Any]:
        """Keyword arguments for ``pool2d`` / ``pool2d_multi``."""
        return {"mode": self.mode, "padding": self.padding, "stride": self.stride}


#: The book's examples (d2l 6.5 / 7.5), by name: the page offers them as one-click set-ups.
POOL_EXAMPLES: dict[str, PoolExample] = {
    "max 2×2": PoolExample(POOL_X, (2, 2), "max", (0, 0), (1, 1), ((4, 5), (7, 8)),
                           "pool2d(X, (2, 2))"),
    "avg 2×2": PoolExample(POOL_X, (2, 2), "avg", (0, 0), (1, 1), ((2, 3), (5, 6)),
                           "pool2d(X, (2, 2), 'avg')"),
    "MaxPool2d(3)": PoolExample(POOL_X16, (3, 3), "max", (0, 0), None, ((10,),),
                                "nn.MaxPool2d(3)"),
    "MaxPool2d(3, padding=1, stride=2)": PoolExample(
        POOL_X16, (3, 3), "max", (1, 1), (2, 2), ((5, 7), (13, 15)),
        "nn.MaxPool2d(3, padding=1, stride=2)"),
    "MaxPool2d((2, 3), stride=(2, 3), padding=(0, 1))": PoolExample(
        POOL_X16, (2, 3), "max", (0, 1), (2, 3), ((5, 7), (13, 15)),
        "nn.MaxPool2d((2, 3), stride=(2, 3), padding=(0, 1))"),
    "two channels": PoolExample(
        POOL_X16_2, (3, 3), "max", (1, 1), (2, 2), (((5, 7), (13, 15)), ((6, 8), (14, 16))),
        "nn.MaxPool2d(3, padding=1, stride=2)"),
}


def _mode(mode: str) -> Mode:
    if mode not in POOL_MODES:
        raise UnknownName(what="pooling mode", name=mode, choices=", ".join(POOL_MODES))
    return mode  # type: ignore[return-value]


def _pool(
    X: torch.Tensor, pool_size: IntOrPair, *, mode: str, padding: IntOrPair,
    stride: IntOrPair | None, ceil_mode: bool, count_include_pad: bool,
) -> torch.Tensor:
    """X (C, H, W) → (C, H_out, W_out), the settings checked before torch sees them."""
    mode = _mode(mode)
    k = pair(pool_size, "pool_size", minimum=1)
    s, p = pool_stride(stride, k), pair(padding, "padding", minimum=0)
    # Checked first, so the message states the rule and the numbers.
    pool_output_shape(tuple(X.shape[-2:]), k, padding=p, stride=s, ceil_mode=ceil_mode)
    if mode == "max":
        return F.max_pool2d(X, k, stride=s, padding=p, ceil_mode=ceil_mode)
    return F.avg_pool2d(X, k, stride=s, padding=p, ceil_mode=ceil_mode,
                        count_include_pad=count_include_pad)


def pool2d(
    X: Any, pool_size: IntOrPair, mode: str = "max", *, padding: IntOrPair = 0,
    stride: IntOrPair | None = None, ceil_mode: bool = False, count_include_pad: bool = True,
) -> torch.Tensor:
    """Max or average pooling of X (H, W) → (H_out, W_out), as ``F.max_pool2d`` /
    ``F.avg_pool2d``.

    Y[i, j] = max (or mean) of X_pad[i·s_h + a, j·s_w + b] over the window's taps (a, b);
    H_out = ⌊(H + 2p_h − k_h)/s_h⌋ + 1 (the convolution's rule, ⌈ ⌉ with ``ceil_mode``),
    ``stride`` None = the window, ``padding`` per side and at most half the window.

    >>> pool2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], (2, 2), stride=1)
    tensor([[4., 5.],
            [7., 8.]])
    >>> pool2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], (2, 2), "avg", stride=1)
    tensor([[2., 3.],
            [5., 6.]])
    """
    X = as_tensor(X, "X", ndim=2)
    # (1, H, W) → (1, H_out, W_out)
    return _pool(X[None], pool_size, mode=mode, padding=padding, stride=stride,
                 ceil_mode=ceil_mode, count_include_pad=count_include_pad)[0]


def pool2d_multi(
    X: Any, pool_size: IntOrPair, mode: str = "max", *, padding: IntOrPair = 0,
    stride: IntOrPair | None = None, ceil_mode: bool = False, count_include_pad: bool = True,
) -> torch.Tensor:
    """``pool2d`` channel by channel: X (C, H, W) → (C, H_out, W_out), channels kept apart
    (no sum over channels, unlike ``corr2d_multi_in``): Y[c] = pool2d(X[c]).

    >>> X = torch.arange(16.0).reshape(1, 4, 4)
    >>> pool2d_multi(torch.cat([X, X + 1]), 3, padding=1, stride=2).tolist()
    [[[5.0, 7.0], [13.0, 15.0]], [[6.0, 8.0], [14.0, 16.0]]]
    """
    X = as_tensor(X, "X", ndim=3)
    return _pool(X, pool_size, mode=mode, padding=padding, stride=stride, ceil_mode=ceil_mode,
                 count_include_pad=count_include_pad)


@dataclass(frozen=True)
class PoolWindow:
    """One output cell Y[i, j] and the window that makes it.

    ``cells`` are (r, c) in the INPUT's coordinates, row-major over the window (below 0 or
    past the input on padding); ``kinds[t]`` is one of ``CELL_KINDS``; ``values[t]`` is what
    the cell counts as: X[r, c], −∞ for max padding, 0 for average padding, nan outside.
    Max: ``argmax`` lists every cell holding the maximum (ties). Average: ``total`` / ``count``
    is the value, ``count`` the divisor PyTorch uses. ``value`` is Y[i, j] as torch gives it.
    """

    i: int
    j: int
    cells: tuple[tuple[int, int], ...]
    kinds: tuple[str, ...]
    values: tuple[float, ...]
    value: float
    argmax: tuple[int, ...]
    total: float
    count: int

    def formula(self) -> str:
        """The window as written by hand: "max(0, 1, 3, 4) = 4" or "(0 + 1 + 3 + 4) / 4 = 2"."""
        shown = [_num(v) for v, kind in zip(self.values, self.kinds)
                 if kind != "outside" and (self.argmax or kind == "input" or self.count_pad)]
        if self.argmax:
            return f"max({', '.join(shown)}) = {_num(self.value)}"
        return f"({' + '.join(shown)}) / {self.count} = {_num(self.value)}"

    @property
    def count_pad(self) -> bool:
        """Whether padding cells are in the average's count (``count_include_pad``)."""
        return self.count > self.kinds.count("input")


@dataclass(frozen=True)
class PoolTrace:
    """Everything the pooling page draws: X (H, W), Y (H_out, W_out), the windows in
    row-major order, and the settings they were made with (stride resolved, padding per
    side)."""

    X: torch.Tensor
    Y: torch.Tensor
    windows: tuple[PoolWindow, ...]
    mode: Mode
    pool_size: Pair
    stride: Pair
    padding: Pair
    ceil_mode: bool
    count_include_pad: bool


def _num(v: float) -> str:
    """``num``, with max pooling's padding written −∞."""
    return "−∞" if v == -math.inf else num(v)


def _kind(r: int, c: int, H: int, W: int, p: Pair) -> str:
    if 0 <= r < H and 0 <= c < W:
        return "input"
    if -p[0] <= r < H + p[0] and -p[1] <= c < W + p[1]:
        return "padding"
    return "outside"


def pool_windows(
    X: Any, pool_size: IntOrPair, mode: str = "max", *, padding: IntOrPair = 0,
    stride: IntOrPair | None = None, ceil_mode: bool = False, count_include_pad: bool = True,
) -> PoolTrace:
    """Trace ``pool2d`` output cell by output cell (the page's animation).

    Window (i, j) covers input cells (i·s_h − p_h + a, j·s_w − p_w + b) for a < k_h, b < k_w.
    Each window's maximum (or sum / count) is worked out here in plain Python, by PyTorch's
    rules, and equals ``pool2d(...)[i, j]`` (the tests check it).

    >>> w = pool_windows([[0, 1, 2], [3, 4, 5], [6, 7, 8]], 2, "avg", stride=1).windows[0]
    >>> w.formula()
    '(0 + 1 + 3 + 4) / 4 = 2'
    """
    X = as_tensor(X, "X", ndim=2)
    Y = pool2d(X, pool_size, mode, padding=padding, stride=stride, ceil_mode=ceil_mode,
               count_include_pad=count_include_pad)
    k = pair(pool_size, "pool_size", minimum=1)
    s, p = pool_stride(stride, k), pair(padding, "padding", minimum=0)
    if Y.numel() * k[0] * k[1] > MAX_TRACE_CELLS:
        raise TooManyElements(shape=(Y.shape[0], Y.shape[1], k[0], k[1]),
                              maximum=MAX_TRACE_CELLS)
    (H, W), rows, out = X.shape, X.tolist(), Y.tolist()
    pad_value = -math.inf if mode == "max" else 0.0
    windows = []
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            cells = tuple((i * s[0] - p[0] + a, j * s[1] - p[1] + b)
                          for a in range(k[0]) for b in range(k[1]))
            kinds = tuple(_kind(r, c, H, W, p) for r, c in cells)
            values = tuple(rows[r][c] if kind == "input" else
                           pad_value if kind == "padding" else math.nan
                           for (r, c), kind in zip(cells, kinds))
            windows.append(_window(i, j, cells, kinds, values, out[i][j], mode,
                                   count_include_pad))
    return PoolTrace(X, Y, tuple(windows), _mode(mode), k, s, p, ceil_mode, count_include_pad)


def _window(
    i: int, j: int, cells: tuple[tuple[int, int], ...], kinds: tuple[str, ...],
    values: tuple[float, ...], value: float, mode: str, count_include_pad: bool,
) -> PoolWindow:
    """One window's arithmetic: the maximum and where it is, or the sum and the divisor."""
    counted = [t for t, kind in zip(range(len(kinds)), kinds) if kind != "outside"]
    if mode == "max":
        best = max(values[t] for t in counted)
        argmax = tuple(t for t in counted if values[t] == best)
        return PoolWindow(i, j, cells, kinds, values, value, argmax, best, len(counted))
    if not count_include_pad:
        counted = [t for t in counted if kinds[t] == "input"]
    total = sum(values[t] for t in counted)
    return PoolWindow(i, j, cells, kinds, values, value, (), total, len(counted))


# -- the book's questions ------------------------------------------------------------------


def mean_kernel(pool_size: IntOrPair) -> torch.Tensor:
    """The constant kernel 1/(k_h·k_w), (k_h, k_w): average pooling as a convolution.

    >>> mean_kernel(2)
    tensor([[0.2500, 0.2500],
            [0.2500, 0.2500]])
    """
    kh, kw = pair(pool_size, "pool_size", minimum=1)
    return torch.full((kh, kw), 1.0 / (kh * kw))


def avg_pool_as_conv(
    X: Any, pool_size: IntOrPair, *, padding: IntOrPair = 0, stride: IntOrPair | None = None,
) -> torch.Tensor:
    """Average pooling written as ``corr2d`` with ``mean_kernel``, zero padding and the
    pool's stride: X (H, W) → (H_out, W_out), equal to
    ``pool2d(X, pool_size, "avg", count_include_pad=True)`` (floor mode).

    >>> avg_pool_as_conv([[0, 1, 2], [3, 4, 5], [6, 7, 8]], 2, stride=1)
    tensor([[2., 3.],
            [5., 6.]])
    """
    k = pair(pool_size, "pool_size", minimum=1)
    return corr2d(X, mean_kernel(k), padding=pair(padding, "padding", minimum=0),
                  stride=pool_stride(stride, k))


def min_pool2d(
    X: Any, pool_size: IntOrPair, *, padding: IntOrPair = 0, stride: IntOrPair | None = None,
    ceil_mode: bool = False,
) -> torch.Tensor:
    """Min pooling as −maxpool(−X): X (H, W) → (H_out, W_out) (padding counts as +∞).

    >>> min_pool2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], 2, stride=1)
    tensor([[0., 1.],
            [3., 4.]])
    """
    X = as_tensor(X, "X", ndim=2)
    return -pool2d(-X, pool_size, "max", padding=padding, stride=stride, ceil_mode=ceil_mode)


def relu_max(a: Any, b: Any) -> torch.Tensor:
    """max(a, b) from one ReLU: a + relu(b − a) (elementwise on tensors of one shape).

    >>> relu_max(torch.tensor([3.0, -1.0]), torch.tensor([2.0, 5.0]))
    tensor([3., 5.])
    """
    a, b = torch.as_tensor(a, dtype=torch.float32), torch.as_tensor(b, dtype=torch.float32)
    return a + torch.relu(b - a)


def max_pool_by_relu(
    X: Any, pool_size: IntOrPair, *, stride: IntOrPair | None = None
) -> torch.Tensor:
    """Max pooling from convolutions and ReLUs only: X (H, W) → (H_out, W_out), no padding.

    Each window tap t is one convolution with a one-hot kernel (a column of ``im2col``);
    the taps are folded with ``relu_max``: m ← m + relu(x_t − m). Equal to ``pool2d``.

    >>> max_pool_by_relu([[0, 1, 2], [3, 4, 5], [6, 7, 8]], 2, stride=1)
    tensor([[4., 5.],
            [7., 8.]])
    """
    k = pair(pool_size, "pool_size", minimum=1)
    s = pool_stride(stride, k)
    X = as_tensor(X, "X", ndim=2)
    Ho, Wo = pool_output_shape(tuple(X.shape), k, stride=s)
    columns = im2col(X, k, stride=s)  # (H_out·W_out, k_h·k_w): tap t is column t
    m = columns[:, 0]
    for t in range(1, columns.shape[1]):
        m = relu_max(m, columns[:, t])
    return m.reshape(Ho, Wo)


# -- the shape rule, written out -------------------------------------------------------------


@dataclass(frozen=True)
class PoolAxisFormula:
    """The pool's output length along one axis with its numbers put in: the convolution's
    rule (dilation 1), ⌊ ⌋, or ⌈ ⌉ under ``ceil_mode``; ``dropped``: ``ceil_mode`` took
    back a last window that would start on the right padding (PyTorch's rule)."""

    text: str
    out: int
    dropped: bool


def pool_axis_formula(axis: str, n: int, k: int, p: int, s: int, *,
                      ceil_mode: bool = False) -> PoolAxisFormula:
    """``axis``_out for an input of n cells, window k, padding p per side, stride s.

    >>> pool_axis_formula("H", 4, 3, 0, 3).text
    'H_out = ⌊(4 + 0 + 0 − 1·(3 − 1) − 1) / 3⌋ + 1 = ⌊1 / 3⌋ + 1 = ⌊1/3⌋ + 1 = 0 + 1 = 1'
    >>> f = pool_axis_formula("W", 5, 2, 0, 2, ceil_mode=True)
    >>> f.text, f.out
    ('W_out = ⌈(5 + 0 + 0 − 2) / 2⌉ + 1 = ⌈3 / 2⌉ + 1 = ⌈1.5⌉ + 1 = 2 + 1 = 3', 3)
    """
    if not ceil_mode:
        f = axis_formula(n, k, p, p, s, 1)
        return PoolAxisFormula(f"{axis}_out = {f.pytorch}", f.out, False)

    top = n + 2 * p - k
    up = -(-top // s)
    steps = [f"⌈{top} / {s}⌉ + 1"]
    if top % s:
        steps.append(f"⌈{exact_quotient(top, s)}⌉ + 1")
    steps += [f"{up} + 1", str(up + 1)]
    out = unchecked_output_length(n, k, p, p, s, 1, ceil_mode=True)
    dropped = out == up
    text = f"{axis}_out = ⌈({n} + {p} + {p} − {k}) / {s}⌉ + 1 = " + " = ".join(steps)
    if dropped:
        text += f" − 1 = {out}"
    return PoolAxisFormula(text.replace("-", "−"), out, dropped)
