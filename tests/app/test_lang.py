"""The language: from the link (lang=zh / lang=en), else the session's, else the browser's; the
switch in every page's sidebar; a switch keeps every other setting; the menu follows it; the
notebook tour in Chinese has no English outside code and proper names."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import ROOT, TIMEOUT, assert_clean, figures, run_function, run_page
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


def test_one_session_builds_its_menu_once_per_language_and_follows_a_switch():
    at = run_page("app.py", {"lang": "en"})
    built = at.session_state["_menu_en"]
    at.run()
    assert at.session_state["_menu_en"] is built  # not rebuilt on a rerun
    switch(at).set_value("zh").run()
    titles = [p["page_name"] for p in at._registered_pages.values()]
    assert titles[:2] == ["笔记本导览", "滑动窗口"] and len(titles) == len(BUILT)


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


def test_a_shapes_link_made_in_chinese_opens_the_same_tab_and_mode_in_english():
    at = run_page("pages/shapes.py", {"lang": "zh"})
    at.radio(key="sh_pad").set_value("valid").run()
    at.session_state["sh_tab"] = "填充求解"  # the solver tab, as a click sets it
    at.run()
    assert_clean(at)
    assert at.query_params["sh_pad"] == "valid" and at.query_params["sh_tab"] == "Padding solver"
    for lang in ("zh", "en"):
        other = run_page("pages/shapes.py", {**link_of(at, "sh_"), "lang": lang})
        assert_clean(other)
        assert url_notes(other) == []
        assert other.session_state["sh_pad"] == "valid"
        assert other.session_state["_sh_tab_id"] == "Padding solver"


def test_old_shapes_links_open_the_same_tab_and_mode():
    for link, tab in (({"sh_tab": "Layer planner"}, "Layer planner"),
                      ({"sh_pad": "same", "sh_tab": "Calculator"}, "Calculator"),
                      ({"sh_tab": "Padding solver", "sh_sol_m": "4"}, "Padding solver")):
        for lang in ({}, {"lang": "zh"}, {"lang": "en"}):
            at = run_page("pages/shapes.py", {**link, **lang})
            assert_clean(at)
            assert url_notes(at) == [] and at.session_state["_sh_tab_id"] == tab
            assert at.session_state["sh_pad"] == link.get("sh_pad", "numbers")


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


# --- the pages, read in Chinese and in English -------------------------------------------

#: Proper names that stay as they are in Chinese text (issue 15), the kernels named after
#: their authors (Prewitt, Scharr: names, like Sobel) and the 1st edition's frameworks.
NAMES = {"PyTorch", "d2l", "Sobel", "Adam", "SGD", "Conv2D", "ReLU", "PNG", "JPEG", "MACs",
         "ConvScope", "Prewitt", "Scharr", "MXNet", "Gluon", "LeNet"}
#: Chinese characters (Han). Full-width punctuation alone is not Chinese text: the grid's help
#: names "；，、" as separators a typed grid may use.
CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def english_words(markdown: str) -> list[str]:
    """Latin words of two letters or more outside code, links' addresses, formulas, HTML tags
    and Plotly's %{placeholders}, other than ``NAMES`` (single letters are the math's names:
    X, K, Y1)."""
    text = re.sub(r"```.*?```|`[^`]*`|\$[^$]*\$|%\{[^}]*\}|<[^>]*>", " ", markdown, flags=re.S)
    text = re.sub(r"\b[A-Za-z_]\w*=[^\s,，）)]*", " ", text)  # a keyword argument: groups=1
    text = re.sub(r"\b(?:conv|pool):[^\s）)]*", " ", text)  # a layer in the planner's code
    text = re.sub(r"\]\([^)]*\)", "]", text)  # a link's address is not read
    words = re.findall(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?:\([^)]*\))?",
                       text)
    return [w for w in words if len(re.sub(r"[^A-Za-z]", "", w)) >= 2
            and w not in NAMES | IDENTIFIERS
            and not re.fullmatch(r"\d*e[+-]?\d*", w) and not CODE.fullmatch(w)]


#: Code names that a text may write outside backticks: a call such as flip(K) or corr2d(X, K),
#: an index such as Y[0, 0] is not a word; nor are the shape formula's H_out, p_h.
CODE = re.compile(r"[A-Za-z_][\w.]*\([^)]*\)|[A-Za-z]_[a-z]+")
#: The math's own names of two letters (channels ci and co, kernel sides kh and kw, the
#: gradients Gx and Gy, the learning rate lr): identifiers, like X and K.
IDENTIFIERS = {"ci", "co", "kh", "kw", "Gx", "Gy", "lr"}


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


WIDGETS = ("selectbox", "radio", "button_group", "slider", "select_slider", "toggle", "checkbox",
           "number_input", "text_input", "text_area", "multiselect", "button", "download_button",
           "file_uploader", "color_picker", "date_input", "time_input", "chat_input")


def widget_texts(at: AppTest) -> list[str]:
    """Every widget's label, help and option labels (as shown: format_func applied), but the
    language switch's (中文 | English in either language)."""
    texts = []
    for node in _walk(at._tree):
        if getattr(node, "type", None) not in WIDGETS or getattr(node, "key", "") == "lang_switch":
            continue
        texts += [str(getattr(node, a, "") or "") for a in ("label", "help", "placeholder")]
        texts += [str(o) for o in getattr(node, "options", None) or []]
    return [t for t in texts if t]


