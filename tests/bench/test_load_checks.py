"""bench.load's own checks, on made-up runs: a broken leak or error check cannot let the real
load test (tests/bench/test_load_smoke.py, `make load`) pass silently."""

import re

from bench.load import Tally, check_run
from bench.streamlit_client import Run, Session


def _session(query: list[tuple[str, str]], mine: dict[str, list[str]]) -> Session:
    s = Session("http://127.0.0.1:1")
    s.query, s.mine = query, mine
    return s


def test_leak_check_flags_another_sessions_marker_and_values():
    s = _session([("lt_session", "s01"), ("ch_seed", "2")], {"ch_seed": ["2"]})
    link = "http://127.0.0.1:1/channels?lt_session=s01&ch_seed=2"
    clean, tally = Run(0.1, "ok", texts=[link]), Tally()
    check_run(s, 1, "channels", "change", clean, tally)
    assert tally.leaks == [] and tally.link_checks == 1

    foreign = Run(0.1, "ok", texts=[link, "seen: lt_session=s02"])
    wrong_value = Run(0.1, "ok", texts=["http://127.0.0.1:1/channels?lt_session=s01&ch_seed=3"])
    wrong_marker = Run(0.1, "ok", texts=["http://127.0.0.1:1/channels?lt_session=s02&ch_seed=2"])
    for run in (foreign, wrong_value, wrong_marker):
        tally = Tally()
        check_run(s, 1, "channels", "change", run, tally)
        assert len(tally.leaks) >= 1, run.texts


def test_failed_runs_count_as_errors():
    tally = Tally()
    check_run(_session([], {}), 1, "learn", "visit", Run(60.0, "timeout"), tally)
    check_run(_session([], {}), 1, "learn", "visit",
              Run(0.2, "ok", exceptions=["ValueError: boom"]), tally)
    assert len(tally.errors) == 2


def test_the_buttons_the_load_presses_are_the_learning_pages_training_buttons():
    """TRAIN_BUTTONS named a button the page no longer had (lk_again): read them off the page,
    on its default view and after a divergence (which adds the fixes)."""
    from bench.load import TRAIN_BUTTONS
    from tests.apptest import assert_clean, run_page

    at = run_page("pages/learn.py")
    keys = {b.key for b in at.button}
    at.button(key="lk_setup_diverge").click().run()
    assert_clean(at)
    keys |= {b.key for b in at.button}
    others = {k for k in keys if k.endswith("_dismiss_url_notes")}  # not training
    assert {k for k in keys if TRAIN_BUTTONS.match(k)} == keys - others
    # every alternative of the pattern is a button the page has
    for alternative in TRAIN_BUTTONS.pattern.removeprefix("^lk_(").removesuffix(")$").split("|"):
        assert any(re.fullmatch(f"lk_{alternative}", k) for k in keys), alternative
