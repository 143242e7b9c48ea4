import pandas as pd
import pytest

import rbclab as rl


def test_axis_stage_durations():
    row = rl.case_stages(rl.load_cases(), rl.AXIS_CASE_ID).iloc[0]
    assert row["days_to_initial_assessment"] == 104
    assert not row["initial_assessment_within_3_months"]
    assert row["days_to_conclusion"] == 320
    assert row["conclusion_within_12_months"]


def test_durations_need_day_precision():
    cases = rl.load_cases()
    stages = rl.case_stages(rl.load_cases())
    partial = cases["date_submitted_precision"] != "day"
    assert partial.any()
    assert stages.loc[partial.to_numpy(), "days_to_conclusion"].isna().all()
    assert len(stages) == len(cases)


def test_three_month_boundary_is_calendar_months():
    cases = pd.DataFrame(
        {
            "case_id": ["a", "b"],
            "title": ["a", "b"],
            "lead_ncp": ["Sweden", "Sweden"],
            "date_submitted": pd.to_datetime(["2025-01-11", "2025-01-11"]),
            "date_initial_assessment": pd.to_datetime(["2025-04-11", "2025-04-12"]),
            "date_concluded": pd.to_datetime([None, "2026-01-12"]),
            "date_submitted_precision": ["day", "day"],
            "date_initial_assessment_precision": ["day", "day"],
            "date_concluded_precision": [None, "day"],
        }
    )
    out = rl.case_stages(cases)
    assert out["initial_assessment_within_3_months"].tolist() == [True, False]
    assert out["conclusion_within_12_months"].isna().tolist() == [True, False]
    assert not out["conclusion_within_12_months"].iloc[1]


def test_case_themes_normalise_every_stated_theme():
    themes = rl.case_themes(rl.load_cases())
    unmapped = themes[themes["theme"].isna()]["theme_as_stated"].unique().tolist()
    assert unmapped == []
    assert set(themes["theme"].dropna()) <= set(rl.THEMES)


# --------------------------------------------------------------------------- the Axis procedure


def _axis_events():
    return rl.load_case_events(rl.AXIS_CASE_ID)


def test_events_sorted_by_date_in_analysis_only():
    events = _axis_events()
    ordered = rl.events_in_date_order(events)
    assert ordered["date"].is_monotonic_increasing
    # the 5 Feb response is listed before the 23 Jan notice
    assert ordered.loc[ordered["listed_out_of_order"], "seq"].tolist() == [7, 6]
    assert rl.load_case_events(rl.AXIS_CASE_ID)["seq"].tolist() == list(range(1, 31))  # file order untouched


def test_axis_phases_follow_the_statement():
    phases = rl.case_phases(_axis_events()).set_index("phase")
    assert phases.loc["Initial assessment", ["start", "end"]].tolist() == [
        pd.Timestamp("2025-01-11"),
        pd.Timestamp("2025-04-25"),
    ]
    assert phases.loc["Good offices", "end"] == pd.Timestamp("2025-07-07")  # the common statement
    assert phases.loc["Final statement", "end"] == pd.Timestamp("2025-11-27")
    assert phases["days"].tolist() == [104, 73, 143]


def test_follow_up_due_one_year_after_the_decision():
    before = rl.follow_up_status(_axis_events(), today="2026-11-19")
    assert before["decision_date"] == pd.Timestamp("2025-11-19")
    assert before["due_date"] == pd.Timestamp("2026-11-19")
    assert not before["overdue"] and before["days_overdue"] == 0  # due today, not yet late
    after = rl.follow_up_status(_axis_events(), today="2026-11-22")
    assert after["overdue"] and after["days_overdue"] == 3 and not after["follow_up_recorded"]


def test_recorded_follow_up_is_never_overdue():
    events = _axis_events()
    extra = events.iloc[[-1]].assign(seq=31, date=pd.Timestamp("2026-12-01"), event_type="follow-up")
    status = rl.follow_up_status(pd.concat([events, extra]), today="2027-06-01")
    assert status["follow_up_recorded"] and status["follow_up_date"] == pd.Timestamp("2026-12-01")
    assert not status["overdue"]


def test_stage_timeframes_use_calendar_months():
    tf = rl.stage_timeframes(rl.case_stages(rl.load_cases(), rl.AXIS_CASE_ID)).set_index("stage")
    assert tf.loc["Initial assessment", ["days", "timeframe_days"]].tolist() == [104, 90]  # 11 Jan + 3 months = 11 Apr
    assert tf.loc["Conclusion", ["days", "timeframe_days"]].tolist() == [320, 365]
    assert tf["within"].tolist() == [False, True]