def figure_texts(fig: dict) -> list[str]:
    """What a figure writes: its title, axis and colour-bar titles, annotations, buttons and
    slider labels, trace names, text and hover templates, in the figure and in its frames."""
    layout = fig.get("layout", {})
    texts = []

    def title(node) -> None:
        t = (node or {}).get("title")
        texts.append(t.get("text", "") if isinstance(t, dict) else t or "")

    title(layout)
    for k, v in layout.items():
        if re.fullmatch(r"[xy]axis\d*", k):
            title(v)
    texts += [a.get("text", "") for a in layout.get("annotations", [])]
    texts += [b.get("label", "") for m in layout.get("updatemenus", []) for b in m["buttons"]]
    texts += [s.get("label", "") for sl in layout.get("sliders", []) for s in sl["steps"]]
    traces = fig.get("data", []) + [t for f in fig.get("frames", []) for t in f.get("data", [])]
    for tr in traces:
        title(tr.get("colorbar"))
        for key in ("name", "hovertemplate", "texttemplate", "text", "hovertext"):
            value = tr.get(key)
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, list):
                texts += [v for row in value for v in (row if isinstance(row, list) else [row])
                          if isinstance(v, str)]
    return [t for t in texts if t]


def read_texts(at: AppTest) -> list[str]:
    """Everything a page writes as text: title, headers, Markdown, captions, notes, expander
    and tab labels, widgets (labels, help, options) and figures; code blocks are code and are
    not read."""
    texts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption",
                                  "warning", "info", "error", "success") for e in at.get(kind)]
    texts += [e.label for e in at.expander] + [e.label for e in at.tabs]
    texts += widget_texts(at)
    for table in at.table:  # headers and cells
        frame = table.value
        texts += [str(c) for c in frame.columns] + [str(v) for v in frame.to_numpy().ravel()]
    texts += [str(m.label) for m in at.metric]
    texts += [t for fig in figures(at) for t in figure_texts(fig)]
    return texts


def english_in(at: AppTest) -> dict[str, list[str]]:
    """The texts of a page in Chinese that hold English words, with those words."""
    found = {t: english_words(t) for t in read_texts(at)}
    return {t: w for t, w in found.items() if w}


