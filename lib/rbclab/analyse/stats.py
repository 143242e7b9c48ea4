"""Statistics a researcher can publish: intervals, tests of differences, censoring-aware durations.

- Every rate comes with ``n`` and a 95% Wilson interval (:func:`rbclab.analyse.common.wilson_interval`).
- :func:`compare_groups` tests a difference in a rate between groups (Fisher's exact test for two
  groups, a chi-squared test for more), via scipy.
- :func:`duration_survival` estimates how long NCPs take with Kaplan-Meier (lifelines), counting
  the cases still open as censored at the date of their latest known status, so that the longest
  cases are not silently left out.

This is observational data with known coverage gaps (see data/README.md): a p-value says how
surprising a difference would be if cases were drawn at random, not that a cause is found.
scipy and lifelines are the ``stats`` extra; they are imported when a function needs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .common import CONCLUSION_MONTHS, INITIAL_ASSESSMENT_MONTHS, SMALL_N, with_interval
from .compare import case_groups

#: Periods of submission compared by :func:`compare_groups` (``"Guidelines edition"``): the
#: Guidelines were updated in 2011 and 2023; cases are split by their year of submission.
EDITIONS: tuple[tuple[str, int, int], ...] = (
    ("submitted 2000-2010", 2000, 2010),
    ("submitted 2011-2022", 2011, 2022),
    ("submitted 2023 on", 2023, 9999),
)
#: The comparisons :func:`compare_groups` knows.
COMPARISONS = ("surveillance / ICT", "Guidelines edition", "complainant type")
#: The rates :func:`compare_groups` compares: (success, among), over the coded dimensions.
MEASURES = {
    "accepted": ("initial assessment accepted (in whole or part)", "initial assessment decided"),
    "agreement": ("full or partial agreement", "good offices held"),
}
#: The stages :func:`duration_survival` measures, with their dates and indicative timeframes.
STAGES = {
    "initial assessment": ("date_initial_assessment", INITIAL_ASSESSMENT_MONTHS),
    "conclusion": ("date_concluded", CONCLUSION_MONTHS),
}
CAUTION = (
    "Observational data with known coverage gaps: the cases are those whose pages could be read, "
    "not a random sample, so a small p-value describes this data, not a cause."
)


def _coded(cases: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    codes = outcomes.set_index("case_id")
    out = cases[["case_id", "outcome", "date_submitted", "surveillance_ict", "complainant_type"]].copy()
    for col in ("ia_decision", "good_offices", "agreement", "closed"):
        out[col] = out["case_id"].map(codes[col].astype("string"))
    return out


def _success(frame: pd.DataFrame, measure: str) -> tuple[pd.Series, pd.Series]:
    """(success, counted) booleans of a measure for each row of :func:`_coded` output."""
    if measure == "accepted":
        counted = frame["ia_decision"].isin(["accepted", "partially accepted", "not accepted"])
        success = frame["ia_decision"].isin(["accepted", "partially accepted"])
    elif measure == "agreement":
        counted = (frame["good_offices"] == "held") & frame["agreement"].isin(["full", "partial", "none"])
        success = frame["agreement"].isin(["full", "partial"])
    else:
        raise KeyError(f"unknown measure {measure!r}; use one of: {', '.join(MEASURES)}")
    return success.fillna(False).astype(bool), counted.fillna(False).astype(bool)


def agreement_rate(cases: pd.DataFrame, outcomes: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Share of cases with a full or partial agreement, among those whose good offices were held.

    Parameters
    ----------
    cases : DataFrame
        :func:`rbclab.load_cases`.
    outcomes : DataFrame
        :func:`rbclab.load_case_outcomes`.
    by : str, optional
        A grouping of :data:`rbclab.GROUPINGS`.

    Returns
    -------
    DataFrame
        ``group``, ``agreement`` (cases), ``held`` (= ``n``), ``rate``, ``ci_low``, ``ci_high``, ``small``.
    """
    return _rate_table(cases, outcomes, "agreement", by).rename(columns={"success": "agreement", "counted": "held"})


