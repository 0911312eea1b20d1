"""The projector view (issue 17, 课堂投影): ``view=class`` in the link, on every page. The flag
is read and kept like the language (a bad value noted and replaced, the language switch and the
link keep it); its grids write their numbers at ui.view.MIN_FONT_PX or larger, with thicker
window outlines; the intro and what follows a page's essentials are left out."""

from __future__ import annotations

import pytest

from tests.apptest import all_text, assert_clean, figures, run_function, run_page
from ui import view
from viz.grid import PROJECTOR_FONT_PX

#: Pages whose default view draws grids with numbers in their cells.
GRID_PAGES = ["tour.py", "sliding_window.py", "edges.py", "learn.py", "channels.py",
              "practice.py", "pooling.py"]
#: Where a page's grids are not on its first view: practice's are in its second section.
WHERE = {"practice.py": {"pr_tab": "Predict Y"}}


def cell_fonts(fig: dict) -> list[float]:
    """Type sizes of the numbers written in grid cells: heatmaps' cell texts and text-only
    scatter traces on a grid's axes, not the kernel weights in a window's corners (set at
    its top left) nor the arithmetic under the grids (its own hidden axes, x4)."""
    sizes = []
    for trace in fig["data"]:
        font = trace.get("textfont", {}).get("size")
        if font is None:
            continue
        if trace.get("type") == "heatmap" and trace.get("text") is not None:
            sizes.append(font)
        elif (trace.get("type") == "scatter" and trace.get("mode") == "text"
              and trace.get("textposition") != "top left" and trace.get("xaxis") != "x4"
              and trace.get("text")):
            sizes.append(font)
    return sizes


def page_fonts(at) -> list[float]:
    return [s for fig in figures(at) for s in cell_fonts(fig)]


def toggle(at):
    return at.toggle(key=view.SWITCH)


@pytest.mark.parametrize("page", GRID_PAGES)
def test_every_number_in_a_grid_is_projector_sized(page):
    at = run_page(f"pages/{page}", {"view": "class", "lang": "en", **WHERE.get(page, {})})
    assert_clean(at)
    sizes = page_fonts(at)
    assert sizes, "the view has numbered grids"
    assert min(sizes) >= PROJECTOR_FONT_PX == view.MIN_FONT_PX == 24
    assert at.query_params["view"] == "class", "the link keeps the view"
    assert toggle(at).value is True
    assert not at.warning


def test_the_ordinary_view_keeps_its_own_sizes_and_no_flag_in_the_link():
    at = run_page("pages/tour.py", {"lang": "en"})
    assert_clean(at)
    assert "view" not in at.query_params
    assert toggle(at).value is False
    assert max(page_fonts(at)) < PROJECTOR_FONT_PX


def test_the_sliding_window_shows_its_animation_thick_and_ends_there():
    at = run_page("pages/sliding_window.py", {"view": "class", "lang": "en"})
    anim = figures(at)[0]
    widths = [t["line"]["width"] for t in anim["data"]
              if t.get("mode") == "lines" and t.get("line", {}).get("color") == "#009e73"]
    assert widths and min(widths) >= 8, "the window's outline and the current cell's"
    assert len(figures(at)) == 1, "the animation alone: no picked-cell figure"
    text = all_text(at)
    assert "Pick an output cell" not in text and "The code" not in text
    assert "Press ▶" not in text, "no intro"
    ordinary = run_page("pages/sliding_window.py", {"lang": "en"})
    assert "Pick an output cell" in all_text(ordinary)
    widths = [t["line"]["width"] for t in figures(ordinary)[0]["data"]
              if t.get("mode") == "lines" and t.get("line", {}).get("color") == "#009e73"]
    assert max(widths) < 8


def test_the_sliding_windows_quiz_is_projector_sized_too():
    at = run_page("pages/sliding_window.py", {"view": "class", "sw_quiz": "true",
                                              "sw_x": "seed stripes 6×8", "lang": "zh"})
    assert_clean(at)
    assert min(page_fonts(at)) >= PROJECTOR_FONT_PX


def green_widths(fig: dict) -> list[float]:
    """The widths of the window's outline and the current output cell's (green lines)."""
    return [t["line"]["width"] for t in fig["data"]
            if t.get("mode") == "lines" and t.get("line", {}).get("color") == "#009e73"]


def test_pooling_shows_its_animation_thick_and_ends_there():
    at = run_page("pages/pooling.py", {"view": "class", "lang": "en"})
    assert_clean(at)
    (anim,) = figures(at)  # the animation alone: not the questions' grids
    assert anim.get("frames") and min(green_widths(anim)) >= 8
    text = all_text(at)
    assert "Output shape" not in text and "The book's questions" not in text
    assert "Press ▶" not in text, "no intro"
    assert not any("print(Y)" in c.value for c in at.code)
    # the book's examples folded away, still one click each
    assert at.expander and at.button(key="pl_ex_1").label == "`pool2d(X, (2, 2), 'avg')`"
    ordinary = run_page("pages/pooling.py", {"lang": "en"})
    assert not any("pool2d" in e.label for e in ordinary.expander)  # the examples laid out
    assert "Output shape" in all_text(ordinary)
    assert max(green_widths(figures(ordinary)[0])) < 8


