"""Every chart builder: its Vega-Lite spec (marks, encodings, data from the real package) and SVG export."""

import json

import pandas as pd
import pytest

import rbclab as rl

charts = pytest.importorskip("rbclab.charts")


@pytest.fixture(scope="module")
def tables():
    return rl.load_package()


def _walk(spec):
    """Yield every unit spec (a dict with a ``mark``) inside a spec."""
    if isinstance(spec, dict):
        if "mark" in spec:
            yield spec
        for key in ("layer", "vconcat", "hconcat", "concat"):
            for sub in spec.get(key, []):
                yield from _walk(sub)
        if "spec" in spec:
            yield from _walk(spec["spec"])


def _mark(unit):
    return unit["mark"]["type"] if isinstance(unit["mark"], dict) else unit["mark"]


def _values(spec, unit=None):
    """Inline data of a unit (or of the nearest enclosing spec that has it)."""
    for candidate in (unit or {}, spec):
        data = candidate.get("data")
        if data and "values" in data:
            return data["values"]
    raise AssertionError("no inline data")


def _has_aggregate(spec):
    if isinstance(spec, dict):
        if "aggregate" in spec or spec.get("op") in ("mean", "median", "average"):
            return True
        return any(_has_aggregate(v) for v in spec.values())
    if isinstance(spec, list):
        return any(_has_aggregate(v) for v in spec)
    return False


def _axis_events():
    return rl.load_case_events(rl.AXIS_CASE_ID)


def build_all(t):
    events = _axis_events()
    return {
        "case_timeline": charts.case_timeline(
            events, rl.case_phases(events), rl.follow_up_status(events, today="2026-11-22")
        ),
        "stage_durations": charts.stage_durations(
            rl.stage_timeframes(rl.case_stages(rl.load_cases(), rl.AXIS_CASE_ID))
        ),
        "outcome_shares": charts.outcome_shares(rl.outcome_shares(t["ncp_cases"], "lead NCP")),
        "share_intervals": charts.share_intervals(rl.outcome_shares(t["ncp_cases"], "lead NCP"), "not accepted"),
        "outcome_explorer": charts.outcome_explorer(t["ncp_cases"]),
        "acceptance_rates": charts.acceptance_rates(rl.acceptance_rate(t["ncp_cases"], "theme")),
        "duration_distribution": charts.duration_distribution(rl.stage_timeframes(rl.case_stages(rl.load_cases()))),
        "incident_timeline": charts.incident_timeline(rl.incident_timeline(t["incidents"])),
        "figure_claims": charts.figure_claims(
            rl.competing_figures(t["incident_figures"], "iran-2019-11-fuel-protests", "killed")
        ),
        "incident_uses": charts.incident_uses(rl.incident_timeline(t["incidents"])),
        "sanctions_timeline": charts.sanctions_timeline(rl.sanctions_table(t["sanctions"], t["vendors"])),
        "vendor_links": charts.vendor_links(rl.vendor_links(t)),
        "city_ranking": charts.city_ranking(rl.city_ranking_flags(t["surveilled_cities"]), 2020),
        "incident_map": charts.incident_map(rl.incident_places(t["incidents"], t["places"], t["incident_figures"])),
        "city_map": charts.city_map(rl.city_places(rl.city_ranking_flags(t["surveilled_cities"]), t["places"]), 2020),
        "survival_curves": charts.survival_curves(
            rl.survival_curves(t["ncp_cases"], "conclusion", "surveillance / ICT", outcomes=t["case_outcomes"])
        ),
    }


def test_every_public_builder_is_covered(tables):
    import inspect

    builders = {
        n
        for n, f in vars(charts).items()
        if inspect.isfunction(f)
        and f.__module__ == charts.builders.__name__
        and not n.startswith("_")
        # redraw_outcome_shares returns a spec, not a chart (tested against a fresh build)
        and n not in {"static_html", "write_assets", "to_svg", "to_png", "save", "cache_dir", "redraw_outcome_shares"}
    }
    assert builders == set(build_all(tables))


