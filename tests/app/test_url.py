"""ui.url.UrlCheck: bad link values fall back to the widget's default with a visible note."""

import pytest
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


def run(**query):
    import os

    os.chdir(ROOT)
    at = AppTest.from_function(script, default_timeout=30)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def test_valid_values_are_used_without_a_note():
    at = run(zz_n="4", zz_pad="3", zz_mode="reflect")
    assert not at.exception
    assert at.markdown[-1].value == "n=4 pad=3 mode=reflect"
    assert not at.warning


@pytest.mark.parametrize("key, value, default", [
    ("zz_n", "abc", "n=2"), ("zz_n", "99", "n=2"), ("zz_mode", "mirror", "mode=zeros"),
    ("zz_pad", "inf", "pad=1"), ("zz_pad", "-inf", "pad=1"), ("zz_pad", "nan", "pad=1"),
    ("zz_pad", "1e309", "pad=1"), ("zz_pad", "-3", "pad=1"),
])
def test_a_bad_value_falls_back_to_the_default_with_a_note(key, value, default):
    at = run(**{key: value})
    assert not at.exception, [e.value for e in at.exception]
    assert default in at.markdown[-1].value
    assert f"`{key}={value}` from the link is not a valid value" in at.warning[0].value


def test_unknown_page_parameters_are_named_and_others_ignored():
    at = run(zz_typo="1", utm_source="mail")
    assert not at.exception
    note = at.warning[0].value
    assert "`zz_typo` is not a setting of this page" in note
    assert "utm_source" not in note


def test_dismiss_hides_the_note():
    at = run(zz_n="abc")
    assert at.warning
    at.button(key="zz_dismiss_url_notes").click().run()
    assert not at.warning


def alias_script():
    import streamlit as st

    from ui import url

    url.ALIASES["zz_count"] = "zz_n"  # as if zz_n had been called zz_count in old links
    check = url.UrlCheck("zz_")
    n = st.slider("n", 1, 5, 2, key="zz_n", bind="query-params")
    check.report()
    st.markdown(f"n={n}")


def test_an_old_parameter_name_still_opens_the_view():
    import os

    os.chdir(ROOT)
    at = AppTest.from_function(alias_script, default_timeout=30)
    at.query_params["zz_count"] = "4"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.markdown[-1].value == "n=4"
    assert not at.warning
