"""Fixtures every browser test module shares: one Chromium per module, a fresh page per test.

(Each module starts its own hub, with the environment its tests need.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from .ui_helpers import launch_chromium, open_page


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with open_page(browser, 1440, 900) as opened:
        yield opened
