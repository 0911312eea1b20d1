"""The home page: the seed notebook's every result, computed live."""

import inspect

import core
from core import learn
from core.images import stripes
from core.kernels import D2L_EDGE
from tests.apptest import assert_clean, decode, figures, run_page


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


def test_every_page_routes_through_the_app_on_a_fresh_server():
    from tests.apptest import ROOT
    from ui.nav import PAGES

    for file, *_ in PAGES:
        path = ROOT / "pages" / file
        if path.exists():
            assert "\nensure_router()\n" in path.read_text(), f"{file} must call ensure_router()"
