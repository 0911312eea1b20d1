"""Two-dimensional cross-correlation and convolution, single and multi channel.

Everything here is a thin layer over ``torch.nn.functional.conv2d`` and
``torch.nn.functional.pad`` (the reference and the speed limit), except
``corr2d_loop``, which is d2l's double loop kept naive on purpose: it is what the
app animates and shows as code.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from core.errors import N_, ChannelMismatch, GroupsMismatch, NotAKernelShape, PaddingTooLarge
from core.geometry import IntOrPair, PaddingArg, output_length, pair, resolve_padding

#: PyTorch's padding modes: ids (links carry them) and message ids (a page shows their names).
PADDING_MODES = (N_("zeros"), N_("reflect"), N_("replicate"), N_("circular"))

#: Most elements any single array handed to `core` may hold (a 4096 × 4096 image).
MAX_ELEMENTS = 4096 * 4096


def as_tensor(values: Any, name: str, *, ndim: int) -> torch.Tensor:
    """``values`` (tensor, numpy array or nested lists, int or float) as a float32 tensor.

    Raises ValueError when it is not ``ndim``-dimensional, is empty or too large.
    """
    try:
        t = torch.as_tensor(values)
    except (TypeError, ValueError, RuntimeError) as e:
        raise ValueError(f"{name} must be a rectangular array of numbers: {e}") from None
    if t.dtype == torch.bool or t.is_complex() or not (t.is_floating_point() or t.dtype in (
        torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64,
    )):
        raise ValueError(f"{name} must hold real numbers, got dtype {t.dtype}")
    if t.dim() != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {tuple(t.shape)}")
    if t.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(t.shape)}")
    if t.numel() > MAX_ELEMENTS:
        raise ValueError(f"{name} has {t.numel()} elements; at most {MAX_ELEMENTS} are allowed")
    return t.to(torch.float32)  # no detach: Conv2D trains through corr2d


def pad2d(
    X: torch.Tensor, padding: tuple[tuple[int, int], tuple[int, int]], padding_mode: str = "zeros"
) -> torch.Tensor:
    """Pad the last two dimensions of X (…, H, W) by ((top, bottom), (left, right)).

    Returns (…, H + top + bottom, W + left + right).
    """
    if padding_mode not in PADDING_MODES:
        raise ValueError(f"padding_mode must be one of {PADDING_MODES}, got {padding_mode!r}")
    (top, bottom), (left, right) = padding
    if not (top or bottom or left or right):
        return X
    H, W = X.shape[-2:]
    if (padding_mode == "reflect" and (max(top, bottom) >= H or max(left, right) >= W)) or (
            padding_mode == "circular" and (max(top, bottom) > H or max(left, right) > W)):
        raise PaddingTooLarge(mode=padding_mode, padding=(top, bottom, left, right), H=H, W=W)
    mode = "constant" if padding_mode == "zeros" else padding_mode
    # F.pad takes the last dimension first; reflect/replicate/circular need a batch dim.
    batched = X.reshape((-1, 1) + tuple(X.shape[-2:]))
    out = F.pad(batched, (left, right, top, bottom), mode=mode)
    return out.reshape(tuple(X.shape[:-2]) + tuple(out.shape[-2:]))


def _conv_multi(
    X: torch.Tensor, K: torch.Tensor, *, padding: PaddingArg, stride: IntOrPair,
    dilation: IntOrPair, padding_mode: str, groups: int = 1,
) -> torch.Tensor:
    """X (ci, H, W), K (co, ci/groups, kh, kw) → (co, H_out, W_out)."""
    s, d = pair(stride, "stride", minimum=1), pair(dilation, "dilation", minimum=1)
    (H, W), (kh, kw) = X.shape[-2:], K.shape[-2:]
    pads = resolve_padding(padding, (kh, kw), stride=s, dilation=d)
    # Checked before torch sees it, so the message states the rule and the numbers.
    output_length(H, kh, *pads[0], s[0], d[0], axis="height")
    output_length(W, kw, *pads[1], s[1], d[1], axis="width")
    Xp = pad2d(X, pads, padding_mode)
    # conv2d wants a batch: (1, ci, H', W') → (1, co, H_out, W_out)
    return F.conv2d(Xp.unsqueeze(0), K, stride=s, dilation=d, groups=groups)[0]


def corr2d(
    X: Any, K: Any, *, padding: PaddingArg = 0, stride: IntOrPair = 1,
    dilation: IntOrPair = 1, padding_mode: str = "zeros",
) -> torch.Tensor:
    """Cross-correlation of X (H, W) with K (kh, kw) → (H_out, W_out).

    Y[i, j] = Σ_a Σ_b X_pad[i·s_h + a·d_h, j·s_w + b·d_w] · K[a, b], with
    H_out = ⌊(H + 2p_h − d_h(k_h − 1) − 1)/s_h⌋ + 1 and ``padding`` per side
    (d2l's total padding is twice it).

    >>> corr2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
    tensor([[19., 25.],
            [37., 43.]])
    """
    X, K = as_tensor(X, "X", ndim=2), as_tensor(K, "K", ndim=2)
    # (1, H, W) * (1, 1, kh, kw) → (1, H_out, W_out)
    return _conv_multi(
        X[None], K[None, None], padding=padding, stride=stride, dilation=dilation,
        padding_mode=padding_mode,
    )[0]


def conv2d(
    X: Any, K: Any, *, padding: PaddingArg = 0, stride: IntOrPair = 1,
    dilation: IntOrPair = 1, padding_mode: str = "zeros",
) -> torch.Tensor:
    """True convolution: ``corr2d`` with K flipped top–bottom and left–right.

    >>> conv2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
    tensor([[ 5., 11.],
            [23., 29.]])
    """
    K = as_tensor(K, "K", ndim=2)
    return corr2d(
        X, torch.flip(K, dims=(0, 1)), padding=padding, stride=stride, dilation=dilation,
        padding_mode=padding_mode,
    )


def corr2d_loop(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """d2l's cross-correlation, one element at a time: X (H, W), K (kh, kw) → (H−kh+1, W−kw+1)."""
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


def corr2d_multi_in(
    X: Any, K: Any, *, padding: PaddingArg = 0, stride: IntOrPair = 1,
    dilation: IntOrPair = 1, padding_mode: str = "zeros",
) -> torch.Tensor:
    """Sum over channels of corr2d(X[c], K[c]): X (ci, H, W), K (ci, kh, kw) → (H_out, W_out).

    >>> X = [[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
    >>> corr2d_multi_in(X, [[[0, 1], [2, 3]], [[1, 2], [3, 4]]])
    tensor([[ 56.,  72.],
            [104., 120.]])
    """
    X, K = as_tensor(X, "X", ndim=3), as_tensor(K, "K", ndim=3)
    _check_channels(X.shape[0], K.shape[0])
    # (ci, kh, kw) → (1, ci, kh, kw): one output channel
    return _conv_multi(
        X, K[None], padding=padding, stride=stride, dilation=dilation, padding_mode=padding_mode
    )[0]


def corr2d_multi_in_out(
    X: Any, K: Any, *, padding: PaddingArg = 0, stride: IntOrPair = 1,
    dilation: IntOrPair = 1, padding_mode: str = "zeros", groups: int = 1,
) -> torch.Tensor:
    """A corr2d_multi_in per output channel: X (ci, H, W), K (co, ci/g, kh, kw) → (co, Ho, Wo).

    With ``groups`` g, input and output channels split into g groups and output
    group j only sees input group j (groups = ci is depthwise).
    """
    X, K = as_tensor(X, "X", ndim=3), as_tensor(K, "K", ndim=4)
    check_groups(X.shape[0], K.shape[0], groups)
    _check_channels(X.shape[0] // groups, K.shape[1], groups=groups)
    return _conv_multi(
        X, K, padding=padding, stride=stride, dilation=dilation, padding_mode=padding_mode,
        groups=groups,
    )


def corr2d_multi_in_out_1x1(X: Any, K: Any) -> torch.Tensor:
    """1×1 convolution as ONE matrix product: X (ci, H, W), K (co, ci, 1, 1) → (co, H, W).

    Y = K_(co×ci) · X_(ci×HW), reshaped back: a fully connected layer applied at
    every pixel, the channels acting as features.
    """
    X, K = as_tensor(X, "X", ndim=3), as_tensor(K, "K", ndim=4)
    if tuple(K.shape[2:]) != (1, 1):
        raise NotAKernelShape(shape=tuple(K.shape))
    _check_channels(X.shape[0], K.shape[1])
    ci, H, W = X.shape
    co = K.shape[0]
    # (co, ci) @ (ci, H·W) → (co, H·W) → (co, H, W)
    return (K.reshape(co, ci) @ X.reshape(ci, H * W)).reshape(co, H, W)


def check_groups(ci: int, co: int, groups: int) -> None:
    """ValueError unless ``groups`` is a positive int dividing both ci and co."""
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    if ci % groups or co % groups:
        raise GroupsMismatch(groups=groups, ci=ci, co=co)


def _check_channels(x_channels: int, k_channels: int, *, groups: int = 1) -> None:
    if x_channels != k_channels:
        raise ChannelMismatch(x_channels=x_channels, k_channels=k_channels, groups=groups)
