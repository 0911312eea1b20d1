"""Grids typed by people: text like "0 1 2; 3 4 5", the book's ``torch.tensor([[0, 1], [2, 3]])``
or editor cells, checked and parsed.

The compact text form is what goes into a share link. Every rejection is a
:class:`GridError` (a ``core.errors.CoreError``) of its own kind, carrying its numbers as
attributes, so a page can decide by type and a translation can rebuild the message from the numbers.
"""

from __future__ import annotations

import ast
import math
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any

import torch

from core.errors import N_, CoreError
from core.pysource import parse

# ---------------------------------------------------------------------------------------------
# Rejections


class GridError(CoreError):
    """A typed grid was rejected; ``name`` is the grid's label ("X", "K", …).

    A :class:`core.errors.CoreError`: the message is ``template`` filled with the fields
    (positional arguments fill ``fields_`` in order, ``name`` first), each also an attribute.
    """

    fields_ = ("name",)

    def __init__(self, *values: Any, **fields: Any) -> None:
        super().__init__(**dict(zip(self.fields_, values)), **fields)


def _clip(text: str, n: int = 20) -> str:
    """``text`` cut to ``n`` characters, with "…" when it was cut (a message stays one line)."""
    return text if len(text) <= n else text[:n] + "…"


def _clipped(fields: dict[str, Any]) -> dict[str, Any]:
    """The typed text as the message shows it: at most 20 characters."""
    return {"clipped": _clip(fields["text"])}


class GridEmpty(GridError):
    """No numbers at all."""

    template = N_("{name} is empty: type rows of numbers, e.g. 0 1; 2 3")


class TooLong(GridError):
    """The text is longer than ``max_length`` characters (checked before anything is read)."""

    template = N_("{name} is too long ({length} characters, at most {max_length}): "
                  "at most {max_rows}×{max_cols} numbers")
    fields_ = ("name", "length", "max_length", "max_rows", "max_cols")


class TooBig(GridError):
    """More rows or columns than allowed."""

    template = N_("{name} is {rows}×{cols}; at most {max_rows}×{max_cols} is allowed")
    fields_ = ("name", "rows", "cols", "max_rows", "max_cols")


class Ragged(GridError):
    """Row ``row`` has ``got`` numbers where the other rows (e.g. ``expected_row``) have
    ``expected``."""

    template = N_("{name}: row {row} has {got} numbers, row {expected_row} has {expected}; "
                  "every row needs the same number of values")
    alternative = N_("{name}: row {row} has {got} number, row {expected_row} has {expected}; "
                     "every row needs the same number of values")
    fields_ = ("name", "row", "got", "expected", "expected_row")

    @staticmethod
    def use_alternative(fields: dict[str, Any]) -> bool:
        return fields["got"] == 1


class CellEmpty(GridError):
    """A cell with nothing in it (an editor cell cleared, or "_" in the text)."""

    template = N_("{name}, row {row}, column {col} is empty: every cell needs a number")
    fields_ = ("name", "row", "col")


class NotANumber(GridError):
    """A cell whose ``text`` is not a number."""

    template = N_("{name}, row {row}, column {col}: {clipped!r} is not a number")
    fields_ = ("name", "row", "col", "text")
    derived = staticmethod(_clipped)


class NotFinite(GridError):
    """A cell that reads as NaN or infinity."""

    template = N_("{name}, row {row}, column {col}: {clipped!r} is not a finite number "
                  "(no NaN or inf)")
    fields_ = ("name", "row", "col", "text")
    derived = staticmethod(_clipped)


class TooLarge(GridError):
    """A cell beyond ±``max_abs``."""

    template = N_("{name}, row {row}, column {col}: {clipped} is too large; keep values within "
                  "±{max_abs:g}")
    fields_ = ("name", "row", "col", "text", "max_abs")
    derived = staticmethod(_clipped)


class BadSyntax(GridError):
    """Bracketed text that Python's grammar cannot read (position from 1)."""

    template = N_("{name} cannot be read as a list of numbers: the brackets or commas go wrong "
                  "at line {line}, character {column}; write e.g. [[0, 1], [2, 3]]")
    template_line_1 = N_("{name} cannot be read as a list of numbers: the brackets or commas go "
                         "wrong at character {column}; write e.g. [[0, 1], [2, 3]]")
    fields_ = ("name", "line", "column")

    def message_id(self) -> str:
        return self.template_line_1 if self.line == 1 else self.template


class NotData(GridError):
    """Bracketed text holding something other than lists, numbers and ``torch.tensor(…)``
    (``text`` is the part that is not; it is never run)."""

    template = N_("{name}: {clipped!r} cannot be read; only numbers in brackets, optionally "
                  "inside torch.tensor(…), are read (nothing is run)")
    fields_ = ("name", "text")

    @staticmethod
    def derived(fields: dict[str, Any]) -> dict[str, Any]:
        return {"clipped": _clip(fields["text"], 30)}


