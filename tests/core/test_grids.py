"""Typed grids: every rejection names the cell and the rule; the text form round-trips."""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import core


def test_parse_grid_accepts_semicolons_newlines_commas():
    assert core.parse_grid("0 1; 2 3").tolist() == [[0, 1], [2, 3]]
    assert core.parse_grid("1, -1").tolist() == [[1, -1]]
    assert core.parse_grid("1\n-1").tolist() == [[1], [-1]]


@pytest.mark.parametrize("text, words", [
    ("", "is empty"),
    ("1 2; 3", "same number of values"),
    ("1 x", "row 1, column 2: 'x' is not a number"),
    ("1 _", "row 1, column 2 is empty"),
    ("nan 1", "not a finite number"),
    ("inf", "not a finite number"),
    ("1e300", "too large"),
    ("1 " * 17, "at most 16×16"),
])
def test_parse_grid_rejections_are_readable(text, words):
    with pytest.raises(ValueError, match=words):
        core.parse_grid(text, name="K")


@given(st.lists(st.lists(st.integers(-999, 999), min_size=3, max_size=3), min_size=1, max_size=5))
def test_format_then_parse_round_trips(rows):
    T = torch.tensor(rows, dtype=torch.float32)
    assert torch.equal(core.parse_grid(core.format_grid(T)), T)


def test_cells_from_an_editor_with_none_and_nan():
    with pytest.raises(ValueError, match="row 2, column 1 is empty"):
        core.cells_to_tensor([[1, 2], [None, 3]], name="grid")
    with pytest.raises(ValueError, match="finite"):
        core.cells_to_tensor([[math.nan]], name="grid")
