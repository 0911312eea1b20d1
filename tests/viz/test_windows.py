"""The pieces every window animation draws with (viz.windows), each checked on one fact."""

from __future__ import annotations

import i18n
from viz import pooling, sliding, transposed, windows


def test_a_box_is_the_closed_outline_of_its_cells_edges():
    x, y = windows.box(1, 2, 3, 2)  # rows 1..3 of column 2
    assert (x[0], y[0]) == (x[-1], y[-1])  # closed
    assert (min(x), max(x), min(y), max(y)) == (1.5, 2.5, 0.5, 3.5)


def test_the_cover_leaves_the_cells_computed_so_far_open():
    # After output cell (1, 1) of a 3 × 3 output: row 0 and (1, 0), (1, 1) stay uncovered.
    x, y = windows.cover_after(1, 1, 3, 3)
    assert (min(y), max(y), max(x)) == (0.5, 2.5, 2.5)
    assert [1.5, 0.5] in [list(p) for p in zip(x, y)]  # the step down after (1, 1)
    inclusive_x, _ = windows.cover_after(1, 1, 3, 3, inclusive=True)
    assert 0.5 in inclusive_x and 1.5 not in inclusive_x  # (1, 1) itself covered too


def test_grid_lines_draw_every_border_once():
    x, _ = windows.grid_lines(2, 3)
    assert x.count(None) == (2 + 1) + (3 + 1)


def test_play_controls_have_one_slider_step_per_frame_and_speak_the_language():
    spec = windows.play_controls(5, 2, small=False, lang="zh")
    slider = spec["sliders"][0]
    assert (len(slider["steps"]), slider["active"]) == (5, 2)
    labels = [b["label"] for b in spec["updatemenus"][0]["buttons"]]
    zh = i18n.texts("zh").gettext
    assert labels == [zh("■ Pause")] + [zh(label) for label, _ in windows.SPEEDS]
    assert labels[0] != "■ Pause"  # translated, not the message id


def test_the_three_window_pages_share_one_window_colour():
    assert sliding.TAP is pooling.TAP is transposed.TAP is windows.TAP
