"""Analysis primitives over the typed tables (no charts, no widgets).

The OECD Procedural Guidance gives indicative timeframes for a specific instance:
an initial assessment within three months of receiving the submission, and the
conclusion of the procedure within twelve months of receipt.  :func:`case_stages`
measures each case against them.  Durations are computed only between dates known to
the day: a month- or year-precision date gives ``<NA>``, never a guessed number.
"""

from __future__ import annotations

import pandas as pd

from .load import load_cases
from .taxonomy import normalise_theme

#: Indicative timeframes of the Procedural Guidance, in calendar months from receipt.
INITIAL_ASSESSMENT_MONTHS = 3
CONCLUSION_MONTHS = 12


def explode_list(frame: pd.DataFrame, column: str, sep: str = ";") -> pd.DataFrame:
    """One row per item of a ';'-separated column (items stripped; empty cells dropped)."""
    out = frame.assign(**{column: frame[column].str.split(sep)}).explode(column)
    out[column] = out[column].str.strip().astype("string")
    return out[out[column].notna() & (out[column] != "")].reset_index(drop=True)


def _within(start: pd.Series, end: pd.Series, months: int) -> pd.Series:
    deadline = start + pd.DateOffset(months=months)
    result = (end <= deadline).astype("boolean")
    result[start.isna() | end.isna()] = pd.NA
    return result


def case_stages(case_id: str | None = None, cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Days from submission to initial assessment and to conclusion, against the timeframes.

    Returns one row per case (or only ``case_id``) with columns ``case_id``, ``title``,
    ``lead_ncp``, ``date_submitted``, ``date_initial_assessment``, ``date_concluded``,
    ``days_to_initial_assessment`` and ``days_to_conclusion`` (Int64, ``<NA>`` unless both
    dates are known to the day), ``initial_assessment_within_3_months`` and
    ``conclusion_within_12_months`` (boolean: the later date falls on or before receipt
    plus three, or twelve, calendar months).

    >>> case_stages("se-2025-axis-communications")[["days_to_initial_assessment", "days_to_conclusion"]]  # doctest: +SKIP
    """
    cases = load_cases() if cases is None else cases
    if case_id is not None:
        if case_id not in set(cases["case_id"].dropna()):
            raise KeyError(f"no case with case_id = {case_id!r}")
        cases = cases[cases["case_id"] == case_id]
    day = {c: cases[f"{c}_precision"] == "day" for c in ("date_submitted", "date_initial_assessment", "date_concluded")}
    sub = cases["date_submitted"].where(day["date_submitted"])
    ia = cases["date_initial_assessment"].where(day["date_initial_assessment"])
    concl = cases["date_concluded"].where(day["date_concluded"])
    out = cases[["case_id", "title", "lead_ncp", "date_submitted", "date_initial_assessment", "date_concluded"]].copy()
    out["days_to_initial_assessment"] = (ia - sub).dt.days.astype("Int64")
    out["days_to_conclusion"] = (concl - sub).dt.days.astype("Int64")
    out["initial_assessment_within_3_months"] = _within(sub, ia, INITIAL_ASSESSMENT_MONTHS)
    out["conclusion_within_12_months"] = _within(sub, concl, CONCLUSION_MONTHS)
    return out.reset_index(drop=True)


def case_themes(cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per case and Guidelines chapter, with the theme normalised (``theme``) beside the stated one."""
    cases = load_cases() if cases is None else cases
    out = explode_list(cases[["case_id", "lead_ncp", "outcome", "themes"]], "themes")
    out["theme"] = pd.Categorical(out["themes"].map(normalise_theme))
    return out.rename(columns={"themes": "theme_as_stated"})


# --------------------------------------------------------------------------- one case's procedure

#: How long after the decision on the final statement the Swedish NCP said it would follow up.
FOLLOW_UP_YEARS = 1

#: Phases of a specific instance, each bounded by the first event of one type and the first
#: event of a later type (``case_events.event_type``).  A phase whose events are missing is left out.
PHASES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Initial assessment", ("submission",), ("initial assessment",)),
    ("Good offices", ("initial assessment",), ("agreement", "good offices")),
    ("Final statement", ("agreement", "good offices"), ("final statement",)),
)