def test_positions_side_by_side_align_topics():
    wide = rl.positions_side_by_side(rl.load_case_positions(rl.AXIS_CASE_ID))
    assert list(wide.columns) == ["complainant", "enterprise", "both parties", "NCP"]
    assert wide.index[0] == "use in Iran"
    both = wide.loc["human rights policy"]
    assert (
        both["complainant"].startswith("Axis has no human rights policy")
        and "Human Rights Policy (published 2024)" in both["enterprise"]
    )
    assert pd.isna(wide.loc["geo-blocking", "complainant"])


# --------------------------------------------------------------------------- comparing cases


def test_outcome_shares_sum_to_one_and_count_every_case():
    cases = rl.load_cases()
    shares = rl.outcome_shares(cases)
    assert shares["cases"].sum() == len(cases)
    assert list(shares["outcome"]) == list(rl.OUTCOMES)
    by = rl.outcome_shares(cases, "surveillance / ICT")
    assert by.groupby("group")["share"].sum().round(9).eq(1).all()
    assert by.groupby("group")["cases"].sum().sum() == len(cases)  # a flag puts each case in one group
    expected = int((cases["surveillance_ict"].fillna(False) & (cases["outcome"] == "not accepted")).sum())
    assert by.set_index(["group", "outcome"]).loc[("surveillance / ICT", "not accepted"), "cases"] == expected


def test_list_groupings_count_a_case_in_each_of_its_groups():
    cases = pd.DataFrame(
        {
            "case_id": ["a", "b"],
            "outcome": pd.Categorical(["not accepted", "withdrawn"], categories=rl.OUTCOMES),
            "sector": ["Mining; Manufacturing", None],
            "complainant_type": ["NGO", "NGO; Trade union"],
        }
    )
    sectors = rl.case_groups(cases, "sector").sort_values(["case_id", "group"])
    assert sectors[["case_id", "group"]].values.tolist() == [
        ["a", "Manufacturing"],
        ["a", "Mining"],
        ["b", "not stated"],
    ]
    shares = rl.outcome_shares(cases, "complainant type").set_index(["group", "outcome"])
    assert shares.loc[("NGO", "withdrawn"), "share"] == 0.5 and shares.loc[("Trade union", "withdrawn"), "cases"] == 1


def test_acceptance_rate_ignores_undetermined_outcomes():
    cases = pd.DataFrame(
        {
            "case_id": list("abcde"),
            "outcome": pd.Categorical(
                ["not accepted", "accepted - agreement", "accepted - no agreement", "withdrawn", "unknown"],
                categories=rl.OUTCOMES,
            ),
        }
    )
    row = rl.acceptance_rate(cases).iloc[0]
    assert (row["accepted"], row["not_accepted"], row["undetermined"]) == (2, 1, 2)
    assert row["rate"] == 2 / 3
    real = rl.acceptance_rate(rl.load_cases()).iloc[0]
    assert real["accepted"] + real["not_accepted"] + real["undetermined"] == len(rl.load_cases())


def test_duration_summary_counts_known_durations():
    tf = rl.stage_timeframes(rl.case_stages(rl.load_cases()))
    summary = rl.duration_summary(tf).set_index("stage")
    stages = rl.case_stages(rl.load_cases())
    assert summary.loc["Conclusion", "cases"] == stages["days_to_conclusion"].notna().sum()
    assert summary.loc["Initial assessment", "median_days"] == stages["days_to_initial_assessment"].median()


# --------------------------------------------------------------------------- incidents and claims


def test_incident_uses_and_unknown_ends():
    tl = rl.incident_timeline(rl.load_incidents())
    assert tl["start_date"].is_monotonic_increasing
    uses = tl.set_index("incident_id")["use"]
    assert uses["iran-hijab-smart-cameras-2023"] == "enforcing hijab rules"
    assert uses["iran-2019-11-fuel-protests"] == "identifying protesters"
    open_end = tl[tl["ongoing_or_unknown_end"]]
    assert (open_end["end_or_start"] == open_end["start_date"]).all()


def test_competing_figures_keep_every_claim():
    figures = rl.load_incident_figures()
    killed = rl.competing_figures(figures, "iran-2019-11-fuel-protests", "killed")
    raw = figures[(figures["incident_id"] == "iran-2019-11-fuel-protests") & (figures["measure"] == "killed")]
    assert len(killed) == len(raw) and sorted(killed["value"]) == sorted(raw["value"])
    assert killed["from_paper"].sum() == 1 and killed.loc[killed["from_paper"], "value"].item() == 300
    assert killed["label"].str.contains("Amnesty International").any()


