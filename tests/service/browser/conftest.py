"""Fixtures of the browser tests, from tests.service.browser.chromium."""

from tests.service.browser.chromium import browser, live_server, page, screenshots  # noqa: F401 (fixtures)
