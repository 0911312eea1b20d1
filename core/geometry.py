"""Output sizes and the geometry arguments shared by every convolution in `core`.

PyTorch's convention throughout: ``padding`` is the number of cells added on EACH
side. d2l writes ``p_h`` for the TOTAL over both sides, so ``p_h = 2 * padding``;
we call that ``total_padding`` wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Union

from core.errors import (
    GeometryValueError,
    NoOutput,
    OutputPaddingTooLarge,
    PoolPaddingTooLarge,
    SameNeedsStride1,
    TooLarge,
    TooSmall,
    TransNoOutput,
)

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
#: Most cells a step-by-step record may hold in all (steps × cells per step: a pooling
#: page's windows, a transposed convolution's running sums), so an animation stays small.
MAX_TRACE_CELLS = 2**20


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


def unchecked_output_length(
    n: int, k: int, before: int, after: int, s: int, d: int, ceil_mode: bool = False
) -> int:
    """⌊(n + before + after − d(k − 1) − 1)/s⌋ + 1: the only place the rule is computed.

    Below 1 when no window fits (``output_length`` raises then; the formulas show it).
    ``ceil_mode`` (pooling) rounds up instead, and then drops a last window that would start
    past the input and its ``before`` padding (PyTorch's rule: every window starts inside the
    input or the left padding).

    >>> unchecked_output_length(8, 5, 2, 2, 2, 1), unchecked_output_length(2, 5, 0, 0, 1, 1)
    (4, -2)
    >>> unchecked_output_length(5, 2, 0, 0, 2, 1), unchecked_output_length(5, 2, 0, 0, 2, 1, True)
    (2, 3)
    """
    reach = n + before + after - span(k, d)
    if not ceil_mode:
        return reach // s + 1
    out = -(-reach // s) + 1
    if (out - 1) * s >= n + before:  # the last window would start on the right padding
        out -= 1
    return out


def output_length(
    n: int, k: int, before: int, after: int, s: int, d: int, *, axis: str,
    ceil_mode: bool = False,
) -> int:
    """``unchecked_output_length``, or ``NoOutput`` if no window fits.

    ``axis`` ("height", "width" or "") only names the axis in the error. With ``ceil_mode``
    a last window may hang past the padding, so a kernel longer than the padded input can
    still give one output (as in PyTorch).
    """
    if ceil_mode:
        out = unchecked_output_length(n, k, before, after, s, d, ceil_mode)
        if out >= 1:
            return out
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


def pool_stride(stride: IntOrPair | None, kernel_size: IntOrPair) -> Pair:
    """A pool's stride as a pair: ``None`` means the window itself, PyTorch's default for
    ``nn.MaxPool2d`` / ``nn.AvgPool2d`` (d2l's trap: ``nn.MaxPool2d(3)`` strides by 3).

    >>> pool_stride(None, 3), pool_stride(1, (2, 3))
    ((3, 3), (1, 1))
    """
    if stride is None:
        return pair(kernel_size, "kernel_size", minimum=1)
    return pair(stride, "stride", minimum=1)


def check_pool_padding(kernel_size: Pair, padding: Pair) -> None:
    """PyTorch's rule for pools: padding (per side) at most half the kernel, kh // 2 and
    kw // 2; ``PoolPaddingTooLarge`` naming the axis otherwise."""
    for p, k, axis in ((padding[0], kernel_size[0], "height"),
                       (padding[1], kernel_size[1], "width")):
        if p > k // 2:
            raise PoolPaddingTooLarge(axis=axis, padding=p, k=k)


def pool_output_shape(
    input_size: IntOrPair, kernel_size: IntOrPair, *, padding: IntOrPair = 0,
    stride: IntOrPair | None = None, dilation: IntOrPair = 1, ceil_mode: bool = False,
) -> Pair:
    """(H_out, W_out) of ``nn.MaxPool2d`` / ``nn.AvgPool2d`` on an (H, W) input.

    The convolution's rule (``unchecked_output_length``), with ``stride`` None meaning the
    kernel, padding at most half the kernel, and ⌈ ⌉ instead of ⌊ ⌋ under ``ceil_mode``.

    >>> pool_output_shape((4, 4), 3), pool_output_shape((4, 4), 3, padding=1, stride=2)
    ((1, 1), (2, 2))
    >>> pool_output_shape((5, 5), 2, ceil_mode=True)
    (3, 3)
    """
    H, W = pair(input_size, "input size", minimum=1)
    kh, kw = pair(kernel_size, "kernel_size", minimum=1)
    sh, sw = pool_stride(stride, (kh, kw))
    dh, dw = pair(dilation, "dilation", minimum=1)
    ph, pw = pair(padding, "padding", minimum=0)
    check_pool_padding((kh, kw), (ph, pw))
    return (
        output_length(H, kh, ph, ph, sh, dh, axis="height", ceil_mode=ceil_mode),
        output_length(W, kw, pw, pw, sw, dw, axis="width", ceil_mode=ceil_mode),
    )


def trans_output_length(n: int, k: int, padding: int, stride: int, dilation: int,
                        output_padding: int) -> int:
    """(n − 1)·s − 2p + d·(k − 1) + output_padding + 1: the only place the transposed
    convolution's rule is computed (below 1 when the padding crops everything).

    It inverts the convolution's rule: a convolution with the same k, p, s, d maps this
    many cells back to n (output_padding picks among the sizes that all map to n).

    >>> trans_output_length(2, 2, 0, 1, 1, 0), trans_output_length(2, 2, 1, 1, 1, 0)
    (3, 1)
    >>> trans_output_length(2, 2, 0, 2, 1, 0), trans_output_length(2, 2, 0, 2, 1, 1)
    (4, 5)
    """
    return (n - 1) * stride - 2 * padding + span(k, dilation) + output_padding


def trans_conv_output_shape(
    input_size: IntOrPair, kernel_size: IntOrPair, *, padding: IntOrPair = 0,
    stride: IntOrPair = 1, dilation: IntOrPair = 1, output_padding: IntOrPair = 0,
) -> Pair:
    """(H_out, W_out) of ``nn.ConvTranspose2d`` on an (H, W) input.

    H_out = (H − 1)·s_h − 2p_h + d_h·(k_h − 1) + output_padding_h + 1, likewise for W;
    ``padding`` per side, as in PyTorch. ``OutputPaddingTooLarge`` unless output_padding
    is below the stride or the dilation (PyTorch's rule), ``TransNoOutput`` when the
    padding leaves nothing.

    >>> trans_conv_output_shape((2, 2), 2, stride=2)
    (4, 4)
    """
    H, W = pair(input_size, "input size", minimum=1)
    kh, kw = pair(kernel_size, "kernel_size", minimum=1)
    p, s = pair(padding, "padding", minimum=0), pair(stride, "stride", minimum=1)
    d, op = pair(dilation, "dilation", minimum=1), pair(output_padding, "output_padding",
                                                         minimum=0)
    out = []
    for axis, n, k, a in (("height", H, kh, 0), ("width", W, kw, 1)):
        if op[a] >= s[a] and op[a] >= d[a]:
            raise OutputPaddingTooLarge(axis=axis, output_padding=op[a], stride=s[a],
                                        dilation=d[a])
        length = trans_output_length(n, k, p[a], s[a], d[a], op[a])
        if length < 1:
            raise TransNoOutput(axis=axis, n=n, k=k, padding=p[a], stride=s[a],
                                dilation=d[a], output_padding=op[a])
        out.append(length)
    return out[0], out[1]