def test_paper_claims_against_sources():
    claims = rl.paper_claims_against_sources(rl.load_incident_figures())
    paper = claims[claims["from_paper"]]
    assert set(paper["source_ids"].str.contains("seed-somo-jfi-caught-on-camera")) == {True}
    death_row = claims[claims["group"] == "iran-2022-woman-life-freedom: sentenced_to_death"]
    assert sorted(death_row["value"]) == [6, 11, 20]
    spread = rl.figure_disagreements(rl.load_incident_figures()).set_index(["incident_id", "measure"])
    assert spread.loc[("iran-2019-11-fuel-protests", "killed"), ["lowest", "highest"]].tolist() == [170, 1500]


# --------------------------------------------------------------------------- vendors


def test_vendor_links_tie_hikvision_to_cases_incidents_and_measures():
    links = rl.vendor_links(rl.load_package(), "hikvision")
    assert {"incident", "NCP case", "measure"} == set(links["kind"])
    assert "ch-2020-ubs" in set(links.loc[links["kind"] == "NCP case", "ref"])
    assert {"china-xinjiang-mass-surveillance", "iran-2022-woman-life-freedom"} <= set(
        links.loc[links["kind"] == "incident", "ref"]
    )
    entity = links[(links["kind"] == "measure") & links["label"].str.contains("Entity List")]
    assert entity["date"].tolist() == [pd.Timestamp("2019-10-09")]


def test_sanctions_table_groups_authorities():
    t = rl.load_package()
    table = rl.sanctions_table(t["sanctions"], t["vendors"])
    assert len(table) == len(t["sanctions"])
    groups = table.set_index("sanction_id")["authority_group"]
    assert groups[1] == "United States" and groups[25] == "European Union" and groups[26] == "United Kingdom"
    assert groups[36] == "OECD NCP" and groups[37] == "investor"


def test_city_ranking_flags_the_shanghai_typo():
    flagged = rl.city_ranking_flags(rl.load_surveilled_cities()).set_index(["edition", "city"])
    shanghai = flagged.loc[(2020, "Shanghai")]
    assert shanghai["computed_per_1000"] == 36.96
    assert "value differs from cameras / population" in shanghai["flags"] and "out of rank order" in shanghai["flags"]
    assert pd.isna(flagged.loc[(2020, "Taiyuan"), "flags"])
    assert "no value" in flagged.loc[(2021, "Delhi"), "flags"]
    assert "value differs across editions" in flagged.loc[(2019, "Shenzhen"), "flags"]


def _published(**row):
    base = dict.fromkeys(
        [
            "count_id",
            "publisher",
            "as_of",
            "statement",
            "measure",
            "qualifier",
            "value",
            "lead_ncp",
            "submitted_from",
            "submitted_until",
            "concluded_in",
            "complainant_types",
            "theme",
            "sectors",
            "source_ids",
        ],
        None,
    )
    base.update(count_id="x", publisher="P", statement="s", measure="cases", qualifier="exactly", source_ids="src")
    base.update(row)
    frame = pd.DataFrame([base])
    for col in ("as_of", "submitted_from", "submitted_until"):
        frame[col] = pd.to_datetime(frame[col])
        frame[f"{col}_precision"] = row.get(f"{col}_precision")
    return frame


def _six_cases():
    return pd.DataFrame(
        {
            "case_id": list("abcdef"),
            "lead_ncp": ["Sweden", "Sweden", "Sweden", "Norway", "Sweden", "Sweden"],
            "outcome": ["in progress", "not accepted", "withdrawn", "not accepted", "not accepted", "unknown"],
            "complainant_type": ["NGO", "Trade union", "NGO; Individual", "NGO", None, "Individual"],
            # the year-precision case of 2020 counts from 2020-01-01; "f" has no date
            "date_submitted": pd.to_datetime(
                ["2020-11-30", "2020-12-01", "2020-01-01", "2019-05-02", "2001-01-01", None]
            ),
            "date_concluded": pd.to_datetime([None, "2021-06-01", "2021-01-01", "2021-03-03", None, None]),
            "themes": [
                "Human rights",
                "Employment and industrial relations",
                None,
                "Human rights",
                "Environment",
                None,
            ],
            "sector": ["Manufacturing", None, "Mining", "Manufacturing", "Construction", None],
        }
    )


def test_published_comparison_counts_in_the_published_scope():
    cases = _six_cases()
    until = _published(
        lead_ncp="Sweden",
        qualifier="more than",
        value=8,
        submitted_from="2000",
        submitted_from_precision="year",
        submitted_until="2020-11",
        submitted_until_precision="month",
    )
    row = rl.published_comparison(cases, until).iloc[0]
    # a (30 Nov), c (2020, by its start) and e are in; b (1 Dec) is after November; d is Norway's
    assert (row["dataset"], row["missing_date"], row["published"]) == (3, 1, "more than 8")
    assert row["covered"] == 0.375


