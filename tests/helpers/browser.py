"""Shared fixtures of the browser tests: headless Chromium (Debian's) driven by Playwright, against a real server.

Skipped with a message where /usr/bin/chromium or playwright is missing, unless
`DEELPOORT_TEST_REQUIRE_CHROMIUM=1` (CI sets it), which turns the skip into a failure.
Never runs `playwright install`: the browser is the system's.

Use: `from tests.browser import browser, server` in a test module (pytest finds imported fixtures).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
REQUIRED = os.environ.get("DEELPOORT_TEST_REQUIRE_CHROMIUM") == "1"


def unavailable(reason: str) -> None:
    """Skip the test for want of `reason`, or fail it when CI requires the browser tests."""
    if REQUIRED:
        pytest.fail(f"DEELPOORT_TEST_REQUIRE_CHROMIUM=1 but {reason}")
    pytest.skip(f"browser tests need {reason.removesuffix(' is missing')} (apt-get install chromium; CI requires it)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        unavailable("/usr/bin/chromium is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is missing")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def serveer(app: Flask) -> Iterator[str]:
    """`app` on a real threaded HTTP server (werkzeug) on a free local port, for the duration; yields its URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The application on a real threaded HTTP server (werkzeug) on a free local port."""
    with serveer(app) as url:
        yield url


@pytest.fixture
def pagina(browser: Any, server: str) -> Iterator[Any]:
    """A tab in a fresh context of its own, JavaScript off (the pages need none), at 1280 x 900."""
    context = browser.new_context(base_url=server, java_script_enabled=False, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def klik(target: Any, selector: str | None = None) -> None:
    """Click a link or submit button (`klik(page, selector)` or `klik(locator)`) and wait until the page it leads
    to has loaded.

    The pages use no JavaScript, so every click navigates; Playwright's `click` returns once that navigation has
    started, and a check right after it (a `count()`, the URL) could still read the old page. Under load (two
    xdist workers) that race was seen failing.
    """
    page = target if selector is not None else target.page
    with page.expect_navigation():
        if selector is not None:
            target.click(selector)
        else:
            target.click()
