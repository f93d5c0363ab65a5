"""The browser tests' real parts: one headless Chromium per session (Debian's, never a
downloaded one), a real uvicorn server per test on a free loopback port against the test
database, and a folder for screenshots (``TBTWATCH_SCREENSHOTS`` or a temporary one)."""

import os
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from service.app import create_app

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the page tests need Debian's chromium and fonts-wqy-zenhei "
            "(scripts/ensure-browser installs them as root; or: sudo apt-get install chromium fonts-wqy-zenhei)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("TBTWATCH_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_server(settings) -> str:
    """The base URL of the service running in a thread of this process."""
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, scheduler=False),
            host="127.0.0.1",
            port=_free_port(),
            log_level="warning",
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) on the live server, Chinese first."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
