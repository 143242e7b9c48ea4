"""Cases like this one: rank past cases by a transparent similarity, and read their outcomes.

The similarity of two cases is a weighted mean of per-field scores, each between 0 and 1:

=====================  ======  =====================================================
field                  weight  score
=====================  ======  =====================================================
``lead_ncp``           3       1 if the same NCP led both cases
``themes``             2       Jaccard overlap of the Guidelines chapters (normalised)
``surveillance_ict``   2       1 if both are, or both are not, surveillance / ICT cases
``enterprises``        2       Jaccard overlap of the enterprises named
``host_countries``     2       Jaccard overlap of the host countries
``sector``             1       1 if the stated sector is the same
``complainant_type``   1       Jaccard overlap of the complainant types
=====================  ======  =====================================================

A field missing on either side scores 0 (its weight still counts), so a case described in
detail is not ranked above one that matches on what is known.  Ties are broken by the more
recent submission, then by case id.  A case is never its own neighbour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from ..taxonomy import normalise_theme
from ..values import split_list
from .common import with_interval

#: Weight of each field in the similarity (see the module docstring).
WEIGHTS: dict[str, float] = {
    "lead_ncp": 3,
    "themes": 2,
    "surveillance_ict": 2,
    "enterprises": 2,
    "host_countries": 2,
    "sector": 1,
    "complainant_type": 1,
}
_LISTS = ("themes", "enterprises", "host_countries", "complainant_type")


def _items(field: str, value: Any) -> frozenset[str]:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return frozenset()
    items = value if isinstance(value, list | tuple | set | frozenset) else split_list(str(value))
    if field == "themes":
        return frozenset(t for t in (normalise_theme(str(i)) for i in items) if t)
    return frozenset(str(i).strip().lower() for i in items if str(i).strip())


def _scalar(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value).strip().lower() or None


def _profile(row: Mapping[str, Any]) -> dict[str, Any]:
    flag = row.get("surveillance_ict")
    return {
        "lead_ncp": _scalar(row.get("lead_ncp")),
        "sector": _scalar(row.get("sector")),
        "surveillance_ict": None if flag is None or flag is pd.NA else bool(flag),
        **{f: _items(f, row.get(f)) for f in _LISTS},
    }


def similarity_parts(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, float]:
    """The per-field scores (0 to 1) of two case profiles, before weighting."""
    pa, pb = _profile(a), _profile(b)
    parts = {}
    for field in WEIGHTS:
        x, y = pa[field], pb[field]
        if field in _LISTS:
            parts[field] = len(x & y) / len(x | y) if x and y else 0.0
        else:
            parts[field] = float(x is not None and y is not None and x == y)
    return parts


def similarity(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """The weighted similarity of two case profiles, between 0 and 1 (see :data:`WEIGHTS`).

    >>> similarity({"lead_ncp": "Sweden", "themes": "Human rights"}, {"lead_ncp": "Sweden", "themes": "Human rights"})
    0.3846
    """
    parts = similarity_parts(a, b)
    return round(sum(WEIGHTS[f] * parts[f] for f in WEIGHTS) / sum(WEIGHTS.values()), 4)


def similar_cases(
    target: str | Mapping[str, Any], cases: pd.DataFrame, outcomes: pd.DataFrame, k: int = 10
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``k`` past cases most like ``target``, and what happened to them.

    Parameters
    ----------
    target : str or mapping
        A ``case_id`` of ``cases``, or a profile: any of ``lead_ncp``, ``themes``, ``sector``,
        ``host_countries``, ``complainant_type``, ``enterprises`` (strings, or lists for the list
        fields) and ``surveillance_ict`` (bool).
    cases : DataFrame
        :func:`rbclab.load_cases`.
    outcomes : DataFrame
        :func:`rbclab.load_case_outcomes`.
    k : int, default 10
        How many neighbours.

    Returns
    -------
    (neighbours, summary) : tuple of DataFrame
        ``neighbours``: ``case_id``, ``title``, ``lead_ncp``, ``date_submitted``, ``similarity``,
        one column per field score (``sim_<field>``), the outcome and the coded
        ``ia_decision``, ``good_offices``, ``agreement``.  ``summary``: the neighbours' base rates
        (accepted, of decided; good offices held, of accepted cases whose good offices are known;
        agreement, of good offices held), each with ``n`` and a 95% interval.

    Examples
    --------
    >>> import rbclab as rl
    >>> near, rates = rl.similar_cases(rl.AXIS_CASE_ID, rl.load_cases(), rl.load_case_outcomes(), k=5)
    >>> rl.AXIS_CASE_ID in set(near["case_id"]), len(near)
    (False, 5)
    """
    if isinstance(target, str):
        if target not in set(cases["case_id"]):
            raise KeyError(f"no case with case_id = {target!r}")
        own: dict[str, Any] = {str(k): v for k, v in cases[cases["case_id"] == target].iloc[0].to_dict().items()}
        pool = cases[cases["case_id"] != target]
    else:
        own = dict(target)
        pool = cases
    records = [{str(k): v for k, v in r.items()} for r in pool.to_dict("records")]
    scored = []
    for rec in records:
        parts = similarity_parts(own, rec)
        score = round(sum(WEIGHTS[f] * parts[f] for f in WEIGHTS) / sum(WEIGHTS.values()), 4)
        scored.append({"case_id": rec["case_id"], "similarity": score, **{f"sim_{f}": parts[f] for f in WEIGHTS}})
    frame = pd.DataFrame(scored)
    base = pool[["case_id", "title", "lead_ncp", "date_submitted", "outcome"]]
    frame = frame.merge(base, on="case_id")
    frame = frame.sort_values(
        ["similarity", "date_submitted", "case_id"], ascending=[False, False, True], na_position="last"
    )
    near = frame.head(k).merge(
        outcomes[["case_id", "ia_decision", "good_offices", "agreement"]], on="case_id", how="left"
    )
    cols = [
        "case_id",
        "title",
        "lead_ncp",
        "date_submitted",
        "similarity",
        *[f"sim_{f}" for f in WEIGHTS],
        "outcome",
        "ia_decision",
        "good_offices",
        "agreement",
    ]
    near = near[cols].reset_index(drop=True)
    return near, neighbour_rates(near)


