"""Edge page with a 512×512 upload and 3×3 kernels: rerun time and figure JSON size.

Each timed rerun switches to a 3×3 preset not used before, so the cached convolution
does not help: the time includes corr2d, the figures and Streamlit's own work.
"""

from __future__ import annotations

import time

from bench.common import Row, apptest, figure_sizes
from core.images import load_image
from tests.data import pictures

#: 3×3 presets, each used once per timed loop (a fresh cache key every rerun).
FRESH = ["Prewitt x", "Prewitt y", "Scharr x", "Scharr y", "Laplacian", "Box blur", "Gaussian",
         "Sharpen", "Emboss", "Outline", "Identity", "Sobel y"]
RERUN_MS, FIGURE_MB = 300, 1.5


def _page_with(data: bytes, *, sobel: bool):
    at = apptest("pages/edges.py", {"ed_kernel": "Sobel x", "ed_pad": "1",
                                    "ed_sobel": str(sobel).lower()})
    at.file_uploader(key="ed_upload").upload("bench.png", data, "image/png")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("512×512" in c.value for c in at.caption), "the upload was not used"
    return at


def _reruns(at, kernels: list[str]) -> float:
    """Best time (s) of reruns, each after choosing the next kernel in ``kernels``."""
    best = float("inf")
    for name in kernels:
        at.selectbox(key="ed_kernel").set_value(name)
        t = time.perf_counter()
        at.run()
        best = min(best, time.perf_counter() - t)
        assert not at.exception, [e.value for e in at.exception]
    return best


def measure() -> list[Row]:
    rows = []
    photo, worst = pictures.photo_like(512, 512), pictures.noise(512, 512)
    for label, data, sobel, kernels in (
        ("photo-like", photo, False, FRESH[:6]),
        ("photo-like + Sobel view", photo, True, FRESH[6:]),
        ("noise (worst case)", worst, True, FRESH[:6]),
    ):
        at = _page_with(data, sobel=sobel)
        t = _reruns(at, kernels)
        rows.append(Row("edges", f"rerun, new 3×3 kernel, 512² {label}", t * 1e3, "ms",
                        f"< {RERUN_MS} ms", t * 1e3 < RERUN_MS))
        size = max(figure_sizes(at)) / 2**20
        rows.append(Row("edges", f"largest figure JSON, 512² {label}", size, "MB",
                        f"< {FIGURE_MB} MB", size < FIGURE_MB))
        rows.append(Row("edges", f"all figures JSON, 512² {label}",
                        sum(figure_sizes(at)) / 2**20, "MB"))
    # JPEG decodes at 1/4 size directly (draft mode); PNG has no such shortcut.
    for fmt, (h, w) in (("JPEG", (3000, 4000)), ("PNG", (1200, 1600))):
        big = pictures.photo_like(h, w, fmt=fmt)
        t = min(_timed(lambda big=big: load_image(big)) for _ in range(3))
        rows.append(Row("edges", f"load_image, {w}×{h} {fmt} → 384×512", t * 1e3, "ms"))
    return rows


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t
