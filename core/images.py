"""Pictures as (H, W) float32 tensors with values in [0, 1]: samples made in code, and
visitors' uploads decoded safely (grayscale, at most 512 px on the long side)."""

from __future__ import annotations

import io
import math
import warnings

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import (
    N_,
    EmptyFile,
    FileTooLarge,
    FormatRefused,
    NotAnImage,
    TooManyPixels,
    Undecodable,
    UnknownName,
)


def stripes() -> torch.Tensor:
    """The seed's 6×8 image: ones, with columns 2–5 set to 0 (two vertical edges)."""
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    return X


def stripes_t() -> torch.Tensor:
    """The seed's image transposed (8×6): two horizontal edges, which K = [[1, -1]] misses."""
    return stripes().T.contiguous()


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


#: Samples by name, each a function returning a fresh tensor. The names are ids (links carry
#: them) and message ids (N_): a page shows a name in the visitor's language.
SAMPLES = {
    N_("Seed stripes 6×8"): stripes,
    N_("Seed stripes transposed Xᵀ 8×6"): stripes_t,
    N_("Diagonal edge 8×8"): diagonal_edge,
    N_("Checkerboard 64×64"): checkerboard,
    N_("Shapes 64×64"): shapes,
    N_("Circles 64×64"): circles,
    N_("Gradient 64×64"): gradient,
    N_("Text 64×64"): text,
}


def sample(name: str) -> torch.Tensor:
    """The named sample picture (ValueError listing the names if unknown)."""
    if name not in SAMPLES:
        raise UnknownName(what="sample", name=name, choices=list(SAMPLES))
    return SAMPLES[name]()


#: Longest side of a decoded upload, in pixels (larger pictures are scaled down).
MAX_SIDE = 512
#: Most pixels an upload may declare; checked from the header, before anything is decoded.
#: 25 million is a 6000 × 4000 photo; at 4 bytes a pixel that is 100 MB of RAM at most.
MAX_PIXELS = 25_000_000
#: Largest upload in bytes (the server's own limit, server.maxUploadSize, is smaller).
MAX_BYTES = 16 * 2**20
#: Pillow's names of the formats accepted (MPO is the JPEG variant many phones write).
FORMATS = ("PNG", "JPEG", "MPO")


def load_image(
    data: bytes, *, max_side: int = MAX_SIDE, max_pixels: int = MAX_PIXELS
) -> torch.Tensor:
    """Decode an uploaded PNG or JPEG into a grayscale (H, W) float32 tensor in [0, 1].

    The long side is scaled down to ``max_side`` (area averaging, so no new edges appear);
    16-bit, palette, CMYK and transparent pictures are converted (transparent pixels are
    shown over white, as a browser would); the phone's EXIF rotation is applied.
    Raises ValueError with a readable message for anything else: not an image, another
    format, a truncated file, or more than ``max_pixels`` pixels (a decompression bomb).
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError(f"an image upload must be bytes, got {type(data).__name__}")
    if len(data) == 0:
        raise EmptyFile()
    if len(data) > MAX_BYTES:
        raise FileTooLarge(megabytes=len(data) / 2**20, max_megabytes=MAX_BYTES // 2**20)
    # Our own size check below is the guard (it runs before decoding and its cap is lower);
    # Pillow's bomb warning as an error is a second line. catch_warnings swaps a global
    # filter list, so a concurrent session may briefly see this filter: harmless here.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return torch.from_numpy(_decode(bytes(data), max_side, max_pixels))
        except ValueError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise TooManyPixels(width=None, height=None, max_pixels=max_pixels,
                                max_side=MAX_SIDE) from None
        except UnidentifiedImageError:
            raise NotAnImage() from None
        except Exception as e:  # untrusted bytes: Pillow's decoders raise many kinds
            raise Undecodable(reason=f"{type(e).__name__}: {str(e)[:80]}") from None


def _decode(data: bytes, max_side: int, max_pixels: int) -> np.ndarray:
    """bytes → grayscale float32 (H, W) in [0, 1], long side ≤ max_side."""
    img = Image.open(io.BytesIO(data))  # lazy: only the header is read so far
    if img.format not in FORMATS:
        raise FormatRefused(format=img.format)
    w, h = img.size
    if w * h > max_pixels:
        raise TooManyPixels(width=w, height=h, max_pixels=max_pixels, max_side=MAX_SIDE)
    scale = max_side / max(w, h)
    if scale < 1 and img.format != "PNG":
        # JPEG decodes at 1/2, 1/4 or 1/8 size for free: less memory and time.
        img.draft(img.mode, (math.ceil(w * scale), math.ceil(h * scale)))
    img = ImageOps.exif_transpose(img)
    A = _gray(img)
    h, w = A.shape
    if max(h, w) > max_side:
        s = max_side / max(h, w)
        size = (max(1, round(w * s)), max(1, round(h * s)))
        A = np.asarray(Image.fromarray(A, "F").resize(size, Image.Resampling.BOX))
    return np.ascontiguousarray(A.clip(0.0, 1.0), dtype=np.float32)


def _gray(img: Image.Image) -> np.ndarray:
    """Any Pillow mode → float32 (H, W) in [0, 1]; 16-bit precision is kept."""
    if img.mode.startswith("I;16"):
        return np.asarray(img, dtype=np.float32) / 65535
    if img.mode == "I":  # 32-bit ints: 16-bit grayscale in some Pillow versions
        return np.asarray(img, dtype=np.float32).clip(0, 65535) / 65535
    if "A" in img.mode or "a" in img.mode or "transparency" in img.info:
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    return np.asarray(img.convert("L"), dtype=np.float32) / 255


def value_range(T: torch.Tensor) -> tuple[float, float]:
    """(min, max) of the finite values of T, as Python floats ((0, 0) if none are finite)."""
    finite = T[torch.isfinite(T)]
    if finite.numel() == 0:
        return 0.0, 0.0
    return float(finite.min()), float(finite.max())
