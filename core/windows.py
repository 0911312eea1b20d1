"""The trace of a sliding window: what the animation plays, one output cell at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from core.corr import as_tensor, corr2d, pad2d
from core.geometry import IntOrPair, PaddingArg, pair, resolve_padding


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


@dataclass(frozen=True)
class WindowTrace:
    """Everything the sliding-window page draws.

    X_padded: (H + top + bottom, W + left + right); offset = (top, left) is where
    X[0, 0] sits in it; K: (kh, kw) as applied (flipped for true convolution);
    Y: (H_out, W_out); windows: H_out·W_out entries in row-major order.
    """

    X_padded: torch.Tensor
    offset: tuple[int, int]
    input_shape: tuple[int, int]
    K: torch.Tensor
    Y: torch.Tensor
    windows: tuple[Window, ...]

    def is_padding(self, r: int, c: int) -> bool:
        """Whether padded cell (r, c) lies outside the original input."""
        (top, left), (H, W) = self.offset, self.input_shape
        return not (top <= r < top + H and left <= c < left + W)

    def unreached(self) -> tuple[list[int], list[int]]:
        """Input rows and columns (original coordinates) that no window touches."""
        rows = {r for w in self.windows for r, _ in w.taps}
        cols = {c for w in self.windows for _, c in w.taps}
        (top, left), (H, W) = self.offset, self.input_shape
        return (
            [r for r in range(H) if r + top not in rows],
            [c for c in range(W) if c + left not in cols],
        )


def sliding_windows(
    X: Any, K: Any, *, padding: PaddingArg = 0, stride: IntOrPair = 1,
    dilation: IntOrPair = 1, padding_mode: str = "zeros", flip: bool = False,
) -> WindowTrace:
    """Trace the cross-correlation of X (H, W) with K (kh, kw), output cell by output cell.

    With ``flip=True`` the kernel is flipped on both axes first (true convolution).
    Window (i, j) reads X_padded[i·s_h + a·d_h, j·s_w + b·d_w] for every tap (a, b);
    its ``total`` equals ``corr2d(...)[i, j]``.
    """
    X, K = as_tensor(X, "X", ndim=2), as_tensor(K, "K", ndim=2)
    if flip:
        K = torch.flip(K, dims=(0, 1))
    s, d = pair(stride, "stride", minimum=1), pair(dilation, "dilation", minimum=1)
    pads = resolve_padding(padding, tuple(K.shape), stride=s, dilation=d)
    Y = corr2d(X, K, padding=padding, stride=s, dilation=d, padding_mode=padding_mode)
    Xp = pad2d(X, pads, padding_mode)
    trace = WindowTrace(Xp, (pads[0][0], pads[1][0]), tuple(X.shape), K, Y, ())
    kh, kw = K.shape
    weights = tuple(float(v) for v in K.flatten())
    windows = []
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            taps = tuple(
                (i * s[0] + a * d[0], j * s[1] + b * d[1]) for a in range(kh) for b in range(kw)
            )
            inputs = tuple(float(Xp[r, c]) for r, c in taps)
            windows.append(Window(
                i, j, taps, tuple(trace.is_padding(r, c) for r, c in taps), inputs, weights,
                tuple(x * k for x, k in zip(inputs, weights)), float(Y[i, j]),
            ))
    return WindowTrace(Xp, trace.offset, trace.input_shape, K, Y, tuple(windows))