@pytest.mark.parametrize(
    "name",
    [
        "case_timeline",
        "stage_durations",
        "outcome_shares",
        "share_intervals",
        "survival_curves",
        "outcome_explorer",
        "acceptance_rates",
        "duration_distribution",
        "incident_timeline",
        "figure_claims",
        "incident_uses",
        "sanctions_timeline",
        "vendor_links",
        "city_ranking",
    ],
)
def test_builder_has_title_description_and_exports_to_svg(tables, name):
    chart = build_all(tables)[name]
    spec = chart.to_dict()
    assert spec.get("description") and len(spec["description"]) > 30
    assert spec.get("title")
    svg = charts.to_svg(chart)
    assert svg.lstrip().startswith("<svg") and "</svg>" in svg


def test_case_timeline_spec():
    events = _axis_events()
    spec = charts.case_timeline(
        events, rl.case_phases(events), rl.follow_up_status(events, today="2026-11-22")
    ).to_dict()
    units = list(_walk(spec))
    assert [_mark(u) for u in units] == ["bar", "text", "point"]
    bars, _, points = units
    assert bars["encoding"]["x"]["field"] == "start" and bars["encoding"]["x2"]["field"] == "end"
    phases = _values(spec, spec["vconcat"][0])
    assert [p["phase"] for p in phases] == ["Initial assessment", "Good offices", "Final statement", "Follow-up due"]
    assert phases[-1]["end"].startswith("2026-11-19")
    assert points["encoding"]["color"]["field"] == "actor"
    evs = _values(spec, points)
    assert len(evs) == 30
    assert [e["date"][:10] for e in evs] == sorted(e["date"][:10] for e in evs)  # drawn in date order
    assert points["encoding"]["color"]["scale"]["range"][0] == charts.PALETTE[0]
    assert "104 days" in spec["description"] and "19 November 2026" in spec["description"]


def test_stage_durations_spec():
    spec = charts.stage_durations(rl.stage_timeframes(rl.case_stages(rl.load_cases(), rl.AXIS_CASE_ID))).to_dict()
    units = list(_walk(spec))
    assert [_mark(u) for u in units] == ["bar", "tick", "text", "text"]
    assert units[0]["encoding"]["x"]["field"] == "days" and units[1]["encoding"]["x"]["field"] == "timeframe_days"
    rows = {r["stage"]: r for r in _values(spec)}
    assert (rows["Initial assessment"]["days"], rows["Initial assessment"]["timeframe_days"]) == (104, 90)
    assert rows["Initial assessment"]["status"] == "later than the timeframe"
    assert (rows["Conclusion"]["days"], rows["Conclusion"]["status"]) == (320, "within the timeframe")


def test_outcome_shares_spec_uses_fixed_outcome_colours(tables):
    shares = rl.outcome_shares(tables["ncp_cases"], "surveillance / ICT")
    spec = charts.outcome_shares(shares).to_dict()
    unit, _ = _walk(spec)
    assert _mark(unit) == "bar"
    enc = unit["encoding"]
    assert enc["x"]["field"] == "share" and enc["x"]["stack"] == "normalize"
    assert enc["color"]["scale"]["domain"] == list(rl.OUTCOMES)
    assert enc["color"]["scale"]["range"] == [charts.OUTCOME_COLOURS[o] for o in rl.OUTCOMES]
    assert any(p.get("bind") == "legend" for p in spec["params"])
    rows = _values(spec)
    assert sum(r["cases"] for r in rows) == len(tables["ncp_cases"])


