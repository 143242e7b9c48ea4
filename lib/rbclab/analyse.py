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
