"""Many channels: the seed's multi-channel examples, the tensors the channels page draws,
the 1×1 convolution as a matrix product, and what a convolution layer costs.

Shapes follow PyTorch: X (ci, H, W), K (co, ci/groups, kh, kw), Y (co, H_out, W_out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import torch

from core.corr import (
    check_groups,
    corr2d,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
)
from core.errors import OutOfRange, UnknownName
from core.geometry import conv_output_shape, pair
from core.torchcode import module_code

#: Server-side caps for the page's controls, small enough to draw every tensor (a crafted URL
#: cannot ask for more).
MAX_DRAWN_CHANNELS = 8
MAX_DRAWN_SIZE = 12
MAX_DRAWN_KERNEL = 5
MAX_SEED = 2**31 - 1
#: How the values are chosen: the seed notebook's pattern, or random with a seed.
VALUES = ("notebook", "integers", "uniform")
#: The seed notebook's check for the 1×1 convolution: ‖Y1 − Y2‖ < 1e-6.
TOLERANCE = 1e-6
#: float32's unit round-off u. A sum of n products, added in any order, is off by at most
#: γ_n = n·u / (1 − n·u) times the sum of the products' magnitudes (Higham, "Accuracy and
#: Stability of Numerical Algorithms", §3.1).
UNIT_ROUNDOFF = 2.0**-24

#: The seed's X (2, 3, 3): channel 0 is 0…8, channel 1 is 1…9.
SEED_X = torch.tensor(
    [[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]], dtype=torch.float32
)
#: The seed's K (2, 2, 2): one 2×2 kernel per input channel.
SEED_K = torch.tensor([[[0, 1], [2, 3]], [[1, 2], [3, 4]]], dtype=torch.float32)
#: The seed's torch.stack([K, K + 1, K + 2]): co × ci × kh × kw = 3 × 2 × 2 × 2.
SEED_K_OUT = torch.stack([SEED_K, SEED_K + 1, SEED_K + 2])

#: The seed's channel examples by name.
EXAMPLES: dict[str, torch.Tensor] = {"X": SEED_X, "K": SEED_K, "K_out": SEED_K_OUT}


def example(name: str) -> torch.Tensor:
    """A copy of the named seed tensor (ValueError listing the names if unknown)."""
    if name not in EXAMPLES:
        raise UnknownName(what="example", name=name, choices=list(EXAMPLES))
    return EXAMPLES[name].clone()


def notebook_X(ci: int, n: int) -> torch.Tensor:
    """The seed's pattern for X, any size: X[c] = 0, 1, …, n²−1 (row by row) plus c → (ci, n, n).

    >>> torch.equal(notebook_X(2, 3), SEED_X)
    True
    """
    base = torch.arange(n * n, dtype=torch.float32).reshape(n, n)
    return base + torch.arange(ci, dtype=torch.float32)[:, None, None]


def notebook_K(co: int, ci: int, k: int) -> torch.Tensor:
    """The seed's pattern for K: K[o, c] = 0, 1, …, k²−1 plus c plus o → (co, ci, k, k).

    Output channel o is the seed's K + o, as in torch.stack([K, K + 1, K + 2]).

    >>> torch.equal(notebook_K(3, 2, 2), SEED_K_OUT)
    True
    """
    base = torch.arange(k * k, dtype=torch.float32).reshape(k, k)
    return base + (torch.arange(co)[:, None] + torch.arange(ci)[None, :]).float()[..., None, None]


class Tensors(NamedTuple):
    """X (ci, n, n); K (co, k_channels, k, k); K1 (co, k_channels, 1, 1) for the 1×1 part."""

    X: torch.Tensor
    K: torch.Tensor
    K1: torch.Tensor


def _count(value: int, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise OutOfRange(name=name, lo=lo, hi=hi, value=value)
    return value


def channel_tensors(
    *, ci: int, co: int, n: int, k: int, k_channels: int | None = None,
    values: str = "notebook", seed: int = 0,
) -> Tensors:
    """The page's X, K and 1×1 kernel K1.

    ``k_channels`` is the number of input channels K has (default ci); a different
    number makes the mismatch the page explains. ``values``: "notebook" (the seed's
    pattern, exactly the seed's tensors at ci=2, co=3, n=3, k=2), "integers" (random
    0…9) or "uniform" (torch.rand, as in the seed's 1×1 cell), drawn with ``seed``.
    """
    ci = _count(ci, "input channels ci", 1, MAX_DRAWN_CHANNELS)
    co = _count(co, "output channels co", 1, MAX_DRAWN_CHANNELS)
    kc = _count(ci if k_channels is None else k_channels, "channels of K", 1, MAX_DRAWN_CHANNELS)
    n = _count(n, "input size", 1, MAX_DRAWN_SIZE)
    k = _count(k, "kernel size", 1, MAX_DRAWN_KERNEL)
    seed = _count(seed, "seed", 0, MAX_SEED)
    if values == "notebook":
        return Tensors(notebook_X(ci, n), notebook_K(co, kc, k), notebook_K(co, kc, 1))
    if values not in VALUES:
        raise ValueError(f"values must be one of {VALUES}, got {values!r}")
    g = torch.Generator().manual_seed(seed)
    if values == "integers":
        def draw(*shape: int) -> torch.Tensor:
            return torch.randint(0, 10, shape, generator=g).float()
    else:
        def draw(*shape: int) -> torch.Tensor:
            return torch.rand(shape, generator=g)
    return Tensors(draw(ci, n, n), draw(co, kc, k, k), draw(co, kc, 1, 1))


class MultiIn(NamedTuple):
    """parts (ci, H_out, W_out): corr2d(X[c], K[c]) per channel; Y (H_out, W_out): their sum."""

    parts: torch.Tensor
    Y: torch.Tensor


def multi_in(X: torch.Tensor, K: torch.Tensor, *, padding: int = 0, stride: int = 1) -> MultiIn:
    """The seed's corr2d_multi_in, with its per-channel terms kept: X (ci, H, W), K (ci, kh, kw).

    >>> multi_in(SEED_X, SEED_K).parts
    tensor([[[19., 25.],
             [37., 43.]],
    <BLANKLINE>
            [[37., 47.],
             [67., 77.]]])
    """
    # The library call first: its ValueError states a channel mismatch in words.
    Y = corr2d_multi_in(X, K, padding=padding, stride=stride)
    parts = torch.stack([
        corr2d(X[c], K[c], padding=padding, stride=stride) for c in range(X.shape[0])
    ])
    return MultiIn(parts, Y)


class OneByOne(NamedTuple):
    """The 1×1 convolution twice: as a matrix product (Y1) and as a convolution (Y2).

    Xm (ci, h·w): each column is one pixel's channel vector; Km (co, ci); Ym = Km @ Xm
    (co, h·w); Y1 = Ym reshaped to (co, h, w); Y2 = corr2d_multi_in_out(X, K1);
    norm = ‖Y1 − Y2‖.
    """

    Xm: torch.Tensor
    Km: torch.Tensor
    Ym: torch.Tensor
    Y1: torch.Tensor
    Y2: torch.Tensor
    norm: float
    #: The notebook's 1e-6, or (when the two differ by more) float32's round-off bound.
    tolerance: float

    @property
    def passes(self) -> bool:
        """The seed's check, ‖Y1 − Y2‖ < 1e-6, or below float32's round-off bound when that
        is larger (more channels and pixels than the seed's: ``roundoff_bound``)."""
        return self.norm < self.tolerance

    @property
    def verdict(self) -> str:
        """The check as symbols, its tolerance written as the notebook does: "< 1e-6 ✓",
        "≥ 3.6e-5 ✗"."""
        tol = f"{self.tolerance:.2g}".replace("e-0", "e-")
        return f"< {tol} ✓" if self.passes else f"≥ {tol} ✗"


def roundoff_bound(X: torch.Tensor, K1: torch.Tensor) -> float:
    """How far apart two float32 computations of the 1×1 convolution of X (ci, h, w) by
    K1 (co, ci, 1, 1) can be, in norm, when each adds the ci products of an output pixel in
    its own order: each is within γ_ci·(|K|·|X|) of the exact sums, so
    ‖Y1 − Y2‖ ≤ 2·γ_ci·‖|K|·|X|‖, γ_n = n·u / (1 − n·u), u = UNIT_ROUNDOFF.

    >>> roundoff_bound(torch.ones(2, 1, 1), torch.ones(1, 2, 1, 1)) < 1e-6
    True
    """
    ci = X.shape[0]
    gamma = ci * UNIT_ROUNDOFF / (1 - ci * UNIT_ROUNDOFF)
    # (co, ci) @ (ci, h·w), in float64: the exact sums of the products' magnitudes
    magnitudes = K1.abs().double().reshape(K1.shape[0], ci) @ X.abs().double().reshape(ci, -1)
    return 2 * gamma * float(magnitudes.norm())


def one_by_one(X: torch.Tensor, K1: torch.Tensor) -> OneByOne:
    """X (ci, h, w), K1 (co, ci, 1, 1): the seed's corr2d_multi_in_out_1 against the convolution."""
    Y1 = corr2d_multi_in_out_1x1(X, K1)
    Y2 = corr2d_multi_in_out(X, K1)
    ci, h, w = X.shape
    co = K1.shape[0]
    norm = float((Y1 - Y2).norm())
    return OneByOne(
        X.reshape(ci, h * w), K1.reshape(co, ci), Y1.reshape(co, h * w), Y1, Y2,
        norm, TOLERANCE if norm < TOLERANCE else max(TOLERANCE, roundoff_bound(X, K1)),
    )


@dataclass(frozen=True)
class ConvCost:
    """What one ``nn.Conv2d`` layer holds and does, for one input of size (H, W): the only
    place in core that counts a convolution's parameters and MACs (``core.plan`` uses it).

    weights = co · (ci/groups) · kh · kw; biases = co (when bias);
    MACs = weights · H_out · W_out (one multiply-accumulate per weight per output pixel).
    """

    in_channels: int
    out_channels: int
    kernel_size: tuple[int, int]
    output_size: tuple[int, int]
    padding: int = 0
    stride: int = 1
    groups: int = 1
    bias: bool = True

    @property
    def weights(self) -> int:
        kh, kw = self.kernel_size
        return self.out_channels * (self.in_channels // self.groups) * kh * kw

    @property
    def biases(self) -> int:
        return self.out_channels if self.bias else 0

    @property
    def params(self) -> int:
        return self.weights + self.biases

    @property
    def macs(self) -> int:
        return self.weights * self.output_size[0] * self.output_size[1]

    @property
    def line(self) -> str:
        """The matching layer: ``nn.Conv2d(in_channels=…, out_channels=…, …)``."""
        return module_code(
            "Conv2d", in_channels=self.in_channels, out_channels=self.out_channels,
            kernel_size=self.kernel_size, padding=self.padding, stride=self.stride,
            groups=self.groups, bias=self.bias, always=("padding", "stride", "groups"),
        )


def conv_cost(
    ci: int, co: int, kernel_size: int | tuple[int, int], *, input_size: int | tuple[int, int],
    padding: int = 0, stride: int = 1, groups: int = 1, bias: bool = True,
) -> ConvCost:
    """The cost of ``nn.Conv2d(ci, co, kernel_size, padding=…, stride=…, groups=…)``.

    ValueError (stating the rule) when groups does not divide ci and co or there is no output.

    >>> c = conv_cost(2, 3, 2, input_size=3)
    >>> c.params, c.macs
    (27, 96)
    """
    check_groups(ci, co, groups)
    kh, kw = pair(kernel_size, "kernel_size", minimum=1)
    out = conv_output_shape(input_size, (kh, kw), padding=padding, stride=stride)
    return ConvCost(ci, co, (kh, kw), out, padding, stride, groups, bias)


@dataclass(frozen=True)
class CostRow:
    """One way to build the layer: its layers (empty when impossible, with ``why`` and the
    ``error`` that says it). ``kind``: standard, grouped, depthwise or separable (a page
    words the name in its reader's language from the kind and the numbers)."""

    name: str
    layers: tuple[ConvCost, ...]
    why: str = ""
    kind: str = ""
    error: ValueError | None = None

    @property
    def params(self) -> int:
        return sum(c.params for c in self.layers)

    @property
    def macs(self) -> int:
        return sum(c.macs for c in self.layers)


def cost_comparison(
    ci: int, co: int, k: int, *, input_size: int, padding: int = 0, stride: int = 1,
    groups: int = 1,
) -> list[CostRow]:
    """Standard, grouped (this ``groups``), depthwise (groups = ci) and depthwise separable
    (depthwise k×k, then a 1×1 from ci to co) versions of one layer, same output size.

    Raises ValueError only when the standard layer has no output (kernel too large).
    """
    def row(name: str, g: int, kind: str) -> CostRow:
        try:
            c = conv_cost(ci, co, k, input_size=input_size, padding=padding, stride=stride,
                          groups=g)
        except ValueError as e:
            return CostRow(name, (), str(e), kind, e)
        return CostRow(name, (c,), kind=kind)

    standard = conv_cost(ci, co, k, input_size=input_size, padding=padding, stride=stride)
    rows = [CostRow("standard (groups=1)", (standard,), kind="standard")]
    if groups not in (1, ci):
        rows.append(row(f"grouped (groups={groups})", groups, "grouped"))
    depthwise = row(f"depthwise (groups=ci={ci})", ci, "depthwise")
    if not depthwise.layers:
        depthwise = CostRow(depthwise.name, (), (
            f"depthwise needs co to be a multiple of ci: co={co}, ci={ci}"
        ), "depthwise", depthwise.error)
    rows.append(depthwise)
    dw = conv_cost(ci, ci, k, input_size=input_size, padding=padding, stride=stride, groups=ci)
    pw = conv_cost(ci, co, 1, input_size=dw.output_size)
    rows.append(CostRow("depthwise separable (depthwise + 1×1)", (dw, pw), kind="separable"))
    return rows


def group_mask(ci: int, co: int, groups: int) -> torch.Tensor:
    """(co, ci): the group index where output channel o sees input channel c, else −1.

    Each non-negative entry is one kh×kw kernel of the layer's weight.

    >>> group_mask(4, 2, 2)
    tensor([[ 0,  0, -1, -1],
            [-1, -1,  1,  1]])
    """
    check_groups(ci, co, groups)
    g_in = torch.arange(ci) // (ci // groups)
    g_out = torch.arange(co) // (co // groups)
    return torch.where(g_out[:, None] == g_in[None, :], g_out[:, None], -1)
