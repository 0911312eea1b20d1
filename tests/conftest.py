"""Suite-wide settings: browser tests are marked e2e (and slow) by their folder."""

from pathlib import Path

import pytest
from hypothesis import settings

# Property tests: enough examples to find edge cases, bounded so `make test` stays minutes.
settings.register_profile("default", max_examples=150, deadline=None)
settings.load_profile("default")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent.name == "e2e":
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.slow)
