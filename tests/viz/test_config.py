"""Plotly's own words: every key of the Chinese dictionary is a string Streamlit's bundled
Plotly.js really translates, so a renamed string in a new version fails here, not silently."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit

import i18n
from viz.config import PLOTLY_WORDS, STREAMLIT_WORDS, chart_config

BUNDLE = "\n".join(p.read_text(encoding="utf-8") for p in
                   (Path(streamlit.__file__).parent / "static").rglob("PlotlyChart*.js"))


def test_the_bundle_is_found():
    assert "Plotly" in BUNDLE and len(BUNDLE) > 1_000_000


@pytest.mark.parametrize("word", PLOTLY_WORDS)
def test_each_word_is_one_plotly_translates(word):
    # Plotly.js looks a word up as `_(gd, "word")`, minified as `x(e,`word`)`
    assert f",`{word}`)" in BUNDLE


@pytest.mark.parametrize("word", STREAMLIT_WORDS)
def test_streamlits_own_button_words_are_in_its_plotly_chart(word):
    assert f"`{word}`" in BUNDLE


def test_chinese_config_carries_every_word_translated_and_english_none():
    zh = chart_config("zh", displaylogo=False)
    words = zh["locales"][zh["locale"]]["dictionary"]
    assert zh["displaylogo"] is False and set(words) == set(PLOTLY_WORDS)
    assert all(i18n.texts("zh").gettext(w) == words[w] != w for w in PLOTLY_WORDS)
    assert chart_config("en", displaylogo=False) == {"displaylogo": False}