def test_outcome_shares_draw_each_interval_from_its_segment(tables):
    shares = rl.outcome_shares(tables["ncp_cases"], "surveillance / ICT")
    spec = charts.outcome_shares(shares).to_dict()
    _, rule = _walk(spec)
    assert _mark(rule) == "rule"
    assert (rule["encoding"]["x"]["field"], rule["encoding"]["x2"]["field"]) == ("interval_from", "interval_to")
    rank = {o: i for i, o in enumerate(charts.OUTCOME_COLOURS)}
    for group in {r["group"] for r in _values(spec)}:
        rows = sorted((r for r in _values(spec) if r["group"] == group), key=lambda r: rank[r["outcome"]])
        start = 0.0
        for r in rows:  # the interval of a segment is measured from where the segment starts
            assert r["interval_from"] == pytest.approx(min(1.0, start + r["ci_low"]))
            assert r["interval_to"] == pytest.approx(min(1.0, start + r["ci_high"]))
            start += r["share"]
        assert start == pytest.approx(1.0)


def test_outcome_shares_leaves_out_small_groups(tables):
    shares = rl.outcome_shares(tables["ncp_cases"], "lead NCP")
    spec = charts.outcome_shares(shares, max_groups=5).to_dict()
    assert len({r["group"] for r in _values(spec)}) == 5
    n_groups = shares["group"].nunique()
    assert f"{n_groups - 5} smaller groups left out" in spec["title"]["subtitle"]


def test_outcome_explorer_filters_without_a_kernel(tables):
    spec = charts.outcome_explorer(tables["ncp_cases"]).to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert params["lead_ncp_choice"]["bind"]["input"] == "select"
    assert "Sweden" in params["lead_ncp_choice"]["bind"]["options"]
    assert params["cases_choice"]["bind"]["input"] == "radio"
    filters = [t["filter"] for t in spec.get("transform", []) if "filter" in t]
    assert any("lead_ncp_choice" in f and "cases_choice" in f for f in filters)
    known = tables["ncp_cases"]["date_submitted"].notna().sum()
    rows = _values(spec)
    assert sum(r["cases"] for r in rows) == known  # counted, one row per year, NCP, kind and outcome
    assert len({(r["year"], r["lead_ncp"], r["cases_kind"], r["outcome"]) for r in rows}) == len(rows) < known
    # the filter, run by Vega itself, draws one bar per year and outcome of the chosen NCP's cases only
    import vl_convert as vlc

    cases = tables["ncp_cases"]
    for choice in ("Sweden", "United Kingdom"):
        params["lead_ncp_choice"]["value"] = choice
        svg = vlc.vegalite_to_svg(spec, vl_version=charts.VL_VERSION)
        chosen = cases[(cases["lead_ncp"] == choice) & cases["date_submitted"].notna()]
        bars = chosen.groupby([chosen["date_submitted"].dt.year, chosen["outcome"].astype(str)]).ngroups
        assert svg.count('aria-roledescription="bar"') == bars


def test_acceptance_rates_spec_draws_the_interval_and_marks_small_groups(tables):
    rates = rl.acceptance_rate(tables["ncp_cases"], "lead NCP", outcomes=tables["case_outcomes"])
    spec = charts.acceptance_rates(rates).to_dict()
    marks = {_mark(u): u for u in _walk(spec)}
    assert set(marks) == {"rule", "point"}
    assert marks["rule"]["encoding"]["x"]["field"] == "ci_low" and marks["rule"]["encoding"]["x2"]["field"] == "ci_high"
    values = {r["group"]: r for r in _values(spec)}
    expected = rates.set_index("group")
    for group, row in values.items():
        assert row["rate"] == pytest.approx(float(expected.at[group, "rate"]))
        assert row["ci_low"] <= row["rate"] <= row["ci_high"]
        assert (row["size"] == "n < 10: too few to read") == (expected.at[group, "n"] < 10)
    assert any(r["size"].startswith("n < 10") for r in values.values())  # small NCPs are drawn, not hidden


