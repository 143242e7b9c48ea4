"""Comparing cases: outcomes, acceptance and durations by group, themes, coverage.

Every function takes the case table (:func:`rbclab.load_cases`) or frames derived from it.
"""

from __future__ import annotations

from types import SimpleNamespace

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


def _period_end(day: pd.Timestamp, precision: str) -> pd.Timestamp:
    """The first day after a partial date's period (2020-11 -> 2020-12-01)."""
    step = {"day": pd.DateOffset(days=1), "month": pd.DateOffset(months=1), "year": pd.DateOffset(years=1)}
    return day + step[precision]


def published_comparison(cases: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """The dataset's count beside each published count of NCP cases, in the same scope.

    Each row of ``published`` (:func:`rbclab.load_published_counts`) says what it counts: the
    lead NCP, the submission dates (``submitted_from``, ``submitted_until``, inclusive, at their
    precision), the year of conclusion, complainant types (a case counts if its type includes
    any), a theme or sector values.  The dataset's cases are counted in that scope; a case whose
    date is partial counts by the start of its period (a case of "2020" counts as January 2020).

    Parameters
    ----------
    cases : DataFrame
        :func:`rbclab.load_cases`.
    published : DataFrame
        :func:`rbclab.load_published_counts`.

    Returns
    -------
    DataFrame
        One row per published figure, in its order: ``count_id``, ``publisher``, ``as_of``
        (as published), ``statement``, ``published`` (e.g. ``over 650``; a share as ``31%``),
        ``value``, ``dataset`` (cases in scope, or their share in percent of the cases in scope
        with the theme or sector recorded), ``covered`` (``dataset / value`` for counts; empty
        for shares), ``missing_date`` (cases that match the scope except that the date it
        needs is unknown (for a conclusion year: closed cases with no conclusion date), left out) and ``source_ids``.

    Examples
    --------
    >>> import rbclab as rl
    >>> table = published_comparison(rl.load_cases(), rl.load_published_counts())
    >>> table.loc[table["count_id"] == "oecd-database-total", "published"].item()
    'over 650'
    """
    themes = case_themes(cases)
    rows = []
    for record in published.to_dict("records"):
        p = SimpleNamespace(**{str(k): v for k, v in record.items()})
        in_scope = _non_date_scope(cases, p, themes)
        scope = in_scope.copy()
        dated = pd.Series(True, index=cases.index)
        if pd.notna(p.submitted_from) or pd.notna(p.submitted_until):
            submitted = cases["date_submitted"]
            dated = submitted.notna()
            if pd.notna(p.submitted_from):
                scope &= submitted >= p.submitted_from
            if pd.notna(p.submitted_until):
                scope &= submitted < _period_end(p.submitted_until, p.submitted_until_precision)
        if pd.notna(p.concluded_in):
            concluded = cases["date_concluded"]
            # an open case has no conclusion date to miss
            dated = (concluded.notna() | (cases["outcome"].astype("string") == "in progress")) & dated
            scope &= concluded.dt.year == p.concluded_in
        missing = int((in_scope & ~dated).sum())
        scope &= dated
        if p.measure == "percent":
            if pd.notna(p.theme):
                has = cases["case_id"].isin(themes["case_id"])
                hit = cases["case_id"].isin(themes.loc[themes["theme"] == p.theme, "case_id"])
            else:
                sectors = {s.strip() for s in str(p.sectors).split(";")}
                has = cases["sector"].notna()
                hit = cases["sector"].isin(sectors)
            denominator = int((scope & has).sum())
            dataset = round(100 * (scope & hit).sum() / denominator, 1) if denominator else float("nan")
            shown = f"{p.value:g}%"
            covered = float("nan")
        else:
            dataset = int(scope.sum())
            shown = f"{p.value:g}" if p.qualifier == "exactly" else f"{p.qualifier} {p.value:g}"
            covered = round(dataset / p.value, 3) if p.value else float("nan")
        rows.append(
            {
                "count_id": p.count_id,
                "publisher": p.publisher,
                "as_of": _partial(p.as_of, p.as_of_precision),
                "statement": p.statement,
                "published": shown,
                "value": float(p.value),
                "dataset": dataset,
                "covered": covered,
                "missing_date": missing,
                "source_ids": p.source_ids,
            }
        )
    return pd.DataFrame(rows)


def _non_date_scope(cases: pd.DataFrame, p: SimpleNamespace, themes: pd.DataFrame) -> pd.Series:
    """The cases in a published figure's scope, dates aside (a count's theme included)."""
    scope = pd.Series(True, index=cases.index)
    if p.measure == "cases" and pd.notna(p.theme):
        scope &= cases["case_id"].isin(themes.loc[themes["theme"] == p.theme, "case_id"])
    if pd.notna(p.lead_ncp):
        scope &= cases["lead_ncp"].astype("string") == p.lead_ncp
    if pd.notna(p.complainant_types):
        wanted = {t.strip() for t in str(p.complainant_types).split(";")}
        kinds = cases["complainant_type"].fillna("").astype(str).str.split(";")
        scope &= kinds.map(lambda ks: any(k.strip() in wanted for k in ks)).astype(bool)
    return scope


def _partial(day, precision) -> str:
    if pd.isna(day):
        return ""
    return day.strftime({"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[precision])


def published_markdown(cases: pd.DataFrame, published: pd.DataFrame) -> str:
    """:func:`published_comparison` as a Markdown table (as printed in data/README.md).

    Parameters
    ----------
    cases : DataFrame
        :func:`rbclab.load_cases`.
    published : DataFrame
        :func:`rbclab.load_published_counts`.

    Returns
    -------
    str
        A Markdown table: what is counted, by whom and as of when, the published figure, this
        dataset's figure in the same scope, the share covered and the cases left out for a missing date.
    """
    table = published_comparison(cases, published)
    lines = [
        "| figure | publisher, as of | published | this dataset | covered | date unknown | source |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for record in table.to_dict("records"):
        r = SimpleNamespace(**{str(k): v for k, v in record.items()})
        dataset = f"{r.dataset:g}%" if r.published.endswith("%") else f"{r.dataset:g}"
        covered = "" if pd.isna(r.covered) else f"{r.covered:.0%}"
        when = f"{r.publisher}, {r.as_of}" if r.as_of else f"{r.publisher}, undated"
        lines.append(
            f"| {r.statement} | {when} | {r.published} | {dataset} | {covered} | {r.missing_date} | {r.source_ids} |"
        )
    return "\n".join(lines)
