"""The cell editor of a typed grid in a real browser: a mistyped letter is reported as a typo,
stays in its cell where it can be corrected, and the sidebar does not jump under the mouse."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_errors, goto, wait_idle

pytestmark = pytest.mark.e2e

EDITOR = '[class*="st-key-sw_xgrid_ed"]'
TEXT = '[class*="st-key-sw_xgrid"] input[type="text"]'
ANIMATION = '[data-testid="stPlotlyChart"] .js-plotly-plot'
#: The editor's cells as its accessible table reads them (the grid itself is a canvas).
CELLS_JS = (f"() => [...document.querySelectorAll('{EDITOR} [role=gridcell]')]"
            ".map(c => c.textContent)")
#: glide-data-grid's geometry in Streamlit 1.67: 35 px header and rows.
ROW = 35


def _open_typed_x(page, server: str) -> None:
    """Home first (a fresh server's first deep link shows a "Page not found" dialog)."""
    goto(page, server)
    goto(page, f"{server}/sliding_window?sw_x=typed")
    page.wait_for_selector(ANIMATION, timeout=20_000)
    page.wait_for_function(f"({CELLS_JS})().length === 9", timeout=20_000)


def _type_into_last_column(page, row: int, text: str, columns: int = 3) -> None:
    """Select the cell in ``row`` (from 1) of the last column, type ``text`` and Enter."""
    box = page.locator(EDITOR).bounding_box()
    page.mouse.click(box["x"] + box["width"] - ROW, box["y"] + ROW * row + ROW / 2)
    # glide focuses the selected cell (column 0 is its row marker, rows count from 0) ...
    page.wait_for_function(
        "id => document.activeElement?.getAttribute('data-testid') === id",
        arg=f"glide-cell-{columns}-{row - 1}", timeout=10_000)
    page.keyboard.type(text)
    # ... and typing opens its overlay editor on that cell.
    expect(page.locator(".gdg-input")).to_be_visible()
    page.keyboard.press("Enter")
    wait_idle(page)


def _cells_are(page, want: list[str]) -> None:
    page.wait_for_function(f"want => JSON.stringify(({CELLS_JS})()) === JSON.stringify(want)",
                           arg=want, timeout=10_000)


def test_a_letter_typed_into_a_cell_is_a_typo_that_stays_where_it_can_be_fixed(server, page):
    _open_typed_x(page, server)
    editor, below = page.locator(EDITOR), page.get_by_role("heading", name="Kernel K")
    before, below_before = editor.bounding_box(), below.bounding_box()

    _type_into_last_column(page, 2, "a")
    error = page.locator('[data-testid="stAlert"]', has_text="is not a number")
    expect(error).to_contain_text("X, row 2, column 3: 'a' is not a number")
    expect(editor).to_be_visible()
    _cells_are(page, ["0", "1", "2", "3", "4", "a", "6", "7", "8"])
    expect(page.locator(TEXT)).to_have_value("0 1 2; 3 4 a; 6 7 8")
    assert editor.bounding_box() == before, "the editor stays put"
    assert below.bounding_box() == below_before, "what is below it does not move"
    assert_no_errors(page)

    _type_into_last_column(page, 2, "5")  # corrected where it was typed
    expect(page.locator(TEXT)).to_have_value("0 1 2; 3 4 5; 6 7 8")
    expect(error).to_have_count(0)
    page.wait_for_selector(ANIMATION, timeout=20_000)
    _cells_are(page, ["0", "1", "2", "3", "4", "5", "6", "7", "8"])
    assert editor.bounding_box() == before
