"""A learning problem as the kernel-learning page sets it up: X shrunk to a size that trains
live, Y = corr2d(X, K_true) + noise aligned for a learned kernel of any size, and how a
learned kernel compares with the true one and the least-squares optimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from core.corr import as_tensor, corr2d
from core.geometry import IntOrPair, Pair, pair
from core.learn import MAX_LEARNED_KERNEL, MAX_TRAIN_SIDE, Optimum

#: Largest noise σ added to Y.
MAX_NOISE = 10.0


def fit_input(X: Any, max_side: int = MAX_TRAIN_SIDE) -> torch.Tensor:
    """X (H, W) shrunk by area averaging so neither side exceeds ``max_side`` (aspect kept).

    Smaller inputs come back unchanged: (H, W) → (H', W') with max(H', W') ≤ max_side.
    """
    X = as_tensor(X, "X", ndim=2)
    H, W = X.shape
    if max(H, W) <= max_side:
        return X
    scale = max_side / max(H, W)
    size = (max(1, round(H * scale)), max(1, round(W * scale)))
    # area interpolation wants (N, C, H, W): (1, 1, H, W) → (1, 1, H', W')
    return F.interpolate(X[None, None], size=size, mode="area")[0, 0]


@dataclass(frozen=True)
class Task:
    """What the layer learns from: X (H', W') and Y (H' − kh + 1, W' − kw + 1).

    ``K_true`` (th, tw) made Y. ``K_view`` (kh, kw) is K_true as a kh×kw kernel can hold it:
    centred with zeros around it where the learned kernel is larger, centre-cropped where it
    is smaller (then no kh×kw kernel reproduces Y exactly). ``shift`` (rows, cols): where
    K_true's top-left sits inside the learned kernel (negative: that many cut off).
    """

    X: torch.Tensor
    Y: torch.Tensor
    K_true: torch.Tensor
    K_view: torch.Tensor
    kernel_size: Pair
    shift: Pair
    noise: float

    @property
    def exact(self) -> bool:
        """Whether some kh×kw kernel (and bias) reproduces the noise-free Y exactly."""
        return all(k >= t for k, t in zip(self.kernel_size, self.K_true.shape))


def _align(n: int, t: int, k: int) -> tuple[slice, slice, int]:
    """On one axis of length n, with target size t and learned size k: (X slice, Y slice, shift).

    k ≥ t: the learned window is the target's plus a margin, so Y keeps only the positions
    whose wider window fits in X (centred). k < t: the learned window is the centre of the
    target's, so X drops the margin instead and Y is kept whole.
    """
    if k >= t:
        a = (k - t) // 2
        return slice(0, n), slice(a, a + n - k + 1), a
    c = (t - k) // 2
    return slice(c, c + n - (t - k)), slice(0, n - t + 1), -c


def make_task(
    X: Any, K_true: Any, *, kernel_size: IntOrPair | None = None, noise: float = 0.0,
    seed: int = 0,
) -> Task:
    """Y = corr2d(X, K_true) + noise·N(0, 1), aligned for a learned kernel of ``kernel_size``.

    X (H, W) is first shrunk to at most MAX_TRAIN_SIDE a side (``fit_input``); kernel_size
    defaults to K_true's. The noise is drawn from its own generator seeded with ``seed``,
    on the full Y, so it does not change with the learned kernel's size.
    """
    X = fit_input(X)
    K_true = as_tensor(K_true, "K", ndim=2)
    (H, W), (th, tw) = X.shape, K_true.shape
    kh, kw = pair(kernel_size if kernel_size is not None else (th, tw), "kernel_size", minimum=1)
    if max(kh, kw) > MAX_LEARNED_KERNEL:
        side = MAX_LEARNED_KERNEL
        raise ValueError(f"the learned kernel may be at most {side}×{side}, got {kh}×{kw}")
    for what, (a, b) in (("target kernel", (th, tw)), ("learned kernel", (kh, kw))):
        if a > H or b > W:
            raise ValueError(f"the {what} {a}×{b} does not fit in the {H}×{W} input; pick a "
                             "bigger picture or a smaller kernel")
    if not (isinstance(noise, (int, float)) and math.isfinite(noise) and
            0 <= noise <= MAX_NOISE):
        raise ValueError(f"noise must be a number from 0 to {MAX_NOISE:g}, got {noise!r}")
    Y = corr2d(X, K_true)
    if noise:
        g = torch.Generator().manual_seed(seed)
        Y = Y + noise * torch.randn(Y.shape, generator=g)
    xr, yr, dr = _align(H, th, kh)
    xc, yc, dc = _align(W, tw, kw)
    view = torch.zeros(kh, kw)
    # the overlap of K_true, shifted by (dr, dc), with the kh×kw window
    r0, c0 = max(dr, 0), max(dc, 0)
    part = K_true[max(-dr, 0):max(-dr, 0) + kh, max(-dc, 0):max(-dc, 0) + kw]
    view[r0:r0 + part.shape[0], c0:c0 + part.shape[1]] = part
    return Task(X[xr, xc], Y[yr, yc], K_true, view, (kh, kw), (dr, dc), float(noise))


@dataclass(frozen=True)
class Outcome:
    """How a learned kernel W (kh, kw) compares: ``error`` = W − K_view (kh, kw), its largest
    |entry| ``max_error``, and ``to_optimum`` = max |W − least-squares optimum|."""

    error: torch.Tensor
    max_error: float
    to_optimum: float


def outcome(weight: torch.Tensor, task: Task, best: Optimum) -> Outcome:
    """Compare ``weight`` (kh, kw) with the true kernel (as kh×kw) and the optimum."""
    error = weight - task.K_view
    return Outcome(error, float(error.abs().max()), float((weight - best.weight).abs().max()))
