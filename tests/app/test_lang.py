"""The language: from the link (lang=zh / lang=en), else the session's, else the browser's; the
switch in every page's sidebar; a switch keeps every other setting; the menu follows it; the
notebook tour in Chinese has no English outside code and proper names."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import ROOT, TIMEOUT, assert_clean, run_function, run_page
from ui.nav import PAGES

BUILT = [f for f, *_ in PAGES if (ROOT / "pages" / f).exists()]


def switch(at: AppTest):
    return at.button_group(key="lang_switch")


def open_with_locale(page: str, locale: str | None, query: dict[str, str] | None = None):
    import os

    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    at.context["locale"] = locale
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


@pytest.mark.parametrize("lang, title", [("zh", "ConvScope · 卷积可视化"), ("en", "ConvScope")])
def test_the_links_lang_opens_that_language_and_stays_in_the_link(lang, title):
    at = run_page("pages/tour.py", {"lang": lang})
    assert_clean(at)
    assert at.title[0].value == title
    assert switch(at).value == lang
    assert at.query_params["lang"] == lang
    assert not at.warning


def test_the_switch_writes_the_id_into_the_link_and_back():
    at = run_page("pages/tour.py", {"lang": "en"})
    switch(at).set_value("zh").run()
    assert at.query_params["lang"] == "zh", "the id, never the label 中文"
    assert at.title[0].value == "ConvScope · 卷积可视化"
    switch(at).set_value("en").run()
    assert at.query_params["lang"] == "en" and at.title[0].value == "ConvScope"
    assert switch(at).format_func("zh") == "中文" and switch(at).format_func("en") == "English"


def test_unselecting_the_language_keeps_it():
    at = run_page("pages/tour.py", {"lang": "zh"})
    switch(at).set_value(None).run()
    assert at.query_params["lang"] == "zh" and switch(at).value == "zh"


@pytest.mark.parametrize("bad", ["fr", "中文", "ZH", ""])
def test_a_bad_lang_is_noted_and_the_visit_gets_its_default(bad):
    at = run_page("pages/tour.py", {"lang": bad})
    assert_clean(at)
    [note] = at.warning
    assert f"`lang={bad}` from the link is not a valid value; the page used `en`" in note.value
    assert at.title[0].value == "ConvScope" and at.query_params["lang"] == "en"
    at.button(key="tour_dismiss_url_notes").click().run()
    assert not at.warning


def test_a_bad_lang_on_a_chinese_browser_falls_back_to_chinese_with_a_chinese_note():
    at = open_with_locale("pages/tour.py", "zh-CN", {"lang": "fr"})
    [note] = at.warning
    assert note.value == ("链接中有 1 项设置无法使用：\n\n"
                          "- 链接中的 `lang=fr` 不是有效值，本页改用了 `zh`。")
    assert at.title[0].value == "ConvScope · 卷积可视化"


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh"), ("zh-TW", "zh"), ("en-US", "en"),
                                          ("de-DE", "en"), (None, "en")])
def test_a_first_visit_without_lang_follows_the_browser(locale, lang):
    at = open_with_locale("pages/tour.py", locale)
    assert_clean(at)
    assert switch(at).value == lang and at.query_params["lang"] == lang


def test_the_link_wins_over_the_browser_and_the_session_keeps_its_choice():
    at = open_with_locale("pages/tour.py", "zh-CN", {"lang": "en"})
    assert at.title[0].value == "ConvScope"
    del at.query_params["lang"]  # a page change drops the link's parameters
    at.run()
    assert at.title[0].value == "ConvScope" and at.query_params["lang"] == "en"


def test_the_menu_titles_follow_the_language():
    zh = run_page("app.py", {"lang": "zh"})
    en = run_page("app.py", {"lang": "en"})
    titles = {at: [p["page_name"] for p in at._registered_pages.values()] for at in (zh, en)}
    assert titles[en][:2] == ["Notebook tour", "Sliding window"]
    assert titles[zh][:2] == ["笔记本导览", "滑动窗口"]
    assert len(titles[zh]) == len(titles[en]) == len(BUILT)


@pytest.mark.parametrize("page", BUILT)
def test_every_page_has_the_switch_in_its_sidebar(page):
    at = run_page(f"pages/{page}", {"lang": "zh"})
    assert_clean(at)
    assert [b for b in at.sidebar.get("button_group") if b.key == "lang_switch"]


#: A link with settings off the defaults on the shapes page (checked to differ below).
SHAPES_LINK = {"sh_square": "false", "sh_k_h": "5", "sh_k_w": "3", "sh_p_h": "2", "sh_s_w": "2",
               "sh_layers": "conv:6,5,1,2;pool:max,2"}


def widget_values(at: AppTest, prefix: str) -> dict:
    return {k: at.session_state[k] for k in at.session_state
            if isinstance(k, str) and k.startswith(prefix) and k in SHAPES_LINK}


def test_a_switch_keeps_every_setting_of_the_page():
    at = run_page("pages/shapes.py", SHAPES_LINK)
    assert_clean(at)
    before = widget_values(at, "sh_")
    assert before == widget_values(run_page("pages/shapes.py", SHAPES_LINK), "sh_")
    assert before != widget_values(run_page("pages/shapes.py"), "sh_"), "the link sets them"
    for lang in ("zh", "en", "zh"):
        switch(at).set_value(lang).run()
        assert_clean(at)
        assert widget_values(at, "sh_") == before, lang
    # (AppTest does not write bound widgets back into at.query_params: the link itself is the
    # browser's to check; the values it is made from are the ones compared here.)


def keeps():
    import streamlit as st

    from ui.frame import Frame
    from ui.url import BIND

    page = Frame("zz_", "A page", "Intro.")
    tab = st.segmented_control("tab", ["a", "b", "c"], key="zz_tab", **BIND)
    n = st.slider("n", 1, 9, 2, key="zz_n", **BIND)
    if st.button("compute", key="zz_go"):
        st.session_state["_zz_result"] = n * 10  # a per-session result, as a training run
    st.markdown(f"tab={tab} n={n} result={st.session_state.get('_zz_result')}")
    page.end()


def test_a_switch_keeps_widgets_and_the_sessions_results():
    at = run_function(keeps, {"zz_tab": "c"})
    at.slider(key="zz_n").set_value(7).run()
    at.button(key="zz_go").click().run()
    assert at.markdown[-1].value == "tab=c n=7 result=70"
    switch(at).set_value("zh").run()
    assert_clean(at)
    assert at.markdown[-1].value == "tab=c n=7 result=70"
    assert switch(at).value == "zh"


# --- the tour, read in Chinese ------------------------------------------------------------

#: Proper names that stay as they are in Chinese text (issue 15).
NAMES = {"PyTorch", "d2l", "Sobel", "Adam", "SGD", "Conv2D", "ReLU", "PNG", "JPEG", "MACs",
         "ConvScope"}


def english_words(markdown: str) -> list[str]:
    """Latin words of two letters or more outside code, links' addresses and formulas, other
    than ``NAMES`` (single letters are the math's names: X, K, Y1)."""
    text = re.sub(r"```.*?```|`[^`]*`|\$[^$]*\$", " ", markdown, flags=re.S)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # a link's address is not read
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", text)
    return [w for w in words if len(re.sub(r"[^A-Za-z]", "", w)) >= 2 and w not in NAMES
            and not re.fullmatch(r"\d*e[+-]?\d*", w)]


def read_texts(at: AppTest) -> list[str]:
    """Everything the tour writes as text: title, headers, Markdown, captions, notes, the
    expander's label, buttons and links; code blocks are code and are not read."""
    texts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption",
                                  "warning", "info", "error", "success") for e in at.get(kind)]
    texts += [e.label for e in at.expander]
    texts += [b.label for b in at.button]
    return texts


