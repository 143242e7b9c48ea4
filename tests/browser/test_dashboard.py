"""The Voila dashboard (``rbclab dashboard``): every notebook renders its widgets and charts, offline."""

import pytest
from browser_support import (
    ROOT,
    TIMEOUT_MS,
    assert_charts_are_widgets,
    change_a_filter,
    copy_notebook,
    start_dashboard,
)

from rbclab.report import discover_notebooks

FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
VOILA_ERRORS = ("Traceback (most recent call last)", "There was an error when executing cell", "Kernel died")


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    """``rbclab dashboard`` on a copy of the collection plus the fixture explorer."""
    tmp = tmp_path_factory.mktemp("dashboard")
    for nb in discover_notebooks() + discover_notebooks(FIXTURES):
        copy_notebook(nb, tmp / "notebooks")
    server, url = start_dashboard(tmp / "notebooks", tmp)
    try:
        yield url, sorted((tmp / "notebooks").glob("*.ipynb"))
    finally:
        server.stop()


def open_rendered(guarded_page, url: str, name: str):
    guard = guarded_page()
    guard.page.goto(f"{url}/voila/render/{name}", wait_until="domcontentloaded")
    guard.page.wait_for_selector("#rendered_cells", state="visible", timeout=TIMEOUT_MS)
    return guard


def test_dashboard_lists_the_notebooks(dashboard, guarded_page):
    url, notebooks = dashboard
    guard = guarded_page()
    guard.page.goto(url + "/")
    for nb in notebooks:
        guard.page.get_by_text(nb.name).first.wait_for()
    guard.screenshot("voila-tree")
    assert guard.external == []


def test_every_dashboard_notebook_renders(dashboard, guarded_page):
    url, notebooks = dashboard
    for nb in notebooks:
        guard = open_rendered(guarded_page, url, nb.name)
        page = guard.page
        page.wait_for_timeout(1000)
        if page.locator("#rendered_cells .vega-embed").count():
            assert_charts_are_widgets(page, "#rendered_cells")
        text = page.inner_text("body")
        for phrase in VOILA_ERRORS:
            assert phrase not in text, f"{nb.name}: {phrase}"
        guard.screenshot(f"voila-{nb.stem}")
        assert guard.external == [], f"{nb.name}: requests to other hosts {guard.external}"


def test_dashboard_explorer_widgets_redraw_the_chart(dashboard, guarded_page):
    url, _ = dashboard
    guard = open_rendered(guarded_page, url, "90_fixture_explorer.ipynb")
    page = guard.page
    assert assert_charts_are_widgets(page, "#rendered_cells") == 2
    page.locator("#rendered_cells .widget-dropdown select").wait_for()
    assert page.locator("#rendered_cells .widget-select select").count() == 1
    changed = change_a_filter(page, "#rendered_cells")
    assert changed.startswith("select")
    page.locator("#rendered_cells .vega-embed").nth(1).scroll_into_view_if_needed()
    guard.screenshot("voila-explorer-filtered", full_page=False)  # the viewport, scrolled to the explorer
    assert guard.external == []