def chinese_in(at: AppTest) -> list[str]:
    """The texts of a page in English that hold Chinese, but the book's title."""
    return [t for t in read_texts(at) if CHINESE.search(t.replace("《动手学深度学习》", ""))]


def test_the_english_word_finder_finds_english():
    assert english_words("书中对应：[§6.2.1 互相关运算](https://zh.d2l.ai/x.html)") == []
    assert english_words("用 `torch.randn` 初始化，PyTorch 与 d2l；‖Y1 − Y2‖ = 1.2e-07") == []
    assert english_words("Learned kernel: 1 -1") == ["Learned", "kernel"]
    assert english_words("第 %{y} 行：%{z:.4g}<extra></extra>；flip(K)、H_out") == []
    assert english_words("<b>Y[0, 0]</b> = step 1") == ["step"]
    assert english_words("Y = torch.mm(K, X)：ci × kh，Gx") == []
    assert english_words("torch.nn.functional") == ["torch.nn.functional"]
    assert english_words("标准卷积（groups=1）、（groups=ci=2）") == []
    assert english_words("第 3 层（conv:16,99,1,0）：高度方向没有输出") == []


def test_the_figure_reader_reads_titles_buttons_and_hover():
    fig = {"data": [{"hovertemplate": "row %{y}", "text": [["1", "two"]]}],
           "layout": {"title": {"text": "T"}, "xaxis2": {"title": {"text": "axis"}},
                      "annotations": [{"text": "note"}],
                      "updatemenus": [{"buttons": [{"label": "▶ Play"}]}]},
           "frames": [{"data": [{"text": "Step 1"}]}]}
    assert sorted(figure_texts(fig)) == sorted(["T", "axis", "note", "▶ Play", "row %{y}", "1",
                                                "two", "Step 1"])


def test_the_tour_in_chinese_has_no_english_outside_code_and_names():
    at = run_page("pages/tour.py", {"lang": "zh"})
    assert_clean(at)
    assert len(read_texts(at)) > 20
    assert english_in(at) == {}


def test_the_tour_in_english_has_no_chinese_but_the_books_title():
    at = run_page("pages/tour.py", {"lang": "en"})
    assert chinese_in(at) == []


def test_the_tour_cites_each_edition_with_its_own_numbers_and_site():
    zh, en = (run_page("pages/tour.py", {"lang": lang}) for lang in ("zh", "en"))
    refs = {lang: [c.value for c in at.caption if c.value.startswith(start)]
            for lang, at, start in (("zh", zh, "书中对应"), ("en", en, "In the book"))}
    assert len(refs["zh"]) == len(refs["en"]) == 5
    assert all("§6." in r and "(https://zh.d2l.ai/" in r for r in refs["zh"])
    assert all("§7." in r and "(https://d2l.ai/" in r for r in refs["en"])