def test_duration_distribution_spec():
    tf = rl.stage_timeframes(rl.case_stages(rl.load_cases()))
    spec = charts.duration_distribution(tf).to_dict()
    units = list(_walk(spec))
    assert [_mark(u) for u in units] == ["bar", "tick", "tick", "tick"]
    known = tf[tf["days"].notna()]
    ticks = _values(spec, units[2])
    assert sum(r["cases"] for r in ticks) == len(known)  # every duration, same-day ones counted on one tick
    assert len(ticks) == known.groupby(["stage", "days"]).ngroups
    box = {r["stage"]: r for r in _values(spec, units[0])}
    conclusion = known.loc[known["stage"] == "Conclusion", "days"]
    assert box["Conclusion"]["median"] == conclusion.median()
    assert (box["Conclusion"]["q1"], box["Conclusion"]["q3"]) == (conclusion.quantile(0.25), conclusion.quantile(0.75))
    limits = {r["stage"]: r["min"] for r in _values(spec, units[3])}
    assert limits["Conclusion"] == tf.loc[tf["stage"] == "Conclusion", "timeframe_days"].min()


def test_incident_timeline_spec(tables):
    tl = rl.incident_timeline(tables["incidents"])
    spec = charts.incident_timeline(tl).to_dict()
    units = list(_walk(spec))
    assert [_mark(u) for u in units] == ["bar", "point"]
    assert units[0]["encoding"]["x2"]["field"] == "end_or_start"
    rows = _values(spec)
    assert len(rows) == len(tables["incidents"])
    assert min(r["start_date"] for r in rows).startswith("2009")
    assert all(u["encoding"]["color"]["field"] == "use" for u in units)


def test_figure_claims_draw_every_claim_and_never_average(tables):
    figures = tables["incident_figures"]
    claims = rl.competing_figures(figures, "iran-2019-11-fuel-protests", "killed")
    spec = charts.figure_claims(claims).to_dict()
    assert [_mark(u) for u in _walk(spec)] == ["rule", "point", "text"]
    rows = _values(spec)
    assert len(rows) == len(claims)
    assert sorted(r["value"] for r in rows) == sorted(claims["value"])
    assert not _has_aggregate(spec)
    assert {r["source"] for r in rows if r["from_paper"]} == {"SOMO / Justice for Iran paper"}
    faceted = charts.figure_claims(rl.paper_claims_against_sources(figures)).to_dict()
    assert faceted["facet"]["row"]["field"] == "group"
    assert faceted["resolve"]["scale"] == {"x": "independent", "y": "independent"}
    assert not _has_aggregate(faceted)


def test_incident_uses_spec(tables):
    tl = rl.incident_timeline(tables["incidents"])
    spec = charts.incident_uses(tl).to_dict()
    (unit,) = _walk(spec)
    assert unit["encoding"]["y"]["field"] == "use" and unit["encoding"]["color"]["field"] == "country"
    assert unit["encoding"]["x"] == {
        "aggregate": "sum",
        "field": "incidents",
        "title": "incidents",
        "type": "quantitative",
    }
    rows = _values(spec)  # counted: one row per use and country, the bars total every incident
    assert sum(r["incidents"] for r in rows) == len(tl)
    assert len({(r["use"], r["country"]) for r in rows}) == len(rows) == tl.groupby(["use", "country"]).ngroups
    per_use = {u: sum(r["incidents"] for r in rows if r["use"] == u) for u in tl["use"]}
    assert per_use == tl["use"].value_counts().to_dict()


def test_sanctions_timeline_spec(tables):
    table = rl.sanctions_table(tables["sanctions"], tables["vendors"])
    spec = charts.sanctions_timeline(table).to_dict()
    (unit,) = _walk(spec)
    assert _mark(unit) == "point"
    assert {unit["encoding"][k]["field"] for k in ("x", "y", "color", "shape")} == {
        "date",
        "vendor",
        "authority_group",
        "measure_type",
    }
    rows = _values(spec)
    assert len(rows) == len(tables["sanctions"])
    hik = [r for r in rows if r["vendor"].startswith("Hangzhou Hikvision") and r["date"].startswith("2019-10-09")]
    assert len(hik) == 1 and "Entity List" in hik[0]["authority"]


def test_vendor_links_spec(tables):
    links = rl.vendor_links(tables)
    spec = charts.vendor_links(links).to_dict()
    (unit,) = _walk(spec)
    assert unit["encoding"]["color"]["field"] == "kind"
    rows = _values(spec)
    assert len(rows) == links["date"].notna().sum()
    assert any(r["ref"] == "ch-2020-ubs" and r["vendor_id"] == "hikvision" for r in rows)


