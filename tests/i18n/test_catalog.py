"""The catalogs: every message translated, nothing fuzzy or stale, the committed .mo the compile
of the .po, and the .pot current with the sources (what ``make i18n-extract`` would write)."""

from __future__ import annotations

import gettext
import io
import string
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import i18n
from tests.apptest import ROOT

POT = ROOT / "i18n" / "convscope.pot"
PO = {lang: i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "convscope.po"
      for lang in i18n.LANGS if lang != "en"}


def catalog(path: Path):
    with open(path, "rb") as f:
        return read_po(f)


def ids(cat) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in cat if m.id}


def fields(text: str) -> set[str]:
    """The str.format field names in ``text`` ({n}, {loss:.3g} → n, loss)."""
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_but_english_has_its_catalog():
    assert i18n.DEFAULT == "en" and set(i18n.LANGS) == {"zh", "en"}
    assert set(PO) == {"zh"} and all(p.exists() for p in PO.values())


@pytest.mark.parametrize("lang", sorted(PO))
def test_every_message_has_a_translation_none_fuzzy_none_obsolete(lang):
    cat = catalog(PO[lang])
    assert not cat.obsolete, f"obsolete entries: {list(cat.obsolete)}"
    untranslated = [m.id for m in cat if m.id and not all(
        (m.string,) if isinstance(m.string, str) else m.string)]
    assert not untranslated
    fuzzy = [m.id for m in cat if m.id and m.fuzzy]
    assert not fuzzy


@pytest.mark.parametrize("lang", sorted(PO))
def test_every_translation_fills_the_same_fields_as_its_message(lang):
    """A translation that drops or misspells a {field} would show the wrong number or raise."""
    for m in catalog(PO[lang]):
        if not m.id:
            continue
        sources = (m.id,) if isinstance(m.id, str) else m.id
        wanted = set().union(*map(fields, sources))
        for text in (m.string,) if isinstance(m.string, str) else m.string:
            assert fields(text) == wanted, (m.id, text)


@pytest.mark.parametrize("lang", sorted(PO))
def test_the_committed_mo_is_the_compile_of_the_po(lang):
    """Community Cloud runs no make: the .mo in the repository is what the app reads."""
    compiled = io.BytesIO()
    write_mo(compiled, catalog(PO[lang]))
    committed = PO[lang].with_suffix(".mo").read_bytes()
    assert committed == compiled.getvalue(), "run `make i18n-compile` and commit the .mo"


@pytest.mark.parametrize("lang", sorted(PO))
def test_the_po_holds_exactly_the_pots_messages(lang):
    assert ids(catalog(PO[lang])) == ids(catalog(POT)), "run `make i18n-update`"


def test_the_pot_is_current_with_the_sources(tmp_path, monkeypatch):
    """Extract as `make i18n-extract` does (babel.cfg) and compare the message ids."""
    monkeypatch.chdir(ROOT)
    fresh = tmp_path / "fresh.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "babel.cfg", "--no-location",
                                "-o", str(fresh), "."])
    added, gone = ids(catalog(fresh)) - ids(catalog(POT)), ids(catalog(POT)) - ids(catalog(fresh))
    assert not added and not gone, (
        f"new in the code: {sorted(added)}; no longer in the code: {sorted(gone)}; run `make "
        "i18n-extract i18n-update`, translate, `make i18n-compile`")


def test_translation_is_made_once_per_language_and_english_is_the_ids():
    assert i18n.translation("zh") is i18n.translation("zh")
    assert type(i18n.translation("en")) is gettext.NullTranslations
    assert isinstance(i18n.translation("zh"), gettext.GNUTranslations)
    assert i18n.texts("en").gettext("Notebook tour") == "Notebook tour"
    assert i18n.texts("zh").gettext("Notebook tour") == "笔记本导览"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        i18n.translation("fr")


def test_i18n_imports_no_streamlit():
    """viz uses i18n, and viz never imports streamlit (the layers run one way)."""
    import subprocess
    import sys

    code = "import sys, i18n; i18n.texts('zh'); print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_language_a_visit_gets():
    """The link first; then the session's language; a first visit follows the browser."""
    assert i18n.choose(["en"], "zh", "zh-CN") == ("en", None)
    assert i18n.choose([], "zh", "en-US") == ("zh", None)
    assert i18n.choose([], None, "zh-TW") == ("zh", None)
    assert i18n.choose([], None, "en-GB") == ("en", None)
    assert i18n.choose([], None, None) == ("en", None)
    assert i18n.choose(["EN"], None, "zh-CN") == ("zh", "EN")  # ids are exact
    assert i18n.choose(["zh", "xx"], None, None) == ("en", "xx")  # the last value counts


def test_a_core_rejection_is_rebuilt_in_chinese_from_its_numbers():
    from core.errors import OutOfRange, UnknownName
    from core.grids import Ragged

    zh = i18n.texts("zh")
    assert i18n.error_text(zh, Ragged("X", 2, 1, 3, 1)) == (
        "X：第 2 行有 1 个数，第 1 行有 3 个；每一行的数必须一样多")
    assert i18n.error_text(zh, UnknownName(what="kernel", name="foo", choices="a, b")) == (
        "没有名为 'foo' 的卷积核；请从 a, b 中选择")
    e = OutOfRange(name="ci", lo=1, hi=8, value=9)
    assert i18n.error_text(i18n.texts("en"), e) == str(e)
    assert i18n.error_text(zh, ValueError("plain")) == "plain"
