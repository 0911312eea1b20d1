"""Output sizes and the geometry arguments shared by every convolution in `core`.

PyTorch's convention throughout: ``padding`` is the number of cells added on EACH
side. d2l writes ``p_h`` for the TOTAL over both sides, so ``p_h = 2 * padding``;
we call that ``total_padding`` wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Union

from core.errors import GeometryValueError, NoOutput, SameNeedsStride1, TooLarge, TooSmall

Pair = tuple[int, int]
IntOrPair = Union[int, Sequence[int]]
#: Padding as a function takes it: cells on every side (int), per side (h, w), or a word.
PaddingArg = Union[int, Sequence[int], Literal["same", "valid"]]
#: Padding as a layer's record keeps it: cells per side (h, w), or a word.
LayerPadding = Union[Pair, Literal["same", "valid"]]

#: Largest value accepted for any single geometry number (kernel, padding, stride,
#: dilation). Far beyond any teaching example; it keeps a crafted URL from asking
#: the server for gigabytes.
MAX_GEOMETRY = 1024


def pair(value: IntOrPair, name: str, *, minimum: int) -> Pair:
    """Return ``value`` as an (h, w) pair of ints, each at least ``minimum``.

    >>> pair(3, "stride", minimum=1)
    (3, 3)
    >>> pair((2, 1), "padding", minimum=0)
    (2, 1)
    """
    if isinstance(value, bool):
        raise GeometryValueError(name=name, value=value)
    if isinstance(value, int):
        h = w = value
    else:
        try:
            h, w = value  # type: ignore[misc]
        except (TypeError, ValueError):
            raise GeometryValueError(name=name, value=value) from None
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (h, w)):
            raise GeometryValueError(name=name, value=value)
    for v in (h, w):
        if v < minimum:
            raise TooSmall(name=name, minimum=minimum, value=value)
        if v > MAX_GEOMETRY:
            raise TooLarge(name=name, maximum=MAX_GEOMETRY, value=value)
    return int(h), int(w)


def pair_text(p: Pair, both: str = "{}×{}") -> str:
    """An (h, w) pair as text: one number when h = w, else ``both`` filled with h and w.

    The one pair formatter in core (layer fields "5x3", labels "(5,3)", tables "5×3").

    >>> pair_text((3, 3)), pair_text((5, 3)), pair_text((5, 3), "{}x{}")
    ('3', '5×3', '5x3')
    """
    return str(p[0]) if p[0] == p[1] else both.format(p[0], p[1])


def span(k: int, dilation: int = 1) -> int:
    """Number of input cells one kernel of size ``k`` covers: d·(k − 1) + 1."""
    return dilation * (k - 1) + 1


def same_padding(kernel_size: IntOrPair, *, dilation: IntOrPair = 1) -> tuple[Pair, Pair]:
    """PyTorch's ``padding="same"`` as ((top, bottom), (left, right)).

    The total is d·(k − 1) per axis; when it is odd, the extra cell goes to the
    bottom/right, as ``torch.nn.functional.conv2d`` does.
    """
    kh, kw = pair(kernel_size, "kernel_size", minimum=1)
    dh, dw = pair(dilation, "dilation", minimum=1)
    th, tw = dh * (kh - 1), dw * (kw - 1)
    return (th // 2, th - th // 2), (tw // 2, tw - tw // 2)


def resolve_padding(
    padding: PaddingArg, kernel_size: IntOrPair, *, stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
) -> tuple[Pair, Pair]:
    """Padding as ((top, bottom), (left, right)) cells, from an int, a pair, "same" or "valid"."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            sh, sw = pair(stride, "stride", minimum=1)
            if (sh, sw) != (1, 1):
                raise SameNeedsStride1(stride=(sh, sw))
            return same_padding(kernel_size, dilation=dilation)
        raise ValueError(
            f'padding must be an int, an (h, w) pair, "same" or "valid"; got {padding!r}'
        )
    ph, pw = pair(padding, "padding", minimum=0)
    return (ph, ph), (pw, pw)