def test_city_ranking_spec(tables):
    flagged = rl.city_ranking_flags(tables["surveilled_cities"])
    spec = charts.city_ranking(flagged, 2020).to_dict()
    units = list(_walk(spec))
    assert [_mark(u) for u in units] == ["bar", "text"]
    rows = {r["city"]: r for r in _values(spec)}
    assert len(rows) == 20 and rows["Shanghai"]["status"] == "flagged" and rows["Taiyuan"]["status"] == "consistent"
    assert "12. Shanghai" in spec["description"]
    with pytest.raises(ValueError):
        charts.city_ranking(flagged, 1999)


def test_records_have_no_time_zone_and_no_nan():
    frame = pd.DataFrame(
        {
            "d": pd.to_datetime(["2025-01-11", None]),
            "n": pd.array([1, None], dtype="Int64"),
            "s": pd.array(["a", None], dtype="string"),
        }
    )
    assert charts.builders._records(frame) == [
        {"d": "2025-01-11T00:00:00", "n": 1, "s": "a"},
        {"d": None, "n": None, "s": None},
    ]


def test_palette_is_used_by_every_colour_scale(tables):
    for name, chart in build_all(tables).items():
        text = str(chart.to_dict())
        for colour in __import__("re").findall(r"#[0-9A-Fa-f]{6}", text):
            assert colour.upper() in {c.upper() for c in charts.PALETTE} | {"#555555", "#E6E6E6", "#FFFFFF"}, (
                name,
                colour,
            )


def test_offline_widget_javascript_is_built_once_and_reused(tmp_path, monkeypatch):
    from altair.jupyter.jupyter_chart import JupyterChart

    from rbclab.charts import render

    monkeypatch.setenv("RBCLAB_CACHE", str(tmp_path))
    monkeypatch.setattr(JupyterChart, "_is_offline", False)
    monkeypatch.setattr(JupyterChart, "_esm", "")
    render._enable_offline_widget()
    cached = list(tmp_path.glob("jupyterchart-*.js"))
    assert len(cached) == 1 and JupyterChart._is_offline
    built = JupyterChart._esm
    assert len(built) > 100_000 and "cdn.jsdelivr" not in built[:2000]
    # a new kernel: not offline yet, and the file is read instead of rebuilt
    monkeypatch.setattr(JupyterChart, "_is_offline", False)
    monkeypatch.setattr(JupyterChart, "_esm", "")
    cached[0].write_text(built + "\n// from the cache\n", encoding="utf-8")
    render._enable_offline_widget()
    assert JupyterChart._is_offline and JupyterChart._esm.endswith("// from the cache\n")


def test_share_intervals_draw_each_groups_interval(tables):
    shares = rl.outcome_shares(tables["ncp_cases"], "lead NCP")
    spec = charts.share_intervals(shares, "not accepted").to_dict()
    assert {_mark(u) for u in _walk(spec)} == {"rule", "point"}
    rows = {r["group"]: r for r in _values(spec)}
    expected = shares[shares["outcome"] == "not accepted"].set_index("group")
    for group, row in rows.items():
        assert row["ci_low"] == pytest.approx(float(expected.at[group, "ci_low"]))
        assert row["ci_low"] <= row["share"] <= row["ci_high"]


def test_survival_curves_mark_the_timeframes(tables):
    curves = rl.survival_curves(tables["ncp_cases"], "conclusion", outcomes=tables["case_outcomes"])
    spec = charts.survival_curves(curves).to_dict()
    marks = [_mark(u) for u in _walk(spec)]
    assert marks.count("line") == 1 and marks.count("area") == 1 and marks.count("rule") == 1
    text = str(spec)
    assert "90 days" in text and "365 days" in text


