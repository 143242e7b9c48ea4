"""The report in Chromium: every page draws every chart, offline, from file:// and a static server."""

from browser_support import ALL_STATIC_CHARTS_DRAWN, TIMEOUT_MS

# Bars of the fixture chart currently drawn, and their opacities.
BARS = """() => [...document.querySelectorAll('.rbclab-chart svg path[role="graphics-symbol"]')]
  .map(p => p.getAttribute('opacity') ?? p.style.opacity ?? '1')"""


def check_pages(built_report, guarded_page, base: str, label: str) -> int:
    pages = sorted(built_report.glob("*.html"))
    assert any(p.name == "index.html" for p in pages)
    drawn = 0
    for page_file in pages:
        guard = guarded_page()
        guard.page.goto(f"{base}/{page_file.name}", wait_until="load")
        expected = page_file.read_text(encoding="utf-8").count('class="rbclab-chart"')
        if expected:
            guard.page.wait_for_function(ALL_STATIC_CHARTS_DRAWN, timeout=TIMEOUT_MS)
            assert guard.page.locator(".rbclab-chart").count() == expected
            missing = guard.page.evaluate(
                "() => [...document.querySelectorAll('.rbclab-chart')]"
                ".filter(c => !c.querySelector('svg, canvas')).length"
            )
            assert missing == 0, f"{page_file.name}: {missing} chart(s) not drawn"
            text = guard.page.inner_text("body")
            assert "could not be drawn" not in text and "Chart script not found" not in text
            drawn += expected
        guard.page.wait_for_timeout(200)  # let late console errors arrive
        assert guard.errors == [], f"{page_file.name}: console errors {guard.errors}"
        assert guard.external == [], f"{page_file.name}: requests to other hosts {guard.external}"
        guard.screenshot(f"report-{label}-{page_file.stem}")
    return drawn


def test_report_from_file_url_draws_every_chart_offline(built_report, guarded_page):
    assert check_pages(built_report, guarded_page, built_report.resolve().as_uri(), "file") >= 1


def test_report_from_static_server_draws_every_chart_offline(built_report, report_server, guarded_page):
    assert check_pages(built_report, guarded_page, report_server, "http") >= 1


def test_static_chart_keeps_its_altair_interactivity(built_report, guarded_page):
    guard = guarded_page()
    page = guard.page
    page.goto((built_report / "90_fixture_explorer.html").resolve().as_uri())
    page.wait_for_function(ALL_STATIC_CHARTS_DRAWN)
    chart = page.locator(".rbclab-chart").first

    # The bound parameter: moving the slider drops the early years' bars.
    bars_before = len(page.evaluate(BARS))
    slider = chart.locator(".vega-bindings input[type=range]")
    assert slider.count() == 1
    slider.fill(slider.get_attribute("max") and str(int(slider.get_attribute("max")) - 3))
    page.wait_for_function(f"() => ({BARS})().length < {bars_before}")

    # The legend selection: clicking an outcome fades the other bars.
    assert set(page.evaluate(BARS)) == {"1"}
    chart.locator("svg .role-legend .role-legend-symbol path, svg .role-legend-symbol").first.click()
    page.wait_for_function(f"() => new Set(({BARS})()).size > 1")

    # The tooltip: hovering a bar shows its case.
    page.locator('.rbclab-chart svg path[role="graphics-symbol"]').first.hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    assert "Case" in tooltip.inner_text()
    guard.screenshot("report-interactivity")
    assert guard.errors == [] and guard.external == []


# Charts drawn on a map: a geoshape mark (the shipped base map) with points over it.
MAPS = """() => [...document.querySelectorAll('.rbclab-chart')].filter(c =>
  c.querySelector('path[aria-roledescription="geoshape"]')
  && c.querySelector('path[aria-roledescription="circle"]')).length"""


def test_report_draws_both_maps_offline(built_report, guarded_page):
    maps = {}
    for name in ("03_cctv_incidents", "04_vendors_sanctions"):
        guard = guarded_page()
        guard.page.goto((built_report / f"{name}.html").resolve().as_uri(), wait_until="load")
        guard.page.wait_for_function(ALL_STATIC_CHARTS_DRAWN, timeout=TIMEOUT_MS)
        maps[name] = guard.page.evaluate(MAPS)
        countries = guard.page.locator('.rbclab-chart path[aria-roledescription="geoshape"]').count()
        assert countries >= 177, f"{name}: {countries} country shapes drawn"
        guard.page.wait_for_timeout(200)
        assert guard.errors == [] and guard.external == [], (guard.errors, guard.external)
        guard.screenshot(f"report-map-{name}")
    assert maps == {"03_cctv_incidents": 1, "04_vendors_sanctions": 1}