def conv_output_size(
    n: int, k: int, *, padding: int = 0, stride: int = 1, dilation: int = 1
) -> int:
    """Output length along one axis: ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1 (PyTorch's rule).

    Only tests call it inside the app; kept as the package's one-axis form of the rule
    (exported by ``core``, as the notebook writes it for one side).

    ``padding`` is per side. In d2l's notation with total padding p_h = 2p and
    d = 1 this is ⌊(n − k + p_h + s)/s⌋.

    >>> conv_output_size(8, 3, padding=1)
    8
    >>> conv_output_size(8, 5, padding=2, stride=2)
    4
    """
    for value, name, minimum in (
        (n, "input size", 1), (k, "kernel_size", 1), (padding, "padding", 0),
        (stride, "stride", 1), (dilation, "dilation", 1),
    ):
        if isinstance(value, bool) or not isinstance(value, int):
            raise GeometryValueError(name=name, value=value)
        pair(value, name, minimum=minimum)  # raises when out of range; the value is checked
    return output_length(n, k, padding, padding, stride, dilation, axis="")


def unchecked_output_length(n: int, k: int, before: int, after: int, s: int, d: int) -> int:
    """⌊(n + before + after − d(k − 1) − 1)/s⌋ + 1: the only place the rule is computed.

    Below 1 when no window fits (``output_length`` raises then; the formulas show it).

    >>> unchecked_output_length(8, 5, 2, 2, 2, 1), unchecked_output_length(2, 5, 0, 0, 1, 1)
    (4, -2)
    """
    return (n + before + after - span(k, d)) // s + 1


def output_length(n: int, k: int, before: int, after: int, s: int, d: int, *, axis: str) -> int:
    """``unchecked_output_length``, or ``NoOutput`` if no window fits.

    ``axis`` ("height", "width" or "") only names the axis in the error.
    """
    if span(k, d) > n + before + after:
        raise NoOutput(axis=axis.removeprefix("the "), n=n, k=k, dilation=d, before=before,
                       after=after)
    return unchecked_output_length(n, k, before, after, s, d)


def unread_cells(n: int, k: int, before: int, after: int, s: int, d: int) -> tuple[int, ...]:
    """Input cells 0..n−1 along one axis that no window reads (the stride jumps past them).

    Window i reads padded cells i·s + a·d for taps a = 0..k−1; input cell r is padded cell
    r + before. The only place core works this out.

    >>> unread_cells(8, 1, 0, 0, 3, 1), unread_cells(8, 3, 1, 1, 1, 1)
    ((1, 2, 4, 5, 7), ())
    """
    out = max(0, unchecked_output_length(n, k, before, after, s, d))
    read = {i * s + a * d for i in range(out) for a in range(k)}
    return tuple(r for r in range(n) if r + before not in read)


def conv_output_shape(
    input_size: IntOrPair, kernel_size: IntOrPair, *, padding: PaddingArg = 0,
    stride: IntOrPair = 1, dilation: IntOrPair = 1,
) -> Pair:
    """(H_out, W_out) of a 2-D convolution on an (H, W) input, as ``nn.Conv2d`` computes it.

    H_out = ⌊(H + top + bottom − d_h(k_h − 1) − 1)/s_h⌋ + 1, likewise for W.

    >>> conv_output_shape((8, 8), (3, 5), padding=(0, 1), stride=(3, 4))
    (2, 2)
    """
    H, W = pair(input_size, "input size", minimum=1)
    kh, kw = pair(kernel_size, "kernel_size", minimum=1)
    sh, sw = pair(stride, "stride", minimum=1)
    dh, dw = pair(dilation, "dilation", minimum=1)
    (top, bottom), (left, right) = resolve_padding(
        padding, (kh, kw), stride=(sh, sw), dilation=(dh, dw)
    )
    return (
        output_length(H, kh, top, bottom, sh, dh, axis="height"),
        output_length(W, kw, left, right, sw, dw, axis="width"),
    )
