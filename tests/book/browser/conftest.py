"""The shared ``browser`` fixture of the browser checks (tools live in browser_tools.py)."""

from __future__ import annotations

import pytest
from browser_tools import chromium, missing_browser_tools, skip_or_fail


@pytest.fixture(scope="session")
def browser():
    missing = missing_browser_tools()
    if missing:
        skip_or_fail(missing)
    with chromium() as driver:
        yield driver
