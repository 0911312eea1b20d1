"""The trace of a sliding window: what the animation plays, one output cell at a time.

Besides the trace itself, the numbers the sliding-window page prints: each window's
arithmetic, its receptive field, the output-shape formula with this configuration's
numbers, and the one-line PyTorch call that reproduces the loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from core import geometry
from core.corr import PADDING_MODES, as_tensor, corr2d, corr2d_loop, pad2d
from core.errors import ENGLISH, Words
from core.geometry import IntOrPair, PaddingArg, Pair, pair, resolve_padding, span
from core.pysource import source_text

#: The seed notebook's input for the sliding-window example.
D2L_X = ((0, 1, 2), (3, 4, 5), (6, 7, 8))


@dataclass(frozen=True)
class Window:
    """One output cell Y[i, j] and the kernel taps that make it.

    ``taps`` holds (r, c) in PADDED coordinates, one per kernel entry in row-major
    order; ``on_padding[t]`` says whether tap t lands outside the original input.
    """

    i: int
    j: int
    taps: tuple[tuple[int, int], ...]
    on_padding: tuple[bool, ...]
    inputs: tuple[float, ...]
    weights: tuple[float, ...]
    products: tuple[float, ...]
    total: float

    def formula(self, *, per_row: int = 0) -> str:
        """The arithmetic as written out by hand: "0×0 + 1×1 + 3×2 + 4×3 = 19".

        ``per_row`` > 0 breaks the line (with "\\n") after every ``per_row`` products,
        e.g. the kernel's width, so a 5×5 kernel reads as five lines.
        """
        terms = [f"{num(x)}×{num(k, paren=True)}" for x, k in zip(self.inputs, self.weights)]
        if per_row > 0:
            lines = [" + ".join(terms[n:n + per_row]) for n in range(0, len(terms), per_row)]
            return " +\n".join(lines) + f" = {num(self.total)}"
        return " + ".join(terms) + f" = {num(self.total)}"


@dataclass(frozen=True)
class WindowTrace:
    """Everything the sliding-window page draws.

    X_padded: (H + top + bottom, W + left + right); offset = (top, left) is where
    X[0, 0] sits in it; K: (kh, kw) as applied (flipped for true convolution);
    Y: (H_out, W_out); windows: H_out·W_out entries in row-major order. The geometry
    the trace was made with comes last: stride, dilation, padding ((top, bottom),
    (left, right)) per side, padding mode, and whether K was flipped.
    """

    X_padded: torch.Tensor
    offset: tuple[int, int]
    input_shape: tuple[int, int]
    K: torch.Tensor
    Y: torch.Tensor
    windows: tuple[Window, ...]
    stride: Pair = (1, 1)
    dilation: Pair = (1, 1)
    padding: tuple[Pair, Pair] = ((0, 0), (0, 0))
    padding_mode: str = "zeros"
    flipped: bool = False

    def is_padding(self, r: int, c: int) -> bool:
        """Whether padded cell (r, c) lies outside the original input."""
        return _outside(r, c, self.offset, self.input_shape)

    def unreached(self) -> tuple[list[int], list[int]]:
        """Input rows and columns (original coordinates) that no window touches."""
        (H, W), (kh, kw), ((top, bottom), (left, right)) = (
            self.input_shape, self.K.shape, self.padding)
        return (
            list(geometry.unread_cells(H, kh, top, bottom, self.stride[0], self.dilation[0])),
            list(geometry.unread_cells(W, kw, left, right, self.stride[1], self.dilation[1])),
        )

    @property
    def X(self) -> torch.Tensor:
        """The original input (H, W), cut out of X_padded."""
        (top, left), (H, W) = self.offset, self.input_shape
        return self.X_padded[top:top + H, left:left + W]

    @property
    def K_given(self) -> torch.Tensor:
        """The kernel as the user gave it (K un-flipped for true convolution): (kh, kw)."""
        return torch.flip(self.K, dims=(0, 1)) if self.flipped else self.K


def num(v: float, *, paren: bool = False) -> str:
    """A number as a person writes it: 3, −1.5, 0.111; ``paren`` wraps negatives: (−1)."""
    if v != v:
        return "nan"
    text = str(int(v)) if v == int(v) and abs(v) < 1e9 else f"{v:.3g}"
    text = text.replace("-", "−")
    return f"({text})" if paren and v < 0 else text


def _outside(r: int, c: int, offset: Pair, shape: tuple[int, int]) -> bool:
    """Whether padded cell (r, c) lies outside an input of ``shape`` placed at ``offset``."""
    (top, left), (H, W) = offset, shape
    return not (top <= r < top + H and left <= c < left + W)


def sliding_windows(
    X: Any, K: Any, *, padding: PaddingArg = 0, stride: IntOrPair = 1,
    dilation: IntOrPair = 1, padding_mode: str = "zeros", flip: bool = False,
) -> WindowTrace:
    """Trace the cross-correlation of X (H, W) with K (kh, kw), output cell by output cell.

    With ``flip=True`` the kernel is flipped on both axes first (true convolution).
    Window (i, j) reads X_padded[i·s_h + a·d_h, j·s_w + b·d_w] for every tap (a, b);
    its ``total`` equals ``corr2d(...)[i, j]``.

    >>> trace = sliding_windows([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
    >>> trace.windows[0].formula()
    '0×0 + 1×1 + 3×2 + 4×3 = 19'
    """
    X, K = as_tensor(X, "X", ndim=2), as_tensor(K, "K", ndim=2)
    if flip:
        K = torch.flip(K, dims=(0, 1))
    s, d = pair(stride, "stride", minimum=1), pair(dilation, "dilation", minimum=1)
    pads = resolve_padding(padding, tuple(K.shape), stride=s, dilation=d)
    Y = corr2d(X, K, padding=padding, stride=s, dilation=d, padding_mode=padding_mode)
    Xp = pad2d(X, pads, padding_mode)
    offset, shape = (pads[0][0], pads[1][0]), tuple(X.shape)
    kh, kw = K.shape
    weights = tuple(float(v) for v in K.flatten())
    # Plain lists: indexing a tensor element by element is ~100× slower.
    rows, totals = Xp.tolist(), Y.tolist()
    windows = []
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            taps = tuple(
                (i * s[0] + a * d[0], j * s[1] + b * d[1]) for a in range(kh) for b in range(kw)
            )
            inputs = tuple(rows[r][c] for r, c in taps)
            windows.append(Window(
                i, j, taps, tuple(_outside(r, c, offset, shape) for r, c in taps), inputs, weights,
                tuple(x * k for x, k in zip(inputs, weights)), totals[i][j],
            ))
    return WindowTrace(Xp, offset, shape, K, Y, tuple(windows), s, d, pads, padding_mode, flip)


def symbolic(trace: WindowTrace, n: int) -> str:
    """Window n as symbols in the input's own coordinates: "X[0,0]·K[0,0] + … ".

    A tap on padding is written "pad[r,c]" (its row or column lies outside X).
    """
    w, kw = trace.windows[n], trace.K.shape[1]
    top, left = trace.offset
    terms = []
    for t, ((r, c), pad) in enumerate(zip(w.taps, w.on_padding)):
        a, b = divmod(t, kw)
        name = "pad" if pad else "X"
        terms.append(f"{name}[{r - top},{c - left}]·K[{a},{b}]")
    return " + ".join(terms)


@dataclass(frozen=True)
class Field:
    """The receptive field of one output cell, in the input's own coordinates.

    rows/cols: first and last (inclusive); may reach below 0 or past the input on
    padding. in_input / on_padding count the taps; span is (rows, cols) covered.
    """

    rows: Pair
    cols: Pair
    in_input: int
    on_padding: int

    @property
    def span(self) -> Pair:
        return self.rows[1] - self.rows[0] + 1, self.cols[1] - self.cols[0] + 1


def describe_field(field: Field, words: Words = ENGLISH) -> str:
    """The field in words: "rows 0 to 1 and columns 1 to 2 of X (2×2 cells); 4 taps read X."

    >>> describe_field(Field((-1, -1), (0, 1), 1, 1))
    'row −1 and columns 0 to 1 of X (1×2 cells); 1 tap reads X, 1 reads padding.'
    """
    _, ngettext = words
    (r0, r1), (c0, c1) = field.rows, field.cols
    rows = (_("row {lo}") if r0 == r1 else _("rows {lo} to {hi}")).format(lo=num(r0), hi=num(r1))
    cols = (_("column {lo}") if c0 == c1 else _("columns {lo} to {hi}")).format(
        lo=num(c0), hi=num(c1))
    taps = ngettext("{n} tap reads X", "{n} taps read X", field.in_input).format(
        n=field.in_input)
    pad = ngettext(", {n} reads padding", ", {n} read padding", field.on_padding).format(
        n=field.on_padding) if field.on_padding else ""
    return _("{rows} and {cols} of X ({h}×{w} cells); {taps}{pad}.").format(
        rows=rows, cols=cols, h=field.span[0], w=field.span[1], taps=taps, pad=pad)


def receptive_field(trace: WindowTrace, n: int) -> Field:
    """Which input cells window n reads: row and column range, taps on input vs padding."""
    w = trace.windows[n]
    top, left = trace.offset
    rs = [r - top for r, _ in w.taps]
    cs = [c - left for _, c in w.taps]
    pad = sum(w.on_padding)
    return Field((min(rs), max(rs)), (min(cs), max(cs)), len(w.taps) - pad, pad)


@dataclass(frozen=True)
class AxisShape:
    """Output length along one axis, with every number of the formula kept.

    out = ⌊(n + before + after − d·(k − 1) − 1)/s⌋ + 1; ``left_over`` padded cells
    after the last window (never read when s does not divide evenly).
    """

    axis: str
    n: int
    before: int
    after: int
    k: int
    d: int
    s: int

    @property
    def reach(self) -> int:
        return span(self.k, self.d)

    @property
    def free(self) -> int:
        """Room the window can move: padded length − span."""
        return self.n + self.before + self.after - self.reach

    @property
    def out(self) -> int:
        return geometry.unchecked_output_length(self.n, self.k, self.before, self.after, self.s,
                                                self.d)

    @property
    def left_over(self) -> int:
        return self.free % self.s

    def left_over_text(self, words: Words = ENGLISH) -> str:
        """Why the last padded cells are skipped, or "" when the stride divides evenly.

        >>> AxisShape("H", 6, 0, 0, 2, 1, 3).left_over_text()
        'Along H, the stride 3 does not divide 4 (= padded 6 − span 2): the last padded row is never covered by a window.'
        """  # noqa: E501
        if not self.left_over:
            return ""
        _, ngettext = words
        if self.axis == "H":
            text = ngettext(
                "Along {axis}, the stride {s} does not divide {free} (= padded {padded} − span "
                "{reach}): the last padded row is never covered by a window.",
                "Along {axis}, the stride {s} does not divide {free} (= padded {padded} − span "
                "{reach}): the last {n} padded rows are never covered by a window.",
                self.left_over)
        else:
            text = ngettext(
                "Along {axis}, the stride {s} does not divide {free} (= padded {padded} − span "
                "{reach}): the last padded column is never covered by a window.",
                "Along {axis}, the stride {s} does not divide {free} (= padded {padded} − span "
                "{reach}): the last {n} padded columns are never covered by a window.",
                self.left_over)
        return text.format(axis=self.axis, s=self.s, free=self.free, reach=self.reach,
                           padded=self.n + self.before + self.after, n=self.left_over)

    def formula(self) -> str:
        """The rule with this axis's numbers substituted, floor included.

        >>> AxisShape("H", 3, 0, 0, 2, 1, 1).formula()
        'H_out = ⌊(3 + 0 + 0 − 1·(2 − 1) − 1) / 1⌋ + 1 = ⌊1 / 1⌋ + 1 = 2'
        """
        return (
            f"{self.axis}_out = ⌊({self.n} + {self.before} + {self.after} − {self.d}·({self.k} − 1)"
            f" − 1) / {self.s}⌋ + 1 = ⌊{num(self.free)} / {self.s}⌋ + 1 = {self.out}"
        )


def describe_unreached(rows: list[int], cols: list[int], words: Words = ENGLISH) -> str:
    """Input rows and columns no window reads, in words ("" when every cell is read).

    >>> describe_unreached([5], [2, 6])
    'Never read by any window: row 5 and columns 2, 6 of X.'
    """
    if not (rows or cols):
        return ""
    _, ngettext = words
    row_text = ngettext("row {list}", "rows {list}", len(rows)).format(
        list=_(", ").join(map(str, rows)))
    col_text = ngettext("column {list}", "columns {list}", len(cols)).format(
        list=_(", ").join(map(str, cols)))
    if rows and cols:
        where = _("{rows} and {cols}").format(rows=row_text, cols=col_text)
    else:
        where = row_text if rows else col_text
    return _("Never read by any window: {where} of X.").format(where=where)


def output_shape_steps(trace: WindowTrace) -> tuple[AxisShape, AxisShape]:
    """The (height, width) output-shape formulas of the trace's configuration."""
    (H, W), (kh, kw) = trace.input_shape, tuple(trace.K.shape)
    (top, bottom), (left, right) = trace.padding
    return (
        AxisShape("H", H, top, bottom, kh, trace.dilation[0], trace.stride[0]),
        AxisShape("W", W, left, right, kw, trace.dilation[1], trace.stride[1]),
    )


def random_grid(rows: int, cols: int, *, seed: int, low: int = 0, high: int = 9) -> torch.Tensor:
    """A (rows, cols) float32 grid of integers in [low, high], the same for the same seed."""
    for v, name in ((rows, "rows"), (cols, "columns")):
        if not 1 <= v <= 64:
            raise ValueError(f"random grid {name} must be between 1 and 64, got {v}")
    g = torch.Generator().manual_seed(int(seed))
    return torch.randint(low, high + 1, (rows, cols), generator=g).to(torch.float32)


def dilate_kernel(K: torch.Tensor, dilation: IntOrPair) -> torch.Tensor:
    """K (kh, kw) with d − 1 zeros between taps: (d_h(kh − 1) + 1, d_w(kw − 1) + 1).

    A dilated window is an ordinary window with this holed kernel.
    """
    dh, dw = pair(dilation, "dilation", minimum=1)
    kh, kw = K.shape
    out = torch.zeros(span(kh, dh), span(kw, dw), dtype=K.dtype)
    out[::dh, ::dw] = K
    return out


def torch_one_liner(trace: WindowTrace) -> str:
    """The PyTorch call that gives ``trace.Y`` from X and K (the kernel as given).

    Only arguments that differ from PyTorch's defaults are written out.
    """
    (top, bottom), (left, right) = trace.padding
    if trace.padding_mode not in PADDING_MODES:
        raise ValueError(f"padding_mode must be one of {PADDING_MODES}")
    x = "X[None, None]"  # conv2d wants (batch, channels, H, W)
    kernel = "K.flip(0, 1)[None, None]" if trace.flipped else "K[None, None]"
    args = []
    if any((top, bottom, left, right)):
        if trace.padding_mode == "zeros" and top == bottom and left == right:
            args.append(f"padding=({top}, {left})")
        else:
            mode = "constant" if trace.padding_mode == "zeros" else trace.padding_mode
            # F.pad takes the last dimension first: (left, right, top, bottom).
            x = f"F.pad({x}, ({left}, {right}, {top}, {bottom}), mode={mode!r})"
    if trace.stride != (1, 1):
        args.append(f"stride={trace.stride}")
    if trace.dilation != (1, 1):
        args.append(f"dilation={trace.dilation}")
    return f"F.conv2d({', '.join([x, kernel, *args])})[0, 0]"


@dataclass(frozen=True)
class LoopCheck:
    """d2l's loop and the PyTorch one-liner computed on the same configuration.

    loop_code: how ``corr2d_loop`` was applied; torch_code: the one-liner (it is the
    very string that was evaluated); Y_loop, Y_torch: (H_out, W_out); agree: allclose.
    """

    loop_source: str
    loop_code: str
    torch_code: str
    Y_loop: torch.Tensor
    Y_torch: torch.Tensor
    agree: bool
    max_diff: float


def loop_check(trace: WindowTrace) -> LoopCheck:
    """Run ``corr2d_loop`` and ``torch_one_liner`` for the trace and compare them.

    The loop knows no padding, stride or dilation: it runs on X_padded with the
    holed kernel (``dilate_kernel``), and keeping every s-th output is the stride.
    """
    X, K, (sh, sw) = trace.X, trace.K_given, trace.stride
    holed = dilate_kernel(trace.K, trace.dilation)
    Y_loop = corr2d_loop(trace.X_padded, holed)[::sh, ::sw]
    parts = ["X_padded" if trace.padding != ((0, 0), (0, 0)) else "X"]
    parts.append("dilate(K)" if trace.dilation != (1, 1) else "K")
    if trace.flipped:
        parts[1] = parts[1].replace("K", "K.flip(0, 1)")
    loop_code = f"corr2d_loop({parts[0]}, {parts[1]})"
    if (sh, sw) != (1, 1):
        loop_code += f"[::{sh}, ::{sw}]"
    code = torch_one_liner(trace)
    # The string is built above from ints and a mode checked against PADDING_MODES, never
    # from user text; evaluating it means the line on screen is the line that ran.
    Y_torch = eval(code, {"__builtins__": {}}, {"F": F, "X": X, "K": K})  # noqa: S307
    diff = float((Y_loop - Y_torch).abs().max()) if Y_loop.shape == Y_torch.shape else float("inf")
    agree = Y_loop.shape == Y_torch.shape and bool(
        torch.allclose(Y_loop, Y_torch, rtol=1e-4, atol=1e-4)
    )
    return LoopCheck(source_text(corr2d_loop), loop_code, code, Y_loop, Y_torch, agree,
                     diff)
