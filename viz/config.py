"""Plotly's own words in the reader's language: the mode bar's button titles and notices.

Plotly.js writes its mode bar in English unless the chart's config names a locale and gives
its dictionary (config ``locale`` and ``locales``, Plotly.js's per-chart localisation). The
English keys below are Plotly.js's own strings; their Chinese is in ConvScope's catalog like
every other message.
"""

from __future__ import annotations

from functools import cache

import i18n
from i18n import N_

#: Plotly.js's English strings a ConvScope chart can show (2-D axes: heatmaps, pictures), as
#: Streamlit's bundled Plotly.js writes them (tests/viz/test_config.py reads the bundle).
PLOTLY_WORDS = (
    N_("Download plot as a PNG"), N_("Download plot"), N_("Zoom"), N_("Pan"),
    N_("Box Select"), N_("Lasso Select"), N_("Zoom in"), N_("Zoom out"), N_("Autoscale"),
    N_("Reset axes"), N_("Toggle Spike Lines"), N_("Show closest data on hover"),
    N_("Compare data on hover"), N_("Double-click to zoom back out"),
    N_("Preparing image - this may take a few seconds"), N_("Image download succeeded"),
    N_("Sorry, there was a problem downloading your image!"),
)
#: Streamlit's own button in the mode bar, titled without Plotly's dictionary: its tooltip
#: is a CSS ``::after`` reading ``data-title``, so a style sheet rewords it (ui.lang).
STREAMLIT_WORDS = (N_("Fullscreen"), N_("Close fullscreen"))
#: Height of Plotly's mode bar, in pixels. A figure that keeps it (drawn with
#: ``chart_config``) leaves this much room above its title, where the buttons sit: a touch
#: screen shows them all the time, and on a narrow column they would cover the title.
MODEBAR_PX = 30
#: Plotly.js's locale name for Chinese (its date and number formats stay the default).
_LOCALES = {"zh": "zh-CN"}


@cache
def _dictionary(lang: str) -> dict[str, str]:
    _ = i18n.texts(lang).gettext
    return {word: _(word) for word in PLOTLY_WORDS}


def chart_config(lang: str, **config: object) -> dict:
    """``config`` for ``st.plotly_chart`` with Plotly's own words in ``lang`` (a new dict).

    >>> chart_config("en", displaylogo=False)
    {'displaylogo': False}
    >>> chart_config("zh")["locales"]["zh-CN"]["dictionary"]["Zoom in"]
    '放大'
    """
    locale = _LOCALES.get(lang)
    if locale is None:
        return dict(config)
    return {**config, "locale": locale, "locales": {locale: {"dictionary": _dictionary(lang)}}}