def _groups(cases: pd.DataFrame, comparison: str | None) -> pd.DataFrame:
    """``case_id`` and ``group`` for a comparison (or a grouping of :data:`rbclab.GROUPINGS`)."""
    if comparison is None:
        return cases[["case_id"]].assign(group="all cases")
    if comparison == "Guidelines edition":
        year = cases["date_submitted"].dt.year
        group = pd.Series(pd.NA, index=cases.index, dtype="string")
        for label, a, b in EDITIONS:
            group[(year >= a) & (year <= b)] = label
        return cases[["case_id"]].assign(group=group.fillna("year not known"))
    return case_groups(cases, comparison)[["case_id", "group"]]


def _rate_table(cases: pd.DataFrame, outcomes: pd.DataFrame, measure: str, by: str | None) -> pd.DataFrame:
    coded = _coded(cases, outcomes)
    success, counted = _success(coded, measure)
    coded = coded.assign(success=success & counted, counted=counted)
    grouped = _groups(cases, by).merge(coded[["case_id", "success", "counted"]], on="case_id")
    table = grouped.groupby("group")[["success", "counted"]].sum().astype("Int64").reset_index()
    return with_interval(table, "success", "counted", "rate")


@dataclass
class Comparison:
    """A rate compared between groups, with the test of the difference.

    ``table`` has one row per group (``success``, ``counted`` = ``n``, ``rate``, ``ci_low``,
    ``ci_high``, ``small``); ``test`` names the test, ``statistic`` and ``p_value`` its result
    (``NaN`` when fewer than two groups have cases); ``caution`` says how to read it.
    """

    comparison: str
    measure: str
    table: pd.DataFrame
    test: str
    statistic: float
    p_value: float
    caution: str = CAUTION

    def __str__(self) -> str:
        what, among = MEASURES[self.measure]
        lines = [f"{what}, among cases with {among}, by {self.comparison}:"]
        for rec in self.table.to_dict("records"):
            r: dict[str, Any] = {str(k): v for k, v in rec.items()}
            flag = " (too few to read)" if r["small"] else ""
            if r["n"]:
                lines.append(
                    f"  {r['group']}: {r['success']} of {r['n']} = {r['rate']:.1%}"
                    f" (95% CI {r['ci_low']:.1%}-{r['ci_high']:.1%}){flag}"
                )
            else:
                lines.append(f"  {r['group']}: no case")
        lines.append(
            f"{self.test}: p = {self.p_value:.3g}" if np.isfinite(self.p_value) else f"{self.test}: not computed"
        )
        return "\n".join(lines)


def compare_groups(
    cases: pd.DataFrame, outcomes: pd.DataFrame, comparison: str, measure: str = "accepted"
) -> Comparison:
    """Compare a rate between groups and test the difference.

    Parameters
    ----------
    cases : DataFrame
        :func:`rbclab.load_cases`.
    outcomes : DataFrame
        :func:`rbclab.load_case_outcomes`.
    comparison : str
        One of :data:`COMPARISONS` (``"surveillance / ICT"`` against the rest, the Guidelines
        edition by year of submission, or the complainant type).
    measure : str, default "accepted"
        ``"accepted"`` (of cases with a decided initial assessment) or ``"agreement"`` (of
        cases whose good offices were held).

    Returns
    -------
    Comparison
        The per-group table and the test: Fisher's exact test for two groups, a chi-squared
        test of independence for more (groups with no counted case are left out of the test).

    Examples
    --------
    >>> import rbclab as rl
    >>> c = rl.compare_groups(rl.load_cases(), rl.load_case_outcomes(), "surveillance / ICT")
    >>> c.test, 0 <= c.p_value <= 1
    ("Fisher's exact test", True)
    """
    from scipy import stats

    if comparison not in COMPARISONS:
        raise KeyError(f"unknown comparison {comparison!r}; use one of: {', '.join(COMPARISONS)}")
    table = _rate_table(cases, outcomes, measure, comparison)
    table = table[table["group"] != "year not known"].reset_index(drop=True)
    used = table[table["counted"] > 0]
    counts = np.array([used["success"].astype(int), (used["counted"] - used["success"]).astype(int)]).T
    if len(used) < 2:
        return Comparison(comparison, measure, table, "no test (fewer than two groups)", float("nan"), float("nan"))
    if len(used) == 2:
        res = stats.fisher_exact(counts)
        return Comparison(comparison, measure, table, "Fisher's exact test", float(res.statistic), float(res.pvalue))
    chi2, p, _, expected = stats.chi2_contingency(counts)
    test = "chi-squared test" + (" (some expected counts below 5: read with care)" if (expected < 5).any() else "")
    return Comparison(comparison, measure, table, test, float(chi2), float(p))


