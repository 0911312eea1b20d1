"""Typed grids: every rejection names the cell and the rule, as a typed error carrying its
numbers; full-width IME input and the book's tensor syntax read as the plain form does."""

import math
import os
import unicodedata

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import core
from core.grids import (
    BadSyntax,
    CellEmpty,
    GridEmpty,
    GridError,
    NotANumber,
    NotARow,
    NotData,
    NotFinite,
    Ragged,
    TooBig,
    TooLarge,
    TooLong,
    normalize,
    split_cells,
)

SEED_X = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]


def test_parse_grid_accepts_semicolons_newlines_commas():
    assert core.parse_grid("0 1; 2 3").tolist() == [[0, 1], [2, 3]]
    assert core.parse_grid("1, -1").tolist() == [[1, -1]]
    assert core.parse_grid("1\n-1").tolist() == [[1], [-1]]


@pytest.mark.parametrize("text, want", [
    ("0 1 2；3 4 5；6 7 8", SEED_X),  # the report, a Chinese IME's semicolon
    ("0，1，2；3，4，5；6，7，8", SEED_X),
    ("0、1、2；3、4、5；6、7、8", SEED_X),  # the ideographic comma as a separator
    ("０ １ ２；３ ４ ５；６ ７ ８", SEED_X),  # full-width digits
    ("0\u30001\u30002；3 4 5；6 7 8", SEED_X),  # the ideographic space
    ("－1　０．５　＋2", [[-1, 0.5, 2]]),  # full-width minus, full stop, plus
    ("−1 2", [[-1, 2]]),  # U+2212, the minus sign our figures print
])
def test_full_width_punctuation_reads_as_ascii(text, want):
    assert torch.equal(core.parse_grid(text, name="X"), torch.tensor(want, dtype=torch.float32))


def test_nfkc_does_most_of_the_folding_and_the_rest_is_named():
    # What the standard library folds and what it leaves (hence the four-entry table).
    assert unicodedata.normalize("NFKC", "；，．－＋\u3000０") == ";,.-+ 0"
    assert unicodedata.normalize("NFKC", "、−【】") == "、−【】"
    assert normalize("、−【】") == ",-[]"


@pytest.mark.parametrize("text, want", [
    ("[[0, 1, 2], [3, 4, 5], [6, 7, 8]]", SEED_X),
    ("[1, -1]", [[1, -1]]),  # a 1-D list is one row
    ("torch.tensor([[0, 1], [2, 3]])", [[0, 1], [2, 3]]),
    ("torch.tensor([[1.0, -1.0]])", [[1, -1]]),
    ("tensor([[1.0, -1.0]])", [[1, -1]]),
    ("torch.tensor([[0.0, 1.0]], dtype=torch.float32)", [[0, 1]]),
    ("X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])", SEED_X),
    ("((1, 2), (3, 4))", [[1, 2], [3, 4]]),
    ("[[ 1, -1 ],\n [ 2, +3 ]]", [[1, -1], [2, 3]]),
    ("【【0，1】，【2，3】】", [[0, 1], [2, 3]]),  # brackets as a Chinese IME types them
    ("[[1e-3, 1_000]]", [[0.001, 1000]]),
])
def test_the_books_tensor_syntax_parses(text, want):
    assert torch.equal(core.parse_grid(text, name="X"), torch.tensor(want, dtype=torch.float32))


@pytest.mark.parametrize("text, kind", [
    ("__import__('os').system('touch /tmp/convscope-grid-was-run')", NotData),
    ("torch.tensor(open('/tmp/convscope-grid-was-run', 'w'))", NotANumber),
    ("[[0, 1]]; import os", NotData),
    ("torch.zeros([2, 2])", NotData),
    ("torch.tensor([1], requires_grad=True)", NotData),
    ("tensor([1], [2])", NotData),
    ("[[0, 1]; [2, 3]]", BadSyntax),
    ("[[0, 1], [2, 3]", BadSyntax),
    ("[[0, x], [2, 3]]", NotANumber),
    ("[[0, 2**3]]", NotANumber),
    ("[[1], 2]", NotARow),
])
def test_python_syntax_is_read_as_data_never_run(text, kind):
    with pytest.raises(kind):
        core.parse_grid(text, name="K")
    assert not os.path.exists("/tmp/convscope-grid-was-run")


def test_a_name_in_a_list_is_reported_at_its_cell():
    with pytest.raises(NotANumber) as e:
        core.parse_grid("[[0, 1], [2, x]]", name="K")
    assert (e.value.row, e.value.col, e.value.text) == (2, 2, "x")
    assert str(e.value) == "K, row 2, column 2: 'x' is not a number"


@pytest.mark.parametrize("text", ["[[0, 1, 2], [3, 4]]", "0 1 2; 3 4", "0 1 2; 3 4; 6 7 8"])
def test_the_ragged_error_names_the_short_row(text):
    with pytest.raises(Ragged) as e:
        core.parse_grid(text, name="X")
    assert (e.value.row, e.value.got, e.value.expected, e.value.expected_row) == (2, 2, 3, 1)
    assert "row 2 has 2 numbers, row 1 has 3" in str(e.value)


def test_the_ragged_error_blames_the_odd_row_even_when_it_is_the_first():
    with pytest.raises(Ragged, match="row 1 has 1 number, row 2 has 3"):
        core.parse_grid("1; 2 3 4; 5 6 7", name="X")


