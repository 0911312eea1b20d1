"""Named kernels, built from their parts, as (kh, kw) float32 tensors.

Each is applied by cross-correlation (``corr2d``), as in d2l and PyTorch.
"""

from __future__ import annotations

from typing import Any

import torch

from core.corr import as_tensor, corr2d_multi_in_out
from core.errors import N_, UnknownName
from core.geometry import IntOrPair, PaddingArg


def _t(rows: list[list[float]]) -> torch.Tensor:
    return torch.tensor(rows, dtype=torch.float32)


#: d2l's edge kernel [[1, -1]]: nonzero where horizontally adjacent pixels differ.
D2L_EDGE = _t([[1, -1]])
#: Its transpose [[1], [-1]]: detects horizontal edges.
D2L_EDGE_T = D2L_EDGE.T.contiguous()

_SMOOTH = _t([[1], [2], [1]])  # binomial smoothing across the derivative
_DIFF = _t([[-1, 0, 1]])  # central difference, left to right
#: Sobel x = [1 2 1]ᵀ ⊗ [−1 0 1]: [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]; responds to vertical edges.
SOBEL_X = _SMOOTH @ _DIFF
#: Sobel y = Sobel xᵀ: responds to horizontal edges.
SOBEL_Y = SOBEL_X.T.contiguous()
#: Prewitt x = [1 1 1]ᵀ ⊗ [−1 0 1].
PREWITT_X = torch.ones(3, 1) @ _DIFF
PREWITT_Y = PREWITT_X.T.contiguous()
#: Scharr x = [3 10 3]ᵀ ⊗ [−1 0 1]: better rotational symmetry than Sobel.
SCHARR_X = _t([[3], [10], [3]]) @ _DIFF
SCHARR_Y = SCHARR_X.T.contiguous()
#: Laplacian (4-neighbour): [[0, 1, 0], [1, -4, 1], [0, 1, 0]]; zero on any linear ramp.
LAPLACIAN = _t([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
#: Diagonal difference [[1, 0], [0, -1]] (Roberts cross): edges running along the anti-diagonal.
DIAGONAL = _t([[1, 0], [0, -1]])
#: 3×3 box blur: every weight 1/9.
BOX_BLUR = torch.full((3, 3), 1 / 9)
#: 3×3 Gaussian = [1 2 1]ᵀ ⊗ [1 2 1] / 16.
GAUSSIAN = (_SMOOTH @ _SMOOTH.T) / 16
IDENTITY = _t([[0, 0, 0], [0, 1, 0], [0, 0, 0]])
#: Sharpen = 2·identity − box blur, in integers: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]].
SHARPEN = _t([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
EMBOSS = _t([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
#: Outline (8-neighbour Laplacian, negated): [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]].
OUTLINE = _t([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]])
#: d2l's kernel for the sliding-window example.
D2L_2X2 = _t([[0, 1], [2, 3]])

#: Presets by name, in the order the app lists them. The names are ids (links carry them) and
#: message ids (N_): a page shows a name in the visitor's language with ``gettext(name)``.
PRESETS: dict[str, torch.Tensor] = {
    N_("d2l edge [1, -1]"): D2L_EDGE,
    N_("d2l edge transposed"): D2L_EDGE_T,
    N_("Sobel x"): SOBEL_X,
    N_("Sobel y"): SOBEL_Y,
    N_("Prewitt x"): PREWITT_X,
    N_("Prewitt y"): PREWITT_Y,
    N_("Scharr x"): SCHARR_X,
    N_("Scharr y"): SCHARR_Y,
    N_("Laplacian"): LAPLACIAN,
    N_("Diagonal"): DIAGONAL,
    N_("Box blur"): BOX_BLUR,
    N_("Gaussian"): GAUSSIAN,
    N_("Sharpen"): SHARPEN,
    N_("Emboss"): EMBOSS,
    N_("Outline"): OUTLINE,
    N_("Identity"): IDENTITY,
    N_("d2l 2×2 [[0, 1], [2, 3]]"): D2L_2X2,
}


def preset(name: str) -> torch.Tensor:
    """A copy of the named preset (ValueError listing the names if unknown)."""
    if name not in PRESETS:
        raise UnknownName(what="kernel", name=name, choices=list(PRESETS))
    return PRESETS[name].clone()


def gradient_magnitude(
    X: Any, *, padding: PaddingArg = 0, stride: IntOrPair = 1, padding_mode: str = "zeros"
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Sobel gradients and their length: X (H, W) → (Gx, Gy, M), each (H_out, W_out).

    Gx = corr2d(X, SOBEL_X), Gy = corr2d(X, SOBEL_Y), M = √(Gx² + Gy²): large on an edge
    of any orientation, 0 where the picture is flat.
    """
    X = as_tensor(X, "X", ndim=2)
    # One pass with two output channels: (1, H, W) * (2, 1, 3, 3) → (2, H_out, W_out)
    Gx, Gy = corr2d_multi_in_out(
        X[None], torch.stack([SOBEL_X, SOBEL_Y])[:, None], padding=padding, stride=stride,
        padding_mode=padding_mode,
    )
    return Gx, Gy, torch.hypot(Gx, Gy)