# ----------------------------------------------------------------------------- durations


def survival_data(cases: pd.DataFrame, outcomes: pd.DataFrame, stage: str) -> pd.DataFrame:
    """One row per case: how long it took to reach ``stage``, or how long it has waited.

    Only dates known to the day enter.  A case that reached the stage is an event at that date;
    a case still open (``closed = no``) that has not is censored at its ``status_as_of`` date.
    Every other case is left out, with the reason in ``excluded``.

    Parameters
    ----------
    cases : DataFrame
        :func:`rbclab.load_cases`.
    outcomes : DataFrame
        :func:`rbclab.load_case_outcomes`.
    stage : str
        ``"initial assessment"`` or ``"conclusion"``.

    Returns
    -------
    DataFrame
        ``case_id``, ``days`` (Float64), ``event`` (boolean), ``excluded`` (string; ``<NA>`` when
        the case enters the estimate).
    """
    if stage not in STAGES:
        raise KeyError(f"unknown stage {stage!r}; use one of: {', '.join(STAGES)}")
    column, _ = STAGES[stage]
    closed = cases["case_id"].map(outcomes.set_index("case_id")["closed"].astype("string"))
    day = {c: cases[f"{c}_precision"] == "day" for c in ("date_submitted", column, "status_as_of")}
    start = cases["date_submitted"].where(day["date_submitted"])
    reached = cases[column].where(day[column])
    as_of = cases["status_as_of"].where(day["status_as_of"])
    out = cases[["case_id"]].copy()
    event = reached.notna() & start.notna()
    censored = ~event & start.notna() & (closed == "no").fillna(False) & as_of.notna() & cases[column].isna()
    to_stage = (reached - start).dt.days.to_numpy(dtype=float, na_value=np.nan)
    to_status = (as_of - start).dt.days.to_numpy(dtype=float, na_value=np.nan)
    days = pd.Series(np.where(event, to_stage, np.where(censored, to_status, np.nan)), index=cases.index)
    excluded = pd.Series(pd.NA, index=cases.index, dtype="string")
    excluded[start.isna()] = "submission date not known to the day"
    excluded[start.notna() & ~event & ~censored & cases[column].notna()] = f"{stage} date not known to the day"
    excluded[start.notna() & ~event & ~censored & cases[column].isna() & (closed == "no").fillna(False)] = (
        "open, but no status date known to the day"
    )
    excluded[start.notna() & ~event & ~censored & excluded.isna()] = f"closed without a dated {stage}"
    excluded[(days < 0).fillna(False)] = "stage dated before submission"
    keep = excluded.isna()
    out["days"] = days.where(keep).astype("Float64")
    out["event"] = event.where(keep, False).astype("boolean")
    out["excluded"] = excluded
    return out


def _km(days: np.ndarray, events: np.ndarray):
    from lifelines import KaplanMeierFitter

    kmf = KaplanMeierFitter()
    kmf.fit(days, event_observed=events)
    return kmf