#: Views of the translated pages, each opened in both languages: the default view and views
#: that show the page's other texts (notes, conditional widgets, alerts, a rejection).
VIEWS = {
    "sliding_window.py": [
        {},
        {"sw_x": "random integers", "sw_k": "preset", "sw_kpreset": "Laplacian",
         "sw_flip": "true", "sw_mode": "reflect", "sw_pad_h": "1", "sw_stride_w": "2"},
        {"sw_x": "seed stripes 6×8", "sw_stride_h": "3", "sw_dil_w": "2", "sw_k": "typed"},
        {"sw_x": "typed", "sw_xgrid": "1 2; 3"},  # a rejected grid
        {"sw_k": "preset", "sw_kpreset": "Outline", "sw_x": "random integers",
         "sw_rows": "2"},  # no output
        {"sw_x": "random integers", "sw_rows": "1", "sw_k": "edge [1, -1]"},  # Y has one row
        {"sw_zzz": "1", "sw_pad_h": "99"},  # the link's notes
    ],
    "edges.py": [
        {},
        {"ed_img": "Seed stripes transposed Xᵀ 8×6", "ed_kernel": "d2l edge transposed"},
        {"ed_img": "Shapes 64×64", "ed_kernel": "Sobel x", "ed_sobel": "true", "ed_pad": "1",
         "ed_mode": "reflect"},
        {"ed_img": "Your upload"},  # no upload in this session: a note
        {"ed_kernel": "Custom kernel", "ed_custom": "1 2; 3"},  # a rejected kernel
        {"ed_kernel": "Custom kernel", "ed_custom": "; ".join(["1 1 1 1 1 1 1"] * 7)},  # no Y
        {"ed_img": "Diagonal edge 8×8", "ed_kernel": "Laplacian", "ed_stride": "2"},
    ],
    "channels.py": [
        {},
        {"ch_tab": "Many outputs"},
        {"ch_tab": "1×1 convolution", "ch_values": "uniform"},
        {"ch_tab": "Cost", "ch_ci": "4", "ch_co": "4", "ch_groups": "2"},
        {"ch_tab": "Cost", "ch_ci": "3", "ch_co": "2"},  # no depthwise layer
        {"ch_kci": "3"},  # a mismatch
        {"ch_ci": "8", "ch_co": "8", "ch_n": "12", "ch_values": "integers"},  # compact
        {"ch_k": "3", "ch_n": "2"},  # no output
    ],
    "pooling.py": [
        {},
        {"pl_mode": "avg", "pl_x": "book 4×4", "pl_p_h": "1", "pl_ceil": "true",
         "pl_cip": "false"},
        {"pl_x": "two channels", "pl_k_h": "3", "pl_k_w": "3", "pl_sdef": "true"},
        {"pl_x": "random integers", "pl_rows": "16", "pl_cols": "16", "pl_k_h": "8"},
        {"pl_x": "typed", "pl_xgrid": "1 2; 3"},  # a rejected grid
        {"pl_p_h": "2"},  # padding over half the window
        {"pl_k_h": "5"},  # no output
        {"pl_zzz": "1", "pl_k_h": "99"},  # the link's notes
    ],
    "learn.py": [
        {},
        {"lk_lr": "0.03"},  # the notebook's set-up diverges: advice and fixes
        {"lk_target": "Sobel x", "lk_input": "Shapes 64×64", "lk_opt": "momentum",
         "lk_loss": "mean", "lk_lr": "0.2", "lk_steps": "150", "lk_noise": "0.1"},
        {"lk_same": "false", "lk_kh": "1", "lk_kw": "1", "lk_init": "conv2d",
         "lk_bias": "false", "lk_log": "false"},  # smaller than K: no exact fit
        {"lk_same": "false", "lk_kh": "3", "lk_kw": "3", "lk_opt": "adam"},  # larger than K
        {"lk_target": "Typed…", "lk_K": "1 2; 3"},  # a rejected kernel
    ],
    "shapes.py": [
        {},
        {"sh_square": "false", "sh_k_h": "5", "sh_k_w": "3", "sh_p_h": "2", "sh_s_w": "3",
         "sh_d_h": "2", "sh_in_h": "9"},  # unread columns, dilation
        {"sh_pad": "same", "sh_k_h": "4", "sh_square": "false"},
        {"sh_pad": "same", "sh_s_h": "2"},  # same with a stride: rejected
        {"sh_k_h": "9", "sh_p_h": "0", "sh_in_h": "4"},  # no output
        {"sh_in_h": "4000"},  # checked on the meta device
        {"sh_tab": "Layer planner"},
        {"sh_tab": "Layer planner", "sh_layers": "conv:6,5,1,2;pool:max,2;conv:16,99"},  # error
        {"sh_tab": "Layer planner", "sh_net_h": "1024", "sh_net_w": "1024",
         "sh_layers": "conv:512,3,1,1"},  # too big to run
        {"sh_tab": "Layer planner",
         "sh_layers": "nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), "
                      "nn.MaxPool2d(2))"},  # pasted PyTorch
        {"sh_tab": "Padding solver"},
        {"sh_tab": "Padding solver", "sh_sol_n": "8", "sh_sol_m": "20"},  # no solution
        {"sh_tab": "Padding solver", "sh_sol_n": "30", "sh_sol_m": "3"},
        {"sh_tab": "Layer planner", "sh_layers": "conv:6,5;conv:4,banana"},  # parse errors
        {"sh_tab": "Layer planner", "sh_layers": "pool:max,2,2,same"},
        {"sh_tab": "Layer planner", "sh_layers": "conv:0"},
        {"sh_tab": "Layer planner", "sh_layers": "conv:8,3,1,1,1,3"},  # groups
        {"sh_tab": "Layer planner", "sh_layers": "dense:10"},
    ],
}
TRANSLATED = [(page, n) for page, views in VIEWS.items() for n in range(len(views))]


