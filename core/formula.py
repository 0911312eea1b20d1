"""One convolution's output shape: the rule, its steps with numbers, and PyTorch's check.

PyTorch's convention: ``padding`` is per side; d2l's ``p_h`` is the total over both sides.
The rule itself, ⌊(n + before + after − d(k − 1) − 1)/s⌋ + 1, is computed in one place,
``core.geometry.output_length``; here it is written out step by step (``axis_formula``),
checked against ``nn.Conv2d`` (``torch_check``) and drawn as the windows the stride visits
(``window_map``). ``SEED_CELLS`` are the notebook's four padding/stride cells.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import torch
from torch import nn

from core import geometry
from core.geometry import (
    MAX_GEOMETRY,
    LayerPadding,
    Pair,
    conv_output_shape,
    output_length,
    resolve_padding,
    span,
)
from core.torchcode import module_code

#: Largest input height/width, as core.geometry accepts (conv_output_shape checks it).
MAX_INPUT = MAX_GEOMETRY
#: Largest padded input (per side) drawn cell by cell with its windows.
MAX_PICTURE = 40
#: A PyTorch run happens only below these: input cells, multiply-accumulates, parameters.
MAX_RUN_CELLS = 1024 * 1024
MAX_RUN_MACS = 2 * 10**8
MAX_RUN_PARAMS = 5 * 10**6


@dataclass(frozen=True)
class ConvGeometry:
    """One ``nn.Conv2d`` on an (H, W) input; ``padding`` per side, or "same" / "valid"."""

    input_size: Pair
    kernel_size: Pair
    padding: LayerPadding = (0, 0)
    stride: Pair = (1, 1)
    dilation: Pair = (1, 1)

    def pads(self) -> tuple[Pair, Pair]:
        """((top, bottom), (left, right)); ValueError for "same" with a stride."""
        return resolve_padding(self.padding, self.kernel_size, stride=self.stride,
                               dilation=self.dilation)

    def code(self) -> str:
        """The ``nn.Conv2d`` call for this geometry, 1 channel in and out."""
        return module_code("Conv2d", 1, 1, kernel_size=self.kernel_size, stride=self.stride,
                           padding=self.padding, dilation=self.dilation)

    def output_shape(self) -> Pair:
        """(H_out, W_out) by the rule; ValueError naming it when there is no output."""
        return conv_output_shape(self.input_size, self.kernel_size, padding=self.padding,
                                 stride=self.stride, dilation=self.dilation)

    def label(self) -> str:
        """Short name with the output the rule gives: "k3 p1 → 8×8" (input left out)."""
        def short(p: Pair) -> str:
            return geometry.pair_text(p, "({},{})")

        out = self.output_shape()
        pad = self.padding if isinstance(self.padding, str) else short(self.padding)
        s = "" if self.stride == (1, 1) else f" s{short(self.stride)}"
        return f"k{short(self.kernel_size)} p{pad}{s} → {out[0]}×{out[1]}"


#: The notebook's four padding/stride cells (In [26]–[28]), all on an 8×8 input.
SEED_CELLS: tuple[ConvGeometry, ...] = (
    ConvGeometry((8, 8), (3, 3), (1, 1)),
    ConvGeometry((8, 8), (5, 3), (2, 1)),
    ConvGeometry((8, 8), (5, 3), (2, 1), stride=(2, 2)),
    ConvGeometry((8, 8), (3, 5), (0, 1), stride=(3, 4)),
)

PYTORCH_TEX = r"n_{out} = \left\lfloor \frac{n + 2p - d\,(k - 1) - 1}{s} \right\rfloor + 1"
D2L_TEX = r"n_{out} = \left\lfloor \frac{n_h - k_h + p_h + s_h}{s_h} \right\rfloor"


def exact_quotient(a: int, b: int) -> str:
    """a / b written exactly: whole, a terminating decimal, or whole part and fraction.

    The fraction is in lowest terms after a narrow no-break space ("74 1/3" is 74 + 1/3);
    a negative quotient takes "−" in front of the whole: "−2 1/3" is −(2 + 1/3).

    >>> exact_quotient(223, 2), exact_quotient(1, 16), exact_quotient(223, 3)
    ('111.5', '0.0625', '74\u202f1/3')
    >>> exact_quotient(-7, 3), exact_quotient(6, 3)
    ('−2\u202f1/3', '2')
    """
    q = Fraction(a, b)
    sign, q = ("−" if q < 0 else ""), abs(q)
    whole, rest = divmod(q.numerator, q.denominator)
    if not rest:
        return f"{sign}{whole}"
    den, twos, fives = q.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den == 1:  # only 2s and 5s below: the decimal ends after max(twos, fives) digits
        digits = max(twos, fives)
        return f"{sign}{whole}.{rest * 10**digits // q.denominator:0{digits}d}"
    fraction = f"{rest}/{q.denominator}"
    return f"{sign}{whole}\u202f{fraction}" if whole else f"{sign}{fraction}"


def _floor_steps(a: int, b: int, plus: str = "") -> str:
    """"⌊7 / 2⌋ + 1 = ⌊3.5⌋ + 1 = 3 + 1 = 4": the division, its exact value, the floor."""
    steps = [f"⌊{a} / {b}⌋{plus}"]
    if a % b:
        steps.append(f"⌊{exact_quotient(a, b)}⌋{plus}")
    if plus:
        steps.append(f"{a // b}{plus}")
    steps.append(str(a // b + (1 if plus else 0)))
    return " = ".join(steps).replace("-", "−")


@dataclass(frozen=True)
class AxisFormula:
    """One axis of the output-size rule, written with its numbers in both conventions.

    ``out`` may be < 1 (then there is no output); the page says so.
    """

    pytorch: str
    d2l: str
    out: int


def axis_formula(n: int, k: int, before: int, after: int, s: int, d: int) -> AxisFormula:
    """The rule along one axis with the numbers put in.

    >>> f = axis_formula(8, 5, 2, 2, 2, 1)
    >>> f.pytorch
    '⌊(8 + 2 + 2 − 1·(5 − 1) − 1) / 2⌋ + 1 = ⌊7 / 2⌋ + 1 = ⌊3.5⌋ + 1 = 3 + 1 = 4'
    >>> f.d2l
    '⌊(8 − 5 + 4 + 2) / 2⌋ = ⌊9 / 2⌋ = ⌊4.5⌋ = 4'
    """
    top = n + before + after - d * (k - 1) - 1  # the numerator, shown in the steps
    out = geometry.unchecked_output_length(n, k, before, after, s, d)
    pytorch = (f"⌊({n} + {before} + {after} − {d}·({k} − 1) − 1) / {s}⌋ + 1 = "
               + _floor_steps(top, s, " + 1"))
    reach = span(k, d)  # d2l has no dilation: the dilated kernel covers `reach` cells
    num = n - reach + before + after + s
    d2l = f"⌊({n} − {reach} + {before + after} + {s}) / {s}⌋ = " + _floor_steps(num, s)
    return AxisFormula(pytorch, d2l, out)


def formulas(g: ConvGeometry) -> tuple[AxisFormula, AxisFormula]:
    """(height, width) formulas; ValueError when the padding cannot be resolved."""
    (top, bottom), (left, right) = g.pads()
    return (
        axis_formula(g.input_size[0], g.kernel_size[0], top, bottom, g.stride[0], g.dilation[0]),
        axis_formula(g.input_size[1], g.kernel_size[1], left, right, g.stride[1], g.dilation[1]),
    )


def check_input_size(size: Pair, name: str = "input size") -> Pair:
    """``size`` as (H, W), each a whole number in 1..MAX_INPUT, or ValueError."""
    if len(size) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in size):
        raise ValueError(f"{name} must be two whole numbers, got {size!r}")
    if not all(1 <= v <= MAX_INPUT for v in size):
        raise ValueError(f"{name} must be 1..{MAX_INPUT} on each side, got {size[0]}×{size[1]}")
    return int(size[0]), int(size[1])


def torch_check_limit(g: ConvGeometry, out: Pair, gettext: Callable[[str], str] = str
                      ) -> str | None:
    """Why running ``nn.Conv2d`` for ``g`` would cost too much, or None when it is cheap;
    worded by ``gettext`` (the reader's language; English by default)."""
    (H, W), f, _ = g.input_size, format_count, gettext
    if H * W > MAX_RUN_CELLS:
        return _("the input has {cells} cells (the check runs up to {limit})").format(
            cells=f(H * W), limit=f(MAX_RUN_CELLS))
    work = out[0] * out[1] * g.kernel_size[0] * g.kernel_size[1]
    if work > MAX_RUN_MACS:
        return _("it needs {macs} multiply-accumulates (the check runs up to {limit})").format(
            macs=f(work), limit=f(MAX_RUN_MACS))
    return None


def torch_output_shape(g: ConvGeometry, *, meta: bool = False) -> Pair:
    """(H_out, W_out) that ``nn.Conv2d(1, 1, ...)`` gives on ``torch.zeros(1, 1, H, W)``.

    ``meta``: layer and input on the meta device, shapes without storage or arithmetic.
    torch's own errors come out as ValueError.
    """
    device = torch.device("meta") if meta else contextlib.nullcontext()
    try:
        with torch.no_grad(), device:
            conv = nn.Conv2d(1, 1, g.kernel_size, stride=g.stride, padding=g.padding,
                             dilation=g.dilation, bias=False)
            Y = conv(torch.zeros((1, 1) + tuple(g.input_size)))  # (1, 1, H_out, W_out)
    except (RuntimeError, ValueError) as e:
        raise ValueError(f"PyTorch refused: {e}") from None
    return int(Y.shape[2]), int(Y.shape[3])


def torch_check(g: ConvGeometry) -> tuple[Pair, bool]:
    """(H_out, W_out) from PyTorch, and whether it ran on the meta device (shapes only),
    as it does above ``torch_check_limit``. ValueError when the geometry has no output."""
    meta = torch_check_limit(g, g.output_shape()) is not None
    return torch_output_shape(g, meta=meta), meta


# ------------------------------------------------------------ the window picture


@dataclass(frozen=True)
class WindowMap:
    """Which cells of the padded input the windows read.

    cells: (H + top + bottom) rows of (W + left + right) codes: 0 padding, 1 input read
    by some window, 2 input no window reads. anchors: each window's top-left tap in
    padded coordinates, row-major (one per output cell). first: the taps of window (0, 0).
    offset = (top, left): where input cell (0, 0) sits. unreached: input rows, columns.
    """

    cells: tuple[tuple[int, ...], ...]
    anchors: tuple[tuple[int, int], ...]
    first: tuple[tuple[int, int], ...]
    offset: Pair
    out: Pair
    unreached_rows: tuple[int, ...]
    unreached_cols: tuple[int, ...]


def window_map(g: ConvGeometry) -> WindowMap:
    """Every window position the stride visits on the padded input (up to MAX_PICTURE)."""
    (top, bottom), (left, right) = g.pads()
    (H, W), (kh, kw), (sh, sw), (dh, dw) = g.input_size, g.kernel_size, g.stride, g.dilation
    Hp, Wp = H + top + bottom, W + left + right
    if max(Hp, Wp) > MAX_PICTURE:
        raise ValueError(f"the picture is drawn for padded inputs up to {MAX_PICTURE}×"
                         f"{MAX_PICTURE}; this one is {Hp}×{Wp}")
    Ho = output_length(H, kh, top, bottom, sh, dh, axis="the height")
    Wo = output_length(W, kw, left, right, sw, dw, axis="the width")
    unread_rows = geometry.unread_cells(H, kh, top, bottom, sh, dh)
    unread_cols = geometry.unread_cells(W, kw, left, right, sw, dw)

    def code(r: int, c: int) -> int:
        if not (top <= r < top + H and left <= c < left + W):
            return 0
        return 2 if r - top in unread_rows or c - left in unread_cols else 1

    return WindowMap(
        cells=tuple(tuple(code(r, c) for c in range(Wp)) for r in range(Hp)),
        anchors=tuple((i * sh, j * sw) for i in range(Ho) for j in range(Wo)),
        first=tuple((a * dh, b * dw) for a in range(kh) for b in range(kw)),
        offset=(top, left), out=(Ho, Wo),
        unreached_rows=unread_rows, unreached_cols=unread_cols,
    )


def format_count(n: int) -> str:
    """Every count on the page (parameters, MACs, cells), written one way: exact, with commas.

    >>> format_count(9472), format_count(118_013_952)
    ('9,472', '118,013,952')
    """
    return f"{n:,}"
