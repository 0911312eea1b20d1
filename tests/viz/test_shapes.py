"""viz.shapes: the window picture carries the padded input, the window starts and window (0, 0)."""

import numpy as np

from core.formula import SEED_CELLS, ConvGeometry, window_map
from viz.shapes import CELL_NAMES, window_figure


def seed_figure(i: int):
    wm = window_map(SEED_CELLS[i])
    return wm, window_figure(wm).to_dict()


def test_cells_are_the_padded_input_in_input_coordinates():
    wm, fig = seed_figure(3)  # 8×8, padding (0, 1): 8 rows, 10 columns
    heat = fig["data"][0]
    assert np.asarray(heat["z"]).shape == (8, 10)
    assert list(heat["x"]) == list(range(-1, 9)) and list(heat["y"]) == list(range(0, 8))
    # rows 6 and 7 are never read (the stride 3 jumps past them): code 2
    assert (np.asarray(heat["z"])[6:, 1:9] == 2).all()


def test_one_dot_per_window_labelled_with_its_output_cell():
    wm, fig = seed_figure(2)  # 8×8, k (5, 3), p (2, 1), s 2 → 4×4
    dots = next(t for t in fig["data"] if t.get("name", "").startswith("window start"))
    assert len(dots["x"]) == 16
    assert dots["text"][0] == "Y[0, 0]" and dots["text"][-1] == "Y[3, 3]"
    # window (0, 1) starts 2 columns right of window (0, 0): the stride, in input coordinates
    assert (dots["x"][0], dots["y"][0]) == (-1, -2) and dots["x"][1] == 1


def test_first_window_is_outlined_tap_by_tap():
    wm = window_map(ConvGeometry((9, 9), (2, 2), (0, 0), (1, 1), (3, 3)))
    fig = window_figure(wm).to_dict()
    rects = fig["layout"]["shapes"]
    assert len(rects) == 4  # 2×2 taps, 3 apart: dilation leaves gaps
    assert sorted((r["x0"] + 0.5, r["y0"] + 0.5) for r in rects) == [(0, 0), (0, 3), (3, 0),
                                                                      (3, 3)]


def test_legend_names_every_cell_colour():
    _, fig = seed_figure(0)
    names = {t.get("name") for t in fig["data"]}
    assert set(CELL_NAMES) <= names and "window for Y[0, 0]" in names
