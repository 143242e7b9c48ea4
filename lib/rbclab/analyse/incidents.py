"""Incidents and the competing figures about them."""

from __future__ import annotations

import pandas as pd

from .common import PAPER_SOURCE, USES


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

    Parameters
    ----------
    incidents : DataFrame
        :func:`rbclab.load_incidents`.

    Returns
    -------
    DataFrame
        One row per incident, as listed above.
    """
    out = incidents.copy()
    out["use"] = out["purpose"].map(incident_use).astype("string")
    out["ongoing_or_unknown_end"] = out["end_date"].isna()
    out["end_or_start"] = out["end_date"].fillna(out["start_date"])
    return out.sort_values(["start_date", "incident_id"]).reset_index(drop=True)


def _from_paper(source_ids: pd.Series) -> pd.Series:
    return source_ids.fillna("").str.split(";").map(lambda ids: PAPER_SOURCE in [i.strip() for i in ids]).astype(bool)


def competing_figures(
    figures: pd.DataFrame, incident_id: str | None = None, measure: str | None = None
) -> pd.DataFrame:
    """Every claim for an incident and measure, one row each, never averaged.

    Adds ``from_paper`` (the claim cites the SOMO / Justice for Iran paper) and ``label``
    (who claims it, with the date of the claim when known), sorted by value.

    Parameters
    ----------
    figures : DataFrame
        :func:`rbclab.load_incident_figures`.
    incident_id : str, optional
        Only this incident.
    measure : str, optional
        Only this measure.

    Returns
    -------
    DataFrame
        One row per claim, as listed above.
    """
    out = figures
    if incident_id is not None:
        out = out[out["incident_id"] == incident_id]
    if measure is not None:
        out = out[out["measure"] == measure]
    out = out.copy()
    out["from_paper"] = _from_paper(out["source_ids"])
    as_of = (
        out["as_of_date"]
        .dt.strftime("%Y-%m-%d")
        .where(out["as_of_date_precision"] == "day", out["as_of_date"].dt.strftime("%Y-%m"))
    )
    as_of = as_of.where(out["as_of_date_precision"] != "year", out["as_of_date"].dt.strftime("%Y"))
    out["label"] = (out["claimed_by"] + (" (" + as_of.astype("string") + ")").fillna("")).astype("string")
    return out.sort_values(["incident_id", "measure", "value", "figure_id"]).reset_index(drop=True)


def figure_disagreements(figures: pd.DataFrame) -> pd.DataFrame:
    """Per incident and measure: number of claims, distinct values, lowest and highest claim.

    ``spread`` = highest / lowest (1.0 when every claim agrees).  Sorted by spread, widest first.

    Parameters
    ----------
    figures : DataFrame
        :func:`rbclab.load_incident_figures`.

    Returns
    -------
    DataFrame
        One row per incident and measure with more than one claimed value.
    """
    high = figures["value_high"].fillna(figures["value"])
    g = figures.assign(high=high).groupby(["incident_id", "measure"])
    out = pd.DataFrame(
        {
            "claims": g["figure_id"].count(),
            "distinct_values": g["value"].nunique(),
            "lowest": g["value"].min(),
            "highest": g["high"].max(),
        }
    ).reset_index()
    out["spread"] = out["highest"].astype("Float64") / out["lowest"].astype("Float64")
    return out.sort_values(["spread", "claims"], ascending=False).reset_index(drop=True)


def paper_claims_against_sources(figures: pd.DataFrame) -> pd.DataFrame:
    """The paper's figures beside every other claim for the same incident and measure.

    One row per claim (the paper's and the others'), with ``from_paper`` and ``label`` as in
    :func:`competing_figures` and ``group`` naming the incident and measure.  Only incidents
    and measures the paper gives a number for are kept.

    Parameters
    ----------
    figures : DataFrame
        :func:`rbclab.load_incident_figures`.

    Returns
    -------
    DataFrame
        The claims of the incidents and measures the paper gives a figure for.
    """
    claims = competing_figures(figures)
    keys = claims.loc[claims["from_paper"], ["incident_id", "measure"]].drop_duplicates()
    out = claims.merge(keys, on=["incident_id", "measure"], how="inner")
    out["group"] = (out["incident_id"] + ": " + out["measure"]).astype("string")
    return out.sort_values(["incident_id", "measure", "value", "figure_id"]).reset_index(drop=True)


def _figure_text(figures: pd.DataFrame) -> pd.Series:
    """Per incident, every claimed figure as text ('measure: value (claimed by)'), never averaged."""
    if figures.empty:
        return pd.Series(dtype="string")

    def one(r) -> str:
        value = f"{r.value:g}" if pd.isna(r.value_high) else f"{r.value:g}-{r.value_high:g}"
        qualifier = "" if pd.isna(r.qualifier) or r.qualifier == "exact" else f"{r.qualifier} "
        return f"{r.measure}: {qualifier}{value} ({r.claimed_by})"

    text = pd.Series([one(r) for r in figures.itertuples(index=False)], index=figures.index, dtype="string")
    return text.groupby(figures["incident_id"].astype("string")).agg("; ".join)


def incident_places(incidents: pd.DataFrame, places: pd.DataFrame, figures: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each incident with the point that stands for its place, its use and its competing figures.

    Parameters
    ----------
    incidents : DataFrame
        :func:`rbclab.load_incidents`.
    places : DataFrame
        :func:`rbclab.load_places` (every incident's ``place`` and ``country`` has a row there;
        validation checks it).
    figures : DataFrame, optional
        :func:`rbclab.load_incident_figures`; each incident's claims become ``figures``, one
        text listing every claim with who makes it.

    Returns
    -------
    DataFrame
        One row per incident, in the order of ``incidents``: ``incident_id``, ``title``,
        ``country``, ``place``, ``use``, ``start_date``, ``located_at``, ``level``, ``latitude``,
        ``longitude``, ``figures``.

    Raises
    ------
    KeyError
        If an incident's place has no row in ``places``.
    """
    out = incidents[["incident_id", "title", "country", "place", "start_date", "purpose"]].copy()
    out["use"] = out["purpose"].map(incident_use).astype("string")
    keyed = places.set_index(["place", "country"])[["located_at", "level", "latitude", "longitude"]]
    keys = pd.MultiIndex.from_arrays([out["place"], out["country"]])
    missing = [f"{p!r} ({c})" for p, c in keys if (p, c) not in keyed.index]
    if missing:
        raise KeyError(f"no row of places for: {', '.join(missing)}")
    located = keyed.loc[keys].reset_index(drop=True)
    located.index = out.index
    out = pd.concat([out.drop(columns="purpose"), located], axis=1)
    text = _figure_text(figures) if figures is not None else pd.Series(dtype="string")
    out["figures"] = out["incident_id"].astype("string").map(text).astype("string")
    return out.reset_index(drop=True)