def events_in_date_order(events: pd.DataFrame) -> pd.DataFrame:
    """The events sorted by date (ties keep the source's order), with ``listed_out_of_order``.

    ``listed_out_of_order`` is true for an event the source lists after a later-dated one, or
    before an earlier-dated one (events are taken in ``seq`` order within each case).  The
    file keeps the source's order; only this view is sorted.
    """
    out = events.sort_values(["case_id", "seq"], kind="stable").copy()
    dates = out.groupby("case_id", sort=False)["date"]
    after_later = out["date"] < dates.cummax()
    before_earlier = out["date"] > out.iloc[::-1].groupby("case_id", sort=False)["date"].cummin().iloc[::-1]
    out["listed_out_of_order"] = (after_later | before_earlier).astype("boolean")
    return out.sort_values(["case_id", "date", "seq"], kind="stable").reset_index(drop=True)


def _first_date(events: pd.DataFrame, types: tuple[str, ...], last: bool = False) -> pd.Timestamp | None:
    for t in types:
        dates = events.loc[events["event_type"] == t, "date"].dropna()
        if len(dates):
            return dates.max() if last else dates.min()
    return None


def case_phases(events: pd.DataFrame) -> pd.DataFrame:
    """Phases of one case's procedure (see :data:`PHASES`): ``phase``, ``start``, ``end``, ``days``.

    The good-offices phase ends with the last agreement (or good-offices) event.
    """
    rows = []
    for phase, start_types, end_types in PHASES:
        start = _first_date(events, start_types, last=phase == "Final statement")
        end = _first_date(events, end_types, last=phase == "Good offices")
        if start is None or end is None or end < start:
            continue
        rows.append({"phase": phase, "start": start, "end": end, "days": (end - start).days})
    out = pd.DataFrame(rows, columns=["phase", "start", "end", "days"])
    out["days"] = out["days"].astype("Int64")
    return out


def follow_up_status(events: pd.DataFrame, today: pd.Timestamp | str | None = None) -> dict:
    """Follow-up of a concluded case: due one year after the decision on the final statement.

    The decision date is the last ``decision`` event (for the Axis case, the NCP meeting of
    19 Nov 2025 that decided on the final statement).  Returns a dict with ``decision_date``,
    ``due_date``, ``follow_up_recorded`` (a ``follow-up`` event exists), ``follow_up_date``,
    ``today``, ``overdue`` (due date passed and no follow-up recorded) and ``days_overdue``
    (0 unless overdue).  ``today`` defaults to the current date.
    """
    today = pd.Timestamp.today().normalize() if today is None else pd.Timestamp(today).normalize()
    decision = _first_date(events, ("decision",), last=True)
    if decision is None:
        raise ValueError("no decision event: the follow-up date cannot be computed")
    due = decision + pd.DateOffset(years=FOLLOW_UP_YEARS)
    follow_up = _first_date(events, ("follow-up",))
    overdue = follow_up is None and today > due
    return {
        "decision_date": decision,
        "due_date": due,
        "follow_up_recorded": follow_up is not None,
        "follow_up_date": follow_up,
        "today": today,
        "overdue": overdue,
        "days_overdue": (today - due).days if overdue else 0,
    }


