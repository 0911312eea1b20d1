"""Suite-wide settings: browser tests are marked e2e (and slow) by their folder."""

from pathlib import Path

import pytest
import torch
from hypothesis import settings

# One torch thread, as the server runs (ui/runtime.py): with `make check`'s two workers on two
# cores, torch's own threads would only fight each other (72 s → 49 s for the fast suite).
torch.set_num_threads(1)

# Property tests: enough examples to find edge cases, bounded so `make test` stays minutes.
settings.register_profile("default", max_examples=150, deadline=None)
settings.load_profile("default")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent.name == "e2e":
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.slow)
