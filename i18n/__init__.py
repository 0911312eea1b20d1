"""ConvScope's two languages: gettext catalogs (``i18n/locale/<lang>/LC_MESSAGES/convscope.mo``),
read with the standard library only. Message ids are the English text.

The language is per visitor: it lives in the session (``ui.lang``) and is passed explicitly,
as ``lang`` or as a ``Texts``; nothing here holds a current language. ``translation(lang)``
and ``texts(lang)`` are made once per language and shared read-only by every session.

Catalogs are edited with Babel (``make i18n-extract``, ``i18n-update``, ``i18n-compile``;
README "Translations"); the compiled ``.mo`` is committed, and tests/i18n checks that it is
the compile of the ``.po`` and that every message has its translation.

>>> _, ngettext = texts("zh")
>>> _("Dismiss"), texts("en").gettext("Dismiss")
('知道了', 'Dismiss')
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

#: The languages, in the switch's order; ``DEFAULT`` when nothing says otherwise.
LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT = "en"
#: Each language's name in itself: the switch's labels (the URL carries the id, never these).
NAMES: dict[str, str] = {"zh": "中文", "en": "English"}
DOMAIN = "convscope"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it (a text defined at import
    time, translated where it is shown)."""
    return message


@cache
def translation(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang``: English is the message ids themselves (NullTranslations).

    Made once per language and shared: never call its ``add_fallback`` or
    ``install``. ValueError for a language ConvScope does not have.
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; ConvScope has {', '.join(LANGS)}")
    if lang == "en":
        return gettext.NullTranslations()
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as f:
        return gettext.GNUTranslations(f)


@dataclass(frozen=True)
class Texts:
    """One language's translation functions: ``_, ngettext = texts(lang)`` unpacks them."""

    lang: str
    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]

    def __iter__(self):
        yield self.gettext
        yield self.ngettext


@cache
def texts(lang: str) -> Texts:
    """``translation(lang)``'s gettext and ngettext, with the language's id."""
    t = translation(lang)
    return Texts(lang, t.gettext, t.ngettext)


def fmt(t: Texts, message: str, /, **fields: Any) -> str:
    """``message`` in ``t``'s language with its ``{fields}`` filled: numbers with their units
    (``"{mb:.1f} MB"``) are one message, so the translation may place the number and the unit.

    >>> fmt(texts("zh"), "output channel {c}", c=2)
    '输出通道 2'
    """
    return t.gettext(message).format(**fields)


def count(t: Texts, singular: str, plural: str, n: int, /, **fields: Any) -> str:
    """The plural form for ``n`` (gettext's ``ngettext``), with ``{n}`` and ``fields`` filled.

    >>> one, two = "A setting in the link could not be used:", "{n} settings in the link could not be used:"
    >>> count(texts("en"), one, two, 1), count(texts("en"), one, two, 3)
    ('A setting in the link could not be used:', '3 settings in the link could not be used:')
    >>> count(texts("zh"), one, two, 3)
    '链接中有 3 项设置无法使用：'
    """  # noqa: E501
    return t.ngettext(singular, plural, n).format(n=n, **fields)


def sentences(t: Texts, parts: list[str]) -> str:
    """Sentences in a row: a space after each in English, none after Chinese "。".

    >>> sentences(texts("en"), ["One.", "Two."]), sentences(texts("zh"), ["一。", "二。"])
    ('One. Two.', '一。二。')
    """
    return ("" if t.lang == "zh" else " ").join(parts)


def from_locale(locale: str | None) -> str:
    """The language for a browser's ``navigator.language``: ``zh-*`` → zh, anything else → en.

    >>> [from_locale(x) for x in ("zh-CN", "zh_TW", "zh", "ZH-hans", "en-US", "de", "", None)]
    ['zh', 'zh', 'zh', 'zh', 'en', 'en', 'en', 'en']
    """
    tag = (locale or "").strip().lower().replace("_", "-")
    return "zh" if tag == "zh" or tag.startswith("zh-") else DEFAULT


def choose(url: list[str], chosen: str | None, locale: str | None) -> tuple[str, str | None]:
    """The session's language and the link's unusable value (or None).

    ``url``: the link's ``lang`` values (the last counts, as with every parameter); ``chosen``:
    what this session had so far (None on a first run); ``locale``: the browser's language.
    A valid link value wins; without one the session keeps its language, and a first visit
    follows the browser. A bad value gets the language the visit would have had without it.

    >>> choose(["zh"], "en", "en-US"), choose([], None, "zh-CN"), choose([], "en", "zh-CN")
    (('zh', None), ('zh', None), ('en', None))
    >>> choose(["fr"], None, "zh-TW"), choose(["中文"], "en", None)
    (('zh', 'fr'), ('en', '中文'))
    """
    if url and url[-1] in LANGS:
        return url[-1], None
    fallback = chosen if chosen in LANGS else from_locale(locale)
    return fallback, (url[-1] if url else None)


#: Words ``core`` puts into its errors' fields (an axis, a kind of preset): translated with
#: the message. Every other field (a number, a name from the code) is shown as it is.
FIELD_WORDS: tuple[str, ...] = (
    N_("height"), N_("width"), N_("kernel"), N_("sample"), N_("example"),
    # the planner's fields (core.layers)
    N_("stride"), N_("padding"), N_("dilation"), N_("groups"), N_("bias"), N_("out channels"),
    N_("input channels"),
)


def error_text(t: Texts, error: ValueError) -> str:
    """A ``core`` rejection in ``t``'s language, rebuilt from its type's message id and its
    numbers (``core.errors.CoreError``); any other error as its own text.

    >>> from core.errors import NoOutput
    >>> e = NoOutput(axis="width", n=3, k=5, dilation=1, before=0, after=0)
    >>> error_text(texts("en"), e) == str(e)
    True
    >>> error_text(texts("zh"), e)
    '宽度方向没有输出：卷积核 5 在膨胀 1 下覆盖 5 个元素，大于填充后的输入 3（= 3 + 0 + 0）；请用更小的卷积核或膨胀，或加大填充'
    """  # noqa: E501
    message_id = getattr(error, "message_id", None)
    fields = getattr(error, "fields", None)
    if message_id is None or not isinstance(fields, dict):
        return str(error)
    words = {k: t.gettext(v) if isinstance(v, str) and v in FIELD_WORDS else v
             for k, v in fields.items()}
    cause = getattr(error, "cause", None)  # a rejection wrapping another (a layer's)
    if isinstance(cause, ValueError):
        words["detail"] = error_text(t, cause)
    return t.gettext(message_id()).format(**words)