def test_incident_map_draws_every_incident_on_the_shipped_base_map(tables):
    located = rl.incident_places(tables["incidents"], tables["places"], tables["incident_figures"])
    spec = charts.incident_map(located).to_dict()
    land, points = _walk(spec)
    assert _mark(land) == "geoshape" and _mark(points) == "circle"
    assert spec["projection"]["type"] == "equalEarth"
    assert len(_values(spec, land)) == 177  # the shipped map, embedded: no URL to fetch
    assert "url" not in land["data"] and "url" not in points["data"]
    rows = _values(spec, points)
    assert {r["incident_id"] for r in rows} == set(tables["incidents"]["incident_id"])
    assert (points["encoding"]["longitude"]["field"], points["encoding"]["latitude"]["field"]) == (
        "map_longitude",
        "map_latitude",
    )
    tehran = [r for r in rows if r["located_at"] == "Tehran"]
    assert len(tehran) > 1 and len({(r["map_latitude"], r["map_longitude"]) for r in tehran}) == len(tehran)
    assert all(r["latitude"] == pytest.approx(35.69439) for r in tehran)  # the stated point is kept
    killed = next(r for r in rows if r["incident_id"] == "iran-2019-11-fuel-protests")["figures"]
    claims = tables["incident_figures"][tables["incident_figures"]["incident_id"] == "iran-2019-11-fuel-protests"]
    assert killed.count("; ") == len(claims) - 1  # every claim, none averaged


def test_city_map_keeps_the_flags(tables):
    located = rl.city_places(rl.city_ranking_flags(tables["surveilled_cities"]), tables["places"])
    spec = charts.city_map(located, 2020).to_dict()
    _, points = _walk(spec)
    rows = _values(spec, points)
    assert len(rows) == (tables["surveilled_cities"]["edition"] == 2020).sum()
    shanghai = next(r for r in rows if r["city"] == "Shanghai")
    assert shanghai["status"] == "flagged" and "cameras / population" in shanghai["flag_text"]
    assert points["encoding"]["color"]["scale"]["range"][1] == charts.PALETTE[5]
    with pytest.raises(ValueError, match="no rows"):
        charts.city_map(located, 1999)


def test_explorer_and_durations_stay_the_same_size_at_ten_times_the_cases(tmp_path):
    from rbclab.synth import make_package

    big = rl.load_package(make_package(tmp_path / "x10", scale=10))
    small = rl.load_package()
    for build in (
        lambda t: charts.outcome_explorer(t["ncp_cases"]),
        lambda t: charts.duration_distribution(rl.stage_timeframes(rl.case_stages(t["ncp_cases"]))),
    ):
        big_rows = sum(len(u["data"]["values"]) for u in _walk(build(big).to_dict()) if "data" in u)
        small_rows = sum(len(u["data"]["values"]) for u in _walk(build(small).to_dict()) if "data" in u)
        assert big_rows == small_rows  # the copies repeat years, NCPs, outcomes and durations


# --------------------------------------------------------------------------- bounded specs


@pytest.fixture(scope="module")
def ten_times(tmp_path_factory):
    from rbclab.synth import make_package

    return rl.load_package(make_package(tmp_path_factory.mktemp("x10") / "x10", scale=10))


def _spec_bytes(chart):
    """Size of a chart's JSON spec, the shipped base map left out (it is the same at any scale)."""
    import json

    spec = chart.to_dict()
    for unit in _walk(spec):
        if _mark(unit) == "geoshape":
            unit.pop("data", None)
    return len(json.dumps(spec))


def _subtitle(spec):
    return spec["title"]["subtitle"]


