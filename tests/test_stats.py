"""Intervals, tests and censoring-aware durations against hand-computed examples."""

import math

import pandas as pd
import pytest

import rbclab as rl
from rbclab.analyse import similar
from rbclab.analyse.stats import survival_data

pytest.importorskip("lifelines")
pytest.importorskip("scipy")


def test_wilson_interval_of_a_known_count():
    # 116 of 219: p = 0.5297, z = 1.96; by hand (see the formula in the docstring) 0.4636 to 0.5947
    low, high = rl.wilson_interval(116, 219)
    assert float(low) == pytest.approx(0.46364, abs=5e-5) and float(high) == pytest.approx(0.59472, abs=5e-5)
    low, high = rl.wilson_interval([0, 5], [5, 5])
    assert list(low.round(4)) == [0.0, 0.5655] and list(high.round(4)) == [0.4345, 1.0]
    assert all(math.isnan(x) for x in rl.wilson_interval(0, 0))


def test_every_rate_carries_n_and_an_interval():
    cases, outcomes = rl.load_cases(), rl.load_case_outcomes()
    for frame, rate in (
        (rl.acceptance_rate(cases, "lead NCP", outcomes=outcomes), "rate"),
        (rl.outcome_shares(cases, "theme"), "share"),
        (rl.agreement_rate(cases, outcomes, "complainant type"), "rate"),
    ):
        known = frame[frame["n"] > 0]
        assert {"n", "ci_low", "ci_high", "small"} <= set(frame.columns)
        assert ((known["ci_low"] <= known[rate]) & (known[rate] <= known["ci_high"])).all()
        assert (known["small"] == (known["n"] < 10)).all()


def test_acceptance_rate_counts_the_coded_assessment():
    cases, outcomes = rl.load_cases(), rl.load_case_outcomes()
    rate = rl.acceptance_rate(cases, outcomes=outcomes).iloc[0]
    ia = outcomes["ia_decision"].astype(str)
    assert rate["accepted"] == ia.isin(["accepted", "partially accepted"]).sum()
    assert rate["not_accepted"] == (ia == "not accepted").sum()
    assert rate["n"] == rate["accepted"] + rate["not_accepted"]


def test_fisher_test_of_a_two_by_two_table():
    # 3 of 4 against 1 of 4: Fisher's exact two-sided p = 34/70 = 0.4857
    cases = pd.DataFrame(
        {
            "case_id": [f"c{i}" for i in range(8)],
            "outcome": ["unknown"] * 8,
            "date_submitted": pd.to_datetime(["2015-01-01"] * 8),
            "surveillance_ict": pd.array([True] * 4 + [False] * 4, dtype="boolean"),
            "complainant_type": ["NGO"] * 8,
        }
    )
    decisions = ["accepted"] * 3 + ["not accepted"] + ["accepted"] + ["not accepted"] * 3
    outcomes = pd.DataFrame(
        {
            "case_id": cases["case_id"],
            "ia_decision": decisions,
            "good_offices": "unknown",
            "agreement": "unknown",
            "closed": "yes",
        }
    )
    result = rl.compare_groups(cases, outcomes, "surveillance / ICT")
    assert result.test == "Fisher's exact test"
    assert result.p_value == pytest.approx(34 / 70, abs=1e-9)
    table = result.table.set_index("group")
    assert table.loc["surveillance / ICT", "rate"] == pytest.approx(0.75)
    assert "observational" in result.caution.lower()


def _five_cases():
    """Five cases submitted on 1 Jan 2020: concluded after 10, 30 and 50 days; two still open,
    their latest status dated 20 and 40 days after submission."""
    start = pd.Timestamp("2020-01-01")
    concluded = [10, None, 30, None, 50]
    as_of = [None, 20, None, 40, None]
    day = lambda xs: pd.Categorical(["day" if x is not None else None for x in xs], categories=["day", "month", "year"])  # noqa: E731
    cases = pd.DataFrame(
        {
            "case_id": list("abcde"),
            "date_submitted": [start] * 5,
            "date_submitted_precision": pd.Categorical(["day"] * 5, categories=["day", "month", "year"]),
            "date_concluded": [start + pd.Timedelta(days=d) if d is not None else pd.NaT for d in concluded],
            "date_concluded_precision": day(concluded),
            "date_initial_assessment": [pd.NaT] * 5,
            "date_initial_assessment_precision": day([None] * 5),
            "status_as_of": [start + pd.Timedelta(days=d) if d is not None else pd.NaT for d in as_of],
            "status_as_of_precision": day(as_of),
        }
    )
    outcomes = pd.DataFrame({"case_id": list("abcde"), "closed": ["yes", "no", "yes", "no", "yes"]})
    return cases, outcomes


