"""Comparing cases: outcomes, acceptance and durations by group, themes, coverage.

Every function takes the case table (:func:`rbclab.load_cases`) or frames derived from it.
"""

from __future__ import annotations

import pandas as pd

from ..taxonomy import normalise_theme
from .common import ACCEPTED_OUTCOMES, GROUPINGS, OTHER_LABEL, PERIODS, SURVEILLANCE_LABEL, explode_list, with_interval


def case_themes(cases: pd.DataFrame) -> pd.DataFrame:
    """One row per case and Guidelines chapter, with the theme normalised (``theme``) beside the stated one.

    Parameters
    ----------
    cases : DataFrame
        :func:`rbclab.load_cases`.

    Returns
    -------
    DataFrame
        ``case_id``, ``lead_ncp``, ``outcome``, ``theme_as_stated`` and ``theme`` (normalised, category).
    """
    out = explode_list(cases[["case_id", "lead_ncp", "outcome", "themes"]], "themes")
    out["theme"] = pd.Categorical(out["themes"].map(normalise_theme))
    return out.rename(columns={"themes": "theme_as_stated"})


def case_groups(cases: pd.DataFrame, by: str) -> pd.DataFrame:
    """``case_id``, ``outcome`` and ``group``: each case under the groups of :data:`GROUPINGS`.

    ``theme``, ``sector`` and ``complainant type`` are lists, so a case can count in
    several groups; themes are normalised (:func:`case_themes`).  A case with no value is
    in the group ``"not stated"``.  ``surveillance / ICT`` gives ``"surveillance / ICT"`` or
    ``"other cases"``.

    Parameters
    ----------
    cases : DataFrame
        :func:`rbclab.load_cases`.
    by : str
        One of :data:`GROUPINGS`.

    Returns
    -------
    DataFrame
        ``case_id``, ``outcome``, ``group``.
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
        out = base.assign(group=flag.map({True: SURVEILLANCE_LABEL, False: OTHER_LABEL}).astype("string"))
    else:
        out = base.assign(group=cases[GROUPINGS[by]].astype("string"))
    out["group"] = out["group"].astype("string").fillna("not stated")
    return out.drop_duplicates(["case_id", "group"]).reset_index(drop=True)


def outcome_shares(cases: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Count and share of each outcome category, overall or within each group of ``by``.

    Returns ``group``, ``outcome`` (all of :data:`rbclab.OUTCOMES`, in order, zeros kept),
    ``cases``, ``group_cases`` and ``share`` (of the group's cases; the shares of a group
    sum to 1), with ``n`` (= ``group_cases``), the 95% Wilson interval of the share
    (``ci_low``, ``ci_high``) and ``small`` (fewer than :data:`SMALL_N` cases).

    Parameters
    ----------
    cases : DataFrame
        :func:`rbclab.load_cases`.
    by : str, optional
        One of :data:`GROUPINGS`; ``None`` for all cases.

    Returns
    -------
    DataFrame
        The columns listed above, one row per group and outcome.
    """
    grouped = case_groups(cases, by) if by else cases[["case_id", "outcome"]].assign(group="all cases")
    outcomes = list(cases["outcome"].cat.categories)
    counts = grouped.groupby(["group", "outcome"], observed=False)["case_id"].nunique().rename("cases").reset_index()
    counts = counts[counts["outcome"].isin(outcomes)]
    counts["group_cases"] = counts.groupby("group")["cases"].transform("sum")
    counts = counts[counts["group_cases"] > 0].copy()
    counts = with_interval(counts, "cases", "group_cases", "share")
    counts["share"] = counts["share"].astype("float64")
    counts["outcome"] = pd.Categorical(counts["outcome"], categories=outcomes)
    return counts.sort_values(["group", "outcome"]).reset_index(drop=True)


