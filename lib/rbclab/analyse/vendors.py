"""Vendors, the measures against them, their links to incidents and cases, and city rankings."""

from __future__ import annotations

import pandas as pd


def authority_group(authority: str | None) -> str:
    """Who imposed a measure, by jurisdiction: ``United States``, ``European Union``,
    ``United Kingdom``, ``OECD NCP``, ``investor`` or the authority as written."""
    a = (authority or "").strip()
    low = a.lower()
    if "national contact point" in low:
        return "OECD NCP"
    if low.startswith(("us ", "us-", "u.s.", "us department", "us president")):
        return "United States"
    if "council of the eu" in low or low.startswith("eu "):
        return "European Union"
    if low.startswith(("uk ", "united kingdom")):
        return "United Kingdom"
    if "investor" in low:
        return "investor"
    return a


def sanctions_table(sanctions: pd.DataFrame, vendors: pd.DataFrame) -> pd.DataFrame:
    """Measures with the vendor's name and :func:`authority_group`, sorted by date.

    Parameters
    ----------
    sanctions : DataFrame
        :func:`rbclab.load_sanctions`.
    vendors : DataFrame
        :func:`rbclab.load_vendors`.

    Returns
    -------
    DataFrame
        The measures with the name of each vendor and the group of each authority.
    """
    names = vendors[["vendor_id", "name"]].rename(columns={"name": "vendor"})
    out = sanctions.merge(names, on="vendor_id", how="left")
    out["authority_group"] = out["authority"].map(authority_group).astype("string")
    out["year"] = out["date"].dt.year.astype("Int64")
    return out.sort_values(["date", "sanction_id"]).reset_index(drop=True)


def _per_month(df: pd.DataFrame, keys: list[str], count: str, example: str) -> pd.DataFrame:
    """Rows with a ``date`` counted per ``keys`` and month (``month``: its first day), with the first ``example``."""
    df = df[df["date"].notna()].sort_values("date", kind="stable")
    df = df.assign(month=df["date"].dt.to_period("M").dt.to_timestamp())
    out = (
        df.groupby([*keys, "month"], sort=True, dropna=False, observed=True)
        .agg(**{count: ("date", "size"), "example": (example, "first")})
        .reset_index()
    )
    out[count] = out[count].astype("Int64")
    out["example"] = out["example"].astype("string")
    return out


def sanction_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Measures counted per vendor, month, authority group and kind of measure.

    A summary of :func:`sanctions_table` whose length grows with the vendors and months, not
    with the measures.

    Parameters
    ----------
    table : DataFrame
        :func:`sanctions_table`.

    Returns
    -------
    DataFrame
        One row per ``vendor``, ``authority_group``, ``measure_type`` and ``month`` (the first
        day of the month) with at least one measure: ``measures`` (how many) and ``example``
        (the first measure, with who imposed it).  Measures without a date are left out.
    """
    df = table.assign(
        measure_type=table["measure_type"].astype("string"),
        label=(table["measure"] + " - " + table["authority"]).astype("string"),
    )
    return _per_month(df, ["vendor", "authority_group", "measure_type"], "measures", "label")


def vendor_link_counts(links: pd.DataFrame) -> pd.DataFrame:
    """Links counted per vendor, kind of link and month.

    A summary of :func:`vendor_links` whose length grows with the vendors and months, not
    with the links.

    Parameters
    ----------
    links : DataFrame
        :func:`vendor_links`.

    Returns
    -------
    DataFrame
        One row per ``vendor``, ``kind`` and ``month`` (the first day of the month) with at
        least one link: ``links`` (how many) and ``example`` (the label of the first).  Links
        without a date are left out.
    """
    return _per_month(links, ["vendor", "kind"], "links", "label")


def vendor_links(tables: dict[str, pd.DataFrame], vendor_id: str | None = None) -> pd.DataFrame:
    """Every link of a vendor to an incident, an NCP case or a measure, one row each.

    ``tables`` is :func:`rbclab.load_package` output.  Columns: ``vendor_id``, ``vendor``,
    ``kind`` (``incident``, ``NCP case``, ``measure``), ``ref`` (the linked row's id),
    ``label``, ``date`` and ``date_precision`` (incident start, case submission or measure
    date), ``relation`` (how the row ties to the vendor) and ``claimed_by``.

    Parameters
    ----------
    tables : dict of DataFrame
        :func:`rbclab.load_package`.
    vendor_id : str, optional
        Only this vendor.

    Returns
    -------
    DataFrame
        One row per vendor and link, as listed above.
    """
    vendors = tables["vendors"][["vendor_id", "name"]].rename(columns={"name": "vendor"})
    inc = tables["incidents"][["incident_id", "title", "start_date", "start_date_precision"]]
    iv = tables["incident_vendors"].merge(inc, on="incident_id", how="left")
    incidents = pd.DataFrame(
        {
            "vendor_id": iv["vendor_id"],
            "kind": "incident",
            "ref": iv["incident_id"],
            "label": iv["title"],
            "date": iv["start_date"],
            "date_precision": iv["start_date_precision"],
            "relation": iv["role"],
            "claimed_by": iv["claimed_by"],
        }
    )
    cases = tables["ncp_cases"][["case_id", "title", "lead_ncp", "date_submitted", "date_submitted_precision"]]
    cv = tables["case_vendors"].merge(cases, on="case_id", how="left")
    ncp = pd.DataFrame(
        {
            "vendor_id": cv["vendor_id"],
            "kind": "NCP case",
            "ref": cv["case_id"],
            "label": cv["title"] + " (" + cv["lead_ncp"].astype("string") + " NCP)",
            "date": cv["date_submitted"],
            "date_precision": cv["date_submitted_precision"],
            "relation": cv["relation"],
            "claimed_by": pd.NA,
        }
    )
    s = tables["sanctions"]
    measures = pd.DataFrame(
        {
            "vendor_id": s["vendor_id"],
            "kind": "measure",
            "ref": s["sanction_id"].astype("string"),
            "label": s["measure"] + " - " + s["authority"],
            "date": s["date"],
            "date_precision": s["date_precision"],
            "relation": s["measure_type"].astype("string"),
            "claimed_by": pd.NA,
        }
    )
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

    Parameters
    ----------
    cities : DataFrame
        :func:`rbclab.load_surveilled_cities`.
    tolerance : float, default 0.05
        The relative difference below which two figures are taken as equal.

    Returns
    -------
    DataFrame
        The rankings with the flags listed above.
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


def city_places(flagged: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """The city rankings (:func:`city_ranking_flags`) with each city's coordinates from ``places``.

    Parameters
    ----------
    flagged : DataFrame
        :func:`city_ranking_flags`.
    places : DataFrame
        :func:`rbclab.load_places` (every ranked city has a row; validation checks it).

    Returns
    -------
    DataFrame
        ``flagged`` with ``latitude``, ``longitude`` and ``located_at`` added, in its order.

    Raises
    ------
    KeyError
        If a city has no row in ``places``.
    """
    coords = places[["place", "country", "located_at", "latitude", "longitude"]].rename(columns={"place": "city"})
    out = flagged.merge(coords, on=["city", "country"], how="left", validate="many_to_one")
    missing = out.loc[out["latitude"].isna(), "city"].unique()
    if len(missing):
        raise KeyError(f"no row of places for: {', '.join(map(str, missing))}")
    return out
