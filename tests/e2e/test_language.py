"""中文 and English as a reader sees them in chromium: the first visit follows the browser's
language, the switch keeps every setting, and every page's visible text (figures included,
code blocks and formulas left out) is in one language, counted word by word."""

from __future__ import annotations

import re

import pytest

from tests.app.test_lang import CHINESE, english_words
from tests.e2e.conftest import goto, wait_idle
from ui.nav import PAGES

#: Everything a reader sees as text: the app's text nodes outside code, formulas, the
#: language switch and hidden elements, and the text Plotly draws in its SVG. Not read:
#: Streamlit's icons (a font's ligatures: "expand_more" draws an arrow), its skip link
#: (1×1 px until focused) and text shrunk to nothing (ui.lang.uploader_words draws the
#: uploader's words in Chinese in its place).
VISIBLE_TEXT = """() => {
  const skip = 'pre, code, .katex, [data-testid="stCode"], .st-key-lang_switch, script, style, '
    + '[data-testid="stIconMaterial"], [data-testid="stSkipToContent"]';
  const out = [];
  const walker = document.createTreeWalker(
    document.querySelector('[data-testid="stApp"]'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest(skip) || !node.textContent.trim()) continue;
    if (el.closest('svg') && !el.closest('.js-plotly-plot')) continue;  // icons
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    if (parseFloat(style.fontSize) === 0) continue;
    if (!el.closest('svg') && box.width === 0 && box.height === 0) continue;
    out.push(node.textContent.trim());
  }
  // what CSS writes in place of shrunk text (the uploader's words in Chinese) is read too
  for (const el of document.querySelectorAll('[data-testid="stFileUploader"] *')) {
    const after = getComputedStyle(el, '::after').content;
    if (after && after !== 'none' && after !== 'normal' && after.length > 2)
      out.push(after.slice(1, -1));
  }
  return out;
}"""

#: Every page in the menu, and the transposed convolution's (issue 16) while its menu entry
#: comes from another branch.
PATHS = list(dict.fromkeys([path for _, _, _, path in PAGES] + ["transposed"]))


#: Units are not words: "5 MB" reads the same in Chinese.
UNITS = {"MB"}


def _english(texts: list[str]) -> list[str]:
    return [w for t in texts for w in english_words(t) if w not in UNITS]


def _chinese(texts: list[str]) -> list[str]:
    return [t for t in texts if CHINESE.search(t.replace("《动手学深度学习》", ""))]


@pytest.mark.parametrize("path", PATHS)
def test_in_chinese_a_page_shows_no_english_and_in_english_no_chinese(page, server, path):
    counts = {}
    for lang in ("zh", "en"):
        goto(page, f"{server}/{path}?lang={lang}")
        texts = page.evaluate(VISIBLE_TEXT)
        found = _english(texts) if lang == "zh" else _chinese(texts)
        counts[lang] = (len(texts), found)
    print(f"{path}: zh {counts['zh'][0]} texts, {len(counts['zh'][1])} English words; "
          f"en {counts['en'][0]} texts, {len(counts['en'][1])} with Chinese")
    assert counts["zh"][1] == [], f"English on /{path} in 中文: {counts['zh'][1][:40]}"
    assert counts["en"][1] == [], f"Chinese on /{path} in English: {counts['en'][1][:20]}"


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh"), ("en-US", "en")])
def test_a_first_visit_follows_the_browsers_language(browser, server, locale, lang):
    ctx = browser.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
    try:
        pg = ctx.new_page()
        goto(pg, f"{server}/shapes")
        assert re.search(rf"[?&]lang={lang}\b", pg.url), pg.url
        title = pg.locator("h1").first.inner_text()
        assert bool(CHINESE.search(title)) == (lang == "zh"), title
    finally:
        ctx.close()


def test_the_switch_keeps_every_setting(page, server):
    goto(page, f"{server}/shapes?lang=en&sh_k_h=5&sh_s_h=2")
    page.locator(".st-key-lang_switch button", has_text="中文").click()
    page.wait_for_url(re.compile(r"lang=zh"))
    wait_idle(page)
    assert "sh_k_h=5" in page.url and "sh_s_h=2" in page.url, page.url
    assert CHINESE.search(page.locator("h1").first.inner_text())
