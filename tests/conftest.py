"""Shared by the test modules: the Hypothesis profiles; for the browser tests one Chromium per
module and a fresh page per test.

(Each module starts its own hub, with the environment its tests need.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings
from playwright.sync_api import Browser, Page

from .ui_helpers import launch_chromium, open_page

# Property tests: bounded in CI (the protocol fuzzer sends about 2,000 frames);
# `pytest --hypothesis-profile=long` runs longer campaigns.
settings.register_profile("ci", max_examples=20)
settings.register_profile("long", max_examples=400)
settings.load_profile("ci")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with open_page(browser, 1440, 900) as opened:
        yield opened
