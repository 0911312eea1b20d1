"""viz.grid and viz.colours: the one colour scale, its ink, and numbers that fit their cells
at the sizes the pages draw them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.kernels import PRESETS
from tests.apptest import decode
from tests.viz.readers import TAG, cell_labels, colours_of, contrast
from viz import colours
from viz.grid import (
    CHAR_EM,
    MIN_FONT_PX,
    PAD_PX,
    column_widths,
    fit_labels,
    heatmap,
    number_label,
)

#: Widths in pixels of the columns the pages put grids in (viz.grid.column_widths):
#: the tour's rows of 3 and 4, the edges page's X/K/Y columns [5, 3, 5], the learning
#: page's [3, 2, 3], [3, 2], halves and quarters, the sliding window's comparison row of 4.
WIDTHS = sorted({*column_widths(3), *column_widths(4), *column_widths([5, 3, 5]),
                 *column_widths([3, 2, 3]), *column_widths([3, 2]), *column_widths(2)})


def written(fig) -> tuple[list[str], int, float]:
    """(plain labels, type size, cell side in px) of a one-grid heatmap figure drawn
    ``width`` px wide (meta), the cell as Plotly sizes it: square, the smaller of the two
    sides the plot area allows."""
    spec = fig.to_plotly_json()
    trace, layout = spec["data"][0], spec["layout"]
    rows, cols = np.shape(decode(trace["z"]))
    plot_h = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    plot_w = layout["meta"]["width"] - layout["margin"]["l"] - layout["margin"]["r"]
    cell = min(plot_h / rows, plot_w / cols)
    labels = [TAG.sub("", str(t)) for row in trace.get("text") or [] for t in row]
    return labels, (trace.get("textfont") or {}).get("size", 0), cell


def assert_fits(fig) -> None:
    labels, size, cell = written(fig)
    for label in labels:
        assert len(label) * CHAR_EM * size <= cell - PAD_PX, (label, size, cell)
    if labels:
        assert size >= MIN_FONT_PX


def test_named_kernels_are_written_as_exact_fractions():
    def shown(name):
        return [[number_label(v) for v in row] for row in PRESETS[name].tolist()]

    assert shown("Gaussian") == [["1/16", "1/8", "1/16"], ["1/8", "1/4", "1/8"],
                                 ["1/16", "1/8", "1/16"]]
    assert shown("Box blur") == [["1/9"] * 3] * 3
    assert shown("Sobel x")[1] == ["−2", "0", "2"]


def test_labels_prefer_exact_short_forms_then_three_digits():
    assert number_label(0.5) == "0.5"  # a tie with "1/2": the decimal
    assert number_label(0.75) == "3/4"
    assert number_label(43.00000286) == "43"  # float32 round-off of an integer
    assert number_label(-0.979134) == "−0.979"
    assert number_label(6.17e6) == "6.17e6"
    assert number_label(123456789.0) == "1.23e8"
    assert number_label(float("nan")) == "–"
    assert number_label(-0.979134, max_chars=4) == "−1"
    assert number_label(-123456.0, max_chars=3) is None


@pytest.mark.parametrize("name", list(PRESETS))
@pytest.mark.parametrize("width", WIDTHS)
def test_every_preset_kernel_fits_its_cells_at_every_width_used(name, width):
    fig = heatmap(PRESETS[name], title=name, width=width, colorbar=True)
    assert fig.layout.meta["numbers"], f"{name} is written at {width} px"
    assert_fits(fig)


@settings(max_examples=150, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 16), st.integers(1, 16)),
    width=st.sampled_from(WIDTHS),
    magnitude=st.sampled_from([1e-8, 1e-3, 1.0, 10.0, 1e3, 1e7]),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_floats_fit_their_cells_or_are_left_to_the_hover(shape, width, magnitude, seed):
    A = np.random.default_rng(seed).normal(size=shape) * magnitude
    assert_fits(heatmap(A, width=width))


def test_the_seed_grids_keep_their_numbers_in_every_column_the_pages_use():
    X = np.ones((6, 8))
    X[:, 2:6] = 0
    Y = X[:, :-1] - X[:, 1:]  # corr2d(X, [[1, -1]]): 0, ±1
    for width in WIDTHS:
        for grid in (X, Y, np.arange(9.0).reshape(3, 3), np.array([[56.0, 72], [104, 120]])):
            assert heatmap(grid, width=width).layout.meta["numbers"], (grid.shape, width)


def test_column_widths_fill_the_main_column_with_gaps_between():
    w = column_widths([5, 3, 5], main_px=820)
    assert sum(w) + 2 * 16 >= 820 - 3 and w[0] == w[2] > w[1]


def test_every_colour_of_the_scale_takes_a_readable_ink():
    """Black on light, white on dark, at least 4.5:1 (WCAG AA) over the whole scale."""
    values = np.linspace(-1, 1, 2001)
    cells = colours.rgb(values, 1.0)
    inks = colours.ink(cells)
    ink_rgb = np.array([[0.0] * 3 if i == colours.BLACK else [255.0] * 3 for i in inks])
    ratios = contrast(cells, ink_rgb)
    assert ratios.min() >= 4.5, ratios.min()
    assert inks[1000] == colours.BLACK and inks[0] == inks[-1] == colours.WHITE


def test_heatmap_text_takes_the_ink_of_its_cell_as_plotly_paints_it():
    A = np.linspace(-7.5, 7.5, 16).reshape(1, 16)
    spec = heatmap(A, width=2000).to_plotly_json()
    trace = spec["data"][0]
    cells = colours_of(trace, A)
    labelled = list(cell_labels(trace))
    assert len(labelled) == 16
    for r, c, _, ink in labelled:
        assert contrast(cells[r, c], ink) >= 4.5


def test_the_scale_is_symmetric_and_white_at_zero():
    assert colours.scale(3.0) == {"colorscale": colours.COLORSCALE, "zmin": -3.0, "zmax": 3.0}
    np.testing.assert_array_equal(colours.rgb(0.0, 5.0), [255, 255, 255])
    assert colours.top(np.zeros(3)) == 1.0 and colours.top([1, -4], [2]) == 4.0
    # The colour function is the colorscale Plotly draws.
    values = np.linspace(-2, 2, 41)[None]
    trace = {"colorscale": colours.COLORSCALE, "zmin": -2, "zmax": 2}
    np.testing.assert_allclose(colours.rgb(values, 2.0), colours_of(trace, values), atol=1e-9)


def test_fit_labels_gives_up_only_when_cells_are_too_small_for_any_digit():
    assert fit_labels(np.array([[1.0, -1.0]]), 5) is None
    labels, size = fit_labels(np.array([[0.0625]]), 48)
    assert labels == [["1/16"]] and size == 16


_VALUES = st.one_of(
    st.floats(-1e4, 1e4, allow_nan=False, width=32),  # learned values: mostly no exact form
    st.builds(lambda p, q: p / q, st.integers(-200, 200), st.integers(1, 80)),  # fractions
    st.builds(lambda p, q, e: p / q * (1 + e), st.integers(-50, 50), st.integers(1, 70),
              st.floats(-3e-6, 3e-6)),  # fractions near the edge of EXACT
    st.builds(lambda m, d, x, e: round(m * 10.0 ** x, d) * (1 + e), st.floats(-10, 10),
              st.integers(0, 4), st.integers(-6, 6),
              st.floats(-3e-6, 3e-6)),  # short decimals near the edge of EXACT
    st.builds(lambda n, e: n * (1 + e), st.integers(-10**6, 10**6),
              st.floats(-3e-6, 3e-6)),  # integers near the edge
    st.builds(lambda x, s: s * 10.0 ** x * (1 - 1e-16), st.integers(-12, 12),
              st.sampled_from([1, -1, 9.9995, 0.99995])),  # at the powers of ten
    st.sampled_from([0.0, float("nan"), float("inf"), -float("inf"), 1e15, 1e-12]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_VALUES, min_size=1, max_size=12))
def test_the_grid_screen_gives_each_cell_its_own_exact_form(values):
    """_exact_forms rules fractions out for a whole grid at once: it must agree with
    _exact_form cell by cell (finite cells; a non-finite cell has none)."""
    from viz.grid import _exact_form, _exact_forms

    A = np.array([values], dtype=np.float64)
    assert _exact_forms(A) == [[_exact_form(v) if np.isfinite(v) else None for v in values]]


@settings(max_examples=150, deadline=None)
@given(frames=st.integers(1, 6), rows=st.integers(1, 4), cols=st.integers(1, 4),
       values=st.lists(_VALUES, min_size=1, max_size=10), seed=st.integers(0, 10_000),
       cell=st.floats(6, 80), font=st.integers(10, 32))
def test_frames_labelled_at_once_get_the_labels_each_would_get_alone(frames, rows, cols, values,
                                                                     seed, cell, font):
    """fit_labels_frames labels each distinct value of a stack once: a frame's labels and size
    must not depend on the values of the other frames (they share values, as a run's do)."""
    from viz.grid import fit_labels_frames

    As = np.random.default_rng(seed).choice(values, (frames, rows, cols))
    assert fit_labels_frames(As, cell, font_px=font) == [fit_labels(A, cell, font_px=font)
                                                          for A in As]


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(1, 16), cols=st.integers(1, 16), seed=st.integers(0, 10_000),
       width=st.sampled_from(WIDTHS), scale=st.sampled_from([1.0, 9.0, 123.0, 0.01]))
