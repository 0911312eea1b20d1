"""Learning a kernel from data: the seed notebook's third experiment.

Given X and Y = corr2d(X, K_true), find K by gradient descent on the squared
error. Learning a kernel is linear least squares, so ``best_kernel`` also solves
it exactly: the line no optimizer can go below.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from core.corr import as_tensor, corr2d
from core.geometry import IntOrPair, pair
from core.matrix import im2col

OPTIMIZERS = ("sgd", "momentum", "adam")
LOSSES = ("sum", "mean")
#: How the layer's start is drawn: "randn" as the notebook's Conv2D (torch.randn for weight and
#: bias), "conv2d" as nn.Conv2d(1, 1, kernel_size) draws it (the book's current edition).
INITS = ("randn", "conv2d")
MAX_STEPS = 2000
#: Most steps a page trains live: 1000 steps of a 3×3 kernel on 64×64 take 40–70 ms of CPU here.
MAX_LIVE_STEPS = 1000
#: A loss this many times its first value counts as diverged, before float32
#: overflows: the seed's set-up at lr 0.03 grows ~20× a step and would take
#: ~30 steps more to reach inf, drawing nothing but a wall.
DIVERGENCE_FACTOR = 1e6
MOMENTUM = 0.9
#: torch.optim.Adam's defaults, which "adam" trains with.
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
#: Largest learned kernel side and input side (bigger pictures are shrunk: core.learn_task).
MAX_LEARNED_KERNEL = 7
MAX_TRAIN_SIDE = 64


class Conv2D(nn.Module):
    """The seed's layer: Y = corr2d(X, weight) + bias, weight (kh, kw), bias (1,).

    init "randn": weight and bias ~ N(0, 1), as the notebook's ``torch.randn`` calls draw them.
    init "conv2d": both ~ U(−1/√(kh·kw), 1/√(kh·kw)), the draws nn.Conv2d(1, 1, (kh, kw)) makes
    (Kaiming-uniform with a = √5). Either way weight first, then bias, so a generator seeded
    with s gives what ``torch.manual_seed(s)`` before the notebook's or the book's code gives.
    """

    def __init__(
        self, kernel_size: IntOrPair, *, bias: bool = True,
        generator: torch.Generator | None = None, init: str = "randn",
    ) -> None:
        super().__init__()
        kh, kw = pair(kernel_size, "kernel_size", minimum=1)
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
        if init == "randn":
            weight = torch.randn(kh, kw, generator=generator)
            b = torch.randn(1, generator=generator) if bias else None
        else:
            w4 = torch.empty(1, 1, kh, kw)  # nn.Conv2d's (C_out, C_in, kh, kw): fan_in = kh·kw
            nn.init.kaiming_uniform_(w4, a=math.sqrt(5), generator=generator)
            weight, bound = w4[0, 0], 1 / math.sqrt(kh * kw)
            b = torch.empty(1).uniform_(-bound, bound, generator=generator) if bias else None
        self.weight = nn.Parameter(weight)
        self.bias = nn.Parameter(b) if b is not None else None

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """X (H, W) → (H − kh + 1, W − kw + 1)."""
        Y = corr2d(X, self.weight)
        return Y + self.bias if self.bias is not None else Y


@dataclass(frozen=True)
class Step:
    """One gradient step: ``loss``, ``grad`` and ``prediction`` are from the forward pass of
    this step (before the update, as the seed prints them); ``weight`` and ``bias`` after it.
    The tensors are the run's own, not copies: read them, copy them to change them."""

    step: int
    loss: float
    weight: torch.Tensor
    bias: float | None
    grad: torch.Tensor
    prediction: torch.Tensor
    diverged: bool = False


def learn_kernel(
    X: Any, Y: Any, *, kernel_size: IntOrPair, lr: float = 0.01, steps: int = 20,
    seed: int = 0, bias: bool = True, optimizer: str = "sgd", loss: str = "sum",
    init: str = "randn",
) -> Iterator[Step]:
    """Fit Conv2D(kernel_size) to map X (H, W) to Y (H − kh + 1, W − kw + 1); yield each step.

    optimizer: "sgd" is the seed's hand-written update w ← w − lr·∇w; "momentum" is
    torch.optim.SGD's with momentum 0.9; "adam" is torch.optim.Adam's. loss: "sum" of
    squared errors (the seed's) or their "mean". init: the start, "randn" (the notebook's) or
    "conv2d" (nn.Conv2d's, the book's current edition). The same seed gives the same numbers.
    Stops after yielding a step with ``diverged=True`` when the loss is not finite or
    exceeds DIVERGENCE_FACTOR × the first loss. Bad settings raise ValueError at the call,
    before any step.
    """
    X, Y = as_tensor(X, "X", ndim=2), as_tensor(Y, "Y", ndim=2)
    _check_settings(X, Y, kernel_size, lr, steps, optimizer, loss)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    # A private generator, not torch.manual_seed: two visitors training at once in one
    # server must not reseed each other's start. Same numbers as manual_seed(seed).
    net = Conv2D(kernel_size, bias=bias, generator=torch.Generator().manual_seed(seed), init=init)
    return _descend(net, X, Y, lr=lr, steps=steps, optimizer=optimizer, loss=loss)