class NotARow(GridError):
    """In a list of rows, item ``row`` is a single number rather than a bracketed row."""

    template = N_("{name}, row {row}: {clipped!r} is not a row; write each row in brackets, "
                  "e.g. [[0, 1], [2, 3]]")
    fields_ = ("name", "row", "text")
    derived = staticmethod(_clipped)


# ---------------------------------------------------------------------------------------------
# Text → cells → tensor

# What NFKC leaves alone but a Chinese input method or a pasted formula types: the
# ideographic comma, the minus sign our own figures print, and the IME's square brackets.
_LEFT_BY_NFKC = str.maketrans({"、": ",", "−": "-", "【": "[", "】": "]"})
#: Characters that never occur in the plain form: text holding one is read as Python data.
_PYTHON_MARKS = frozenset("[]()=")


def normalize(text: str) -> str:
    """Full-width IME input as ASCII: ``"０，１；２"`` → ``"0,1;2"``.

    NFKC folds full-width digits, ``；，．－＋``, brackets and the ideographic space;
    ``、``, U+2212 ``−`` and ``【】`` are mapped on top.

    >>> normalize("0 1 2；3 4 5、−６")
    '0 1 2;3 4 5,-6'
    """
    return unicodedata.normalize("NFKC", text).translate(_LEFT_BY_NFKC)


def max_length(max_rows: int, max_cols: int) -> int:
    """The longest text a grid of ``max_rows``×``max_cols`` may take (20 characters a number)."""
    return 20 * max_rows * max_cols + 100


def split_cells(text: str, *, name: str = "grid", max_rows: int = 16,
                max_cols: int = 16) -> list[list[str]]:
    """Cut typed text into rows of cell texts, without judging the cells.

    Two forms are read:

    * plain: rows separated by ";" or newlines, numbers by spaces or commas;
    * Python data, as the book writes it: ``[[0, 1], [2, 3]]``, ``[1, -1]`` (one row),
      ``torch.tensor([[0., 1.]], dtype=torch.float32)``, ``X = tensor(...)``. It is parsed with
      :mod:`ast` and only lists, tuples, numbers and a leading sign are accepted: nothing runs.

    Full-width punctuation and digits are read as their ASCII forms (:func:`normalize`).

    >>> split_cells("0，1；2　3")
    [['0', '1'], ['2', '3']]
    >>> split_cells("torch.tensor([[0.0, -1]])")
    [['0.0', '-1']]
    """
    if not isinstance(text, str) or not text.strip():
        raise GridEmpty(name)
    limit = max_length(max_rows, max_cols)
    if len(text) > limit:
        raise TooLong(name, len(text), limit, max_rows, max_cols)
    text = normalize(text)
    if _PYTHON_MARKS.intersection(text):
        return _python_cells(text, name=name)
    lines = [ln for ln in text.replace("\n", ";").split(";") if ln.strip()]
    return [ln.replace(",", " ").split() for ln in lines]


def _python_cells(src: str, *, name: str) -> list[list[str]]:
    """Rows of cell texts from Python data syntax (see :func:`split_cells`); never evaluated."""
    src = src.strip()
    try:
        tree = parse(src, mode="exec")
    except SyntaxError as e:
        raise BadSyntax(name, e.lineno or 1, e.offset or 1) from None
    except (RecursionError, MemoryError, ValueError):  # absurd nesting, NUL bytes
        raise BadSyntax(name, 1, 1) from None

    def segment(node: ast.AST) -> str:
        return ast.get_source_segment(src, node) or type(node).__name__

    if len(tree.body) != 1:
        raise NotData(name, segment(tree.body[1]) if tree.body else src)
    stmt = tree.body[0]
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
            stmt.targets[0], ast.Name):
        node = stmt.value  # X = torch.tensor(...), as pasted from the notebook
    elif isinstance(stmt, ast.Expr):
        node = stmt.value
    else:
        raise NotData(name, segment(stmt))

    if isinstance(node, ast.Call):
        func = node.func
        is_tensor = (isinstance(func, ast.Name) and func.id == "tensor") or (
            isinstance(func, ast.Attribute) and func.attr == "tensor"
            and isinstance(func.value, ast.Name) and func.value.id == "torch")
        if not is_tensor or len(node.args) != 1:
            raise NotData(name, segment(node))
        for kw in node.keywords:  # dtype=... is ignored (float32 either way), never looked up
            if kw.arg != "dtype":
                raise NotData(name, segment(kw))
        node = node.args[0]

    def cell(item: ast.AST) -> str:
        # A number as Python reads it ("- 1" → "-1", "1_0" → "10"); anything else as typed,
        # so the cell check names it.
        negative, inner = False, item
        while isinstance(inner, ast.UnaryOp) and isinstance(inner.op, (ast.USub, ast.UAdd)):
            negative ^= isinstance(inner.op, ast.USub)
            inner = inner.operand
        if (isinstance(inner, ast.Constant) and isinstance(inner.value, (int, float))
                and not isinstance(inner.value, bool)):
            return ("-" if negative else "") + repr(inner.value)
        return segment(item)

    seq = (ast.List, ast.Tuple)
    if not isinstance(node, seq):
        return [[cell(node)]]  # tensor(5): one cell
    items = node.elts
    if not items:
        return []
    if not isinstance(items[0], seq):  # [1, -1]: a 1-D list is one row
        return [[cell(c) for c in items]]
    rows = []
    for i, row in enumerate(items, 1):
        if not isinstance(row, seq):
            raise NotARow(name, i, segment(row))
        rows.append([cell(c) for c in row.elts])
    return rows


