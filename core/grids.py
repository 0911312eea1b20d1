"""Grids typed by people: text like "0 1 2; 3 4 5" or editor cells, checked and parsed.

The compact text form is what goes into a share link.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch


def parse_grid(text: str, *, name: str = "grid", max_rows: int = 16, max_cols: int = 16,
               max_abs: float = 1e6) -> torch.Tensor:
    """Parse rows separated by ";" or newlines, numbers by spaces or commas → (rows, cols).

    >>> parse_grid("1, -1")
    tensor([[ 1., -1.]])
    >>> parse_grid("0 1; 2 3").shape
    torch.Size([2, 2])
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{name} is empty: type rows of numbers, e.g. 0 1; 2 3")
    if len(text) > 20 * max_rows * max_cols + 100:
        raise ValueError(f"{name} is too long: at most {max_rows}×{max_cols} numbers")
    lines = [ln for ln in text.replace("\n", ";").split(";") if ln.strip()]
    rows = [ln.replace(",", " ").split() for ln in lines]
    return cells_to_tensor(rows, name=name, max_rows=max_rows, max_cols=max_cols, max_abs=max_abs)


def cells_to_tensor(rows: Sequence[Sequence[Any]], *, name: str = "grid", max_rows: int = 16,
                    max_cols: int = 16, max_abs: float = 1e6) -> torch.Tensor:
    """Check editor cells (numbers or strings) and return them as float32 (rows, cols).

    Every rejection names the cell (row and column from 1) and the rule. None, "" and
    "_" are empty cells (the text form writes a cleared editor cell as "_").
    """
    if not rows or not any(len(r) for r in rows):
        raise ValueError(f"{name} is empty")
    if len(rows) > max_rows or max(len(r) for r in rows) > max_cols:
        raise ValueError(
            f"{name} is {len(rows)}×{max(len(r) for r in rows)}; at most {max_rows}×{max_cols} "
            "is allowed"
        )
    widths = {len(r) for r in rows}
    if len(widths) != 1:
        raise ValueError(f"{name}: every row needs the same number of values, got {sorted(widths)}")
    out = []
    for i, row in enumerate(rows, 1):
        vals = []
        for j, cell in enumerate(row, 1):
            where = f"{name}, row {i}, column {j}"
            if cell is None or (isinstance(cell, str) and cell.strip() in ("", "_")):
                raise ValueError(f"{where} is empty: every cell needs a number")
            try:
                v = float(cell)
            except (TypeError, ValueError):
                raise ValueError(f"{where}: {str(cell)[:20]!r} is not a number") from None
            if not math.isfinite(v):
                raise ValueError(f"{where}: {cell!r} is not a finite number (no NaN or inf)")
            if abs(v) > max_abs:
                raise ValueError(f"{where}: {v:g} is too large; keep values within ±{max_abs:g}")
            vals.append(v)
        out.append(vals)
    return torch.tensor(out, dtype=torch.float32)


def format_grid(T: Any) -> str:
    """The compact text form of a 2-D grid: "0 1; 2 3" (integers without ".0").

    >>> format_grid([[0.0, 1.0], [2.5, -3.0]])
    '0 1; 2.5 -3'
    """
    t = torch.as_tensor(T, dtype=torch.float64)
    return "; ".join(" ".join(f"{float(v):g}" for v in row) for row in t)