def stage_timeframes(stages: pd.DataFrame) -> pd.DataFrame:
    """Long table of each case's stage durations against the indicative timeframes.

    Takes :func:`case_stages` output; one row per case and stage (``Initial assessment``,
    ``Conclusion``) with ``days``, ``timeframe_months``, ``timeframe_days`` (receipt plus
    the months, in days, for that case's receipt date) and ``within``.  Rows without a
    duration are dropped.
    """
    parts = []
    for stage, days, within, months in (
        ("Initial assessment", "days_to_initial_assessment", "initial_assessment_within_3_months", INITIAL_ASSESSMENT_MONTHS),
        ("Conclusion", "days_to_conclusion", "conclusion_within_12_months", CONCLUSION_MONTHS),
    ):
        part = stages[["case_id", "title", "lead_ncp", "date_submitted"]].copy()
        part["stage"] = stage
        part["days"] = stages[days]
        part["timeframe_months"] = months
        limit = stages["date_submitted"] + pd.DateOffset(months=months)
        part["timeframe_days"] = (limit - stages["date_submitted"]).dt.days.astype("Int64")
        part["within"] = stages[within]
        parts.append(part[part["days"].notna()])
    return pd.concat(parts, ignore_index=True).drop(columns="date_submitted")


def positions_side_by_side(positions: pd.DataFrame) -> pd.DataFrame:
    """The parties' positions as a table: one row per topic, one column per party.

    Topics appear in the order the source first raises them; a party silent on a topic has
    ``<NA>``.  Two claims of one party on one topic are joined with a blank line.
    """
    order = list(dict.fromkeys(positions.sort_values("seq")["topic"]))
    wide = (
        positions.groupby(["topic", "party"], observed=True, sort=False)["position"]
        .agg(lambda s: "\n\n".join(s))
        .unstack("party")
    )
    parties = [p for p in ("complainant", "enterprise", "both parties", "NCP") if p in wide.columns]
    return wide.reindex(index=order, columns=parties).astype("string").rename_axis(index="topic", columns=None)


# --------------------------------------------------------------------------- comparing cases

#: Outcomes that say the NCP accepted the case for further examination.
ACCEPTED_OUTCOMES: tuple[str, ...] = tuple(o for o in ("accepted - agreement", "accepted - partial agreement", "accepted - no agreement", "accepted - company declined good offices", "accepted - complainant declined good offices"))

#: Groupings :func:`case_groups` understands, with the column each comes from.
GROUPINGS = {
    "lead NCP": "lead_ncp",
    "year submitted": "date_submitted",
    "theme": "themes",
    "sector": "sector",
    "complainant type": "complainant_type",
    "surveillance / ICT": "surveillance_ict",
}


def case_groups(cases: pd.DataFrame, by: str) -> pd.DataFrame:
    """``case_id``, ``outcome`` and ``group``: each case under the groups of :data:`GROUPINGS`.

    ``theme``, ``sector`` and ``complainant type`` are lists, so a case can count in
    several groups; themes are normalised (:func:`case_themes`).  A case with no value is
    in the group ``"not stated"``.  ``surveillance / ICT`` gives ``"surveillance / ICT"`` or
    ``"other cases"``.
    """
    if by not in GROUPINGS:
        raise KeyError(f"unknown grouping {by!r}; use one of: {', '.join(GROUPINGS)}")
    base = cases[["case_id", "outcome"]].copy()
    if by == "theme":
        themes = case_themes(cases)[["case_id", "theme"]].astype({"theme": "string"})
        out = base.merge(themes, on="case_id", how="left").rename(columns={"theme": "group"})
    elif by in ("sector", "complainant type"):
        col = GROUPINGS[by]
        out = explode_list(cases[["case_id", "outcome", col]], col).rename(columns={col: "group"})
        out = pd.concat([out, base[~base["case_id"].isin(out["case_id"])]], ignore_index=True)
    elif by == "year submitted":
        out = base.assign(group=cases["date_submitted"].dt.year.astype("Int64").astype("string"))
    elif by == "surveillance / ICT":
        flag = cases["surveillance_ict"].fillna(False).astype(bool)
        out = base.assign(group=flag.map({True: "surveillance / ICT", False: "other cases"}).astype("string"))
    else:
        out = base.assign(group=cases[GROUPINGS[by]].astype("string"))
    out["group"] = out["group"].astype("string").fillna("not stated")
    return out.drop_duplicates(["case_id", "group"]).reset_index(drop=True)


