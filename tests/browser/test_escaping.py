"""Titles and descriptions holding HTML and script stay inert text: report, tooltips, widgets.

The payload package (tests/conftest.py) appends a <script>, an <img onerror> and an
attribute break-out to every title, name and description. Any of them that ran would set
``window.__rbclabPwned``; any that was parsed as HTML would leave an element in the DOM.
"""

import pytest
from browser_support import (
    ALL_STATIC_CHARTS_DRAWN,
    TIMEOUT_MS,
    assert_charts_are_widgets,
    copy_notebook,
    start_dashboard,
)

from support import FIXTURE_NOTEBOOKS, PAYLOAD

PWNED = "() => window.__rbclabPwned === undefined ? 0 : window.__rbclabPwned"
MARK = "<script>window.__rbclabPwned"


def assert_inert(guard, where: str) -> None:
    page = guard.page
    assert page.evaluate(PWNED) == 0, f"{where}: a payload ran"
    injected = page.evaluate(
        '() => [...document.querySelectorAll(\'img[src*="rbclab-pwned"], [onload*="rbclabPwned"],'
        ' [onerror*="rbclabPwned"]\')].length'
    )
    assert injected == 0, f"{where}: a payload became an element"
    assert not [u for u in guard.external], f"{where}: requests to other hosts {guard.external}"


def test_payload_is_inert_text_in_the_report(payload_report, guarded_page):
    for page_file in sorted(payload_report.glob("*.html")):
        guard = guarded_page()
        guard.page.goto(page_file.resolve().as_uri())
        if 'class="rbclab-chart"' in page_file.read_text(encoding="utf-8"):
            guard.page.wait_for_function(ALL_STATIC_CHARTS_DRAWN, timeout=TIMEOUT_MS)
        assert_inert(guard, page_file.name)
        assert guard.errors == [], f"{page_file.name}: {guard.errors}"
    guard = guarded_page()
    guard.page.goto((payload_report / "index.html").resolve().as_uri())
    assert MARK in guard.page.inner_text(".data-title")
    assert MARK in guard.page.inner_text(".data-description")
    guard.screenshot("escaping-report-index")


def test_payload_is_inert_text_in_a_report_tooltip(payload_report, guarded_page):
    guard = guarded_page()
    page = guard.page
    page.goto((payload_report / "90_fixture_explorer.html").resolve().as_uri())
    page.wait_for_function(ALL_STATIC_CHARTS_DRAWN, timeout=TIMEOUT_MS)
    page.locator('.rbclab-chart svg path[role="graphics-symbol"]').first.hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    assert MARK in tooltip.inner_text()
    assert tooltip.locator("script, img, svg").count() == 0
    guard.screenshot("escaping-report-tooltip", full_page=False)
    assert_inert(guard, "report tooltip")


@pytest.fixture(scope="module")
def payload_dashboard(tmp_path_factory, payload_pkg):
    tmp = tmp_path_factory.mktemp("payload-dashboard")
    copy_notebook(FIXTURE_NOTEBOOKS / "90_fixture_explorer.ipynb", tmp / "notebooks")
    server, url = start_dashboard(tmp / "notebooks", tmp, data=payload_pkg)
    try:
        yield url
    finally:
        server.stop()


def test_payload_is_inert_text_in_widgets_and_live_tooltips(payload_dashboard, guarded_page):
    guard = guarded_page()
    page = guard.page
    page.goto(f"{payload_dashboard}/voila/render/90_fixture_explorer.ipynb", wait_until="domcontentloaded")
    page.wait_for_selector("#rendered_cells", state="visible", timeout=TIMEOUT_MS)
    assert_charts_are_widgets(page, "#rendered_cells")
    options = page.locator("#rendered_cells .widget-select select option")
    options.first.wait_for()
    texts = options.all_inner_texts()
    assert texts and all(MARK in t for t in texts), texts
    assert page.locator("#rendered_cells .widget-select select").locator("img, script, svg").count() == 0

    page.locator('#rendered_cells .vega-embed svg path[role="graphics-symbol"]').first.hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    assert MARK in tooltip.inner_text() and tooltip.locator("script, img, svg").count() == 0
    guard.screenshot("escaping-voila", full_page=False)
    assert_inert(guard, "dashboard")


def test_payload_text_is_what_the_package_holds():
    assert PAYLOAD.startswith(MARK)