#: The builders whose data would grow with the rows, each built the way the notebooks build it.
GROWING = {
    "incident_timeline": lambda t: charts.incident_timeline(rl.incident_timeline(t["incidents"])),
    "incident_uses": lambda t: charts.incident_uses(rl.incident_timeline(t["incidents"])),
    "incident_map": lambda t: charts.incident_map(
        rl.incident_places(t["incidents"], t["places"], t["incident_figures"])
    ),
    "sanctions_timeline": lambda t: charts.sanctions_timeline(rl.sanctions_table(t["sanctions"], t["vendors"])),
    "vendor_links": lambda t: charts.vendor_links(rl.vendor_links(t)),
    "city_ranking": lambda t: charts.city_ranking(rl.city_ranking_flags(t["surveilled_cities"]), 2020),
    "city_ranking_2019": lambda t: charts.city_ranking(rl.city_ranking_flags(t["surveilled_cities"]), 2019),
    "city_map": lambda t: charts.city_map(
        rl.city_places(rl.city_ranking_flags(t["surveilled_cities"]), t["places"]), 2020
    ),
}


@pytest.mark.parametrize("name", sorted(GROWING))
def test_spec_does_not_grow_with_ten_times_the_rows(tables, ten_times, name):
    small, big = _spec_bytes(GROWING[name](tables)), _spec_bytes(GROWING[name](ten_times))
    assert big <= 3 * small, (name, small, big)  # ten times the rows would make it about ten times larger


@pytest.mark.parametrize("name", sorted(GROWING))
def test_bundled_charts_draw_every_row_and_say_nothing_was_left_out(tables, name):
    spec = GROWING[name](tables).to_dict()
    subtitle = str(spec["title"].get("subtitle", "")) if isinstance(spec["title"], dict) else ""
    assert "top " not in subtitle and "counted per" not in subtitle
    assert "too many" not in spec["description"]


def test_incident_timeline_counts_many_incidents_per_year_and_use(ten_times):
    tl = rl.incident_timeline(ten_times["incidents"])
    spec = charts.incident_timeline(tl).to_dict()
    (unit,) = _walk(spec)
    assert _mark(unit) == "bar" and unit["encoding"]["color"]["field"] == "use"
    rows = _values(spec)
    assert sum(r["incidents"] for r in rows) == len(tl)  # every incident counted once
    assert len(rows) == tl.groupby([tl["start_date"].dt.year, "use"]).ngroups < len(tl)
    assert f"{len(tl):,} incidents" in _subtitle(spec)
    # the same colour for each use as the bundled timeline, drawn one row each
    bundled = charts.incident_timeline(rl.incident_timeline(rl.load_incidents())).to_dict()
    assert unit["encoding"]["color"]["scale"] == bundled["layer"][0]["encoding"]["color"]["scale"]


def test_incident_timeline_keeps_one_row_per_incident_below_the_limit(tables):
    tl = rl.incident_timeline(tables["incidents"])
    spec = charts.incident_timeline(tl, max_incidents=len(tl)).to_dict()
    assert [_mark(u) for u in _walk(spec)] == ["bar", "point"] and len(_values(spec)) == len(tl)
    counted = charts.incident_timeline(tl, max_incidents=len(tl) - 1).to_dict()
    assert sum(r["incidents"] for r in _values(counted)) == len(tl)


def test_incident_map_counts_many_incidents_per_point_and_use(tables, ten_times):
    located = rl.incident_places(ten_times["incidents"], ten_times["places"], ten_times["incident_figures"])
    spec = charts.incident_map(located).to_dict()
    land, points = _walk(spec)
    assert _mark(land) == "geoshape" and points["encoding"]["size"]["field"] == "incidents"
    rows = _values(spec, points)
    assert sum(r["incidents"] for r in rows) == len(located)
    assert len(rows) == located.groupby(["located_at", "country", "use"]).ngroups
    assert (
        points["encoding"]["color"]["scale"]
        == next(u for u in _walk(GROWING["incident_map"](tables).to_dict()) if _mark(u) == "circle")["encoding"][
            "color"
        ]["scale"]
    )
    assert "counted per point and use" in _subtitle(spec)


