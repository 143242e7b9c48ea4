"""The data build steps in tools/: merging a coding and applying corrections, on a copy of the data."""

import csv
import subprocess
import sys

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
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run(ROOT / "tools" / "apply_corrections.py", path, "--data", pkg)
    after = rl.load_cases(path=pkg).set_index("case_id")
    assert after.loc[empty, "date_initial_assessment_precision"] == "month"
    assert str(after.loc["ch-2020-ubs", "date_concluded"].date()) == "2021-12-20"  # a lower-ranked page does not win
    claims = rl.load_case_claims("ch-2020-ubs", path=pkg)
    concluded = claims[claims["field"] == "date_concluded"].set_index("value")["used"]
    assert concluded.to_dict() == {"2021-12-20": True, "2021-12-21": False}
    assert rl.validate_package(pkg).ok
