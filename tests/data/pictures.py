"""Test pictures made in code, as file bytes: good ones, odd formats and bad files.

Shared by the core, app and browser tests of the edge page and by bench/bench_edges.py.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def encode(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def photo_like(h: int = 600, w: int = 800, *, seed: int = 0, fmt: str = "PNG") -> bytes:
    """An RGB PNG (or JPEG): a ramp, a bright disc, a dark bar, mild noise: edges of all kinds."""
    y, x = np.mgrid[0:h, 0:w] / max(h, w)
    g = 0.25 + 0.5 * x + 0.4 * (((x - 0.35) ** 2 + (y - 0.35) ** 2) < 0.04)
    g = np.where((np.abs(x - 0.75) < 0.05) & (y > 0.1) & (y < 0.65), 0.05, g)
    g = g + np.random.default_rng(seed).normal(0, 0.02, g.shape)
    rgb = np.stack([g, g * 0.9, g * 0.8], axis=-1).clip(0, 1)
    return encode(Image.fromarray((rgb * 255).astype(np.uint8), "RGB"), fmt)


def noise(h: int = 512, w: int = 512, *, seed: int = 0) -> bytes:
    """Gray uniform noise: the worst case for PNG size."""
    A = np.random.default_rng(seed).integers(0, 256, (h, w), dtype=np.uint8)
    return encode(Image.fromarray(A, "L"))


def gray16(A: np.ndarray) -> bytes:
    """A 16-bit grayscale PNG of the uint16 array A."""
    return encode(Image.fromarray(A.astype(np.uint16)))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def rgb48(A: np.ndarray) -> bytes:
    """A 16-bit-per-channel RGB PNG of the (h, w, 3) uint16 array A (Pillow cannot write one)."""
    h, w, _ = A.shape
    raw = b"".join(b"\0" + A[i].astype(">u2").tobytes() for i in range(h))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b""))


def png_header(w: int, h: int) -> bytes:
    """A PNG that declares w×h gray pixels but holds almost no data: a decompression bomb's
    header, cheap to make at any size."""
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(b"\0" * 64)) + _chunk(b"IEND", b""))


def rgba_half_transparent() -> bytes:
    """4×2 RGBA: left half black and opaque, right half black and fully transparent."""
    A = np.zeros((2, 4, 4), np.uint8)
    A[:, :2, 3] = 255
    return encode(Image.fromarray(A, "RGBA"))


def palette() -> bytes:
    """2×2 palette PNG: indices 0 (black) and 1 (white) on the diagonal, 2 (transparent)."""
    img = Image.new("P", (2, 2))
    img.putpalette([0, 0, 0, 255, 255, 255, 255, 0, 0])
    img.putdata([0, 1, 1, 2])
    return encode(img, transparency=2)


def cmyk_jpeg() -> bytes:
    """8×8 CMYK JPEG: left half white (no ink), right half black (full K)."""
    img = Image.new("CMYK", (8, 8), (0, 0, 0, 0))
    img.paste((0, 0, 0, 255), (4, 0, 8, 8))
    return encode(img, "JPEG", quality=95)


def truncated() -> bytes:
    """A JPEG cut off in the middle of its data."""
    data = encode(Image.fromarray(
        np.random.default_rng(1).integers(0, 256, (64, 64, 3), dtype=np.uint8)), "JPEG")
    return data[: len(data) // 2]
