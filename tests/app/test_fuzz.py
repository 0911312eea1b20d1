"""Fuzz every page through its URL: random valid settings and random garbage.

For each built page, the widgets are discovered from a default run (keys, ranges,
options); hypothesis then opens the page with random values for a random subset of
them, plus unknown parameters. No uncaught exception anywhere; every message shown is
readable text, never a traceback.
"""

from __future__ import annotations

import os
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.apptest import ROOT, all_text, run_page
from ui.nav import PAGES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
BUILT = [(f, path) for f, _, _, path in PAGES if (ROOT / "pages" / f).exists() and f != "tour.py"]
KINDS = ("slider", "number_input", "selectbox", "radio", "select_slider", "checkbox", "toggle",
         "text_input", "text_area", "multiselect", "button_group")
GARBAGE = st.one_of(
    st.text(max_size=24),
    st.sampled_from(["", "nan", "NaN", "-inf", "inf", "1e309", "-1", "0", "999999999", "1.5",
                     "true", "False", "%00", "x" * 3000, "1 2; 3", ";;;", "1,2,3;4,5,6;7,8,9",
                     "None", "[]", "-0", "0x10", "1" * 400]),
)


@cache
def widgets(page: str) -> tuple[tuple[str, str, object], ...]:
    """(kind, key, widget) for every keyed widget on the page's default view."""
    at = run_page(f"pages/{page}")
    found = []
    for kind in KINDS:
        try:
            elements = at.get(kind)
        except Exception:  # a kind this Streamlit version's AppTest does not know
            continue
        found += [(kind, w.key, w) for w in elements if getattr(w, "key", None)]
    return tuple(found)


def valid_value(draw, kind: str, w) -> str:
    """A value the widget accepts, written as it would be in the URL."""
    if kind in ("slider", "number_input") and not isinstance(w.value, (list, tuple)):
        lo, hi = w.min, w.max
        if lo is None or hi is None:
            return str(draw(st.integers(-5, 50)))
        if isinstance(w.value, int) and not isinstance(w.value, bool):
            return str(draw(st.integers(int(lo), int(hi))))
        return repr(draw(st.floats(float(lo), float(hi), allow_nan=False)))
    if kind in ("selectbox", "radio", "select_slider", "button_group", "multiselect"):
        options = list(getattr(w, "options", []) or [])
        return str(draw(st.sampled_from(options))) if options else ""
    if kind in ("checkbox", "toggle"):
        return draw(st.sampled_from(["true", "false"]))
    rows = draw(st.integers(1, 5))
    cols = draw(st.integers(1, 5))
    cells = draw(st.lists(st.integers(-9, 9), min_size=rows * cols, max_size=rows * cols))
    return "; ".join(" ".join(map(str, cells[r * cols:(r + 1) * cols])) for r in range(rows))


@st.composite
def url(draw, page: str) -> dict[str, str]:
    """Random query parameters for ``page``: valid values, garbage and unknown names."""
    found = widgets(page)
    params: dict[str, str] = {}
    for kind, key, w in found:
        choice = draw(st.sampled_from(["skip", "valid", "valid", "garbage"]))
        if choice == "valid":
            params[key] = valid_value(draw, kind, w)
        elif choice == "garbage":
            params[key] = draw(GARBAGE)
    if draw(st.booleans()):
        prefix = found[0][1].split("_")[0] + "_" if found else "x_"
        params[prefix + draw(st.sampled_from(["zzz", "old", "K"]))] = draw(GARBAGE)
    if draw(st.booleans()):
        params[draw(st.sampled_from(["utm_source", "embed_options", "q"]))] = draw(GARBAGE)
    return params


def check(page: str, params: dict[str, str]) -> None:
    at = run_page(f"pages/{page}", params)
    assert not at.exception, (params, [e.value for e in at.exception])
    for box in list(at.error) + list(at.warning):
        text = str(box.value)
        assert text.strip() and "Traceback" not in text, (params, text)
    assert all_text(at).strip(), "the page rendered nothing"


@pytest.mark.slow
@pytest.mark.parametrize("page", [f for f, _ in BUILT])
def test_random_urls_never_crash_a_page(page):
    assert widgets(page), f"no keyed widgets found on {page}"

    @settings(max_examples=EXAMPLES, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(url(page))
    def fuzz(params):
        check(page, params)

    fuzz()
