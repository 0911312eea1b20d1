"""Transposed convolution (转置卷积), and three views of it that give the same numbers.

``trans_conv2d`` is a thin layer over ``F.conv_transpose2d`` (the reference), with
PyTorch's meaning of every argument: ``padding`` is cropped from each side of the full
result, ``output_padding`` adds cells at the bottom/right. Output length per axis:
(n − 1)·s − 2p + d·(k − 1) + output_padding + 1 (``core.geometry.trans_output_length``).

The views, each equal to ``trans_conv2d`` (the tests check it):

1. ``scatter``: every input cell stamps K scaled by its value onto the output, s cells
   apart; the stamps add up (d2l's ``trans_conv``);
2. ``as_conv``: an ordinary ``corr2d``: s − 1 zeros between the inputs, a border of
   d·(k − 1) − p (plus output_padding bottom/right), the kernel flipped;
3. ``trans_conv_matrix``: Wᵀ, where W is ``conv_matrix`` of the convolution with the same
   kernel and geometry on the output's shape (the book's demonstration).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from core.corr import MAX_ELEMENTS, as_tensor, corr2d
from core.errors import ChannelMismatch, TooManyElements
from core.geometry import (
    MAX_TRACE_CELLS,
    IntOrPair,
    Pair,
    conv_output_shape,
    pair,
    span,
    trans_conv_output_shape,
    trans_output_length,
)
from core.matrix import conv_matrix
from core.torchcode import module_code

#: The book's example (d2l 13.10 / 14.10): X and K, and the three outputs it prints.
TRANS_X = ((0, 1), (2, 3))
TRANS_K = ((0, 1), (2, 3))
TRANS_Y = ((0, 0, 1), (0, 4, 6), (4, 12, 9))
TRANS_Y_PADDING_1 = ((4,),)
TRANS_Y_STRIDE_2 = ((0, 0, 0, 1), (0, 0, 2, 3), (0, 2, 0, 3), (4, 6, 6, 9))


@dataclass(frozen=True)
class TransGeometry:
    """A transposed convolution's settings as pairs (h, w), checked, and its output shape."""

    padding: Pair
    stride: Pair
    dilation: Pair
    output_padding: Pair
    output_shape: Pair


def trans_geometry(
    input_size: Pair, kernel_size: Pair, *, padding: IntOrPair, stride: IntOrPair,
    dilation: IntOrPair, output_padding: IntOrPair, channels: int = 1,
) -> TransGeometry:
    """The settings as pairs and the output shape; typed errors for PyTorch's rules and for
    an output above ``MAX_ELEMENTS`` (``channels`` output channels)."""
    p, s = pair(padding, "padding", minimum=0), pair(stride, "stride", minimum=1)
    d = pair(dilation, "dilation", minimum=1)
    op = pair(output_padding, "output_padding", minimum=0)
    out = trans_conv_output_shape(input_size, kernel_size, padding=p, stride=s, dilation=d,
                                  output_padding=op)
    if channels * out[0] * out[1] > MAX_ELEMENTS:
        raise TooManyElements(shape=(channels, *out), maximum=MAX_ELEMENTS)
    return TransGeometry(p, s, d, op, out)


def trans_conv2d_multi(
    X: Any, K: Any, *, padding: IntOrPair = 0, stride: IntOrPair = 1, dilation: IntOrPair = 1,
    output_padding: IntOrPair = 0,
) -> torch.Tensor:
    """Transposed convolution X (ci, H, W), K (ci, co, kh, kw) → (co, H_out, W_out), as
    ``nn.ConvTranspose2d`` (its weight layout: input channels first) without bias.

    Y[o] = Σ_c trans_conv2d(X[c], K[c, o]);
    H_out = (H − 1)·s_h − 2p_h + d_h·(k_h − 1) + output_padding_h + 1.
    """
    X, K = as_tensor(X, "X", ndim=3), as_tensor(K, "K", ndim=4)
    if X.shape[0] != K.shape[0]:
        raise ChannelMismatch(x_channels=X.shape[0], k_channels=K.shape[0], groups=1)
    g = trans_geometry(tuple(X.shape[1:]), tuple(K.shape[2:]), padding=padding, stride=stride,
                       dilation=dilation, output_padding=output_padding, channels=K.shape[1])
    # conv_transpose2d wants a batch: (1, ci, H, W) → (1, co, H_out, W_out)
    return F.conv_transpose2d(X[None], K, stride=g.stride, padding=g.padding,
                              output_padding=g.output_padding, dilation=g.dilation)[0]


