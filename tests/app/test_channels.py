"""The channels page in AppTest: the seed's numbers by default, the live 1×1 check, readable
messages for impossible settings, every setting (the open tab too) read from the URL, and
only the open tab's section computed."""

import re

import pytest

from tests.apptest import all_text, assert_clean, decode, figures, run_page

PAGE = "pages/channels.py"
TABS = ["Many inputs", "Many outputs", "1×1 convolution", "Cost"]
INPUTS, OUTPUTS, ONE_BY_ONE, COST = TABS


def numbers_in(fig: dict) -> list[str]:
    """Every number written in the cells of a figure (without the span that colours it)."""
    return [re.sub(r"<[^>]+>", "", str(t))
            for tr in fig["data"] for row in (tr.get("text") or []) for t in row if t]


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def labels(fig: dict) -> list[str]:
    return [a["text"] for a in fig["layout"].get("annotations", [])]


@pytest.fixture(scope="module")
def default():
    at = run_page(PAGE)
    assert_clean(at)
    return at


def test_defaults_show_the_seed_sum_and_its_plus(default):
    multi_in = figures(default)[0]
    assert numbers_in(multi_in)[-4:] == ["56", "72", "104", "120"]
    assert "<b>+</b>" in labels(multi_in) and "<b>=</b>" in labels(multi_in)
    assert "corr2d_multi_in(X, K)  # X: (2, 3, 3), K: (2, 2, 2)" in all_text(default)


def test_the_default_tab_is_the_first_and_only_it_is_computed(default):
    assert default.session_state["ch_tab"] == INPUTS
    assert len(figures(default)) == 1  # the other tabs' figures are not built nor sent
    assert not default.success and not default.metric


def test_the_outputs_tab_shows_the_seed_three_output_channels():
    at = run_page(PAGE, {"ch_tab": OUTPUTS})
    assert_clean(at)
    [multi_out] = figures(at)
    written = numbers_in(multi_out)
    for n in ("56", "72", "104", "120", "76", "100", "148", "172", "96", "128", "192", "224"):
        assert n in written
    assert "kernel K: co × ci × kh × kw = 3 × 2 × 2 × 2" in labels(multi_out)
    y = decode(multi_out["data"][-1]["z"])
    assert y[0].tolist()[:2] == [56, 72] and y[1].tolist()[-2:] == [192, 224]


def test_the_1x1_tab_shows_the_check():
    at = run_page(PAGE, {"ch_tab": ONE_BY_ONE})
    assert_clean(at)
    assert "‖Y1 − Y2‖ = 0 < 1e-6 ✓" in at.success[0].value
    assert "Y = torch.mm(K, X): 3 × 9" in labels(figures(at)[0])


def test_the_cost_tab_shows_the_seed_layer_and_its_cheaper_variants():
    at = run_page(PAGE, {"ch_tab": COST})
    assert_clean(at)
    text = all_text(at)
    assert "nn.Conv2d(in_channels=2, out_channels=3, kernel_size=2, padding=0, stride=1, " \
           "groups=1)" in text
    assert [m.value for m in at.metric][:2] == ["27", "96"]
    table = at.table[0].value
    assert "depthwise needs co to be a multiple of ci: co=3, ci=2" in table.to_string()


def test_switching_tabs_keeps_every_setting():
    # No ch_tab in this link: AppTest re-seeds a URL-bound tab from the link on every run,
    # so a tab set by the link cannot be switched here (a browser rewrites the URL).
    at = run_page(PAGE, {"ch_ci": "3", "ch_values": "integers", "ch_seed": "7"})
    first = numbers_in(figures(at)[0])
    for tab in (COST, ONE_BY_ONE, INPUTS):
        at.session_state["ch_tab"] = tab
        at.run()
        assert_clean(at)
        assert at.subheader[0].value.startswith(f"{TABS.index(tab) + 1} · ")
        assert (at.slider("ch_ci").value, at.selectbox("ch_values").value,
                at.number_input("ch_seed").value) == (3, "integers", 7)
        assert len(figures(at)) == 1
    assert numbers_in(figures(at)[0]) == first  # back on the first tab: the same values