def test_published_comparison_by_conclusion_year_and_complainant():
    cases = _six_cases()
    concluded = _published(concluded_in=2021, complainant_types="NGO;Individual", value=4)
    row = rl.published_comparison(cases, concluded).iloc[0]
    # c and d concluded in 2021 with an NGO among their complainants; a is open, f closed but undated
    assert (row["dataset"], row["missing_date"], row["covered"]) == (2, 1, 0.5)


def test_published_comparison_shares_over_cases_with_the_value_recorded():
    cases = _six_cases()
    share = _published(measure="percent", sectors="Manufacturing;Construction", value=50)
    theme = _published(measure="percent", theme="Human rights", value=10)
    out = rl.published_comparison(cases, pd.concat([share, theme], ignore_index=True))
    assert out["dataset"].tolist() == [75.0, 50.0]  # 3 of 4 with a sector; 2 of 4 with themes
    assert out["published"].tolist() == ["50%", "10%"]
    assert out["covered"].isna().all()


def test_incident_places_locate_every_incident_and_name_a_missing_place():
    incidents, places = rl.load_incidents(), rl.load_places()
    located = rl.incident_places(incidents, places)
    assert len(located) == len(incidents) and located["latitude"].notna().all()
    assert located["incident_id"].tolist() == incidents["incident_id"].tolist()
    nationwide = located[located["place"].str.startswith("nationwide")]
    assert set(nationwide["level"]) == {"country"} and set(nationwide["located_at"]) == {"Tehran"}
    with pytest.raises(KeyError, match="Atlantis"):
        rl.incident_places(incidents.assign(place="Atlantis"), places)


def test_city_places_add_coordinates_and_name_a_missing_city():
    flagged = rl.city_ranking_flags(rl.load_surveilled_cities())
    located = rl.city_places(flagged, rl.load_places())
    assert len(located) == len(flagged) and located["latitude"].notna().all()
    urumqi = located[located["city"] == "Urumqi"]
    assert set(urumqi["located_at"]) == {"Ürümqi"}
    with pytest.raises(KeyError, match="Atlantis"):
        rl.city_places(flagged.assign(city="Atlantis"), rl.load_places())


# --------------------------------------------------------------------------- counts that do not grow with the rows


def test_incident_counts_count_every_incident_once_per_year_and_use():
    from rbclab.analyse import incident_counts

    tl = rl.incident_timeline(rl.load_incidents())
    counts = incident_counts(tl)
    assert counts["incidents"].sum() == len(tl)
    assert len(counts) == tl.groupby([tl["start_date"].dt.year, "use"]).ngroups
    assert counts["end_unknown"].sum() == tl["ongoing_or_unknown_end"].sum()
    hijab = counts[(counts["year"] == 2024) & (counts["use"] == "enforcing hijab rules")].iloc[0]
    assert hijab["incidents"] == 2 and hijab["end_unknown"] == 2
    doubled = incident_counts(pd.concat([tl, tl.assign(incident_id=tl["incident_id"] + "-b")]))
    assert len(doubled) == len(counts) and (doubled["incidents"] == 2 * counts["incidents"]).all()


def test_incident_place_counts_count_every_incident_at_its_point():
    from rbclab.analyse import incident_place_counts

    located = rl.incident_places(rl.load_incidents(), rl.load_places())
    counts = incident_place_counts(located)
    assert counts["incidents"].sum() == len(located)
    assert len(counts) == located.groupby(["located_at", "country", "use"]).ngroups
    assert counts["incidents"].is_monotonic_decreasing
    tehran = counts[(counts["located_at"] == "Tehran") & (counts["use"] == "identifying protesters")].iloc[0]
    iran = located[(located["located_at"] == "Tehran") & (located["use"] == "identifying protesters")]
    assert tehran["incidents"] == len(iran) and tehran["first_year"] == iran["start_date"].dt.year.min()
    assert set(tehran["levels"].split(", ")) == set(iran["level"].astype(str))


def test_sanction_and_link_counts_keep_the_totals():
    from rbclab.analyse import sanction_counts, vendor_link_counts

    t = rl.load_package()
    table = rl.sanctions_table(t["sanctions"], t["vendors"])
    counts = sanction_counts(table)
    assert counts["measures"].sum() == table["date"].notna().sum()
    assert (counts["month"].dt.day == 1).all()
    entity = counts[counts["example"].str.contains("Entity List", regex=False)]
    assert pd.Timestamp("2019-10-01") in set(entity["month"])
    links = rl.vendor_links(t)
    per_month = vendor_link_counts(links)
    assert per_month["links"].sum() == links["date"].notna().sum()
    hik = per_month[per_month["vendor"].str.startswith("Hangzhou Hikvision")]
    assert hik["links"].sum() == ((links["vendor_id"] == "hikvision") & links["date"].notna()).sum()
    doubled = vendor_link_counts(pd.concat([links, links]))
    assert len(doubled) == len(per_month) and (doubled["links"] == 2 * per_month["links"]).all()
