"""One colour meaning on every page, read from the figures' JSON as Plotly would draw them
(tests/viz/readers.py, independent of viz.colours): a positive value is never drawn in a
negative value's colour, a +1 never looks like a −1, and every number written in a cell
reads on its cell's colour and fits inside it."""

from __future__ import annotations

import numpy as np
import pytest

from tests.apptest import assert_clean, figures, run_page
from tests.viz.readers import cell_labels, colours_of, contrast, value_heatmaps

#: (page, URL parameters, session state): the pages' default views and the settings of the
#: colour complaints (edges ①–④, a signed kernel in the sliding window, channels' outputs).
VIEWS = [
    ("pages/tour.py", {}, {}),
    ("pages/edges.py", {}, {}),
    ("pages/edges.py", {"ed_img": "Seed stripes transposed Xᵀ 8×6"}, {}),
    ("pages/edges.py", {"ed_img": "Seed stripes transposed Xᵀ 8×6",
                        "ed_kernel": "d2l edge transposed"}, {}),
    ("pages/edges.py", {"ed_img": "Diagonal edge 8×8"}, {}),
    ("pages/edges.py", {"ed_kernel": "Gaussian"}, {"ed_sobel": True}),
    ("pages/edges.py", {"ed_img": "Shapes 64×64", "ed_kernel": "Sobel x"}, {}),
    ("pages/learn.py", {}, {}),
    ("pages/sliding_window.py", {}, {}),
    ("pages/sliding_window.py", {"sw_x": "seed stripes 6×8", "sw_k": "edge [1, -1]"},
     {"sw_flip": True}),
    ("pages/channels.py", {}, {}),
    ("pages/channels.py", {"ch_tab": "Many outputs"}, {}),
]
#: Fraction of its scale from which a cell counts as clearly coloured (not near-white).
CLEAR = 0.2


@pytest.fixture(scope="module")
def drawn() -> list[tuple[str, dict]]:
    """(view name, figure JSON) of every figure of every view."""
    out = []
    for page, query, session in VIEWS:
        at = run_page(page, query, **session)
        assert_clean(at)
        out += [(f"{page} {query}", fig) for fig in figures(at)]
    return out


def test_positive_cells_are_red_and_negative_cells_blue_on_every_page(drawn):
    for view, fig in drawn:
        for trace, z in value_heatmaps(fig):
            scale = max(abs(trace.get("zmin", 0)), abs(trace.get("zmax", 1))) or 1.0
            rgb = colours_of(trace, z)
            red, blue = rgb[..., 0], rgb[..., 2]
            pos = np.isfinite(z) & (z >= CLEAR * scale)
            neg = np.isfinite(z) & (z <= -CLEAR * scale)
            assert (red[pos] > blue[pos] + 10).all(), f"{view}: a positive cell is not red"
            assert (blue[neg] > red[neg] + 10).all(), f"{view}: a negative cell is not blue"


def test_a_plus_one_never_looks_like_a_minus_one(drawn):
    """However pale its scale makes it, a +1 is reddish and a −1 bluish; where ±1 are the
    scale's ends (edges ①, the tour's edge row) they are far apart."""
    plus, minus = {}, {}
    for _, fig in drawn:
        for trace, z in value_heatmaps(fig):
            rgb = colours_of(trace, z)
            top = max(abs(trace.get("zmin", 0)), abs(trace.get("zmax", 1)))
            plus.setdefault(top, []).extend(rgb[z == 1])
            minus.setdefault(top, []).extend(rgb[z == -1])
    assert all(c[0] > c[2] for cs in plus.values() for c in cs), "a +1 is not reddish"
    assert all(c[2] > c[0] for cs in minus.values() for c in cs), "a −1 is not bluish"
    assert plus.get(1.0) and minus.get(1.0), "the views show ±1 at the ends of a scale"
    gap = min(np.linalg.norm(p - m) for p in plus[1.0] for m in minus[1.0])
    assert gap > 150, f"a +1 and a −1 are drawn {gap:.0f} apart in RGB"


def test_every_number_reads_on_its_cell(drawn):
    """Black on light cells, white on dark ones: WCAG contrast ≥ 4.5 everywhere."""
    worst = []
    for view, fig in drawn:
        for trace, z in value_heatmaps(fig):
            cells = colours_of(trace, z)
            for r, c, label, ink in cell_labels(trace):
                ratio = float(contrast(cells[r, c], ink))
                if ratio < 4.5:
                    worst.append((round(ratio, 2), label, view))
    assert not worst, sorted(worst)[:5]


def test_every_number_fits_its_cell(drawn):
    """Single-grid heatmaps (square cells, height = rows × cell + margins): the longest
    label, at 0.6 em a character, fits the cell's width less 4 px."""
    checked = 0
    for view, fig in drawn:
        grids = [t for t, _ in value_heatmaps(fig)]
        if len(grids) != 1 or "x0" in grids[0] or len(fig["data"]) != 1:
            continue
        trace = grids[0]
        labels = [label for *_, label, _ in cell_labels(trace)]
        if not labels:
            continue
        layout = fig["layout"]
        rows = len(trace["text"])
        cell = (layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]) / rows
        size = trace["textfont"]["size"]
        longest = max(labels, key=len)
        assert len(longest) * 0.6 * size <= cell - 4, f"{view}: {longest!r} at {size} px"
        checked += 1
    assert checked >= 10