@pytest.mark.parametrize("page, view", TRANSLATED)
def test_a_page_in_chinese_has_no_english_outside_code_and_names(page, view):
    at = run_page(f"pages/{page}", {**VIEWS[page][view], "lang": "zh"})
    assert_clean(at)
    assert len(read_texts(at)) > 10
    assert english_in(at) == {}


@pytest.mark.parametrize("page, view", TRANSLATED)
def test_a_page_in_english_has_no_chinese_but_the_books_title(page, view):
    at = run_page(f"pages/{page}", {**VIEWS[page][view], "lang": "en"})
    assert_clean(at)
    assert chinese_in(at) == []


def test_the_tours_colour_legend_is_in_chinese():
    at = run_page("pages/tour.py", {"lang": "zh"})
    legends = [c.value for c in at.caption if c.value.startswith("颜色：")]
    assert len(legends) == 3 and all("白色为 0" in c for c in legends)


# --- links are language-neutral ---------------------------------------------------------------

def page_state(at: AppTest, prefix: str) -> dict:
    """The page's settings: every widget value whose key starts with ``prefix`` (plain values:
    not a result the page keeps, such as the learning page's run)."""
    plain = (str, int, float, bool, type(None), tuple, list)
    return {k: at.session_state[k] for k in at.session_state
            if isinstance(k, str) and k.startswith(prefix) and not k.endswith("share")
            and isinstance(at.session_state[k], plain)}


def url_notes(at: AppTest) -> list[str]:
    """The notes on the link's values (the page's own warnings are not about the link)."""
    return [w.value for w in at.warning if "could not be used" in w.value or "无法使用" in w.value]


def link_of(at: AppTest, prefix: str) -> dict[str, str]:
    """The link the page's share button would give: the choices' ids as the page wrote them
    into the link, and the bound widgets' values (AppTest does not write those back)."""
    import json

    from tests.app.test_url_params import bound

    link = {k: v for k, v in at.query_params.items() if k.startswith(prefix)}
    for key in bound(at):
        value = at.session_state[key]
        if key not in link and not isinstance(value, (tuple, list)):  # a range: its default
            link[key] = json.dumps(value) if isinstance(value, bool) else str(value)
    return link


def heatmaps(at: AppTest) -> list:
    """The numbers of every heatmap on the page (not its words)."""
    from tests.apptest import decode

    return [repr(decode(t["z"]).tolist() if isinstance(t.get("z"), dict) else t.get("z"))
            for fig in figures(at) for t in fig["data"] if t["type"] == "heatmap"]  # nan == nan


