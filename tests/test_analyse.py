import pandas as pd

import rbclab as rl


def test_axis_stage_durations():
    row = rl.case_stages(rl.AXIS_CASE_ID).iloc[0]
    assert row["days_to_initial_assessment"] == 104
    assert not row["initial_assessment_within_3_months"]
    assert row["days_to_conclusion"] == 320
    assert row["conclusion_within_12_months"]


def test_durations_need_day_precision():
    cases = rl.load_cases()
    stages = rl.case_stages()
    partial = cases["date_submitted_precision"] != "day"
    assert partial.any()
    assert stages.loc[partial.to_numpy(), "days_to_conclusion"].isna().all()
    assert len(stages) == len(cases)


def test_three_month_boundary_is_calendar_months():
    cases = pd.DataFrame({
        "case_id": ["a", "b"], "title": ["a", "b"], "lead_ncp": ["Sweden", "Sweden"],
        "date_submitted": pd.to_datetime(["2025-01-11", "2025-01-11"]),
        "date_initial_assessment": pd.to_datetime(["2025-04-11", "2025-04-12"]),
        "date_concluded": pd.to_datetime([None, "2026-01-12"]),
        "date_submitted_precision": ["day", "day"], "date_initial_assessment_precision": ["day", "day"],
        "date_concluded_precision": [None, "day"],
    })
    out = rl.case_stages(cases=cases)
    assert out["initial_assessment_within_3_months"].tolist() == [True, False]
    assert out["conclusion_within_12_months"].isna().tolist() == [True, False]
    assert not out["conclusion_within_12_months"].iloc[1]


def test_case_themes_normalise_every_stated_theme():
    themes = rl.case_themes()
    unmapped = themes[themes["theme"].isna()]["theme_as_stated"].unique().tolist()
    assert unmapped == []
    assert set(themes["theme"].dropna()) <= set(rl.THEMES)