def test_kaplan_meier_median_on_five_cases_with_censoring():
    cases, outcomes = _five_cases()
    data = survival_data(cases, outcomes, "conclusion").set_index("case_id")
    assert data["days"].tolist() == [10, 20, 30, 40, 50] and data["event"].tolist() == [True, False, True, False, True]
    km = rl.duration_survival(cases, "conclusion", outcomes=outcomes).iloc[0]
    # S(10) = 4/5; S(30) = 4/5 * 2/3 = 0.533; S(50) = 0: the median is 50 days, where the naive
    # median of the three concluded cases (10, 30, 50) is 30
    assert (km["n"], km["events"], km["censored"], km["excluded"]) == (5, 3, 2, 0)
    assert km["median_days"] == 50 and km["naive_median_days"] == 30
    curves = rl.survival_curves(cases, "conclusion", outcomes=outcomes).set_index("days")["waiting"]
    assert curves[10] == pytest.approx(0.8) and curves[30] == pytest.approx(0.8 * 2 / 3) and curves[50] == 0


def test_cases_without_day_dates_are_left_out_with_a_reason():
    cases, outcomes = _five_cases()
    cases.loc[0, "date_submitted_precision"] = "month"
    cases.loc[1, "status_as_of_precision"] = None
    cases.loc[1, "status_as_of"] = pd.NaT
    data = survival_data(cases, outcomes, "conclusion").set_index("case_id")
    assert data.loc["a", "excluded"] == "submission date not known to the day"
    assert data.loc["b", "excluded"] == "open, but no status date known to the day"
    assert data["excluded"].isna().sum() == 3


def test_similar_cases_never_include_the_case_and_follow_the_score():
    cases, outcomes = rl.load_cases(), rl.load_case_outcomes()
    near, rates = rl.similar_cases(rl.AXIS_CASE_ID, cases, outcomes, k=10)
    assert len(near) == 10 and rl.AXIS_CASE_ID not in set(near["case_id"])
    assert near["similarity"].is_monotonic_decreasing
    axis = cases[cases["case_id"] == rl.AXIS_CASE_ID].iloc[0].to_dict()
    by_id = cases.set_index("case_id")
    for row in near.itertuples():
        other = {"case_id": row.case_id, **by_id.loc[row.case_id].to_dict()}
        assert row.similarity == similar.similarity(axis, other)
    # nothing outside the top ten scores higher than the tenth
    pool = cases[~cases["case_id"].isin([rl.AXIS_CASE_ID, *near["case_id"]])]
    scores = [similar.similarity(axis, r) for r in pool.to_dict("records")]
    assert max(scores) <= near["similarity"].iloc[-1]
    assert set(rates["measure"]) == {
        "accepted, of decided",
        "good offices held, of accepted",
        "agreement, of good offices held",
    }


def test_similarity_is_the_documented_weighted_mean():
    a = {"lead_ncp": "Sweden", "themes": "Human rights; General policies", "surveillance_ict": True}
    b = {"lead_ncp": "Sweden", "themes": "Chapter IV", "surveillance_ict": True}
    # lead NCP 3 x 1, themes 2 x 1/2 (IV = Human rights), surveillance 2 x 1: 6 of 13
    assert similar.similarity(a, b) == round(6 / 13, 4)
    near, _ = rl.similar_cases(a, rl.load_cases(), rl.load_case_outcomes(), k=3)
    assert len(near) == 3


def test_the_axis_follow_up_is_overdue_until_recorded():
    cases, outcomes, events = rl.load_cases(), rl.load_case_outcomes(), rl.load_case_events()
    tracker = rl.follow_up_tracker(cases, outcomes, events, today="2026-12-01").set_index("case_id")
    axis = tracker.loc[rl.AXIS_CASE_ID]
    assert axis["due_date"] == pd.Timestamp("2026-11-19") and axis["overdue"] and axis["days_overdue"] == 12
    assert (
        not rl.follow_up_tracker(cases, outcomes, events, today="2026-11-19")
        .set_index("case_id")
        .loc[rl.AXIS_CASE_ID, "overdue"]
    )
    recorded = pd.concat(
        [
            events,
            events[events["case_id"] == rl.AXIS_CASE_ID]
            .tail(1)
            .assign(seq=999, event_type="follow-up", date=pd.Timestamp("2026-11-25")),
        ],
        ignore_index=True,
    )
    after = (
        rl.follow_up_tracker(cases, outcomes, recorded, today="2026-12-01").set_index("case_id").loc[rl.AXIS_CASE_ID]
    )
    assert after["follow_up_recorded"] and not after["overdue"] and after["status"] == "recorded"
