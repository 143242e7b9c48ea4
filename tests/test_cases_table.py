"""Checks over the real NCP case table (not fixtures): the rules every row must keep."""

import datetime as dt
import itertools
from pathlib import Path

import pandas as pd
import pytest

import rbclab as rl
from rbclab.analyse import coverage, coverage_markdown
from rbclab.taxonomy import CODES, OECD_ID_EXCEPTIONS, OUTCOMES, derive_outcome, oecd_id_fits

README = Path(__file__).resolve().parents[1] / "data" / "README.md"
DATES = ["date_submitted", "date_initial_assessment", "date_concluded"]


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return rl.load_cases()


def test_the_table_is_at_the_size_the_docs_promise(cases):
    assert len(cases) >= 350
    assert cases["status"].notna().mean() >= 0.90
    assert (cases["date_submitted_precision"] == "day").mean() >= 0.70


def test_no_duplicate_ids(cases):
    assert not cases["case_id"].duplicated().any()
    ids = cases["oecd_id"].dropna()
    assert not ids.duplicated().any(), ids[ids.duplicated()].tolist()


def test_oecd_id_prefix_matches_the_lead_ncp(cases):
    rows = cases.dropna(subset=["oecd_id"])
    bad = [(o, n) for o, n in zip(rows["oecd_id"], rows["lead_ncp"].astype(str)) if not oecd_id_fits(o, n)]
    assert not bad


def test_each_excused_oecd_id_is_the_oecd_page_read(cases):
    sources = rl.load_sources().set_index("source_id")
    for oecd_id, ncp in OECD_ID_EXCEPTIONS.items():
        case = cases[cases["oecd_id"] == oecd_id]
        assert case["lead_ncp"].astype(str).tolist() == [ncp]
        url = sources.at[f"oecd-db-{oecd_id}", "url"]
        assert url.endswith(f"/database/instances/{oecd_id}.htm")
        assert f"oecd-db-{oecd_id}" in case["source_ids"].item()


def test_every_case_cites_a_known_source(cases):
    known = set(rl.load_sources()["source_id"])
    cited = rl.explode_list(cases[["case_id", "source_ids"]], "source_ids")
    assert set(cases["case_id"]) == set(cited["case_id"])
    assert set(cited["source_ids"]) <= known


def test_dates_fall_in_2000_to_today_and_in_order(cases):
    for col in DATES:
        known = cases[col].dropna()
        assert known.dt.year.min() >= 2000 and known.max() <= pd.Timestamp(dt.date.today()), col

    # a partial date is a period: out of order only if the later stage starts after the earlier ends
    def period_end(col):
        prec = cases[f"{col}_precision"].astype("string")
        end = cases[col].copy()
        end[prec == "month"] = end[prec == "month"] + pd.offsets.MonthEnd(0)
        end[prec == "year"] = end[prec == "year"] + pd.offsets.YearEnd(0)
        return end

    for earlier, later in itertools.pairwise(DATES):
        assert not (cases[earlier] > period_end(later)).fillna(False).any(), (earlier, later)


def test_categories_come_from_the_controlled_lists(cases):
    assert set(cases["outcome"].astype(str)) <= set(OUTCOMES)
    types = rl.explode_list(cases.dropna(subset=["complainant_type"]), "complainant_type")["complainant_type"]
    assert set(types) <= {"NGO", "Trade union", "Individual", "Other"}


def test_outcomes_follow_from_the_codes(cases):
    coded = rl.load_case_outcomes().astype({d: str for d in CODES}).set_index("case_id")
    assert set(coded.index) == set(cases["case_id"])
    for _, case in cases.iterrows():
        expected = derive_outcome(coded.loc[case["case_id"]].to_dict())
        assert (case["outcome"], case["outcome_rule"]) == expected, case["case_id"]


def test_every_used_claim_is_the_value_the_case_table_holds(cases):
    claims = rl.load_case_claims()
    assert len(claims) > 0
    by_id = cases.set_index("case_id")
    used = claims[claims["used"]]
    for _, c in used.iterrows():
        value = by_id.at[c["case_id"], c["field"]]
        shown = value.strftime("%Y-%m-%d") if isinstance(value, pd.Timestamp) else str(value)
        assert shown.startswith(c["value"]), (c["case_id"], c["field"])
    assert not used.duplicated(["case_id", "field"]).any()
    # a lone claim is a value the table declined to use (its own source contradicts it)
    sizes = claims.groupby(["case_id", "field"], observed=True)["used"].agg(["size", "sum"])
    assert (sizes.loc[sizes["size"] == 1, "sum"] == 0).all()


def test_coverage_counts_every_case_once(cases):
    table = coverage(cases)
    assert table["total"].sum() == len(cases)
    assert table["with_status"].sum() == cases["status"].notna().sum()
    assert set(table.index) == set(cases["lead_ncp"].cat.categories)


def test_readme_coverage_table_matches_the_data(cases):
    assert coverage_markdown(cases) in README.read_text(encoding="utf-8"), (
        "data/README.md is out of date: paste the output of rbclab.analyse.coverage_markdown()"
    )


def test_readme_outcome_counts_match_the_data(cases):
    text = README.read_text(encoding="utf-8")
    counts = cases.groupby(["outcome", "outcome_rule"], observed=True).size()
    for (outcome, rule), n in counts.items():
        assert f"| {outcome} | `{rule}` | {n} |" in text, (outcome, rule, n)


def test_coverage_leaves_the_callers_frame_alone():
    cases = rl.load_cases()
    coverage(cases)
    assert cases["lead_ncp"].cat.categories.name is None
    assert rl.load_cases()["lead_ncp"].cat.categories.name is None


def test_readme_published_counts_table_matches_the_data(cases):
    table = rl.published_markdown(cases, rl.load_published_counts())
    assert table in README.read_text(encoding="utf-8"), (
        "data/README.md is out of date: paste the output of rbclab.published_markdown()"
    )
