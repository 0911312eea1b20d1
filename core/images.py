"""Sample pictures made in code, as (H, W) float32 tensors with values in [0, 1]."""

from __future__ import annotations

import torch


def stripes() -> torch.Tensor:
    """The seed's 6×8 image: ones, with columns 2–5 set to 0 (two vertical edges)."""
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    return X


def diagonal_edge(n: int = 8) -> torch.Tensor:
    """n×n: ones on and below the main diagonal, zeros above (one diagonal edge)."""
    return torch.tril(torch.ones(n, n))


def checkerboard(n: int = 64, cell: int = 8) -> torch.Tensor:
    """n×n squares of side ``cell``, alternating 0 and 1."""
    idx = torch.arange(n) // cell
    return ((idx[:, None] + idx[None, :]) % 2).float()


def _grid(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Pixel-centre coordinates in [−1, 1]: (n, n) rows and columns."""
    c = (torch.arange(n, dtype=torch.float32) + 0.5) / n * 2 - 1
    return torch.meshgrid(c, c, indexing="ij")


def shapes(n: int = 64) -> torch.Tensor:
    """n×n: a disc, a square and a triangle on a dark background."""
    y, x = _grid(n)
    img = torch.zeros(n, n)
    img[((x + 0.45) ** 2 + (y + 0.45) ** 2) < 0.3**2] = 1.0
    img[((x - 0.45).abs() < 0.3) & ((y + 0.45).abs() < 0.3)] = 0.7
    img[(y > 0.1) & (y < 0.8) & ((x.abs()) < (y - 0.1) * 0.6)] = 0.4
    return img


def gradient(n: int = 64) -> torch.Tensor:
    """n×n ramp from 0 at the left to 1 at the right: a second derivative sees nothing."""
    return torch.linspace(0, 1, n).repeat(n, 1)


def circles(n: int = 64) -> torch.Tensor:
    """n×n concentric rings: edges at every orientation."""
    y, x = _grid(n)
    r = torch.sqrt(x**2 + y**2)
    return ((r * 6).floor() % 2).float()


def text(n: int = 64) -> torch.Tensor:
    """n×n: the letters "CNN" drawn with rectangles (no font files: nothing to download)."""
    img = torch.zeros(n, n)
    u = n // 16  # stroke width
    top, bottom = 5 * u, 11 * u
    # C
    img[top:bottom, 1 * u:2 * u] = 1
    img[top:top + u, 1 * u:5 * u] = 1
    img[bottom - u:bottom, 1 * u:5 * u] = 1
    for left in (6 * u, 11 * u):  # two N's
        img[top:bottom, left:left + u] = 1
        img[top:bottom, left + 3 * u:left + 4 * u] = 1
        for k in range(bottom - top):
            c = left + u + k * 2 * u // (bottom - top)
            img[top + k, c:c + u] = 1
    return img


#: Samples by display name, each a function returning a fresh tensor.
SAMPLES = {
    "Seed stripes 6×8": stripes,
    "Diagonal edge 8×8": diagonal_edge,
    "Checkerboard 64×64": checkerboard,
    "Shapes 64×64": shapes,
    "Circles 64×64": circles,
    "Gradient 64×64": gradient,
    "Text 64×64": text,
}


def sample(name: str) -> torch.Tensor:
    """The named sample picture (ValueError listing the names if unknown)."""
    if name not in SAMPLES:
        raise ValueError(f"unknown sample {name!r}; choose one of {list(SAMPLES)}")
    return SAMPLES[name]()