def _descend(
    net: Conv2D, X: torch.Tensor, Y: torch.Tensor, *, lr: float, steps: int, optimizer: str,
    loss: str,
) -> Iterator[Step]:
    """Gradient descent on θ = [vec K; b] (p,) from net's start, forward and backward by hand.

    The layer is linear in θ: vec Ŷ = Aθ with A = design_matrix(X) (n, p), so each step is
    exactly what autograd computes, in two matrix-vector products: r = Aθ − vec Y,
    L = Σr² (÷ n for the mean), ∂L/∂θ = 2Aᵀr (÷ n). The updates are torch.optim's own
    operations, state and all. θ is never changed in place: a yielded Step holds views of it.
    """
    kh, kw = net.weight.shape
    At = design_matrix(X, (kh, kw), bias=net.bias is not None).float().T.contiguous()  # (p, n)
    A = At.T  # (n, p), column-major: both products then run along memory, 3× faster
    y, (H_out, W_out) = Y.reshape(-1), Y.shape  # (n,)
    n = y.numel() if loss == "mean" else 1
    theta = torch.cat([p.detach().reshape(-1) for p in net.parameters()])  # (p,): weight, bias
    m, v = torch.zeros_like(theta), torch.zeros_like(theta)  # momentum's buffer; Adam's moments
    beta1, beta2 = ADAM_BETAS
    first = None
    for t in range(1, steps + 1):
        Y_hat = A @ theta  # (n,): vec(corr2d(X, K) + b), the forward pass
        r = Y_hat - y
        value = torch.dot(r, r).item() / n
        grad = (At @ r).mul_(2 / n)  # (p,): ∂L/∂θ, the backward pass
        first = value if first is None else first
        diverged = not math.isfinite(value) or value > DIVERGENCE_FACTOR * max(first, 1e-12)
        if diverged:
            pass  # no update: the run ends at this step
        elif optimizer == "sgd":  # the notebook's w ← w − lr·∇w (lr·∇w not rounded on its own)
            theta = theta.sub(grad, alpha=lr)
        elif optimizer == "momentum":  # torch.optim.SGD: m ← 0.9·m + ∇ (m = ∇ at step 1)
            m = m.mul_(MOMENTUM).add_(grad) if t > 1 else grad.clone()
            theta = theta.add(m, alpha=-lr)
        else:  # torch.optim.Adam, step t
            m.lerp_(grad, 1 - beta1)
            v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            denom = (v.sqrt() / (1 - beta2**t) ** 0.5).add_(ADAM_EPS)
            theta = theta.addcdiv(m, denom, value=-lr / (1 - beta1**t))
        yield Step(
            t, value, theta[: kh * kw].view(kh, kw),
            None if net.bias is None else theta.tolist()[-1], grad[: kh * kw].view(kh, kw),
            Y_hat.view(H_out, W_out), diverged,
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


#: The notebook's layer, as its cell 19 has it (the tour shows this text; a test runs it and
#: checks it draws and computes what Conv2D does). It needs the d2l package, as the notebook.
NOTEBOOK_CONV2D = """\
import torch
from torch import nn
import d2l.torch as d2l
class Conv2D(nn.Module):
    def __init__(self,kernelsize):
        super(Conv2D,self).__init__()
        self.weight = nn.Parameter(torch.randn(kernelsize))
        self.bias = nn.Parameter(torch.randn(1))
    def forward(self,x):
        return d2l.corr2d(x,self.weight)+self.bias
"""
#: The notebook's training, its cell 22 (X and Y from cells 20–21). After torch.manual_seed(s)
#: it prints ``notebook_printout(learn_kernel(X, Y, kernel_size=(1, 2), seed=s))``.
NOTEBOOK_TRAINING = """\
#通过数据学习核数组，用上面的例子使用 输入数据X和输出数据Y来学习出K
conv2d = Conv2D(kernelsize=(1,2))
step = 20
lr = 0.01
for i in range(step):
    y_hat = conv2d(X)
    l = ((y_hat-Y)**2).sum()
    l.backward()

    #梯度下降
    conv2d.weight.data -= lr * conv2d.weight.grad
    conv2d.bias.data -= lr * conv2d.bias.grad

    #梯度清零
    conv2d.weight.grad.fill_(0)
    conv2d.bias.grad.fill_(0)

    if (i+1)%5==0:
        print('Step %d ,loss %.3f' % (i+1,l.item()))
"""


def notebook_printout(steps: Iterable[Step]) -> str:
    """What NOTEBOOK_TRAINING prints for these steps: every 5th loss, as 'Step %d ,loss %.3f'."""
    return "\n".join(f"Step {s.step} ,loss {s.loss:.3f}" for s in steps if s.step % 5 == 0)


def design_matrix(X: Any, kernel_size: IntOrPair, *, bias: bool = True) -> torch.Tensor:
    """A = [im2col(X) | 1] in float64: (H_out·W_out, kh·kw + bias), so A·[vec K; b] = vec Ŷ.

    The loss is ‖Aθ − vec Y‖² in θ = [vec K; b]: least squares, the stability bound and the
    free directions all read it from A.
    """
    X = as_tensor(X, "X", ndim=2)
    A = im2col(X, kernel_size).double()  # (n, kh·kw); X is float32, so exactly
    if bias:
        A = torch.cat([A, torch.ones(A.shape[0], 1, dtype=A.dtype)], dim=1)
    return A


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
    A = design_matrix(X, (kh, kw), bias=bias)  # (H_out·W_out, kh·kw + bias)
    # gelsd copes with rank-deficient A (flat images), returning the minimum-norm solution
    theta = torch.linalg.lstsq(A, Y.double().reshape(-1, 1), driver="gelsd").solution[:, 0]
    residual = A @ theta - Y.double().reshape(-1)
    value = (residual**2).sum() if loss == "sum" else (residual**2).mean()
    return Optimum(
        theta[: kh * kw].reshape(kh, kw).float(), float(theta[-1]) if bias else None, float(value)
    )


def stable_lr(
    X: Any, kernel_size: IntOrPair, *, bias: bool = True, loss: str = "sum",
    optimizer: str = "sgd",
) -> float | None:
    """The learning rate above which gradient descent on this loss blows up.

    The loss is quadratic in θ = [vec K; b]: L(θ) = ‖Aθ − vec Y‖² with A = design_matrix(X)
    (the mean divides by n = H_out·W_out), so its Hessian is 2AᵀA (÷ n), whatever Y is.
    Plain gradient descent is stable iff lr < 2/λ_max; heavy-ball momentum β iff
    lr < 2(1 + β)/λ_max. Adam scales its steps itself: no such bound (None).
    """
    if optimizer == "adam":
        return None
    A = design_matrix(X, kernel_size, bias=bias)  # (n, kh·kw + bias)
    H = 2 * A.T @ A / (A.shape[0] if loss == "mean" else 1)
    lam = float(torch.linalg.eigvalsh(H)[-1])
    if lam <= 0:
        return None
    return 2 * (1 + (MOMENTUM if optimizer == "momentum" else 0)) / lam


@dataclass(frozen=True)
class Advice:
    """What to change after a divergence.

    ``bound``: the stable lr with these settings (None for Adam). ``fix``: learn_kernel
    settings to try, a "nice" lr below the bound, and the mean loss where the sum would need
    lr < 0.001. ``without_bias``: the bound with no bias, given only when a bias is trained and
    ``lr`` is below it, i.e. when unticking the bias alone makes this lr converge.
    """

    bound: float | None
    fix: dict[str, Any]
    without_bias: float | None


def divergence_advice(
    X: Any, kernel_size: IntOrPair, *, lr: float, bias: bool, loss: str, optimizer: str,
) -> Advice:
    """Advice for a run of these settings that diverged on X (H, W)."""
    bound = stable_lr(X, kernel_size, bias=bias, loss=loss, optimizer=optimizer)
    fix: dict[str, Any] = {"lr": nice_lr_below(bound or lr / 5)}
    if fix["lr"] < 1e-3 and loss == "sum":  # a picture's sum needs tiny steps: take the mean
        mean = stable_lr(X, kernel_size, bias=bias, loss="mean", optimizer=optimizer)
        fix = {"loss": "mean", "lr": nice_lr_below(mean or lr / 5)}
    plain = stable_lr(X, kernel_size, bias=False, loss=loss, optimizer=optimizer) if bias else None
    return Advice(bound, fix, plain if plain is not None and lr < plain else None)


def nice_lr_below(limit: float) -> float:
    """The largest of 1, 2, 5 × 10^k strictly below 0.9 × ``limit``: a learning rate to suggest.

    >>> nice_lr_below(0.0161)
    0.01
    """
    top = 0.9 * limit
    k = math.floor(math.log10(top))
    for m in (5, 2, 1):
        v = float(f"{m}e{k}")
        if v < top:
            return v
    return float(f"5e{k - 1}")


def free_directions(X: Any, kernel_size: IntOrPair, *, bias: bool = True) -> int:
    """How many independent changes of (K, b) leave corr2d(X, K) + b unchanged.

    That is (kh·kw + bias) − rank([im2col(X) | 1]). Above 0, the data cannot pin K down:
    many kernels fit equally well, and which one training ends at depends on its start
    (on the seed's stripes, every row is the same, so a 3×3 kernel's rows can trade weight).
    """
    A = design_matrix(X, kernel_size, bias=bias)  # (n, kh·kw + bias)
    return A.shape[1] - int(torch.linalg.matrix_rank(A))