def outcome_shares(cases: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Count and share of each outcome category, overall or within each group of ``by``.

    Returns ``group``, ``outcome`` (all of :data:`rbclab.OUTCOMES`, in order, zeros kept),
    ``cases``, ``group_cases`` and ``share`` (of the group's cases; the shares of a group
    sum to 1).
    """
    grouped = case_groups(cases, by) if by else cases[["case_id", "outcome"]].assign(group="all cases")
    outcomes = list(cases["outcome"].cat.categories)
    counts = (
        grouped.groupby(["group", "outcome"], observed=False)["case_id"].nunique()
        .rename("cases").reset_index()
    )
    counts = counts[counts["outcome"].isin(outcomes)]
    counts["group_cases"] = counts.groupby("group")["cases"].transform("sum")
    counts = counts[counts["group_cases"] > 0].copy()
    counts["share"] = counts["cases"] / counts["group_cases"]
    counts["outcome"] = pd.Categorical(counts["outcome"], categories=outcomes)
    return counts.sort_values(["group", "outcome"]).reset_index(drop=True)


def acceptance_rate(cases: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Share of cases the NCP accepted, among those whose initial assessment is known.

    A case counts as ``accepted`` if its outcome is one of :data:`ACCEPTED_OUTCOMES` and as
    ``not_accepted`` if it is ``not accepted``; ``concluded - other``, ``withdrawn``,
    ``in progress`` and ``unknown`` do not say, and are counted apart as ``undetermined``.
    ``rate`` = accepted / (accepted + not accepted), ``<NA>`` when both are zero.
    """
    grouped = case_groups(cases, by) if by else cases[["case_id", "outcome"]].assign(group="all cases")
    outcome = grouped["outcome"].astype("string")
    grouped = grouped.assign(
        accepted=outcome.isin(ACCEPTED_OUTCOMES), not_accepted=outcome == "not accepted",
    )
    grouped["undetermined"] = ~(grouped["accepted"] | grouped["not_accepted"])
    out = grouped.groupby("group")[["accepted", "not_accepted", "undetermined"]].sum().astype("Int64")
    decided = out["accepted"] + out["not_accepted"]
    out["rate"] = (out["accepted"].astype("Float64") / decided.astype("Float64")).where(decided > 0)
    return out.reset_index()


def duration_summary(timeframes: pd.DataFrame) -> pd.DataFrame:
    """Per stage: cases with a known duration, median and quartiles in days, share within the timeframe."""
    g = timeframes.groupby("stage", sort=False)
    out = pd.DataFrame({
        "cases": g["days"].count(),
        "median_days": g["days"].median(),
        "q1_days": g["days"].quantile(0.25),
        "q3_days": g["days"].quantile(0.75),
        "share_within": g["within"].mean(),
    })
    return out.reset_index()


# --------------------------------------------------------------------------- incidents and claims

#: The SOMO / Justice for Iran paper, as cited in ``source_ids``.
PAPER_SOURCE = "seed-somo-jfi-caught-on-camera"

#: Uses of surveillance in an incident, read from ``incidents.purpose`` (first rule that matches).
USES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("enforcing hijab rules", ("hijab",)),
    ("identifying protesters", ("protester", "student")),
    ("targeting activists and dissidents", ("activist", "dissident", "opponent", "journalist")),
    ("profiling an ethnic group", ("uyghur", "turkic")),
)


def incident_use(purpose: str | None) -> str:
    """The use category of :data:`USES` that ``purpose`` names, or ``"other"``."""
    text = (purpose or "").lower()
    for use, words in USES:
        if any(w in text for w in words):
            return use
    return "other"


def incident_timeline(incidents: pd.DataFrame) -> pd.DataFrame:
    """Incidents sorted by start, with ``use`` (:func:`incident_use`) and ``end_or_start``.

    ``end_or_start`` is the end date when known, else the start (a one-day mark): an
    unknown end is never guessed.  ``ongoing_or_unknown_end`` says which.
    """
    out = incidents.copy()
    out["use"] = out["purpose"].map(incident_use).astype("string")
    out["ongoing_or_unknown_end"] = out["end_date"].isna()
    out["end_or_start"] = out["end_date"].fillna(out["start_date"])
    return out.sort_values(["start_date", "incident_id"]).reset_index(drop=True)