def duration_survival(
    cases: pd.DataFrame, stage: str, by: str | None = None, outcomes: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Kaplan-Meier estimates of the days from submission to a stage, with open cases censored.

    Parameters
    ----------
    cases : DataFrame
        :func:`rbclab.load_cases`.
    stage : str
        ``"initial assessment"`` (timeframe 3 months) or ``"conclusion"`` (12 months).
    by : str, optional
        A grouping of :data:`rbclab.GROUPINGS`, or ``"Guidelines edition"``.
    outcomes : DataFrame
        :func:`rbclab.load_case_outcomes` (for which cases are still open).

    Returns
    -------
    DataFrame
        Per group: ``n`` (cases in the estimate), ``events``, ``censored``, ``excluded`` (left
        out: a date not known to the day, or closed without the stage), ``median_days`` with
        its 95% interval (``median_ci_low``, ``median_ci_high``; ``inf`` when the curve does
        not fall below a half within the data), ``naive_median_days`` (the median over the
        events only, which ignores the cases still waiting), ``timeframe_days`` (3 or 12
        calendar months as 91 or 365 days) and ``share_within`` (1 - S(timeframe)) with its
        interval.

    Examples
    --------
    >>> import rbclab as rl
    >>> km = rl.duration_survival(rl.load_cases(), "conclusion", outcomes=rl.load_case_outcomes())
    >>> bool(km.loc[0, "median_days"] >= km.loc[0, "naive_median_days"])
    True
    """
    if outcomes is None:
        raise ValueError("duration_survival needs outcomes (rl.load_case_outcomes()) to know which cases are open")
    data = survival_data(cases, outcomes, stage)
    _, months = STAGES[stage]
    horizon = 91 if months == 3 else 365
    groups = _groups(cases, by)
    merged = groups.merge(data, on="case_id")
    rows = []
    for group, part in merged.groupby("group", sort=True):
        used = part[part["excluded"].isna()]
        days = used["days"].to_numpy(dtype=float)
        events = used["event"].to_numpy(dtype=bool)
        row = {
            "group": group,
            "n": len(used),
            "events": int(events.sum()),
            "censored": int((~events).sum()),
            "excluded": int(part["excluded"].notna().sum()),
        }
        if len(used) and events.any():
            from lifelines.utils import median_survival_times

            kmf = _km(days, events)
            ci = median_survival_times(kmf.confidence_interval_)
            row["median_days"] = float(kmf.median_survival_time_)
            row["median_ci_low"], row["median_ci_high"] = (float(v) for v in ci.iloc[0])
            row["naive_median_days"] = float(np.median(days[events]))
            surv = float(kmf.survival_function_at_times(horizon).iloc[0])
            band = kmf.confidence_interval_survival_function_
            idx = band.index.searchsorted(horizon, side="right") - 1
            low_s, high_s = band.iloc[max(idx, 0)]
            row["share_within"] = 1 - surv
            row["share_ci_low"], row["share_ci_high"] = 1 - float(high_s), 1 - float(low_s)
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in (
        "median_days",
        "median_ci_low",
        "median_ci_high",
        "naive_median_days",
        "share_within",
        "share_ci_low",
        "share_ci_high",
    ):
        if col not in out:
            out[col] = np.nan
    out["timeframe_days"] = horizon
    out["small"] = out["n"] < SMALL_N
    cols = [
        "group",
        "n",
        "events",
        "censored",
        "excluded",
        "median_days",
        "median_ci_low",
        "median_ci_high",
        "naive_median_days",
        "timeframe_days",
        "share_within",
        "share_ci_low",
        "share_ci_high",
        "small",
    ]
    return out[cols]


def survival_curves(
    cases: pd.DataFrame, stage: str, by: str | None = None, outcomes: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The Kaplan-Meier curves behind :func:`duration_survival`, for a chart.

    Parameters
    ----------
    cases, stage, by, outcomes
        As for :func:`duration_survival`.

    Returns
    -------
    DataFrame
        ``group``, ``days``, ``waiting`` (the estimated share of cases still waiting), ``ci_low``,
        ``ci_high``, one row per step of each group's curve.
    """
    if outcomes is None:
        raise ValueError("survival_curves needs outcomes (rl.load_case_outcomes())")
    data = survival_data(cases, outcomes, stage)
    merged = _groups(cases, by).merge(data, on="case_id")
    parts = []
    for group, part in merged.groupby("group", sort=True):
        used = part[part["excluded"].isna()]
        if not len(used) or not used["event"].any():
            continue
        kmf = _km(used["days"].to_numpy(dtype=float), used["event"].to_numpy(dtype=bool))
        sf = kmf.survival_function_
        band = kmf.confidence_interval_survival_function_
        parts.append(
            pd.DataFrame(
                {
                    "group": group,
                    "days": sf.index.to_numpy(dtype=float),
                    "waiting": sf.iloc[:, 0].to_numpy(),
                    "ci_low": band.iloc[:, 0].to_numpy(),
                    "ci_high": band.iloc[:, 1].to_numpy(),
                }
            )
        )
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["group", "days", "waiting", "ci_low", "ci_high"])
    )
