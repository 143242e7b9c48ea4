"""The data build steps in tools/: merging a coding and applying corrections, on a copy of the data."""

import csv
import subprocess
import sys

import pytest

import rbclab as rl
from rbclab.taxonomy import CODES
from support import ROOT

CODED = (
    ["case_id"]
    + [c for d in CODES for c in (d, f"{d}_evidence")]
    + [
        "evidence_urls",
        "pages_read",
        "title_from_page",
        "themes_from_page",
        "sector_from_page",
        "corrections",
        "notes",
    ]
)


def run(*args):
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, check=True).stdout


def test_merge_writes_the_codes_and_derives_the_outcome(pkg, tmp_path):
    row = dict.fromkeys(CODED, "")
    codes = {
        "closed": "yes",
        "ia_decision": "accepted",
        "good_offices": "held",
        "agreement": "none",
        "determination": "not stated",
        "recommendations": "no",
        "follow_up": "no",
        "withdrawn": "no",
    }
    row.update(
        case_id="ch-2020-ubs",
        evidence_urls="https://example.org/ubs-case ; https://mneguidelines.oecd.org/database/instances/ch0021.htm",
    )
    for dim, value in codes.items():
        row[dim] = value
        row[f"{dim}_evidence"] = f'[2] the page says "{value}"'
    path = tmp_path / "coded_test.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CODED)
        writer.writeheader()
        writer.writerow(row)
    out = run(ROOT / "tools" / "merge_case_coding.py", "--data", pkg, "--date", "2026-12-01", path)
    assert "1 sources added" in out  # the OECD page is known, the other is new
    outcomes = rl.load_case_outcomes("ch-2020-ubs", path=pkg).iloc[0]
    assert outcomes["agreement"] == "none" and outcomes["source_ids"].split(";")[1] == "oecd-db-ch0021"
    case = rl.load_cases(path=pkg).set_index("case_id").loc["ch-2020-ubs"]
    assert (case["outcome"], case["outcome_rule"]) == ("accepted - no agreement", "no-agreement")
    sources = rl.load_sources(path=pkg).set_index("url")
    assert str(sources.loc["https://example.org/ubs-case", "read_on"].date()) == "2026-12-01"