def neighbour_rates(near: pd.DataFrame) -> pd.DataFrame:
    """Base rates of a set of cases (accepted, good offices held, agreement), with intervals.

    Parameters
    ----------
    near : DataFrame
        Rows with ``ia_decision``, ``good_offices`` and ``agreement`` codes.

    Returns
    -------
    DataFrame
        ``measure``, ``success``, ``counted`` (= ``n``), ``rate``, ``ci_low``, ``ci_high``, ``small``.
    """
    ia = near["ia_decision"].astype("string")
    go = near["good_offices"].astype("string")
    ag = near["agreement"].astype("string")
    accepted = ia.isin(["accepted", "partially accepted"])
    rows = [
        ("accepted, of decided", int(accepted.sum()), int((accepted | (ia == "not accepted")).sum())),
        (
            "good offices held, of accepted",
            int((accepted & (go == "held")).sum()),
            int(
                (accepted & go.isin(["held", "declined by enterprise", "declined by complainant", "not offered"])).sum()
            ),
        ),
        (
            "agreement, of good offices held",
            int(((go == "held") & ag.isin(["full", "partial"])).sum()),
            int(((go == "held") & ag.isin(["full", "partial", "none"])).sum()),
        ),
    ]
    table = pd.DataFrame(rows, columns=["measure", "success", "counted"])
    return with_interval(table, "success", "counted", "rate")


def profile_of(cases: pd.DataFrame, case_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The profiles (as :func:`similarity` reads them) of some cases, for inspection."""
    rows = cases[cases["case_id"].isin(list(case_ids))].to_dict("records")
    return [_profile({str(k): v for k, v in r.items()}) for r in rows]