def acceptance_rate(cases: pd.DataFrame, by: str | None = None, outcomes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of cases the NCP accepted, among those whose initial assessment is known, with its interval.

    Parameters
    ----------
    cases : DataFrame
        :func:`rbclab.load_cases`.
    by : str, optional
        A grouping of :data:`GROUPINGS`; ``None`` gives one row, ``all cases``.
    outcomes : DataFrame, optional
        :func:`rbclab.load_case_outcomes`.  With it, a case counts as ``accepted`` when its
        ``ia_decision`` is ``accepted`` or ``partially accepted`` and as ``not_accepted``
        when it is ``not accepted``; without it, the outcome category says (an outcome
        starting with "accepted", or ``not accepted``).  Every other case is
        ``undetermined`` and left out of the rate.

    Returns
    -------
    DataFrame
        ``group``, ``accepted``, ``not_accepted``, ``undetermined``, ``rate`` (accepted /
        decided, ``<NA>`` when none is decided), ``n`` (decided cases), ``ci_low`` and
        ``ci_high`` (95% Wilson interval) and ``small`` (``n`` below :data:`SMALL_N`).

    Examples
    --------
    >>> import rbclab as rl
    >>> rate = rl.acceptance_rate(rl.load_cases(), outcomes=rl.load_case_outcomes())
    >>> list(rate.columns)
    ['group', 'accepted', 'not_accepted', 'undetermined', 'rate', 'n', 'ci_low', 'ci_high', 'small']
    """
    grouped = case_groups(cases, by) if by else cases[["case_id", "outcome"]].assign(group="all cases")
    if outcomes is not None:
        ia = outcomes.set_index("case_id")["ia_decision"].astype("string")
        decision = grouped["case_id"].map(ia)
        accepted = decision.isin(["accepted", "partially accepted"])
        not_accepted = decision == "not accepted"
    else:
        outcome = grouped["outcome"].astype("string")
        accepted = outcome.isin(ACCEPTED_OUTCOMES)
        not_accepted = outcome == "not accepted"
    grouped = grouped.assign(
        accepted=accepted.fillna(False).astype(bool), not_accepted=not_accepted.fillna(False).astype(bool)
    )
    grouped["undetermined"] = ~(grouped["accepted"] | grouped["not_accepted"])
    out = grouped.groupby("group")[["accepted", "not_accepted", "undetermined"]].sum().astype("Int64").reset_index()
    out["decided"] = out["accepted"] + out["not_accepted"]
    out = with_interval(out, "accepted", "decided", "rate")
    return out.drop(columns="decided")[
        ["group", "accepted", "not_accepted", "undetermined", "rate", "n", "ci_low", "ci_high", "small"]
    ]


def duration_summary(timeframes: pd.DataFrame) -> pd.DataFrame:
    """Per stage: cases with a known duration, median and quartiles in days, share within the timeframe.

    Parameters
    ----------
    timeframes : DataFrame
        :func:`stage_timeframes`.

    Returns
    -------
    DataFrame
        ``stage``, ``cases``, ``median_days``, ``q1_days``, ``q3_days``, ``share_within``.
    """
    g = timeframes.groupby("stage", sort=False)
    out = pd.DataFrame(
        {
            "cases": g["days"].count(),
            "median_days": g["days"].median(),
            "q1_days": g["days"].quantile(0.25),
            "q3_days": g["days"].quantile(0.75),
            "share_within": g["within"].mean(),
        }
    )
    return out.reset_index()


def coverage(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases per lead NCP and period of submission, most-covered NCP first.

    Columns: one per period (``2000-2005`` ... ``2021-2026``), ``undated`` (no submission
    year known), ``total``, and ``with_status`` (cases whose status is stated). NCPs with no
    case are kept as rows of zeros, so the gaps show.

    Parameters
    ----------
    cases : DataFrame
        :func:`rbclab.load_cases`.

    Returns
    -------
    DataFrame
        One row per lead NCP (index ``lead_ncp``), the columns listed above.
    """
    year = cases["date_submitted"].dt.year
    labels = [f"{a}-{b}" for a, b in PERIODS]
    period = pd.Series(pd.NA, index=cases.index, dtype="string")
    for (a, b), label in zip(PERIODS, labels):
        period[(year >= a) & (year <= b)] = label
    period = period.fillna("undated")
    ncp = cases["lead_ncp"]
    # a new Index: reindexing on the categories object itself, then naming it, would rename the
    # categories of the caller's frame (and of the loaders' cache)
    ncps = list(ncp.cat.categories) if hasattr(ncp, "cat") else sorted(ncp.dropna().unique())
    table = pd.crosstab(ncp, period).reindex(index=pd.Index(ncps, name="lead_ncp"), fill_value=0)
    table = table.reindex(columns=[*labels, "undated"], fill_value=0)
    table["total"] = table.sum(axis=1)
    table["with_status"] = cases.groupby(ncp, observed=False)["status"].count().reindex(table.index, fill_value=0)
    table.columns.name = None
    return table.sort_values(["total"], ascending=False, kind="stable").astype("int64")


def coverage_markdown(cases: pd.DataFrame) -> str:
    """:func:`coverage` as a Markdown table, with a totals row (as printed in data/README.md).

    Parameters
    ----------
    cases : DataFrame
        :func:`rbclab.load_cases`.

    Returns
    -------
    str
        A Markdown table.
    """
    table = coverage(cases)
    table.loc["All NCPs"] = table.sum()
    head = "| lead NCP | " + " | ".join(table.columns) + " |"
    rule = "|---|" + "---:|" * len(table.columns)
    rows = [f"| {ncp} | " + " | ".join(str(v) for v in row) + " |" for ncp, row in table.iterrows()]
    return "\n".join([head, rule, *rows])