def incident_counts(timeline: pd.DataFrame) -> pd.DataFrame:
    """Incidents counted per year of start and use: a summary that does not grow with the incidents.

    Parameters
    ----------
    timeline : DataFrame
        :func:`incident_timeline` (needs ``start_date``, ``use``, ``title`` and
        ``ongoing_or_unknown_end``).

    Returns
    -------
    DataFrame
        One row per year and use with at least one incident: ``year``, ``use``, ``incidents``,
        ``end_unknown`` (of them, those still ongoing or whose end is not known) and
        ``example`` (the title of the first to start), sorted by year and use.  Incidents
        without a start date are left out.
    """
    df = timeline[timeline["start_date"].notna()]
    df = df.assign(year=df["start_date"].dt.year.astype("Int64"), use=df["use"].astype("string"))
    df = df.sort_values(["start_date", "incident_id"], kind="stable")
    out = (
        df.groupby(["year", "use"], sort=True)
        .agg(
            incidents=("incident_id", "size"),
            end_unknown=("ongoing_or_unknown_end", "sum"),
            example=("title", "first"),
        )
        .reset_index()
    )
    out["incidents"] = out["incidents"].astype("Int64")
    out["end_unknown"] = out["end_unknown"].astype("Int64")
    out["example"] = out["example"].astype("string")
    return out


def incident_place_counts(located: pd.DataFrame) -> pd.DataFrame:
    """Incidents counted per point on the map and use (the summary of :func:`incident_places`).

    Parameters
    ----------
    located : DataFrame
        :func:`incident_places`.

    Returns
    -------
    DataFrame
        One row per point (``located_at``, ``country``, ``latitude``, ``longitude``) and
        ``use``, with ``incidents``, ``levels`` (how closely the incidents there are located,
        e.g. ``"city, country"``), ``first_year`` and ``last_year`` (of the starts) and
        ``example`` (the title of the first to start); most incidents first.
    """
    keys = ["located_at", "country", "latitude", "longitude", "use"]
    df = located.sort_values(["start_date", "incident_id"], kind="stable", na_position="last")
    out = (
        df.assign(year=df["start_date"].dt.year.astype("Int64"), level=df["level"].astype("string"))
        .groupby(keys, sort=False, dropna=False)
        .agg(
            incidents=("incident_id", "size"),
            levels=("level", lambda s: ", ".join(sorted(set(s.dropna())))),
            first_year=("year", "min"),
            last_year=("year", "max"),
            example=("title", "first"),
        )
        .reset_index()
    )
    out["incidents"] = out["incidents"].astype("Int64")
    for col in ("located_at", "country", "use", "levels", "example"):
        out[col] = out[col].astype("string")
    order = ["incidents", "country", "located_at", "use"]
    return out.sort_values(order, ascending=[False, True, True, True], kind="stable").reset_index(drop=True)
