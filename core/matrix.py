"""Cross-correlation as a matrix product: ``im2col`` (windows as rows) and ``conv_matrix``
(the whole layer as one matrix W with vec(Y) = W·vec(X)).

Both read the same windows as ``corr2d`` (zero padding per side, stride, dilation) and agree
with it (the tests check it). ``vec`` is row-major: cell (r, c) of an (H, W) grid is entry
r·W + c, as ``X.reshape(-1)`` lays it out. The transposed convolution is Wᵀ
(``core.transposed.trans_conv_matrix``).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from core.corr import as_tensor
from core.errors import TooManyElements
from core.geometry import IntOrPair, Pair, conv_output_shape, pair

#: Most entries a dense matrix view may hold (a 2048×2048 matrix, 16 MB of float32): a
#: 32×32 input with a 3×3 kernel and padding 1 is 1024×1024.
MAX_MATRIX_ENTRIES = 2048 * 2048
#: Most entries ``im2col`` may make (128 MB of float32): it grows like the convolution's
#: work, k_h·k_w per output cell; a 512×512 picture with an 11×11 kernel fits.
MAX_IM2COL_ENTRIES = 2**25


def _geometry(
    input_size: Pair, kernel_size: Pair, padding: IntOrPair, stride: IntOrPair,
    dilation: IntOrPair,
) -> tuple[Pair, Pair, Pair, Pair]:
    """(H_out, W_out), padding, stride and dilation as pairs; NoOutput if no window fits."""
    p, s = pair(padding, "padding", minimum=0), pair(stride, "stride", minimum=1)
    d = pair(dilation, "dilation", minimum=1)
    out = conv_output_shape(input_size, kernel_size, padding=p, stride=s, dilation=d)
    return out, p, s, d


def _check_entries(rows: int, cols: int, maximum: int = MAX_MATRIX_ENTRIES) -> None:
    if rows * cols > maximum:
        raise TooManyElements(shape=(rows, cols), maximum=maximum)


def im2col(
    X: Any, kernel_size: IntOrPair, *, padding: IntOrPair = 0, stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
) -> torch.Tensor:
    """Every window of X (H, W) as a row: (H_out·W_out, k_h·k_w), windows and taps row-major.

    corr2d(X, K) = (im2col(X) @ vec(K)).reshape(H_out, W_out): one matrix product (the
    sliding window unrolled; zero padding).

    >>> im2col([[0, 1, 2], [3, 4, 5], [6, 7, 8]], 2)
    tensor([[0., 1., 3., 4.],
            [1., 2., 4., 5.],
            [3., 4., 6., 7.],
            [4., 5., 7., 8.]])
    """
    X = as_tensor(X, "X", ndim=2)
    k = pair(kernel_size, "kernel_size", minimum=1)
    (Ho, Wo), p, s, d = _geometry(tuple(X.shape), k, padding, stride, dilation)
    _check_entries(Ho * Wo, k[0] * k[1], MAX_IM2COL_ENTRIES)
    # unfold: (1, 1, H, W) → (1, k_h·k_w, H_out·W_out); transposed: one window per row
    return F.unfold(X[None, None], k, dilation=d, padding=p, stride=s)[0].T


def conv_matrix(
    input_size: IntOrPair, K: Any, *, padding: IntOrPair = 0, stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
) -> torch.Tensor:
    """``corr2d`` on an (H, W) input as a dense matrix W: (H_out·W_out, H·W).

    vec(corr2d(X, K, ...)) = W·vec(X). Row i·W_out + j is output cell (i, j): it holds
    K[a, b] in column r·W + c for every tap (a, b) that reads input cell (r, c), and nothing
    for taps on padding (zero padding adds nothing).

    >>> conv_matrix((3, 3), [[1, 2], [3, 4]])
    tensor([[1., 2., 0., 3., 4., 0., 0., 0., 0.],
            [0., 1., 2., 0., 3., 4., 0., 0., 0.],
            [0., 0., 0., 1., 2., 0., 3., 4., 0.],
            [0., 0., 0., 0., 1., 2., 0., 3., 4.]])
    """
    H, W = pair(input_size, "input size", minimum=1)
    K = as_tensor(K, "K", ndim=2)
    k = (K.shape[0], K.shape[1])
    (Ho, Wo), p, s, d = _geometry((H, W), k, padding, stride, dilation)
    _check_entries(Ho * Wo, H * W)
    # Each input cell's own index (−1 on padding), read by the same windows as X would be.
    index = F.pad(torch.arange(H * W, dtype=torch.float64).reshape(1, 1, H, W),
                  (p[1], p[1], p[0], p[0]), value=-1)
    taps = F.unfold(index, k, dilation=d, stride=s)[0].T.long()  # (H_out·W_out, k_h·k_w)
    rows = torch.arange(Ho * Wo)[:, None].expand_as(taps)
    weights = K.reshape(1, -1).expand_as(taps)
    inside = taps >= 0
    M = torch.zeros(Ho * Wo, H * W)
    # Taps of one window read distinct cells: no two weights land in one entry.
    M[rows[inside], taps[inside]] = weights[inside]
    return M
