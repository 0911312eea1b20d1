"""Learning a kernel from data: the seed notebook's third experiment.

Given X and Y = corr2d(X, K_true), find K by gradient descent on the squared
error. Learning a kernel is linear least squares, so ``best_kernel`` also solves
it exactly: the line no optimizer can go below.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from core.corr import as_tensor, corr2d
from core.geometry import IntOrPair, pair

OPTIMIZERS = ("sgd", "momentum", "adam")
LOSSES = ("sum", "mean")
MAX_STEPS = 2000
#: A loss this many times its first value counts as diverged, before float32
#: overflows: the seed's set-up at lr 0.03 grows ~20× a step and would take
#: ~30 steps more to reach inf, drawing nothing but a wall.
DIVERGENCE_FACTOR = 1e6


class Conv2D(nn.Module):
    """The seed's layer: Y = corr2d(X, weight) + bias, weight (kh, kw), bias (1,)."""

    def __init__(self, kernel_size: IntOrPair, *, bias: bool = True) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(pair(kernel_size, "kernel_size", minimum=1)))
        self.bias = nn.Parameter(torch.randn(1)) if bias else None

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """X (H, W) → (H − kh + 1, W − kw + 1)."""
        Y = corr2d(X, self.weight)
        return Y + self.bias if self.bias is not None else Y


@dataclass(frozen=True)
class Step:
    """One gradient step: ``loss``, ``grad`` and ``prediction`` are from the forward pass of
    this step (before the update, as the seed prints them); ``weight`` and ``bias`` after it."""

    step: int
    loss: float
    weight: torch.Tensor
    bias: float | None
    grad: torch.Tensor
    prediction: torch.Tensor
    diverged: bool = False


def _loss(Y_hat: torch.Tensor, Y: torch.Tensor, kind: str) -> torch.Tensor:
    err = (Y_hat - Y) ** 2
    return err.sum() if kind == "sum" else err.mean()


def learn_kernel(
    X: Any, Y: Any, *, kernel_size: IntOrPair, lr: float = 0.01, steps: int = 20,
    seed: int = 0, bias: bool = True, optimizer: str = "sgd", loss: str = "sum",
) -> Iterator[Step]:
    """Fit Conv2D(kernel_size) to map X (H, W) to Y (H − kh + 1, W − kw + 1); yield each step.

    optimizer: "sgd" is the seed's hand-written update w ← w − lr·∇w; "momentum" is
    torch.optim.SGD with momentum 0.9; "adam" is torch.optim.Adam. loss: "sum" of
    squared errors (the seed's) or their "mean". The same seed gives the same numbers.
    Stops after yielding a step with ``diverged=True`` when the loss is not finite or
    exceeds DIVERGENCE_FACTOR × the first loss.
    """
    X, Y = as_tensor(X, "X", ndim=2), as_tensor(Y, "Y", ndim=2)
    _check_settings(X, Y, kernel_size, lr, steps, optimizer, loss)
    torch.manual_seed(seed)
    net = Conv2D(kernel_size, bias=bias)
    params = list(net.parameters())
    opt = {
        "momentum": lambda: torch.optim.SGD(params, lr=lr, momentum=0.9),
        "adam": lambda: torch.optim.Adam(params, lr=lr),
        "sgd": lambda: None,
    }[optimizer]()
    first = None
    for i in range(1, steps + 1):
        Y_hat = net(X)
        l = _loss(Y_hat, Y, loss)
        for p in params:
            p.grad = None
        l.backward()
        value = l.item()
        first = value if first is None else first
        diverged = not math.isfinite(value) or value > DIVERGENCE_FACTOR * max(first, 1e-12)
        grad = net.weight.grad.detach().clone()
        if not diverged:
            if opt is None:
                with torch.no_grad():
                    for p in params:
                        p -= lr * p.grad
            else:
                opt.step()
        yield Step(
            i, value, net.weight.detach().clone(),
            None if net.bias is None else float(net.bias.detach()[0]), grad,
            Y_hat.detach().clone(), diverged,
        )
        if diverged:
            return


def _check_settings(X, Y, kernel_size, lr, steps, optimizer, loss) -> None:
    kh, kw = pair(kernel_size, "kernel_size", minimum=1)
    if kh > X.shape[0] or kw > X.shape[1]:
        raise ValueError(f"kernel {kh}×{kw} does not fit in X of shape {tuple(X.shape)}")
    want = (X.shape[0] - kh + 1, X.shape[1] - kw + 1)
    if tuple(Y.shape) != want:
        raise ValueError(
            f"Y must have shape {want} for X {tuple(X.shape)} and a {kh}×{kw} kernel "
            f"(H − kh + 1, W − kw + 1), got {tuple(Y.shape)}"
        )
    if not (torch.isfinite(X).all() and torch.isfinite(Y).all()):
        raise ValueError("X and Y must hold finite numbers (no NaN or inf)")
    if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive finite number, got {lr!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be an int from 1 to {MAX_STEPS}, got {steps!r}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")


def im2col(X: torch.Tensor, kernel_size: tuple[int, int]) -> torch.Tensor:
    """Every kh×kw window of X (H, W) as a row: (H_out·W_out, kh·kw), row-major."""
    kh, kw = kernel_size
    # unfold: (1, 1, H, W) → (1, kh·kw, H_out·W_out)
    return torch.nn.functional.unfold(X[None, None], (kh, kw))[0].T


@dataclass(frozen=True)
class Optimum:
    """The least-squares kernel: the lowest loss any (kh, kw) kernel (and bias) can reach."""

    weight: torch.Tensor
    bias: float | None
    loss: float


def best_kernel(
    X: Any, Y: Any, *, kernel_size: IntOrPair, bias: bool = True, loss: str = "sum"
) -> Optimum:
    """Solve min_K,b ‖corr2d(X, K) + b − Y‖² exactly: im2col(X) [K; b] ≈ vec(Y) by lstsq."""
    X, Y = as_tensor(X, "X", ndim=2), as_tensor(Y, "Y", ndim=2)
    kh, kw = pair(kernel_size, "kernel_size", minimum=1)
    _check_settings(X, Y, (kh, kw), 1.0, 1, "sgd", loss)
    A = im2col(X.double(), (kh, kw))  # (H_out·W_out, kh·kw)
    if bias:
        A = torch.cat([A, torch.ones(A.shape[0], 1, dtype=A.dtype)], dim=1)
    # gelsd copes with rank-deficient A (flat images), returning the minimum-norm solution
    theta = torch.linalg.lstsq(A, Y.double().reshape(-1, 1), driver="gelsd").solution[:, 0]
    residual = A @ theta - Y.double().reshape(-1)
    value = (residual**2).sum() if loss == "sum" else (residual**2).mean()
    return Optimum(
        theta[: kh * kw].reshape(kh, kw).float(), float(theta[-1]) if bias else None, float(value)
    )
