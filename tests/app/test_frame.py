"""ui.frame: every page's frame reports the link's unusable values on every exit, and a
rejection is shown one way."""

from tests.apptest import run_function


def script():
    import streamlit as st

    from core.errors import NoOutput
    from ui.frame import Frame, reject
    from ui.url import BIND

    page = Frame("zz_", "A page", "What it is about.", share_note="What the link leaves out.")
    n = st.slider("n", 1, 5, 2, key="zz_n", **BIND)
    if n == 5:
        reject(NoOutput(axis="height", n=3, k=5, dilation=1, before=0, after=0),
               lead="Nothing to draw.", hint="Use a smaller kernel.")
        page.stop()
    st.markdown(f"n={n}")
    page.end()
    page.end()  # a second end() adds nothing


def run(**query):
    return run_function(script, query)


def test_the_frame_writes_title_intro_share_link_and_notes_at_the_end():
    at = run(zz_n="9", zz_other="1")
    assert not at.exception
    assert at.title[0].value == "A page" and at.markdown[0].value == "What it is about."
    assert at.markdown[-1].value == "n=2"
    [note] = at.warning
    assert "`zz_n=9`" in note.value and "`zz_other` is not a setting" in note.value
    assert [p for p in at.sidebar.get("popover")], "the share link is in the sidebar"
    assert at.sidebar.caption[-1].value == "What the link leaves out."


def test_an_early_stop_still_reports_the_notes_and_the_share_link():
    at = run(zz_n="5", zz_other="1")
    assert not at.exception
    assert "n=5" not in [m.value for m in at.markdown], "the page stopped"
    [note] = at.warning
    assert "`zz_other` is not a setting" in note.value
    assert [p for p in at.sidebar.get("popover")]


def test_a_rejection_says_what_failed_the_rule_with_its_numbers_and_what_to_change():
    at = run(zz_n="5")
    [error] = at.error
    assert error.value == (
        "**Nothing to draw.** no output along the height: kernel 5 with dilation 1 spans 5 > "
        "padded input 3 (= 3 + 0 + 0); use a smaller kernel or dilation, or more padding."
        "\n\nUse a smaller kernel.")
    assert error.icon == "🚫"


def _share(opened: bool, **query):
    import os

    from streamlit.testing.v1 import AppTest

    from tests.apptest import ROOT

    os.chdir(ROOT)
    at = AppTest.from_function(script, default_timeout=30)
    for k, v in query.items():
        at.query_params[k] = v
    if opened:
        at.session_state["zz_share"] = True  # what the browser sends when it is opened
    return at.run()


def test_a_closed_share_popover_writes_nothing_inside():
    at = _share(False, zz_n="3")
    assert not at.exception
    [popover] = at.sidebar.get("popover")
    assert popover.proto.popover.id, "it tells the page when it opens (on_change='rerun')"
    assert not at.sidebar.get("code")
    assert not [t for t in at.sidebar.get("toggle") if t.key == "zz_share_qr"]
    assert at.sidebar.caption[-1].value == "What the link leaves out."


def test_an_open_share_popover_shows_the_link_in_the_readers_language():
    at = _share(True, zz_n="3", lang="zh")
    assert not at.exception
    [link] = at.sidebar.get("code")
    assert "zz_n=3" in link.value and "lang=zh" in link.value
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "链接" in captions and "Everything you set" not in captions
    assert [t for t in at.sidebar.get("toggle") if t.key == "zz_share_qr"]