@pytest.mark.parametrize("text, words", [
    ("", "is empty"),
    ("1 2; 3", "same number of values"),
    ("1 x", "row 1, column 2: 'x' is not a number"),
    ("1 _", "row 1, column 2 is empty"),
    ("nan 1", "not a finite number"),
    ("inf", "not a finite number"),
    ("1e300", "too large"),
    ("1e400", "too large"),  # reads as inf, but the person typed a (too) large number
    ("1 " * 17, "at most 16×16"),
])
def test_parse_grid_rejections_are_readable(text, words):
    with pytest.raises(ValueError, match=words):
        core.parse_grid(text, name="K")


@pytest.mark.parametrize("text, kind, numbers", [
    ("", GridEmpty, {"name": "K"}),
    ("[]", GridEmpty, {}),
    ("1 a", NotANumber, {"row": 1, "col": 2, "text": "a"}),
    ("1; _", CellEmpty, {"row": 2, "col": 1}),
    ("1 nan", NotFinite, {"row": 1, "col": 2, "text": "nan"}),
    ("1; 2e6", TooLarge, {"row": 2, "col": 1, "text": "2e6", "max_abs": 1e6}),
    ("1 " * 17, TooBig, {"rows": 1, "cols": 17, "max_rows": 16, "max_cols": 16}),
    ("1 2; 3", Ragged, {"row": 2, "got": 1, "expected": 2, "expected_row": 1}),
    ("1 " * 3000, TooLong, {"length": 6000, "max_length": 5220}),
    ("[[1, 2]]]", BadSyntax, {"line": 1}),
    ("[[1], 2]", NotARow, {"row": 2, "text": "2"}),
    ("eval('1')", NotData, {"text": "eval('1')"}),
])
def test_each_rejection_is_its_own_value_error_carrying_its_numbers(text, kind, numbers):
    with pytest.raises(kind) as e:
        core.parse_grid(text, name="K")
    assert isinstance(e.value, GridError) and isinstance(e.value, ValueError)
    for attr, value in numbers.items():
        assert getattr(e.value, attr) == value, attr
    # The message is built from the numbers: the same numbers give the same message.
    fields = {k: v for k, v in vars(e.value).items() if k != "name"}
    assert str(type(e.value)("K", **fields)) == str(e.value)


def test_the_message_is_made_from_the_numbers():
    assert str(NotANumber("X", 2, 3, "a")) == "X, row 2, column 3: 'a' is not a number"
    assert str(TooBig("K", 8, 8, 7, 7)) == "K is 8×8; at most 7×7 is allowed"
    assert str(Ragged("X", 2, 2, 3, 1)) == (
        "X: row 2 has 2 numbers, row 1 has 3; every row needs the same number of values")


def test_split_cells_keeps_a_typo_in_its_cell():
    assert split_cells("0 1 2; 3 4 a") == [["0", "1", "2"], ["3", "4", "a"]]
    assert split_cells("[[0, 1], [2, x]]") == [["0", "1"], ["2", "x"]]
    assert split_cells("[- 1, +2.5]") == [["-1", "2.5"]]


def test_cells_from_an_editor_with_none_and_nan():
    with pytest.raises(ValueError, match="row 2, column 1 is empty"):
        core.cells_to_tensor([[1, 2], [None, 3]], name="grid")
    with pytest.raises(ValueError, match="finite"):
        core.cells_to_tensor([[math.nan]], name="grid")
    with pytest.raises(NotANumber, match="row 1, column 2: 'a' is not a number"):
        core.cells_to_tensor([["1", "a"]], name="grid")
    assert core.cells_to_tensor([["１", "－２．５"]]).tolist() == [[1, -2.5]]


# --- Properties: every way of writing a grid reads back as the same tensor -----------------

#: Decimals with at most six significant digits: what ``format_grid`` (``:g``) writes exactly.
decimals = st.builds(lambda n, k: n / 10**k, st.integers(-99_999, 99_999), st.integers(0, 3))
shapes = st.tuples(st.integers(1, 5), st.integers(1, 5))


@st.composite
def grids(draw, cells=decimals) -> list[list[float]]:
    rows, cols = draw(shapes)
    return [[draw(cells) for _ in range(cols)] for _ in range(rows)]


@given(grids())
def test_format_then_parse_round_trips(rows):
    T = torch.tensor(rows, dtype=torch.float32)
    assert torch.equal(core.parse_grid(core.format_grid(T)), T)


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@given(grids(cells=finite | st.integers(-10**6, 10**6)),
       st.sampled_from(["{}", "torch.tensor({})", "tensor({})",
                        "torch.tensor({}, dtype=torch.float32)", "K = torch.tensor({})"]),
       st.booleans())
def test_a_nested_list_parses_to_the_same_tensor(rows, wrapper, as_tuples):
    text = repr([tuple(r) for r in rows] if as_tuples else rows)
    T = torch.tensor(rows, dtype=torch.float32)
    assert torch.equal(core.parse_grid(wrapper.format(text)), T)
    if len(rows) == 1:  # a 1-D list is the same one row
        assert torch.equal(core.parse_grid(wrapper.format(repr(rows[0]))), T)


FULL_WIDTH = {  # each ASCII character a Chinese IME may type instead, itself included
    ";": ";；", " ": " ，、\u3000", "-": "-－−", ".": ".．",
    **{d: d + chr(ord("０") + int(d)) for d in "0123456789"},
}


@given(grids(), st.data())
def test_full_width_input_parses_to_the_same_tensor(rows, data):
    plain = core.format_grid(torch.tensor(rows, dtype=torch.float32))
    typed = "".join(data.draw(st.sampled_from(FULL_WIDTH.get(ch, ch))) for ch in plain)
    assert torch.equal(core.parse_grid(typed), core.parse_grid(plain))