def _apply_corrections(path, rows: list[dict], pkg) -> None:
    """Write ``rows`` as a corrections file at ``path`` and apply it to ``pkg``."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run(ROOT / "tools" / "apply_corrections.py", path, "--data", pkg)


def test_apply_fills_empty_values_and_keeps_disagreements_as_claims(pkg, tmp_path):
    cases = rl.load_cases(path=pkg).set_index("case_id")
    empty = cases[cases["date_initial_assessment"].isna() & cases["date_submitted"].notna()].index[0]
    month = f"{cases.loc[empty, 'date_submitted']:%Y-%m}"  # the submission's month keeps the dates in order
    path = tmp_path / "corrections.csv"
    rows = [
        {
            "case_id": empty,
            "field": "date_initial_assessment",
            "current": "",
            "proposed": month,
            "source_ids": "oecd-db-ch0021",
            "kind": "fill",
            "note": "test",
        },
        {
            "case_id": "ch-2020-ubs",
            "field": "date_concluded",
            "current": "2021-12-20",
            "proposed": "2021-12-21",
            "source_ids": "readkong-032052",
            "kind": "differs",
            "note": "a second page",
        },
    ]
    _apply_corrections(path, rows, pkg)
    after = rl.load_cases(path=pkg).set_index("case_id")
    assert after.loc[empty, "date_initial_assessment_precision"] == "month"
    assert str(after.loc["ch-2020-ubs", "date_concluded"].date()) == "2021-12-20"  # a lower-ranked page does not win
    claims = rl.load_case_claims("ch-2020-ubs", path=pkg)
    concluded = claims[claims["field"] == "date_concluded"].set_index("value")["used"]
    assert concluded.to_dict() == {"2021-12-20": True, "2021-12-21": False}
    assert rl.validate_package(pkg).ok


def test_apply_cuts_a_placeholder_day_to_the_month_the_page_gives(pkg, tmp_path):
    cases = rl.load_cases(path=pkg).set_index("case_id")
    day = cases[(cases["date_submitted_precision"] == "day") & (cases["date_submitted"].dt.day == 1)].index[0]
    stored = f"{cases.loc[day, 'date_submitted']:%Y-%m-%d}"
    path = tmp_path / "corrections.csv"
    rows = [
        {"case_id": day, "field": "date_submitted", "current": stored, "proposed": stored[:7],
         "source_ids": "oecd-db-ch0021", "kind": "precision", "note": "the page gives the month"},
        {"case_id": "ch-2020-ubs", "field": "date_submitted", "current": "2020-06-22", "proposed": "2020-07",
         "source_ids": "oecd-db-ch0021", "kind": "precision", "note": "not a cut of the stored date"},
    ]  # fmt: skip
    _apply_corrections(path, rows, pkg)
    after = rl.load_cases(path=pkg).set_index("case_id")
    assert after.loc[day, "date_submitted_precision"] == "month"
    assert f"{after.loc[day, 'date_submitted']:%Y-%m}" == stored[:7]
    assert str(after.loc["ch-2020-ubs", "date_submitted"].date()) == "2020-06-22"
    assert rl.validate_package(pkg).ok


def _load_tool(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shapefile(rings: list[list[tuple[float, float]]]) -> bytes:
    """A .shp file with one polygon record holding ``rings``."""
    import struct

    points = [p for ring in rings for p in ring]
    parts, at = [], 0
    for ring in rings:
        parts.append(at)
        at += len(ring)
    body = struct.pack("<i4d", 5, 0, 0, 0, 0) + struct.pack("<ii", len(rings), len(points))
    body += struct.pack(f"<{len(parts)}i", *parts) + b"".join(struct.pack("<dd", *p) for p in points)
    record = struct.pack(">ii", 1, len(body) // 2) + body
    return b"\0" * 100 + record


def _dbf(names: list[str]) -> bytes:
    """A dBASE III table with the fields ``name`` and ``iso_a3``."""
    import struct

    fields = [("name", 20), ("iso_a3", 3)]
    header_len = 32 + 32 * len(fields) + 1
    record_len = 1 + sum(size for _, size in fields)
    out = struct.pack("<4xIHH20x", len(names), header_len, record_len)
    for fname, size in fields:
        out += fname.encode().ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([size]) + b"\0" * 15
    out += b"\x0d"
    for name in names:
        out += b" " + name.encode("latin-1").ljust(20) + b"CIV"
    return out


def test_basemap_reads_polygons_and_keeps_the_winding_d3_needs():
    tool = _load_tool("make_basemap")
    outer = [(0.0, 0.0), (0.0, 10.0), (10.0, 10.0), (10.0, 0.0), (0.0, 0.0)]  # clockwise
    hole = [(2.0, 2.0), (8.0, 2.0), (8.0, 8.0), (2.0, 8.0), (2.0, 2.0)]  # counter-clockwise
    geo = tool.geojson(_shapefile([outer, hole]), _dbf(["Côte d'Ivoire"]))
    (feature,) = geo["features"]
    assert feature["properties"] == {"name": "Côte d'Ivoire", "iso_a3": "CIV"}
    (polygon,) = feature["geometry"]["coordinates"]  # one polygon: the outer ring and its hole
    assert polygon[0][:2] == [[0.0, 0.0], [0.0, 10.0]] and polygon[1][0] == [2.0, 2.0]


def test_gazetteer_takes_the_most_populous_city_of_the_country():
    tool = _load_tool("make_gazetteer")
    cities = {
        "1": {
            "geonameid": 1,
            "name": "London",
            "countrycode": "CA",
            "population": 9,
            "latitude": 43.0,
            "longitude": -81.2,
        },
        "2": {
            "geonameid": 2,
            "name": "London",
            "countrycode": "GB",
            "population": 8,
            "latitude": 51.5,
            "longitude": -0.1,
        },
        "3": {
            "geonameid": 3,
            "name": "Ürümqi",
            "countrycode": "CN",
            "population": 3,
            "latitude": 43.8,
            "longitude": 87.6,
            "alternatenames": ["Urumqi"],
        },
    }
    rows = [
        {
            "place": "London",
            "country": "UK",
            "located_at": "London",
            "country_code": "GB",
            "latitude": "",
            "longitude": "",
            "geonameid": "",
        },
        {
            "place": "Xinjiang",
            "country": "China",
            "located_at": "Urumqi",
            "country_code": "CN",
            "latitude": "",
            "longitude": "",
            "geonameid": "",
        },
    ]
    changes = tool.fill(rows, cities)
    assert len(changes) == 2 and [r["geonameid"] for r in rows] == ["2", "3"]
    assert tool.fill(rows, cities) == []  # nothing left to change
    with pytest.raises(KeyError, match="Atlantis"):
        tool.fill([{**rows[0], "located_at": "Atlantis"}], cities)


def test_committed_places_match_their_geonames_ids():
    places = rl.load_places()
    assert places["geonameid"].notna().all() and places["source_ids"].eq("geonames-cities15000").all()
    tehran = places[places["located_at"] == "Tehran"]
    assert set(tehran["geonameid"]) == {112931}