def test_a_sliding_window_link_made_in_chinese_carries_ids_and_opens_the_same_view_in_english():
    at = run_page("pages/sliding_window.py", {"lang": "zh"})
    at.selectbox(key="sw_x").select("random integers").run()
    at.selectbox(key="sw_k").select("preset").run()
    at.selectbox(key="sw_kpreset").select("Laplacian").run()
    at.selectbox(key="sw_mode").select("reflect").run()
    at.slider(key="sw_pad_h").set_value(1).run()
    assert_clean(at)
    assert at.selectbox(key="sw_k").options[2] == "预设卷积核", "the labels are Chinese"
    assert {k: at.query_params[k] for k in ("sw_x", "sw_k", "sw_kpreset", "sw_mode")} == {
        "sw_x": "random integers", "sw_k": "preset", "sw_kpreset": "Laplacian",
        "sw_mode": "reflect"}, "the link carries the ids, never the labels"
    link = link_of(at, "sw_")
    zh, en = (run_page("pages/sliding_window.py", {**link, "lang": lang}) for lang in ("zh", "en"))
    for other in (zh, en):
        assert_clean(other)
        assert not other.warning, [w.value for w in other.warning]
        assert page_state(other, "sw_") == page_state(at, "sw_")
        assert heatmaps(other) == heatmaps(at)


#: Links made before the pages were translated (the e2e tests' and README's), with the state
#: they open.
OLD_LINKS = [
    ("sliding_window.py",
     {"sw_x": "random integers", "sw_rows": "16", "sw_cols": "16", "sw_k": "preset",
      "sw_kpreset": "Sobel x", "sw_pad_h": "1", "sw_pad_w": "1"},
     {"sw_x": "random integers", "sw_k": "preset", "sw_kpreset": "Sobel x", "sw_rows": 16}),
    ("sliding_window.py", {"sw_flip": "true", "sw_k": "preset", "sw_kpreset": "Gaussian"},
     {"sw_flip": True, "sw_kpreset": "Gaussian"}),
    ("sliding_window.py",
     {"sw_x": "seed stripes 6×8", "sw_k": "edge [1, -1]", "sw_mode": "circular", "sw_pad_w": "2"},
     {"sw_x": "seed stripes 6×8", "sw_k": "edge [1, -1]", "sw_mode": "circular"}),
    ("sliding_window.py",
     {"sw_x": "typed", "sw_xgrid": "1 2 3 4; 5 6 7 8", "sw_k": "typed", "sw_kgrid": "1 0; 0 -1"},
     {"sw_x": "typed", "sw_k": "typed", "sw_xgrid": "1 2 3 4; 5 6 7 8"}),
    ("edges.py", {"ed_img": "Diagonal edge 8×8", "ed_kernel": "Gaussian", "ed_sobel": "true"},
     {"ed_img": "Diagonal edge 8×8", "ed_kernel": "Gaussian", "ed_sobel": True}),
    ("edges.py", {"ed_kernel": "Box blur", "ed_img": "Seed stripes transposed Xᵀ 8×6"},
     {"ed_kernel": "Box blur", "ed_img": "Seed stripes transposed Xᵀ 8×6"}),
    ("edges.py", {"ed_img": "Circles 64×64", "ed_kernel": "Custom kernel",
                  "ed_custom": "1 0 -1; 2 0 -2; 1 0 -1", "ed_mode": "replicate", "ed_pad": "1"},
     {"ed_img": "Circles 64×64", "ed_kernel": "Custom kernel", "ed_mode": "replicate"}),
    ("channels.py", {"ch_tab": "Cost", "ch_ci": "4", "ch_groups": "2"},
     {"ch_tab": "Cost", "ch_groups": 2}),
    ("channels.py", {"ch_tab": "1×1 convolution", "ch_values": "uniform", "ch_seed": "5"},
     {"ch_tab": "1×1 convolution", "ch_values": "uniform"}),
    ("channels.py", {"ch_kci": "3", "ch_tab": "Many outputs"},
     {"ch_kci": "3", "ch_tab": "Many outputs"}),
    ("channels.py", {"ch_kci": "same as X", "ch_values": "integers"},
     {"ch_kci": "same as X", "ch_values": "integers"}),
    ("learn.py", {"lk_target": "Sobel x", "lk_input": "Shapes 64×64", "lk_opt": "momentum",
                  "lk_loss": "mean", "lk_lr": "0.2", "lk_steps": "30"},
     {"lk_target": "Sobel x", "lk_input": "Shapes 64×64", "lk_opt": "momentum",
      "lk_loss": "mean"}),
    ("learn.py", {"lk_init": "conv2d", "lk_bias": "false", "lk_lr": "0.03", "lk_steps": "10"},
     {"lk_init": "conv2d", "lk_bias": False, "lk_opt": "sgd"}),
    ("learn.py", {"lk_target": "Typed…", "lk_K": "1 0; 0 -1", "lk_opt": "adam"},
     {"lk_target": "Typed…", "lk_opt": "adam"}),
]


