"""Edge page with a 512×512 upload and 3×3 kernels: rerun time and figure JSON size.

Each timed rerun switches to a 3×3 preset not used before, so the cached convolution
does not help: the time includes corr2d, the figures and Streamlit's own work.
"""

from __future__ import annotations

import time

from bench.common import Row, apptest, figure_sizes, reruns
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


def _reruns(at, kernels: list[str], pads: list[int] = ()) -> tuple[float, float]:
    """Best wall and best CPU time (s) of reruns, each after choosing the next kernel (or
    padding). CPU time (all threads of this process) is what a rerun costs on an idle
    machine; wall time also counts waiting for other processes on a busy one."""
    changes = [lambda n=n: at.selectbox(key="ed_kernel").set_value(n) for n in kernels] + [
        lambda p=p: at.slider(key="ed_pad").set_value(p) for p in pads]
    return reruns(at, changes)


def _rows(what: str, wall: float, cpu: float) -> list[Row]:
    return [Row("edges", f"{what} (wall)", wall * 1e3, "ms", f"< {RERUN_MS} ms",
                wall * 1e3 < RERUN_MS),
            Row("edges", f"{what} (CPU)", cpu * 1e3, "ms")]


def measure() -> list[Row]:
    rows = []
    photo, worst = pictures.photo_like(512, 512), pictures.noise(512, 512)
    for label, data, sobel, kernels in (
        ("photo-like", photo, False, FRESH[:6]),
        ("photo-like + Sobel view", photo, True, FRESH[6:]),
        ("noise (worst case)", worst, True, FRESH[:6]),
    ):
        at = _page_with(data, sobel=sobel)
        rows += _rows(f"rerun, new 3×3 kernel, 512² {label}", *_reruns(at, kernels))
        size = max(figure_sizes(at)) / 2**20
        rows.append(Row("edges", f"largest figure JSON, 512² {label}", size, "MB",
                        f"< {FIGURE_MB} MB", size < FIGURE_MB))
        rows.append(Row("edges", f"all figures JSON, 512² {label}",
                        sum(figure_sizes(at)) / 2**20, "MB"))
        if sobel:  # a new padding redraws Y and the three gradient panels: the most work
            rows += _rows(f"rerun, new padding, 512² {label}",
                          *_reruns(at, [], pads=[0, 2, 3, 4, 5]))
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
