"""ui.url.UrlCheck on a small script: valid values, Dismiss, old names, and which values count
as coming from the link. That every page's parameters get a note for a bad value is
tests/app/test_url_params.py."""

from streamlit.testing.v1 import AppTest

from tests.apptest import ROOT


def script():
    import streamlit as st

    from ui.url import UrlCheck

    check = UrlCheck("zz_")
    n = st.slider("n", 1, 5, 2, key="zz_n", bind="query-params")
    pad = st.number_input("pad", 0, 5, 1, key="zz_pad", bind="query-params")
    mode = st.selectbox("mode", ["zeros", "reflect"], key="zz_mode", bind="query-params")
    check.report()
    st.markdown(f"n={n} pad={pad} mode={mode}")


def run(page=script, **query) -> AppTest:
    """Run the script ``page`` (a function) once, opened with ``query`` as its link."""
    import os

    os.chdir(ROOT)
    at = AppTest.from_function(page, default_timeout=30)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def test_valid_values_are_used_without_a_note():
    at = run(zz_n="4", zz_pad="3", zz_mode="reflect")
    assert not at.exception
    assert at.markdown[-1].value == "n=4 pad=3 mode=reflect"
    assert not at.warning


def test_dismiss_hides_the_note():
    at = run(zz_n="abc")
    assert at.warning
    at.button(key="zz_dismiss_url_notes").click().run()
    assert not at.warning


def alias_script():
    import streamlit as st

    from ui.url import UrlCheck

    check = UrlCheck("zz_")
    n = st.slider("n", 1, 5, 2, key="zz_n", bind="query-params")
    check.report()
    st.markdown(f"n={n}")


def test_an_old_parameter_name_still_opens_the_view(monkeypatch):
    from ui import url

    # as if zz_n had been called zz_count in old links; undone after the test (the table is
    # the app's, shared by every test in the session)
    monkeypatch.setitem(url.ALIASES, "zz_count", "zz_n")
    at = run(alias_script, zz_count="4")
    assert not at.exception, [e.value for e in at.exception]
    assert at.markdown[-1].value == "n=4"
    assert not at.warning


# --- A note belongs to the link as opened, never to what the page or the visitor did since.
# AppTest, like the browser, sends each rerun with the URL the previous run left; a value
# a callback or a clamp sets afterwards is not written back there.


def changing_script():
    import streamlit as st

    from ui.url import UrlCheck

    def bump() -> None:  # as the pages' preset buttons do
        st.session_state["zz_n"] = 5

    check = UrlCheck("zz_")
    st.button("five", key="zz_five", on_click=bump)
    limit = st.session_state.get("zz_limit_value", 5)
    if st.session_state.get("zz_n", 1) > limit:  # the page clamps, as sliding_window does
        st.session_state["zz_n"] = limit
    n = st.slider("n", 1, limit, 2, key="zz_n", bind="query-params")
    st.number_input("limit", 1, 5, 5, key="zz_limit", bind="query-params")
    check.report()
    st.markdown(f"n={n}")


def changing(**query) -> AppTest:
    return run(changing_script, **query)


def test_a_setting_changed_by_the_page_after_the_link_gets_no_note():
    at = changing(zz_n="4")
    assert at.markdown[-1].value == "n=4" and not at.warning
    assert at.query_params.get("zz_n") == "4"  # the URL still says 4 on the next run
    at.button(key="zz_five").click().run()
    assert at.markdown[-1].value == "n=5"
    assert not at.warning, at.warning[0].value
    at.run()  # and on any later run
    assert not at.warning


def test_a_value_clamped_by_the_page_gets_no_note():
    at = changing(zz_n="4")
    at.session_state["zz_limit_value"] = 2  # the next run's range no longer holds 4
    at.run()
    assert at.markdown[-1].value == "n=2"
    assert not at.warning, at.warning[0].value


def test_a_bad_link_value_keeps_its_note_over_later_changes_until_dismissed():
    at = changing(zz_n="abc")
    assert "`zz_n=abc` from the link" in at.warning[0].value
    at.button(key="zz_five").click().run()
    assert len(at.warning) == 1 and "`zz_n=abc` from the link" in at.warning[0].value
    assert "zz_n=5" not in at.warning[0].value and "used `5`" not in at.warning[0].value
    at.button(key="zz_dismiss_url_notes").click().run()
    assert not at.warning
    at.button(key="zz_five").click().run()
    assert not at.warning


def test_a_dismissed_unknown_parameter_stays_dismissed():
    at = changing(zz_typo="1")
    assert "`zz_typo` is not a setting of this page" in at.warning[0].value
    at.button(key="zz_dismiss_url_notes").click().run()
    assert not at.warning
    assert at.query_params.get("zz_typo") == "1"  # still in the URL: Streamlit keeps it
    at.button(key="zz_five").click().run()
    assert not at.warning, at.warning[0].value


def test_the_note_stands_where_the_check_was_made_not_where_report_runs():
    # Pages make the check under their intro and report after the last widget, which may be
    # at the very bottom (shapes): the note belongs at the top, where the visitor looks.
    def script():
        import streamlit as st

        from ui.url import UrlCheck

        st.title("Title")
        check = UrlCheck("zz_")
        st.markdown("between")
        st.slider("n", 1, 5, 2, key="zz_n", bind="query-params")
        check.report()

    at = run(script, zz_n="abc")
    shown = [(type(n).__name__, str(getattr(n, "value", ""))) for n in _walk(at.main)]
    kinds = [k for k, _ in shown]
    assert kinds.index("Title") < kinds.index("Warning") < shown.index(("Markdown", "between"))


def _walk(node):
    """Every element under ``node``, in page order."""
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)