def opened(at: AppTest, key: str):
    """What the page holds for ``key``: the open tab's id for a tab set, else its value."""
    return at.session_state[f"_{key}_id"] if key == "ch_tab" else at.session_state[key]


@pytest.mark.parametrize("page, link, want", OLD_LINKS)
def test_old_links_open_the_same_view_in_both_languages(page, link, want):
    views = [run_page(f"pages/{page}", {**link, **lang})
             for lang in ({}, {"lang": "zh"}, {"lang": "en"})]
    prefix = next(iter(link)).split("_")[0] + "_"
    for at in views:
        assert_clean(at)
        assert url_notes(at) == []
        assert {k: opened(at, k) for k in want} == want
        same = {k: v for k, v in page_state(at, prefix).items() if k != "ch_tab"}
        assert same == {k: v for k, v in page_state(views[0], prefix).items() if k != "ch_tab"}
        assert heatmaps(at) == heatmaps(views[0])


def test_an_edges_link_made_in_chinese_carries_ids_and_opens_the_same_view_in_english():
    at = run_page("pages/edges.py", {"lang": "zh"})
    at.selectbox(key="ed_img").select("Checkerboard 64×64").run()
    at.selectbox(key="ed_kernel").select("Sobel y").run()
    at.selectbox(key="ed_mode").select("circular").run()
    assert_clean(at)
    assert "棋盘格 64×64" in at.selectbox(key="ed_img").options
    assert {k: at.query_params[k] for k in ("ed_img", "ed_kernel", "ed_mode")} == {
        "ed_img": "Checkerboard 64×64", "ed_kernel": "Sobel y", "ed_mode": "circular"}
    link = link_of(at, "ed_")
    for lang in ("zh", "en"):
        other = run_page("pages/edges.py", {**link, "lang": lang})
        assert_clean(other)
        assert not other.warning, [w.value for w in other.warning]
        assert page_state(other, "ed_") == page_state(at, "ed_")
        assert heatmaps(other) == heatmaps(at)


def test_a_channels_link_made_in_chinese_opens_the_same_tab_in_english():
    at = run_page("pages/channels.py", {"lang": "zh"})
    at.session_state["ch_tab"] = "参数量与计算量"  # the Cost tab, as a click sets it
    at.run()
    at.selectbox(key="ch_values").select("integers").run()
    assert_clean(at)
    assert at.query_params["ch_tab"] == "Cost" and at.query_params["ch_values"] == "integers"
    link = link_of(at, "ch_")
    for lang in ("zh", "en"):
        other = run_page("pages/channels.py", {**link, "lang": lang})
        assert_clean(other)
        assert not other.warning, [w.value for w in other.warning]
        assert opened(other, "ch_tab") == "Cost" and other.metric
        assert [m.value for m in other.metric] == [m.value for m in at.metric]


