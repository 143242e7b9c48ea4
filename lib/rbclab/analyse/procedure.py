"""One case's procedure: its stages against the indicative timeframes, phases, follow-up, positions.

The OECD Procedural Guidance gives indicative timeframes for a specific instance: an initial
assessment within three months of receiving the submission, and the conclusion of the
procedure within twelve months of receipt.  :func:`case_stages` measures each case against
them.  Durations are computed only between dates known to the day: a month- or
year-precision date gives ``<NA>``, never a guessed number.  Every function takes frames
(from :func:`rbclab.load_cases`, :func:`rbclab.load_case_events`, ...), never loads data.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .common import CONCLUSION_MONTHS, FOLLOW_UP_YEARS, INITIAL_ASSESSMENT_MONTHS


def _within(start: pd.Series, end: pd.Series, months: int) -> pd.Series:
    deadline = start + pd.DateOffset(months=months)
    return (end <= deadline).astype("boolean").mask(start.isna() | end.isna())


def case_stages(cases: pd.DataFrame, case_id: str | None = None) -> pd.DataFrame:
    """Days from submission to initial assessment and to conclusion, against the timeframes.

    Returns one row per case (or only ``case_id``) with columns ``case_id``, ``title``,
    ``lead_ncp``, ``date_submitted``, ``date_initial_assessment``, ``date_concluded``,
    ``days_to_initial_assessment`` and ``days_to_conclusion`` (Int64, ``<NA>`` unless both
    dates are known to the day), ``initial_assessment_within_3_months`` and
    ``conclusion_within_12_months`` (boolean: the later date falls on or before receipt
    plus three, or twelve, calendar months).

    Parameters
    ----------
    cases : DataFrame
        :func:`rbclab.load_cases`.
    case_id : str, optional
        Only this case (``KeyError`` if it is not in ``cases``).

    Returns
    -------
    DataFrame
        One row per case, with the columns listed above.

    >>> import rbclab as rl
    >>> stages = case_stages(rl.load_cases(), "se-2025-axis-communications")
    >>> stages[["days_to_initial_assessment", "days_to_conclusion"]].iloc[0].tolist()
    [104, 320]
    """
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

    Parameters
    ----------
    events : DataFrame
        :func:`rbclab.load_case_events`.

    Returns
    -------
    DataFrame
        The events sorted by case and date, with ``listed_out_of_order``.
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

    Parameters
    ----------
    events : DataFrame
        One case's :func:`rbclab.load_case_events`.

    Returns
    -------
    DataFrame
        ``phase``, ``start``, ``end``, ``days`` (Int64).
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

    Parameters
    ----------
    events : DataFrame
        One case's :func:`rbclab.load_case_events`.
    today : Timestamp or str, optional
        The day to measure against; the current date by default.

    Returns
    -------
    dict
        The keys listed above.
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

    Parameters
    ----------
    stages : DataFrame
        :func:`case_stages`.

    Returns
    -------
    DataFrame
        One row per case and stage, as listed above.
    """
    parts = []
    for stage, days, within, months in (
        (
            "Initial assessment",
            "days_to_initial_assessment",
            "initial_assessment_within_3_months",
            INITIAL_ASSESSMENT_MONTHS,
        ),
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

    Parameters
    ----------
    positions : DataFrame
        :func:`rbclab.load_case_positions` of one case.

    Returns
    -------
    DataFrame
        One row per topic, one string column per party.
    """
    order = list(dict.fromkeys(positions.sort_values("seq")["topic"]))
    wide = (
        positions.groupby(["topic", "party"], observed=True, sort=False)["position"].agg("\n\n".join).unstack("party")
    )
    parties = [p for p in ("complainant", "enterprise", "both parties", "NCP") if p in wide.columns]
    return wide.reindex(index=order, columns=parties).astype("string").rename_axis(index="topic", columns=None)


def follow_up_tracker(
    cases: pd.DataFrame,
    outcomes: pd.DataFrame,
    events: pd.DataFrame,
    today: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """Concluded cases whose follow-up was promised or done, and which are overdue today.

    The due date rule is the Swedish NCP's in the Axis case (a follow-up within one year of
    the decision on the final statement), applied to every case: one year after the last
    ``decision`` event where the case has events, else one year after ``date_concluded``
    (day precision needed; otherwise the due date is unknown).  A follow-up is *recorded* when
    the case has a ``follow-up`` event in ``case_events``.  A case is *overdue* when its
    follow-up is coded ``yes``, none is recorded, and the due date has passed.  The coded
    ``follow_up = yes`` includes follow-ups the pages report as done; until they are entered
    as events, such cases are listed as overdue, which the ``status`` column says plainly.

    Parameters
    ----------
    cases : DataFrame
        :func:`rbclab.load_cases`.
    outcomes : DataFrame
        :func:`rbclab.load_case_outcomes`.
    events : DataFrame
        :func:`rbclab.load_case_events`.
    today : Timestamp or str, optional
        The day to measure against; the current date by default.

    Returns
    -------
    DataFrame
        One row per case with ``follow_up = yes``: ``case_id``, ``title``, ``lead_ncp``,
        ``decision_date``, ``due_date``, ``follow_up_recorded``, ``follow_up_date``,
        ``overdue``, ``days_overdue`` and ``status`` (``recorded``, ``overdue: none recorded``,
        ``due``, or ``due date unknown``), most overdue first.

    Examples
    --------
    >>> import rbclab as rl
    >>> tracker = follow_up_tracker(rl.load_cases(), rl.load_case_outcomes(), rl.load_case_events(), "2026-12-01")
    >>> axis = tracker.set_index("case_id").loc[rl.AXIS_CASE_ID]
    >>> f"{axis['due_date']:%Y-%m-%d}", bool(axis["overdue"])
    ('2026-11-19', True)
    """
    now = pd.Timestamp.today().normalize() if today is None else pd.Timestamp(today).normalize()
    promised = set(outcomes.loc[outcomes["follow_up"] == "yes", "case_id"])
    rows = []
    for case in cases[cases["case_id"].isin(promised)].itertuples():
        own = events[events["case_id"] == case.case_id]
        decision = _first_date(own, ("decision",), last=True) if len(own) else None
        concluded: Any = case.date_concluded
        if decision is None and case.date_concluded_precision == "day":
            decision = pd.Timestamp(concluded)
        due = decision + pd.DateOffset(years=FOLLOW_UP_YEARS) if decision is not None else None
        follow = _first_date(own, ("follow-up",)) if len(own) else None
        overdue = bool(follow is None and due is not None and now > due)
        if follow is not None:
            status = "recorded"
        elif due is None:
            status = "due date unknown"
        else:
            status = "overdue: none recorded" if overdue else "due"
        rows.append(
            {
                "case_id": case.case_id,
                "title": case.title,
                "lead_ncp": case.lead_ncp,
                "decision_date": decision,
                "due_date": due,
                "follow_up_recorded": follow is not None,
                "follow_up_date": follow,
                "overdue": overdue,
                "days_overdue": (now - due).days if overdue and due is not None else 0,
                "status": status,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "case_id",
            "title",
            "lead_ncp",
            "decision_date",
            "due_date",
            "follow_up_recorded",
            "follow_up_date",
            "overdue",
            "days_overdue",
            "status",
        ],
    )
    for col in ("decision_date", "due_date", "follow_up_date"):
        out[col] = pd.to_datetime(out[col])
    return out.sort_values(["days_overdue", "case_id"], ascending=[False, True]).reset_index(drop=True)
