"""grid_input in AppTest on the pages that use it: Chinese IME punctuation and the book's tensor
syntax are read, a typo keeps the cell editor on the page with the typo in its cell, and the
rejection reaches the page as a typed error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.test_edges import SEED_Y, grids
from tests.app.test_sliding_window import animation, output_of
from tests.apptest import TIMEOUT, assert_clean, run_page

SLIDING = "pages/sliding_window.py"
SEED_Y_SLIDING = [[19, 25], [37, 43]]  # corr2d(0..8 as 3×3, [[0, 1], [2, 3]])


def editor_cells(at) -> list[list[str | None]]:
    """The cells of the page's one cell editor, an empty cell as None."""
    (ed,) = at.get("dataframe")
    return [[None if pd.isna(c) else c for c in row] for row in ed.value.values.tolist()]


@pytest.mark.parametrize("typed", [
    "0 1 2；3 4 5；6 7 8",
    "0，1，2；3，4，5；6，7，8",
    "０、１、２；３、４、５；６、７、８",
    "[[0, 1, 2], [3, 4, 5], [6, 7, 8]]",
    "torch.tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]])",
    "X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])",
])
def test_ime_punctuation_and_tensor_syntax_give_the_seeds_output(typed):
    at = run_page(SLIDING, {"sw_x": "typed", "sw_xgrid": typed})
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert output_of(animation(at)) == SEED_Y_SLIDING
    assert at.text_input(key="sw_xgrid").value == typed  # the text keeps what was typed


@pytest.mark.parametrize("typed", ["torch.tensor([[1.0, -1.0]])", "[1, -1]", "1，－1"])
def test_the_edges_custom_kernel_reads_the_books_syntax(typed):
    at = run_page("pages/edges.py", {"ed_kernel": "Custom kernel", "ed_custom": typed})
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    np.testing.assert_array_equal(grids(at)["Y = corr2d(X, K)"], SEED_Y)


def test_the_learning_page_reads_a_full_width_kernel():
    at = run_page("pages/learn.py", {"lk_target": "Typed…", "lk_K": "1，－1", "lk_steps": "2"})
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert at.session_state["lk_run"].last.weight.shape == (1, 2)


def test_a_typo_is_named_and_the_editor_stays_with_the_typo_in_its_cell():
    at = run_page(SLIDING, {"sw_x": "typed", "sw_xgrid": "0 1 2; 3 4 a; 6 7 8"})
    assert_clean(at)
    errors = [e.value for e in at.error]
    assert any("X, row 2, column 3: 'a' is not a number" in e for e in errors), errors
    cells = editor_cells(at)
    assert cells == [["0", "1", "2"], ["3", "4", "a"], ["6", "7", "8"]]
    assert at.text_input(key="sw_xgrid").value == "0 1 2; 3 4 a; 6 7 8"


def test_a_ragged_grid_names_the_short_row_and_shows_the_gap_in_the_editor():
    at = run_page(SLIDING, {"sw_x": "typed", "sw_xgrid": "0 1 2; 3 4; 6 7 8"})
    assert_clean(at)
    errors = " ".join(e.value for e in at.error)
    assert "row 2 has 2 numbers, row 1 has 3" in errors
    cells = editor_cells(at)
    assert cells == [["0", "1", "2"], ["3", "4", None], ["6", "7", "8"]]


def test_an_empty_cell_is_shown_empty_in_the_editor():
    at = run_page(SLIDING, {"sw_k": "typed", "sw_kgrid": "0 _; 2 3"})
    assert_clean(at)
    assert any("K, row 1, column 2 is empty" in e.value for e in at.error)
    assert editor_cells(at) == [["0", None], ["2", "3"]]


def test_text_typed_by_hand_rebuilds_the_editor():
    at = run_page(SLIDING, {"sw_k": "typed"})
    assert editor_cells(at) == [["0", "1"], ["2", "3"]]
    at.text_input(key="sw_kgrid").set_value("torch.tensor([[1, 0, -1]])").run()
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    assert editor_cells(at) == [["1", "0", "-1"]]
    at.text_input(key="sw_kgrid").set_value("").run()  # nothing to show cells of
    assert any("K is empty" in e.value for e in at.error)
    assert not at.get("dataframe")


def _typed_errors_page():
    import streamlit as st

    from ui.grid import grid_input

    T, error = grid_input("K", key="t_grid", default="1 2; 3", max_rows=4, max_cols=4)
    st.write(f"{type(error).__name__} {getattr(error, 'row', '-')} {getattr(error, 'got', '-')}")
    st.write(f"ValueError: {isinstance(error, ValueError)}")


def test_the_page_gets_a_typed_error_carrying_the_numbers():
    at = AppTest.from_function(_typed_errors_page, default_timeout=TIMEOUT).run()
    assert_clean(at)
    assert [m.value for m in at.markdown] == ["Ragged 2 1", "ValueError: True"]
