"""The padding solver: which padding turns size n into m for a kernel and stride, or why none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.formula import check_input_size
from core.geometry import Pair, pair, span
from core.torchcode import module_code

#: Padding solver: most (kernel, stride) combinations tried in one go; the ranges it offers.
MAX_COMBOS = 512
SOLVER_KERNELS: Pair = (1, 15)
SOLVER_STRIDES: Pair = (1, 8)


@dataclass(frozen=True)
class PaddingSolution:
    """Padding ``before`` and ``after`` along one axis that turns n into the wanted size."""

    kernel_size: int
    stride: int
    dilation: int
    before: int
    after: int
    same: bool  # PyTorch's padding="same" pads exactly this

    @property
    def total(self) -> int:
        """d2l's p: both sides together."""
        return self.before + self.after

    def code(self) -> str:
        """One line of PyTorch that does it on both axes, 1 channel in and out: uneven
        padding that is not "same" goes into an ``nn.ZeroPad2d`` first."""
        geometry = {"kernel_size": self.kernel_size, "stride": self.stride,
                    "dilation": self.dilation}
        if self.before == self.after or self.same:
            padding = self.before if self.before == self.after else "same"
            return module_code("Conv2d", 1, 1, **geometry, padding=padding)
        pad = module_code("ZeroPad2d", (self.before, self.after) * 2)  # (left, right, top, bottom)
        return f"nn.Sequential({pad}, {module_code('Conv2d', 1, 1, **geometry)})"

    def row(self) -> dict[str, object]:
        """One line of the solver's table."""
        return {"kernel": self.kernel_size, "stride": self.stride, "dilation": self.dilation,
                "before": self.before, "after": self.after, "d2l p": self.total,
                "same": "✓" if self.same else "",
                "PyTorch (both axes, 1 channel)": self.code()}


def solve_padding(n: int, m: int, *, kernels: Pair, strides: Pair,
                  dilation: int = 1) -> list[PaddingSolution]:
    """Every padding that maps size n to size m along one axis, for each kernel and stride
    in the inclusive ranges. Needs (m − 1)·s ≤ n + P − d(k − 1) − 1 < m·s for the total P;
    paddings so wide that a whole window could sit in them (a side ≥ d(k − 1) + 1) are
    left out. Odd totals split as PyTorch's "same" does: the extra cell goes after.

    >>> [(s.kernel_size, s.stride, s.before, s.after)
    ...  for s in solve_padding(8, 4, kernels=(5, 5), strides=(2, 2))]
    [(5, 2, 1, 2), (5, 2, 2, 2)]
    """
    n, m = check_input_size((n, m))
    (k0, k1), (s0, s1) = pair(kernels, "kernel", minimum=1), pair(strides, "stride", minimum=1)
    d = pair(dilation, "dilation", minimum=1)[0]
    if k0 > k1 or s0 > s1:
        raise ValueError(f"ranges go from small to large: kernel {k0}..{k1}, stride {s0}..{s1}")
    if (k1 - k0 + 1) * (s1 - s0 + 1) > MAX_COMBOS:
        raise ValueError(f"at most {MAX_COMBOS} kernel × stride combinations at once; "
                         "narrow the ranges")
    found = []
    for k in range(k0, k1 + 1):
        for s in range(s0, s1 + 1):
            lo, hi = _totals(n, m, k, s, d)
            for total in range(lo, hi + 1):
                same = s == 1 and m == n  # then total = d(k − 1), PyTorch's "same"
                found.append(PaddingSolution(k, s, d, total // 2, total - total // 2, same))
    return found


def _totals(n: int, m: int, k: int, s: int, d: int) -> Pair:
    """The range of total paddings P with (m − 1)·s ≤ n + P − d(k − 1) − 1 < m·s, each side
    below the span (empty when lo > hi)."""
    reach = span(k, d)
    return max(0, (m - 1) * s + reach - n), min(m * s + reach - 1 - n, 2 * (reach - 1))


def no_solution_advice(n: int, m: int, *, kernels: Pair, strides: Pair, dilation: int = 1,
                       gettext: Callable[[str], str] = str) -> str:
    """Why no kernel and stride in the ranges turns n into m, and what would; worded by
    ``gettext`` (the reader's language; English by default: sentences joined by a space,
    or by nothing after a Chinese "。").

    Only padding grows a size, and by at most d·(k − 1) (each side below the kernel's
    span); a stride s divides it by about s. The search for what would work covers the
    solver's own ranges (SOLVER_KERNELS, SOLVER_STRIDES).
    """
    (k0, k1), (s0, s1), d, _ = kernels, strides, dilation, gettext

    def works(k: int, s: int) -> bool:
        lo, hi = _totals(n, m, k, s, d)
        return lo <= hi

    all_k = range(SOLVER_KERNELS[0], SOLVER_KERNELS[1] + 1)
    all_s = range(SOLVER_STRIDES[0], SOLVER_STRIDES[1] + 1)
    ratio = f"{n / m:.2f}".rstrip("0").rstrip(".")
    text = [_("No kernel {kernels} with stride {strides} turns {n} into {m}.").format(
        kernels=_runs(range(k0, k1 + 1)), strides=_runs(range(s0, s1 + 1)), n=n, m=m)]
    if m > n:
        text.append(_(
            "Only padding makes a size larger, by at most d·(k − 1) = {grow} with kernel {k} "
            "(padding d·(k − 1) per side is the most allowed here: with more, a whole window "
            "would sit in the zeros), and only with stride 1: a stride makes it smaller."
        ).format(grow=d * (k1 - 1), k=k1))
    else:
        text.append(_("A stride s divides the size by about s ({n} / {m} ≈ {ratio}).").format(
            n=n, m=m, ratio=ratio))
    if ok := [s for s in all_s if any(works(k, s) for k in range(k0, k1 + 1))]:
        text.append(_("Stride {strides} works with kernel {kernels}.").format(
            strides=_runs(ok), kernels=_runs(range(k0, k1 + 1))))
    elif ok := [k for k in all_k if any(works(k, s) for s in range(s0, s1 + 1))]:
        text.append(_("Kernel {kernels} works with stride {strides}.").format(
            kernels=_runs(ok), strides=_runs(range(s0, s1 + 1))))
    elif not any(works(k, s) for k in all_k for s in all_s):
        text.append(_("No kernel {kernels} with stride {strides} does either.").format(
            kernels=_runs(all_k), strides=_runs(all_s)))
    if m > n:
        text.append(_(
            "To grow {n} to {m}, use a transposed convolution (nn.ConvTranspose2d) or "
            "upsampling (nn.Upsample(size={m})), then a convolution that keeps the size."
        ).format(n=n, m=m))
    else:
        text.append(_("Or use several layers."))
    return ("" if text[0].endswith("。") else " ").join(text)


def _runs(values: Sequence[int]) -> str:
    """Sorted whole numbers, runs of three or more as a range: [1, 2, 3, 5] → "1–3, 5"."""
    parts, run = [], []
    for v in [*values, None]:
        if run and v == run[-1] + 1:
            run.append(v)
            continue
        if run:
            parts += [f"{run[0]}–{run[-1]}"] if len(run) > 2 else [str(r) for r in run]
        run = [v]
    return ", ".join(parts)


def strides_without_solution(found: list[PaddingSolution], strides: Pair) -> list[int]:
    """The strides in the inclusive range for which no kernel gave a solution."""
    return [s for s in range(strides[0], strides[1] + 1) if all(f.stride != s for f in found)]