@pytest.mark.parametrize("query", [
    {"pl_quiz": "true", "pl_x": "book 4×4", "lang": "zh"},  # the quiz's figure
    {"pl_x": "two channels", "pl_k_h": "3", "pl_k_w": "3", "pl_sdef": "false", "pl_s_h": "2",
     "pl_s_w": "2", "pl_p_h": "1", "pl_p_w": "1", "lang": "en"},  # and one still per channel
    {"pl_x": "random integers", "pl_rows": "16", "pl_cols": "16", "pl_k_h": "1",
     "pl_k_w": "1", "lang": "en"},  # 16×16: numbers at 24 px or none
])
def test_poolings_other_figures_are_projector_sized_too(query):
    at = run_page("pages/pooling.py", {"view": "class", **query})
    assert_clean(at)
    sizes = page_fonts(at)
    assert all(s >= PROJECTOR_FONT_PX for s in sizes)
    if query.get("pl_x") != "random integers":
        assert sizes
    if query.get("pl_x") == "two channels":
        assert len(figures(at)) == 3


@pytest.mark.parametrize("bad", ["klass", "CLASS", "", "projector"])
def test_a_bad_view_is_noted_and_replaced_by_the_ordinary_view(bad):
    at = run_page("pages/sliding_window.py", {"view": bad, "lang": "en"})
    assert_clean(at)
    notes = " ".join(w.value for w in at.warning)
    assert f"`view={bad}`" in notes and "`normal`" in notes
    assert "view" not in at.query_params
    assert toggle(at).value is False
    assert "Pick an output cell" in all_text(at)


def test_a_bad_view_is_noted_in_chinese_in_chinese():
    at = run_page("pages/tour.py", {"view": "klass", "lang": "zh"})
    notes = " ".join(w.value for w in at.warning)
    assert "`view=klass`" in notes and "链接" in notes


def test_the_switch_turns_it_on_and_off_and_the_link_follows():
    at = run_page("pages/practice.py", {"lang": "en", **WHERE["practice.py"]})
    toggle(at).set_value(True).run()
    assert at.query_params["view"] == "class"
    assert min(page_fonts(at)) >= PROJECTOR_FONT_PX
    toggle(at).set_value(False).run()
    assert "view" not in at.query_params
    assert max(page_fonts(at)) < PROJECTOR_FONT_PX


def test_the_language_switch_keeps_the_view():
    at = run_page("pages/tour.py", {"view": "class", "lang": "en"})
    at.button_group(key="lang_switch").set_value("zh").run()
    assert at.query_params["lang"] == "zh" and at.query_params["view"] == "class"
    assert at.title[0].value == "ConvScope · 卷积可视化"
    assert min(page_fonts(at)) >= PROJECTOR_FONT_PX


def test_the_session_keeps_the_view_when_the_link_loses_it():
    """A page change drops the link's parameters: the session's view holds, as the language's."""
    at = run_page("pages/tour.py", {"view": "class", "lang": "en"})
    del at.query_params["view"]
    at.run()
    assert at.query_params["view"] == "class"
    assert toggle(at).value is True


def _sidebar_state_script():
    import streamlit as st

    from ui import view

    st.text(view.sidebar_state())


@pytest.mark.parametrize("query, state", [({"view": "class"}, "collapsed"), ({}, "auto"),
                                          ({"view": "klass"}, "auto")])
def test_the_sidebar_starts_collapsed_only_in_the_projector_view(query, state):
    """app.py passes view.sidebar_state() to st.set_page_config (the browser test sees it)."""
    at = run_function(_sidebar_state_script, query)
    assert at.text[0].value == state


def test_the_share_link_carries_the_view_and_its_qr_code_the_ordinary_view():
    at = run_page("pages/practice.py", {"view": "class", "pr_seed": "12", "lang": "zh"},
                  pr_share=True)  # the share popover open
    at.toggle(key="pr_share_qr").set_value(True).run()
    assert_clean(at)
    url = [c.value for c in at.sidebar.get("code")][-1]
    assert "view=class" in url and "pr_seed=12" in url and "lang=zh" in url
    assert len(at.get("image")) == 1
    assert "手机打开的是普通视图" in " ".join(c.value for c in at.sidebar.caption)
    from ui.share import for_phones
    phone = for_phones(url)
    assert "view=" not in phone and "pr_seed=12" in phone and "lang=zh" in phone


# -- the transposed-convolution page --------------------------------------------------------------

@pytest.mark.parametrize("query", [{}, {"tc_x": "random integers", "tc_rows": "8",
                                        "tc_cols": "8", "tc_stride_h": "3", "tc_stride_w": "3"},
                                   {"tc_quiz": "true"}])
def test_the_transposed_page_is_projector_sized_thick_and_ends_at_its_animation(query):
    at = run_page("pages/transposed.py", {"view": "class", "lang": "en", **query})
    assert_clean(at)
    sizes = page_fonts(at)
    assert min(sizes, default=PROJECTOR_FONT_PX) >= PROJECTOR_FONT_PX
    fig = figures(at)[0]
    widths = [t["line"]["width"] for t in fig["data"]
              if t.get("mode") == "lines" and t.get("line", {}).get("color") == "#009e73"]
    assert widths and min(widths) >= 8
    assert len(figures(at)) == 1, "the animation (or the quiz's figure) alone"
    text = all_text(at)
    assert "The code" not in text and "✓" not in text and "Press ▶" not in text
    if not query:
        assert sizes and fig.get("frames"), "the book's numbers, animated"
        ordinary = run_page("pages/transposed.py", {"lang": "en"})
        assert "The code" in all_text(ordinary)
        assert max(page_fonts(ordinary)) < max(sizes)  # the book's 2×2 is large already