def _from_paper(source_ids: pd.Series) -> pd.Series:
    return source_ids.fillna("").str.split(";").map(lambda ids: PAPER_SOURCE in [i.strip() for i in ids]).astype(bool)


def competing_figures(figures: pd.DataFrame, incident_id: str | None = None, measure: str | None = None) -> pd.DataFrame:
    """Every claim for an incident and measure, one row each, never averaged.

    Adds ``from_paper`` (the claim cites the SOMO / Justice for Iran paper) and ``label``
    (who claims it, with the date of the claim when known), sorted by value.
    """
    out = figures
    if incident_id is not None:
        out = out[out["incident_id"] == incident_id]
    if measure is not None:
        out = out[out["measure"] == measure]
    out = out.copy()
    out["from_paper"] = _from_paper(out["source_ids"])
    as_of = out["as_of_date"].dt.strftime("%Y-%m-%d").where(out["as_of_date_precision"] == "day", out["as_of_date"].dt.strftime("%Y-%m"))
    as_of = as_of.where(out["as_of_date_precision"] != "year", out["as_of_date"].dt.strftime("%Y"))
    out["label"] = (out["claimed_by"] + (" (" + as_of.astype("string") + ")").fillna("")).astype("string")
    return out.sort_values(["incident_id", "measure", "value", "figure_id"]).reset_index(drop=True)


def figure_disagreements(figures: pd.DataFrame) -> pd.DataFrame:
    """Per incident and measure: number of claims, distinct values, lowest and highest claim.

    ``spread`` = highest / lowest (1.0 when every claim agrees).  Sorted by spread, widest first.
    """
    high = figures["value_high"].fillna(figures["value"])
    g = figures.assign(high=high).groupby(["incident_id", "measure"])
    out = pd.DataFrame({
        "claims": g["figure_id"].count(),
        "distinct_values": g["value"].nunique(),
        "lowest": g["value"].min(),
        "highest": g["high"].max(),
    }).reset_index()
    out["spread"] = out["highest"].astype("Float64") / out["lowest"].astype("Float64")
    return out.sort_values(["spread", "claims"], ascending=False).reset_index(drop=True)