def test_vendor_charts_count_many_points_and_keep_the_totals(ten_times):
    table = rl.sanctions_table(ten_times["sanctions"], ten_times["vendors"])
    spec = charts.sanctions_timeline(table).to_dict()
    rows = _values(spec)
    assert sum(r["measures"] for r in rows) == len(table) and len(rows) < len(table)
    assert f"{len(table):,} measures, counted per month" in _subtitle(spec)
    links = rl.vendor_links(ten_times)
    spec = charts.vendor_links(links).to_dict()
    rows = _values(spec)
    assert sum(r["links"] for r in rows) == links["date"].notna().sum() and len(rows) < len(links)
    hik = sum(r["links"] for r in rows if r["vendor"].startswith("Hangzhou Hikvision"))
    assert hik == (links["date"].notna() & links["vendor"].str.startswith("Hangzhou Hikvision")).sum()


def test_vendor_charts_draw_the_vendors_with_most_rows_and_say_so(tables):
    table = rl.sanctions_table(tables["sanctions"], tables["vendors"])
    spec = charts.sanctions_timeline(table, max_vendors=3).to_dict()
    most = table["vendor"].value_counts()
    assert {r["vendor"] for r in _values(spec)} == set(most.index[:3])
    assert len(_values(spec)) == most.iloc[:3].sum()
    assert f"top 3 of {len(most)} vendors by number of measures" in _subtitle(spec)
    links = rl.vendor_links(tables)
    spec = charts.vendor_links(links, max_vendors=2).to_dict()
    dated = links[links["date"].notna()]["vendor"].value_counts()
    assert spec["encoding"]["y"]["sort"] == list(dated.index[:2])
    assert len(_values(spec)) == dated.iloc[:2].sum()
    assert f"top 2 of {len(dated)} vendors by number of links" in _subtitle(spec)


def test_city_charts_draw_the_first_ranks_and_say_what_was_left_out(tables, ten_times):
    flagged = rl.city_ranking_flags(ten_times["surveilled_cities"])
    edition = flagged[flagged["edition"] == 2020]
    spec = charts.city_ranking(flagged, 2020).to_dict()
    rows = _values(spec)
    assert [r["rank"] for r in rows] == sorted(edition["rank"])[:30]
    below = edition.sort_values("rank").iloc[30:]
    assert f"top 30 of {len(edition):,} ranked cities" in _subtitle(spec)
    assert f"{below['flags'].notna().sum():,} flagged rows below rank {rows[-1]['rank']} not drawn" in _subtitle(spec)
    located = rl.city_places(flagged, ten_times["places"])
    _, points = _walk(charts.city_map(located, 2020, max_rows=25).to_dict())
    assert len(_values(charts.city_map(located, 2020, max_rows=25).to_dict(), points)) == 25
    small = rl.city_ranking_flags(tables["surveilled_cities"])
    assert len(_values(charts.city_ranking(small, 2020, max_rows=5).to_dict())) == 5
    assert len(_values(charts.city_ranking(small, 2020, max_rows=None).to_dict())) == 20


def _unnamed(spec: dict) -> str:
    """A spec as JSON with Altair's generated selection and view names blanked out."""
    import re

    return re.sub(r"(param|view)_[0-9a-f]+(_\d+)?", r"\1_", json.dumps(spec, sort_keys=True))


def test_a_redrawn_outcome_chart_is_the_chart_built_for_the_new_shares(tables):
    cases = tables["ncp_cases"]
    by_ncp = rl.analyse.outcome_shares(cases, "lead NCP")
    surveillance = cases[cases["surveillance_ict"].fillna(False).astype(bool)]
    first = charts.outcome_shares(by_ncp, title="Outcomes by lead NCP").to_dict()
    for shares, title, groups in [
        (rl.analyse.outcome_shares(surveillance, "theme"), "Outcomes by theme", 20),
        (rl.analyse.outcome_shares(cases.iloc[:40], "lead NCP"), "A few", 5),
        (by_ncp, "Outcomes by lead NCP", 20),
    ]:
        redrawn = charts.redraw_outcome_shares(first, shares, title=title, max_groups=groups)
        built = charts.outcome_shares(shares, title=title, max_groups=groups).to_dict()
        assert _unnamed(redrawn) == _unnamed(built)
    assert _unnamed(first) == _unnamed(charts.outcome_shares(by_ncp, title="Outcomes by lead NCP").to_dict())