def trans_conv2d(
    X: Any, K: Any, *, padding: IntOrPair = 0, stride: IntOrPair = 1, dilation: IntOrPair = 1,
    output_padding: IntOrPair = 0,
) -> torch.Tensor:
    """Transposed convolution of X (H, W) with K (kh, kw) → (H_out, W_out).

    Y[i·s_h + a·d_h − p_h, j·s_w + b·d_w − p_w] += X[i, j]·K[a, b] for every input cell
    (i, j) and tap (a, b), cells outside the output dropped;
    H_out = (H − 1)·s_h − 2p_h + d_h·(k_h − 1) + output_padding_h + 1.

    >>> trans_conv2d([[0, 1], [2, 3]], [[0, 1], [2, 3]])
    tensor([[ 0.,  0.,  1.],
            [ 0.,  4.,  6.],
            [ 4., 12.,  9.]])
    >>> trans_conv2d([[0, 1], [2, 3]], [[0, 1], [2, 3]], padding=1)
    tensor([[4.]])
    """
    X, K = as_tensor(X, "X", ndim=2), as_tensor(K, "K", ndim=2)
    # (1, H, W) and (1, 1, kh, kw) → (1, H_out, W_out)
    return trans_conv2d_multi(X[None], K[None, None], padding=padding, stride=stride,
                              dilation=dilation, output_padding=output_padding)[0]


def output_shape_text(input_size: Pair, kernel_size: Pair, g: TransGeometry) -> list[str]:
    """The output-shape rule with this configuration's numbers, one line per axis.

    >>> g = trans_geometry((2, 2), (2, 2), padding=0, stride=2, dilation=1, output_padding=0)
    >>> output_shape_text((2, 2), (2, 2), g)[0]
    'H_out = (2 − 1)·2 − 2·0 + 1·(2 − 1) + 0 + 1 = 4'
    """
    lines = []
    for a, name in ((0, "H_out"), (1, "W_out")):
        n, k, p, s = input_size[a], kernel_size[a], g.padding[a], g.stride[a]
        d, op = g.dilation[a], g.output_padding[a]
        out = trans_output_length(n, k, p, s, d, op)
        lines.append(f"{name} = ({n} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1 = {out}")
    return lines


def layer_code(kernel_size: Pair, g: TransGeometry) -> str:
    """The ``nn.ConvTranspose2d`` that computes this transposed convolution (one channel in
    and out, no bias: ``trans_conv2d``'s Y).

    >>> g = trans_geometry((2, 2), (2, 2), padding=1, stride=1, dilation=1, output_padding=0)
    >>> layer_code((2, 2), g)
    'nn.ConvTranspose2d(1, 1, kernel_size=2, padding=1, bias=False)'
    """
    return module_code("ConvTranspose2d", 1, 1, kernel_size=kernel_size, stride=g.stride,
                       padding=g.padding, output_padding=g.output_padding, dilation=g.dilation,
                       bias=False)


