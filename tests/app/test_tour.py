"""The home page: the seed notebook's every result, computed live."""

import inspect

from streamlit.testing.v1 import AppTest

import core
from core import learn
from core.images import stripes
from core.kernels import D2L_EDGE
from tests.apptest import TIMEOUT, assert_clean, decode, figures, run_page


def grid_values(fig) -> list:
    return decode(fig["data"][0]["z"]).tolist()


def test_tour_shows_every_seed_result():
    at = run_page("pages/tour.py")
    assert_clean(at)
    grids = [grid_values(f) for f in figures(at)]
    assert [[19, 25], [37, 43]] in grids
    assert [[0, 1, 0, 0, 0, -1, 0]] * 6 in grids
    assert [[56, 72], [104, 120]] in grids
    assert [[76, 100], [148, 172]] in grids
    assert [[96, 128], [192, 224]] in grids
    [table] = [m.value for m in at.markdown if m.value.startswith("| input |")]
    outputs = [row.split("|")[-2].strip() for row in table.splitlines()[2:]]
    assert outputs == ["8×8", "8×8", "4×4", "2×2"]
    printout = [c.value for c in at.code if c.value.startswith("Step 5")][0]
    assert printout.count("Step") == 4
    assert any("< 1e-6 ✓" in m.value for m in at.markdown)


def test_cell_3_shows_the_notebooks_pasteable_code_and_keeps_ours_in_an_expander():
    at = run_page("pages/tour.py")
    codes = [c.value.strip() for c in at.code]
    # the notebook's own cells, as core holds them (tests/core runs that text)
    assert learn.NOTEBOOK_CONV2D.strip() in codes and learn.NOTEBOOK_TRAINING.strip() in codes
    X = stripes()
    steps = core.learn_kernel(X, core.corr2d(X, D2L_EDGE), kernel_size=(1, 2), seed=0)
    assert learn.notebook_printout(steps) in codes
    ours = inspect.getsource(core.Conv2D).strip()
    [box] = [e for e in at.expander if "core.learn.Conv2D" in e.label]
    assert ours in [c.value.strip() for c in box.code]
    outside = [c for c in codes if "IntOrPair" in c]
    assert outside == [ours]  # the app's class only inside the expander


def test_app_router_opens_the_tour_by_default():
    at = run_page("app.py")
    assert_clean(at)
    assert "ConvScope" in at.title[0].value


def test_every_page_routes_through_the_app_on_a_fresh_server(tmp_path):
    """Until a session has run app.py's navigation, Streamlit serves a deep link in its old
    pages/ mode (an entry script with a pages/ folder beside it runs the page on its own);
    every page's frame (ui.frame.Frame, by ui.nav.ensure_router) switches that mode off."""
    from streamlit.runtime.pages_manager import PagesManager

    from tests.apptest import ROOT
    from ui.nav import PAGES

    (tmp_path / "pages").mkdir()
    before = PagesManager.uses_pages_directory
    try:
        for file, *_ in PAGES:
            if (ROOT / "pages" / file).exists():
                entry = tmp_path / f"deep_link_{file}"
                entry.write_text(f"import runpy\nrunpy.run_path({str(ROOT / 'pages' / file)!r})\n")
                at = AppTest.from_file(str(entry), default_timeout=TIMEOUT)
                at.run()
                assert_clean(at)
                assert PagesManager.uses_pages_directory is False, f"{file} must open a Frame"
    finally:
        PagesManager.uses_pages_directory = before


def test_panels_of_a_row_share_one_colour_scale_and_say_so():
    """The grids of a tour cell are compared: one zmin/zmax per row (so the 120 of
    corr2d_multi_in is as deep as the 120 of output channel 0), stated in a caption."""
    at = run_page("pages/tour.py")
    rows = [figures(at)[i:j] for i, j in ((0, 3), (3, 6), (6, 10))]
    for row in rows:
        limits = {(f["data"][0]["zmin"], f["data"][0]["zmax"]) for f in row}
        assert len(limits) == 1, limits
    tops = [row[0]["data"][0]["zmax"] for row in rows]
    assert tops == [43, 1, 224]
    notes = [c.value for c in at.caption]
    assert any("deepest red = +43" in n for n in notes)
    assert any("deepest red = +1" in n and "deepest blue = −1" in n for n in notes)