def parse_grid(text: str, *, name: str = "grid", max_rows: int = 16, max_cols: int = 16,
               max_abs: float = 1e6) -> torch.Tensor:
    """Parse a typed grid → float32 (rows, cols); raise a :class:`GridError` saying why not.

    Reads the plain form and the book's tensor syntax, with full-width punctuation
    (see :func:`split_cells`).

    >>> parse_grid("1, -1")
    tensor([[ 1., -1.]])
    >>> parse_grid("0 1; 2 3").shape
    torch.Size([2, 2])
    >>> parse_grid("torch.tensor([[0, 1], [2, 3]])").tolist()
    [[0.0, 1.0], [2.0, 3.0]]
    """
    rows = split_cells(text, name=name, max_rows=max_rows, max_cols=max_cols)
    return cells_to_tensor(rows, name=name, max_rows=max_rows, max_cols=max_cols, max_abs=max_abs)


def cells_to_tensor(rows: Sequence[Sequence[Any]], *, name: str = "grid", max_rows: int = 16,
                    max_cols: int = 16, max_abs: float = 1e6) -> torch.Tensor:
    """Check cells (numbers or strings) and return them as float32 (rows, cols).

    Every rejection names the cell (row and column from 1) and the rule. None, "" and
    "_" are empty cells (the text form writes a cleared editor cell as "_"). A ragged grid
    names the row whose width differs from most rows'.
    """
    if not rows or not any(len(r) for r in rows):
        raise GridEmpty(name)
    widest = max(len(r) for r in rows)
    if len(rows) > max_rows or widest > max_cols:
        raise TooBig(name, len(rows), widest, max_rows, max_cols)
    widths = Counter(len(r) for r in rows)
    if len(widths) > 1:
        # Most rows set the width (ties: the one seen first), so "1 2 3; 4 5; 6 7 8" blames row 2.
        expected = widths.most_common(1)[0][0]
        row = next(i for i, r in enumerate(rows, 1) if len(r) != expected)
        ref = next(i for i, r in enumerate(rows, 1) if len(r) == expected)
        raise Ragged(name, row, len(rows[row - 1]), expected, ref)
    out = []
    for i, row in enumerate(rows, 1):
        vals = []
        for j, cell in enumerate(row, 1):
            if cell is None or (isinstance(cell, str) and cell.strip() in ("", "_")):
                raise CellEmpty(name, i, j)
            typed = str(cell).strip() if isinstance(cell, str) else f"{cell}"
            try:
                v = float(normalize(cell) if isinstance(cell, str) else cell)
            except OverflowError:  # an int beyond float's range
                raise TooLarge(name, i, j, typed, max_abs) from None
            except (TypeError, ValueError):
                raise NotANumber(name, i, j, typed) from None
            if math.isnan(v) or (math.isinf(v) and "inf" in typed.lower()):
                raise NotFinite(name, i, j, typed)
            if abs(v) > max_abs:  # "1e400" reads as inf: it is too large, not "inf"
                raise TooLarge(name, i, j, typed, max_abs)
            vals.append(v)
        out.append(vals)
    return torch.tensor(out, dtype=torch.float32)


def format_grid(T: Any) -> str:
    """The compact text form of a 2-D grid: "0 1; 2 3" (integers without ".0").

    Six significant digits (``:g``): a grid of decimals with at most six significant digits
    reads back exactly.

    >>> format_grid([[0.0, 1.0], [2.5, -3.0]])
    '0 1; 2.5 -3'
    """
    t = torch.as_tensor(T, dtype=torch.float64)
    return "; ".join(" ".join(f"{float(v):g}" for v in row) for row in t)
