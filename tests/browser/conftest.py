"""Real-browser fixtures: Debian's Chromium driven by Playwright, servers on 127.0.0.1.

Chromium comes from Debian (``/usr/bin/chromium``); `make chromium` installs it when
it is missing, because Playwright's own browser download cannot be reached. Every request a
page makes is intercepted: file://, data:, blob: and 127.0.0.1/localhost go through, anything
else is aborted and recorded, and the tests assert that the record is empty.
"""

import sys

import pytest
from browser_support import FLAGS, TIMEOUT_MS, Guarded, Server, ensure_chromium, free_port, is_local_url, wait_for_http


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    executable = ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(executable), args=FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def guarded_page(browser):
    """Factory of guarded pages in fresh browser contexts; all closed after the test."""
    contexts = []

    def make(viewport=(1280, 900)) -> Guarded:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block")
        contexts.append(context)
        guard = Guarded(context.new_page())

        def route(route):
            url = route.request.url
            if is_local_url(url):
                route.continue_()
            else:
                guard.external.append(url)
                route.abort()

        context.route("**/*", route)
        guard.page.on("console", lambda msg: guard.errors.append(msg.text) if msg.type == "error" else None)
        guard.page.on("pageerror", lambda exc: guard.errors.append(f"uncaught: {exc}"))
        guard.page.set_default_timeout(TIMEOUT_MS)
        return guard

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def report_server(built_report, tmp_path_factory):
    """The built report on a plain static server (python -m http.server) on 127.0.0.1."""
    port = free_port()
    log = tmp_path_factory.mktemp("http") / "http.log"
    server = Server(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(built_report)], log
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/index.html", server.proc, log, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