def legend_caption(text: str) -> bool:
    """viz.colours.legend's caption (its wording lives in viz, not yet translated)."""
    return text.startswith("Colours 颜色:")


def test_the_english_word_finder_finds_english():
    assert english_words("书中对应：[§6.2.1 互相关运算](https://zh.d2l.ai/x.html)") == []
    assert english_words("用 `torch.randn` 初始化，PyTorch 与 d2l；‖Y1 − Y2‖ = 1.2e-07") == []
    assert english_words("Learned kernel: 1 -1") == ["Learned", "kernel"]


def test_the_tour_in_chinese_has_no_english_outside_code_and_names():
    at = run_page("pages/tour.py", {"lang": "zh"})
    assert_clean(at)
    texts = read_texts(at)
    assert len(texts) > 20
    found = {t: english_words(t) for t in texts if not legend_caption(t)}
    assert {t: w for t, w in found.items() if w} == {}
    assert sum(map(legend_caption, texts)) == 3  # left to viz: see the strict xfail below


@pytest.mark.xfail(strict=True, reason="viz.colours.legend is English; viz is not translated "
                                       "yet (issue 15: figures take the language)")
def test_the_tours_colour_legend_is_in_chinese():
    at = run_page("pages/tour.py", {"lang": "zh"})
    assert not [t for t in read_texts(at) if legend_caption(t)]


def test_the_tour_in_english_has_no_chinese_but_the_books_title():
    at = run_page("pages/tour.py", {"lang": "en"})
    texts = [t.replace("《动手学深度学习》", "") for t in read_texts(at) if not legend_caption(t)]
    assert [t for t in texts if re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", t)] == []


def test_the_tour_cites_each_edition_with_its_own_numbers_and_site():
    zh, en = (run_page("pages/tour.py", {"lang": lang}) for lang in ("zh", "en"))
    refs = {lang: [c.value for c in at.caption if c.value.startswith(start)]
            for lang, at, start in (("zh", zh, "书中对应"), ("en", en, "In the book"))}
    assert len(refs["zh"]) == len(refs["en"]) == 5
    assert all("§6." in r and "(https://zh.d2l.ai/" in r for r in refs["zh"])
    assert all("§7." in r and "(https://d2l.ai/" in r for r in refs["en"])