def paper_claims_against_sources(figures: pd.DataFrame) -> pd.DataFrame:
    """The paper's figures beside every other claim for the same incident and measure.

    One row per claim (the paper's and the others'), with ``from_paper`` and ``label`` as in
    :func:`competing_figures` and ``group`` naming the incident and measure.  Only incidents
    and measures the paper gives a number for are kept.
    """
    claims = competing_figures(figures)
    keys = claims.loc[claims["from_paper"], ["incident_id", "measure"]].drop_duplicates()
    out = claims.merge(keys, on=["incident_id", "measure"], how="inner")
    out["group"] = (out["incident_id"] + ": " + out["measure"]).astype("string")
    return out.sort_values(["incident_id", "measure", "value", "figure_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- vendors

def authority_group(authority: str | None) -> str:
    """Who imposed a measure, by jurisdiction: ``United States``, ``European Union``,
    ``United Kingdom``, ``OECD NCP``, ``investor`` or the authority as written."""
    a = (authority or "").strip()
    low = a.lower()
    if "national contact point" in low:
        return "OECD NCP"
    if low.startswith(("us ", "us-", "u.s.")) or low.startswith("us department") or low.startswith("us president"):
        return "United States"
    if "council of the eu" in low or low.startswith("eu "):
        return "European Union"
    if low.startswith(("uk ", "united kingdom")):
        return "United Kingdom"
    if "investor" in low:
        return "investor"
    return a


def sanctions_table(sanctions: pd.DataFrame, vendors: pd.DataFrame) -> pd.DataFrame:
    """Measures with the vendor's name and :func:`authority_group`, sorted by date."""
    names = vendors[["vendor_id", "name"]].rename(columns={"name": "vendor"})
    out = sanctions.merge(names, on="vendor_id", how="left")
    out["authority_group"] = out["authority"].map(authority_group).astype("string")
    out["year"] = out["date"].dt.year.astype("Int64")
    return out.sort_values(["date", "sanction_id"]).reset_index(drop=True)


def vendor_links(tables: dict[str, pd.DataFrame], vendor_id: str | None = None) -> pd.DataFrame:
    """Every link of a vendor to an incident, an NCP case or a measure, one row each.

    ``tables`` is :func:`rbclab.load_package` output.  Columns: ``vendor_id``, ``vendor``,
    ``kind`` (``incident``, ``NCP case``, ``measure``), ``ref`` (the linked row's id),
    ``label``, ``date`` and ``date_precision`` (incident start, case submission or measure
    date), ``relation`` (how the row ties to the vendor) and ``claimed_by``.
    """
    vendors = tables["vendors"][["vendor_id", "name"]].rename(columns={"name": "vendor"})
    inc = tables["incidents"][["incident_id", "title", "start_date", "start_date_precision"]]
    iv = tables["incident_vendors"].merge(inc, on="incident_id", how="left")
    incidents = pd.DataFrame({
        "vendor_id": iv["vendor_id"], "kind": "incident", "ref": iv["incident_id"], "label": iv["title"],
        "date": iv["start_date"], "date_precision": iv["start_date_precision"], "relation": iv["role"],
        "claimed_by": iv["claimed_by"],
    })
    cases = tables["ncp_cases"][["case_id", "title", "lead_ncp", "date_submitted", "date_submitted_precision"]]
    cv = tables["case_vendors"].merge(cases, on="case_id", how="left")
    ncp = pd.DataFrame({
        "vendor_id": cv["vendor_id"], "kind": "NCP case", "ref": cv["case_id"],
        "label": cv["title"] + " (" + cv["lead_ncp"].astype("string") + " NCP)", "date": cv["date_submitted"],
        "date_precision": cv["date_submitted_precision"], "relation": cv["relation"], "claimed_by": pd.NA,
    })
    s = tables["sanctions"]
    measures = pd.DataFrame({
        "vendor_id": s["vendor_id"], "kind": "measure", "ref": s["sanction_id"].astype("string"),
        "label": s["measure"] + " - " + s["authority"], "date": s["date"], "date_precision": s["date_precision"],
        "relation": s["measure_type"].astype("string"), "claimed_by": pd.NA,
    })
    out = pd.concat([incidents, ncp, measures], ignore_index=True)
    for col in ("vendor_id", "kind", "ref", "label", "relation", "claimed_by"):
        out[col] = out[col].astype("string")
    out["date_precision"] = out["date_precision"].astype(pd.CategoricalDtype(["day", "month", "year"]))
    out = vendors.merge(out, on="vendor_id", how="right")
    if vendor_id is not None:
        if vendor_id not in set(vendors["vendor_id"]):
            raise KeyError(f"no vendor with vendor_id = {vendor_id!r}")
        out = out[out["vendor_id"] == vendor_id]
    return out.sort_values(["vendor_id", "date", "kind"]).reset_index(drop=True)


def city_ranking_flags(cities: pd.DataFrame, tolerance: float = 0.05) -> pd.DataFrame:
    """The most-surveilled-cities rankings with their inconsistencies flagged.

    Adds ``computed_per_1000`` (cameras / population x 1000, when both are given) and
    ``flags``, a ``;``-separated list of:

    * ``value differs from cameras / population``: stated and computed differ by more than
      ``tolerance`` cameras per 1,000;
    * ``out of rank order``: a higher value than the city ranked just above it, in the same edition;
    * ``no value``: the ranking gives a place but no figure;
    * ``rank gap``: ranks missing above this one in the stored list;
    * ``value differs across editions``: the same city's value differs by more than a factor 2
      between editions (the methodology changed).
    """
    out = cities.sort_values(["edition", "rank"]).reset_index(drop=True)
    out["computed_per_1000"] = (out["cameras"].astype("Float64") / out["population"].astype("Float64") * 1000).round(2)
    flags: list[list[str]] = [[] for _ in range(len(out))]
    diff = (out["cameras_per_1000"] - out["computed_per_1000"]).abs()
    for i in out.index[(diff > tolerance).fillna(False)]:
        flags[i].append("value differs from cameras / population")
    prev_value = out.groupby("edition")["cameras_per_1000"].shift(1)
    for i in out.index[(out["cameras_per_1000"] > prev_value).fillna(False)]:
        flags[i].append("out of rank order")
    for i in out.index[out["cameras_per_1000"].isna()]:
        flags[i].append("no value")
    prev_rank = out.groupby("edition")["rank"].shift(1).fillna(0)
    for i in out.index[(out["rank"] - prev_rank > 1).fillna(False)]:
        flags[i].append("rank gap")
    by_city = out.groupby("city")["cameras_per_1000"]
    ratio = by_city.transform("max") / by_city.transform("min")
    for i in out.index[(ratio > 2).fillna(False)]:
        flags[i].append("value differs across editions")
    out["flags"] = pd.array(["; ".join(f) if f else pd.NA for f in flags], dtype="string")
    return out


# --------------------------------------------------------------------------- teaching

#: The six steps of due diligence under the OECD Guidelines, as the SOMO / Justice for Iran
#: paper lists them (source ``seed-somo-jfi-caught-on-camera``).
DUE_DILIGENCE_STEPS: tuple[str, ...] = (
    "Embed responsible business conduct into policies and management systems",
    "Identify actual or potential adverse impacts",
    "Cease, prevent or mitigate adverse impacts",
    "Track implementation and results",
    "Communicate how impacts are addressed",
    "Provide for or cooperate in remediation when appropriate",
)


#: Periods of submission used by :func:`coverage` (the Guidelines were revised in 2000, 2011 and 2023).
PERIODS = ((2000, 2005), (2006, 2010), (2011, 2015), (2016, 2020), (2021, 2026))


def coverage(cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cases per lead NCP and period of submission, most-covered NCP first.

    Columns: one per period (``2000-2005`` ... ``2021-2026``), ``undated`` (no submission
    year known), ``total``, and ``with_status`` (cases whose status is stated). NCPs with no
    case are kept as rows of zeros, so the gaps show.
    """
    cases = load_cases() if cases is None else cases
    year = cases["date_submitted"].dt.year
    labels = [f"{a}-{b}" for a, b in PERIODS]
    period = pd.Series(pd.NA, index=cases.index, dtype="string")
    for (a, b), label in zip(PERIODS, labels):
        period[(year >= a) & (year <= b)] = label
    period = period.fillna("undated")
    ncp = cases["lead_ncp"]
    table = pd.crosstab(ncp, period).reindex(index=ncp.cat.categories if hasattr(ncp, "cat") else None, fill_value=0)
    table = table.reindex(columns=labels + ["undated"], fill_value=0)
    table["total"] = table.sum(axis=1)
    table["with_status"] = cases.groupby(ncp, observed=False)["status"].count().reindex(table.index, fill_value=0)
    table.index.name = "lead_ncp"
    table.columns.name = None
    return table.sort_values(["total"], ascending=False, kind="stable").astype("int64")


def coverage_markdown(cases: pd.DataFrame | None = None) -> str:
    """:func:`coverage` as a Markdown table, with a totals row (as printed in data/README.md)."""
    table = coverage(cases)
    table.loc["All NCPs"] = table.sum()
    head = "| lead NCP | " + " | ".join(table.columns) + " |"
    rule = "|---|" + "---:|" * len(table.columns)
    rows = [f"| {ncp} | " + " | ".join(str(v) for v in row) + " |" for ncp, row in table.iterrows()]
    return "\n".join([head, rule, *rows])