def test_the_projector_view_writes_numbers_of_24_px_that_fit_or_none(rows, cols, seed, width,
                                                                     scale):
    """ui.view's projector view: every number drawn at PROJECTOR_FONT_PX or more and inside
    its cell, else no numbers (the cell's colour and its hover remain)."""
    from viz.grid import PROJECTOR_FONT_PX, cell_px, fit_cells

    A = np.random.default_rng(seed).standard_normal((rows, cols)).round(2) * scale
    cell = cell_px(A.shape, width, projector=True)
    fitted = fit_cells(A, cell, projector=True)
    if fitted is not None:
        labels, size = fitted
        assert PROJECTOR_FONT_PX <= size <= max(PROJECTOR_FONT_PX, 0.7 * cell)
        assert all(len(t) * CHAR_EM * size <= cell - PAD_PX for row in labels for t in row)
    spec = heatmap(A, width=width, projector=True).to_dict()["data"][0]
    assert ("textfont" in spec) == (fitted is not None)
    if fitted is not None:
        assert spec["textfont"]["size"] >= PROJECTOR_FONT_PX


def test_the_left_margin_holds_the_widest_row_number():
    # Plotly widens a margin its tick labels overflow by drawing the figure twice: the
    # margin is sized for rows 0 … rows − 1 up front (tests/e2e/test_margins.py checks it).
    from viz.grid import left_margin

    one, two, three = left_margin(10), left_margin(11), left_margin(101)
    assert one < two < three  # "9", "10", "100"
    assert left_margin(11, projector=True) > two  # the projector's larger row numbers
    fig = heatmap(np.zeros((11, 3)), title="X")
    assert fig.layout.margin.l == two