@pytest.mark.parametrize("query", [
    {"ch_ci": "3", "ch_co": "2", "ch_values": "uniform"},  # the seed's own 1×1 sizes
    {"ch_ci": "7", "ch_co": "5", "ch_n": "11", "ch_values": "uniform", "ch_seed": "123"},
    {"ch_ci": "1", "ch_co": "8", "ch_n": "4", "ch_values": "integers", "ch_seed": "9"},
])
def test_the_1x1_check_passes_for_random_sizes_and_shows_the_norm(query):
    at = run_page(PAGE, {**query, "ch_tab": ONE_BY_ONE})
    assert_clean(at)
    msg = at.success[0].value
    norm, tol = map(float, re.search(r"‖Y1 − Y2‖ = (\S+) < (\S+) ✓", msg).groups())
    # the notebook's 1e-6, or float32's round-off bound where the sums' order shows
    # (core.channels.roundoff_bound; this machine's BLAS decides)
    explained = any("float32's round-off" in c.value for c in at.caption)
    assert 0 <= norm < tol and (tol == 1e-6 or explained)
    ci, co, n = int(query["ch_ci"]), int(query["ch_co"]), int(query.get("ch_n", 3))
    assert f"X: ({ci}, {n}, {n}), K: ({co}, {ci}, 1, 1)" in msg
    assert f"X.view(ci, h·w): {ci} × {n * n}" in labels(figures(at)[0])


@pytest.mark.parametrize("query, words, still_works", [
    ({"ch_kci": "3"}, "channel mismatch: X has 2 input channels but K has 3", COST),
    ({"ch_groups": "3", "ch_tab": COST}, "groups=3 must divide both the input channels (2)",
     INPUTS),
    ({"ch_k": "5"}, "no output along the height", ONE_BY_ONE),
])
def test_impossible_settings_explain_themselves_and_the_rest_still_works(query, words,
                                                                         still_works, default):
    at = run_page(PAGE, query)
    assert_clean(at)
    errors = " ".join(e.value for e in at.error)
    assert words in errors
    # the control that caused it is still in the sidebar, and setting it back fixes it
    [key] = [k for k in query if k != "ch_tab"]
    control = next(w for w in _walk(at.sidebar) if getattr(w, "key", None) == key)
    control.set_value(default.session_state[key]).run()
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    at = run_page(PAGE, {**query, "ch_tab": still_works})  # another tab can still be drawn
    assert_clean(at)
    assert not at.error and figures(at)


@pytest.mark.parametrize("tab", [INPUTS, OUTPUTS, ONE_BY_ONE])
def test_a_mismatch_says_how_to_fix_it(tab):
    at = run_page(PAGE, {"ch_kci": "4", "ch_tab": tab})
    [error] = [e.value for e in at.error]
    assert "K has 4" in error and "back to “same as X”" in error


def test_a_mismatch_leaves_the_cost_tab_working():
    at = run_page(PAGE, {"ch_kci": "4", "ch_tab": COST})
    assert not at.error
    assert [m.value for m in at.metric][:2] == ["27", "96"]


def test_url_round_trip_every_setting_is_read_from_the_link():
    query = {"ch_ci": "3", "ch_co": "4", "ch_n": "5", "ch_k": "3", "ch_pad": "1",
             "ch_stride": "2", "ch_values": "integers", "ch_seed": "42", "ch_groups": "1",
             "ch_tab": OUTPUTS}
    at = run_page(PAGE, query)
    assert_clean(at)
    for key, value in query.items():
        widget = at.session_state[key] if key == "ch_tab" else (
            at.selectbox(key).value if key in ("ch_values", "ch_groups") else
            at.number_input(key).value if key == "ch_seed" else at.slider(key).value)
        assert str(widget) == value, key
    assert "kernel K: co × ci × kh × kw = 4 × 3 × 3 × 3" in labels(figures(at)[0])
    assert "K: (4, 3, 3, 3) → Y: (4, 3, 3)" in all_text(at)
    # The same link gives the same random values; the first tab reads the same settings.
    again = run_page(PAGE, query)
    assert numbers_in(figures(again)[0]) == numbers_in(figures(at)[0])
    first = run_page(PAGE, {**query, "ch_tab": INPUTS})
    assert "input X: ci × h × w = 3 × 5 × 5" in labels(figures(first)[0])
    assert "padding=1, stride=2 → (3, 3)" in all_text(first)


def test_changing_the_channel_count_redraws_the_figures():
    at = run_page(PAGE)
    at.slider("ch_ci").set_value(4).run()
    assert_clean(at)
    assert "input X: ci × h × w = 4 × 3 × 3" in labels(figures(at)[0])
    assert labels(figures(at)[0]).count("<b>+</b>") == 3
    at.session_state["ch_tab"] = OUTPUTS
    at.run()
    assert "kernel K: co × ci × kh × kw = 3 × 4 × 2 × 2" in labels(figures(at)[0])


@pytest.mark.parametrize("tab", [INPUTS, OUTPUTS, ONE_BY_ONE])
def test_large_channel_counts_use_the_compact_view(tab):
    at = run_page(PAGE, {"ch_ci": "8", "ch_co": "8", "ch_n": "12", "ch_tab": tab})
    assert_clean(at)
    [fig] = figures(at)
    assert fig["layout"]["meta"]["numbers"] is False
    assert len(fig["data"]) <= 9  # one trace per row of blocks, not 64 grids
    assert "Compact view" in all_text(at)