# -- view 1: the scatter ------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """Input cell (i, j) stamping ``value``·K onto the output.

    ``rows`` / ``cols``: the first and last output row / column the stamp spans, in the
    OUTPUT's coordinates (i·s − p … i·s − p + d·(k − 1)); parts outside 0..H_out − 1 are
    cropped (padding). Tap (a, b) of ``stamp`` (kh, kw) lands on (rows[0] + a·d_h,
    cols[0] + b·d_w). ``total`` (H_out, W_out) is the output after this stamp.
    """

    i: int
    j: int
    value: float
    rows: Pair
    cols: Pair
    stamp: torch.Tensor
    total: torch.Tensor


@dataclass(frozen=True)
class Scatter:
    """The transposed convolution as stamps: X (H, W), K (kh, kw), Y (H_out, W_out) from
    ``trans_conv2d``, one ``Stamp`` per input cell in row-major order, and the geometry."""

    X: torch.Tensor
    K: torch.Tensor
    Y: torch.Tensor
    stamps: tuple[Stamp, ...]
    geometry: TransGeometry


def scatter(
    X: Any, K: Any, *, padding: IntOrPair = 0, stride: IntOrPair = 1, dilation: IntOrPair = 1,
    output_padding: IntOrPair = 0,
) -> Scatter:
    """``trans_conv2d`` one input cell at a time (d2l's ``trans_conv`` loop), with the
    running sum after each stamp; the last ``total`` equals ``trans_conv2d(...)``.

    >>> s = scatter([[0, 1], [2, 3]], [[0, 1], [2, 3]])
    >>> s.stamps[1].rows, s.stamps[1].cols, s.stamps[1].stamp.tolist()
    ((0, 1), (1, 2), [[0.0, 1.0], [2.0, 3.0]])
    """
    X, K = as_tensor(X, "X", ndim=2), as_tensor(K, "K", ndim=2)
    (H, W), (kh, kw) = X.shape, K.shape
    g = trans_geometry((H, W), (kh, kw), padding=padding, stride=stride, dilation=dilation,
                       output_padding=output_padding)
    (Ho, Wo), (sh, sw), (dh, dw), (ph, pw) = g.output_shape, g.stride, g.dilation, g.padding
    if H * W * Ho * Wo > MAX_TRACE_CELLS:
        raise TooManyElements(shape=(H * W, Ho, Wo), maximum=MAX_TRACE_CELLS)
    # The uncropped canvas: output cell (r, c) is canvas cell (r + p_h, c + p_w); it reaches
    # output_padding past the last stamp.
    canvas = torch.zeros(Ho + 2 * ph, Wo + 2 * pw)
    stamps = []
    for i in range(H):
        for j in range(W):
            v = float(X[i, j])
            r0, c0 = i * sh, j * sw
            canvas[r0:r0 + span(kh, dh):dh, c0:c0 + span(kw, dw):dw] += v * K
            stamps.append(Stamp(
                i, j, v, (r0 - ph, r0 - ph + span(kh, dh) - 1),
                (c0 - pw, c0 - pw + span(kw, dw) - 1), v * K,
                canvas[ph:ph + Ho, pw:pw + Wo].clone(),
            ))
    Y = trans_conv2d(X, K, padding=g.padding, stride=g.stride, dilation=g.dilation,
                     output_padding=g.output_padding)
    return Scatter(X, K, Y, tuple(stamps), g)


@dataclass(frozen=True)
class Term:
    """One stamp's share in an output cell: X[i, j]·K[a, b] = ``x``·``k``."""

    i: int
    j: int
    a: int
    b: int
    x: float
    k: float


def cell_terms(sc: Scatter, r: int, c: int) -> tuple[Term, ...]:
    """The stamps that add into output cell Y[r, c], in stamping order: the input cells
    (i, j) and kernel taps (a, b) with i·s − p + a·d = r (rows; columns alike).
    Their products add up to Y[r, c] (0 when no stamp reaches it).

    >>> s = scatter([[0, 1], [2, 3]], [[0, 1], [2, 3]])
    >>> [(t.i, t.j, t.a, t.b) for t in cell_terms(s, 1, 1)]
    [(0, 0, 1, 1), (0, 1, 1, 0), (1, 0, 0, 1), (1, 1, 0, 0)]
    """
    dh, dw = sc.geometry.dilation
    (kh, kw), terms = sc.K.shape, []
    for st in sc.stamps:
        for a in range(kh):
            if st.rows[0] + a * dh != r:
                continue
            for b in range(kw):
                if st.cols[0] + b * dw == c:
                    terms.append(Term(st.i, st.j, a, b, st.value, float(sc.K[a, b])))
    return tuple(terms)


# -- view 2: an ordinary convolution ------------------------------------------------------


@dataclass(frozen=True)
class AsConv:
    """The transposed convolution as ``corr2d(X_padded, K_flipped, dilation=d)``.

    X_spread: X with s − 1 zeros between neighbours, ((H − 1)·s_h + 1, (W − 1)·s_w + 1);
    border: ((top, bottom), (left, right)) cells around it, d·(k − 1) − p per side plus
    output_padding at the bottom/right, NEGATIVE where the padding crops instead;
    X_padded: the convolution's input; K_flipped: K turned 180°; Y: the result.
    """

    X_spread: torch.Tensor
    border: tuple[Pair, Pair]
    X_padded: torch.Tensor
    K_flipped: torch.Tensor
    Y: torch.Tensor
    geometry: TransGeometry


def spread(X: torch.Tensor, stride: Pair) -> torch.Tensor:
    """X (H, W) with s − 1 zeros between neighbours: ((H − 1)·s_h + 1, (W − 1)·s_w + 1).

    >>> spread(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), (2, 2)).tolist()
    [[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [3.0, 0.0, 4.0]]
    """
    H, W = X.shape
    out = torch.zeros((H - 1) * stride[0] + 1, (W - 1) * stride[1] + 1, dtype=X.dtype)
    out[::stride[0], ::stride[1]] = X
    return out


def as_conv(
    X: Any, K: Any, *, padding: IntOrPair = 0, stride: IntOrPair = 1, dilation: IntOrPair = 1,
    output_padding: IntOrPair = 0,
) -> AsConv:
    """``trans_conv2d`` as an ordinary cross-correlation, with every intermediate step.

    >>> v = as_conv([[0, 1], [2, 3]], [[0, 1], [2, 3]], stride=2)
    >>> v.border, tuple(v.X_padded.shape)
    (((1, 1), (1, 1)), (5, 5))
    """
    X, K = as_tensor(X, "X", ndim=2), as_tensor(K, "K", ndim=2)
    g = trans_geometry(tuple(X.shape), tuple(K.shape), padding=padding, stride=stride,
                       dilation=dilation, output_padding=output_padding)
    X_spread = spread(X, g.stride)
    border = tuple(
        (span(k, d) - 1 - p, span(k, d) - 1 - p + op)
        for k, d, p, op in zip(K.shape, g.dilation, g.padding, g.output_padding)
    )
    (top, bottom), (left, right) = border
    # F.pad takes the last dimension first; a negative amount crops.
    X_padded = F.pad(X_spread, (left, right, top, bottom))
    K_flipped = torch.flip(K, dims=(0, 1))
    Y = corr2d(X_padded, K_flipped, dilation=g.dilation)
    return AsConv(X_spread, border, X_padded, K_flipped, Y, g)  # type: ignore[arg-type]


# -- view 3: the matrix -------------------------------------------------------------------


def trans_conv_matrix(
    input_size: IntOrPair, K: Any, *, padding: IntOrPair = 0, stride: IntOrPair = 1,
    dilation: IntOrPair = 1, output_padding: IntOrPair = 0,
) -> torch.Tensor:
    """The transposed convolution on an (H, W) input as a matrix: (H_out·W_out, H·W), with
    vec(trans_conv2d(X, K, ...)) = M·vec(X).

    M = Wᵀ, W = ``conv_matrix`` of the convolution with the same K, padding, stride and
    dilation on an (H_out, W_out) input: that convolution maps the output's shape back to
    X's. (With output_padding ≥ stride, allowed when below the dilation, it makes more
    than H×W cells; only the rows of cells i < H, j < W are X's.)

    >>> trans_conv_matrix((2, 2), [[0, 1], [2, 3]]).shape
    torch.Size([9, 4])
    """
    H, W = pair(input_size, "input size", minimum=1)
    K = as_tensor(K, "K", ndim=2)
    g = trans_geometry((H, W), tuple(K.shape), padding=padding, stride=stride,
                       dilation=dilation, output_padding=output_padding)
    return _transposed_matrix((H, W), K, g)


def _transposed_matrix(input_size: Pair, K: torch.Tensor, g: TransGeometry) -> torch.Tensor:
    (H, W), conv = input_size, dict(padding=g.padding, stride=g.stride, dilation=g.dilation)
    Wm = conv_matrix(g.output_shape, K, **conv)  # (Hc·Wc, H_out·W_out)
    Hc, Wc = conv_output_shape(g.output_shape, tuple(K.shape), **conv)
    # the convolution's output cells (i, j) with i < H, j < W, as rows of Wm
    keep = (torch.arange(H)[:, None] * Wc + torch.arange(W)[None, :]).reshape(-1)
    return Wm[keep].T


def trans_conv2d_by_matrix(
    X: Any, K: Any, *, padding: IntOrPair = 0, stride: IntOrPair = 1, dilation: IntOrPair = 1,
    output_padding: IntOrPair = 0,
) -> torch.Tensor:
    """The book's demonstration: reshape(Wᵀ·vec(X)) = trans_conv2d(X, K, ...).

    >>> trans_conv2d_by_matrix([[0, 1], [2, 3]], [[0, 1], [2, 3]], padding=1)
    tensor([[4.]])
    """
    X, K = as_tensor(X, "X", ndim=2), as_tensor(K, "K", ndim=2)
    g = trans_geometry(tuple(X.shape), tuple(K.shape), padding=padding, stride=stride,
                       dilation=dilation, output_padding=output_padding)
    M = _transposed_matrix(tuple(X.shape), K, g)
    # (H_out·W_out, H·W) @ (H·W,) → (H_out·W_out,) → (H_out, W_out)
    return (M @ X.reshape(-1)).reshape(g.output_shape)
