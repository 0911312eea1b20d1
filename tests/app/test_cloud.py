"""Community Cloud deploys main as it is: cloud/streamlit_app.py with cloud/requirements.txt.

Cloud reads the dependency file beside the entry file before the root's, and starts the app
from the repository root (Streamlit docs, Community Cloud: app dependencies, file
organization). The rehearsal of the install itself is cloud/rehearse.sh (docs/deploy-rehearsal.md).
"""

from __future__ import annotations

from pathlib import Path

import pandas  # noqa: F401  (see below)
import pytest
import streamlit as st
from packaging.requirements import Requirement

from tests.apptest import ROOT, assert_clean, run_page

# pandas is imported above because ui.runtime.freeze_once imports it on a timer thread 1 s
# after the app's first run, and a run that builds a Plotly figure meanwhile meets a half-
# imported pandas (AttributeError: partially initialized module 'pandas'). That race is the
# app's, reported separately; these tests run the app several times within that second.
CLOUD = ROOT / "cloud"
ENTRY = "cloud/streamlit_app.py"
#: The only option line the Cloud file may carry: the torch page of the CPU index, read as a
#: flat list of links (pip's --find-links), so torch alone comes from there and every other
#: package from PyPI, with uv's default index strategy as with pip's.
FIND_LINKS = "--find-links https://download.pytorch.org/whl/cpu/torch/"
#: Dependency files Cloud would take before requirements.txt in the same folder (its order:
#: uv.lock, Pipfile, environment.yml, requirements.txt, pyproject.toml).
PREFERRED = ("uv.lock", "Pipfile", "environment.yml")


def read_requirements(path: Path) -> tuple[dict[str, str], list[str]]:
    """A requirements file as {name: specifier} and its option lines (those starting with -)."""
    pins: dict[str, str] = {}
    options: list[str] = []
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-"):
            options.append(" ".join(line.split()))
            continue
        req = Requirement(line)
        assert req.name not in pins, f"{path.name}: {req.name} listed twice"
        assert not req.marker and not req.url and not req.extras, f"{path.name}: {line}"
        pins[req.name] = str(req.specifier)
    return pins, options


def test_cloud_pins_equal_the_root_pins_with_torch_as_the_cpu_build():
    root, _ = read_requirements(ROOT / "requirements.txt")
    cloud, _ = read_requirements(CLOUD / "requirements.txt")
    assert root["torch"].startswith("==") and "+" not in root["torch"]
    expected = {**root, "torch": f"{root['torch']}+cpu"}
    assert cloud == expected


def test_cloud_requirements_take_torch_alone_from_the_cpu_index():
    # An --index-url/--extra-index-url line would make uv (first-index) look for numpy and
    # pillow on the CPU index only, which carries older builds: the exact pins fail there.
    _, options = read_requirements(CLOUD / "requirements.txt")
    assert options == [FIND_LINKS]


def test_local_installs_keep_a_root_requirements_file_without_index_lines():
    # On the project's machines the CPU index is unreachable: an index line would retry.
    _, options = read_requirements(ROOT / "requirements.txt")
    assert options == []


def test_cloud_finds_the_cloud_requirements_first():
    assert (CLOUD / "requirements.txt").is_file()
    for name in PREFERRED:
        assert not (CLOUD / name).exists(), f"Cloud would install cloud/{name} instead"


def test_cloud_entry_opens_the_home_page_with_working_page_links():
    # Run from the repository root, as Cloud runs it; the entry's folder is cloud/, so page
    # paths must not be taken relative to the entry file.
    at = run_page(ENTRY)
    assert_clean(at)
    assert "ConvScope" in at.title[0].value
    # The tour links to every other built page but the practice page.
    from ui.nav import PAGES

    linked = [f for f, *_ in PAGES if (ROOT / "pages" / f).exists()
              and f not in ("tour.py", "practice.py")]
    assert len(at.get("page_link")) == len(linked) >= 6
    assert not [m for m in at.markdown if "](/" in m.value]  # no plain-link fallback


@pytest.mark.parametrize("forced", [False, "false"])
def test_a_visitor_sees_no_traceback_under_clouds_forced_error_setting(forced, monkeypatch):
    # Cloud sets client.showErrorDetails = false over config.toml; Streamlit 1.67 reads it as
    # "stacktrace": the exception type and our traceback in the page. The entry restores
    # config.toml's "none": the generic message only.
    import ui.runtime

    def boom() -> None:
        raise RuntimeError("detail from /srv/convscope/core")

    monkeypatch.setattr(ui.runtime, "one_torch_thread", boom)  # app.py calls it first
    before = st.get_option("client.showErrorDetails")
    st.set_option("client.showErrorDetails", forced)
    try:
        at = run_page(ENTRY)
    finally:
        st.set_option("client.showErrorDetails", before)
    [shown] = at.exception
    assert "encountered an error" in shown.message and "/srv" not in shown.message
    assert shown.proto.type == ""
    assert list(shown.stack_trace) == []


def test_cloud_entry_lets_streamlit_watch_the_root_modules(monkeypatch):
    # Streamlit's watcher reloads modules in the entry's folder (cloud/) or in PYTHONPATH;
    # with Cloud's forced runOnSave a push to core/ must reach the running app.
    from streamlit.file_util import file_in_pythonpath

    monkeypatch.setenv("PYTHONPATH", "")
    assert not file_in_pythonpath(str(ROOT / "core" / "learn.py"))
    assert_clean(run_page(ENTRY))
    assert file_in_pythonpath(str(ROOT / "core" / "learn.py"))