def test_a_switch_keeps_the_open_tab_and_the_channels_settings():
    at = run_page("pages/channels.py", {"ch_tab": "1×1 convolution", "ch_values": "uniform",
                                        "ch_ci": "3"})
    before = {k: v for k, v in page_state(at, "ch_").items() if k != "ch_tab"}
    for lang, label in (("zh", "1×1 卷积"), ("en", "1×1 convolution"), ("zh", "1×1 卷积")):
        switch(at).set_value(lang).run()
        assert_clean(at)
        assert at.session_state["ch_tab"] == label and opened(at, "ch_tab") == "1×1 convolution"
        assert {k: v for k, v in page_state(at, "ch_").items() if k != "ch_tab"} == before
        assert at.success  # the 1×1 check, drawn in the open tab


def test_a_choice_left_at_its_first_option_stays_out_of_the_link_and_an_undrawn_one_leaves_it():
    at = run_page("pages/sliding_window.py", {"lang": "zh", "sw_k": "preset",
                                              "sw_kpreset": "Emboss"})
    assert at.query_params["sw_kpreset"] == "Emboss"
    at.selectbox(key="sw_k").select("typed").run()  # the preset box is gone
    assert_clean(at)
    assert "sw_kpreset" not in at.query_params and at.query_params["sw_k"] == "typed"
    at.selectbox(key="sw_k").select("d2l 2×2").run()  # the first option: the default
    assert "sw_k" not in at.query_params
    assert not at.warning


def test_a_switch_keeps_the_sliding_windows_settings():
    link = {"sw_x": "random integers", "sw_seed": "7", "sw_k": "preset", "sw_kpreset": "Sharpen",
            "sw_flip": "true", "sw_stride_w": "2", "sw_mode": "replicate", "sw_pad_w": "1"}
    at = run_page("pages/sliding_window.py", link)
    at.slider(key="sw_c").set_value(1).run()
    before, numbers = page_state(at, "sw_"), heatmaps(at)
    for lang in ("zh", "en", "zh"):
        switch(at).set_value(lang).run()
        assert_clean(at)
        assert page_state(at, "sw_") == before, lang
        assert heatmaps(at) == numbers
    assert "输入 X" in [h.value for h in at.header]


def test_a_learning_link_made_in_chinese_carries_ids_and_a_switch_keeps_the_run():
    at = run_page("pages/learn.py", {"lang": "zh"})
    at.radio(key="lk_opt").set_value("momentum").run()
    at.radio(key="lk_loss").set_value("mean").run()
    at.selectbox(key="lk_input").select("Circles 64×64").run()
    assert_clean(at)
    assert at.radio(key="lk_opt").options[1] == "动量"
    assert {k: at.query_params[k] for k in ("lk_opt", "lk_loss", "lk_input")} == {
        "lk_opt": "momentum", "lk_loss": "mean", "lk_input": "Circles 64×64"}
    losses, state = list(at.session_state["lk_run"].losses), page_state(at, "lk_")
    for lang in ("en", "zh"):
        switch(at).set_value(lang).run()
        assert_clean(at)
        assert page_state(at, "lk_") == state and list(at.session_state["lk_run"].losses) == losses
    en = run_page("pages/learn.py", {**link_of(at, "lk_"), "lang": "en"})
    assert url_notes(en) == []
    assert list(en.session_state["lk_run"].losses) == losses


def test_a_switch_keeps_an_uploaded_picture():
    from tests.data import pictures

    at = run_page("pages/edges.py", {"lang": "en"})
    at.file_uploader(key="ed_upload").upload("photo.png", pictures.photo_like(600, 800),
                                             "image/png")
    at.run()
    before = figures(at)
    assert at.selectbox(key="ed_img").value == "Your upload"
    switch(at).set_value("zh").run()
    assert_clean(at)
    assert at.selectbox(key="ed_img").value == "Your upload"  # the id; shown in Chinese
    after = figures(at)
    assert [f["data"][0]["z"] if "z" in f["data"][0] else f["data"][0]["source"]
            for f in after] == [f["data"][0]["z"] if "z" in f["data"][0] else
                                f["data"][0]["source"] for f in before]
    assert "384×512" in " ".join(c.value for c in at.caption)
