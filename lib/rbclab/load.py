"""Typed loaders: read a package, validate it, and cast every column from its Table Schema.

Each loader returns a pandas DataFrame whose dtypes come from the schema, never from
pandas' guesses:

=====================  ==========================================================
Table Schema           pandas dtype
=====================  ==========================================================
string                 ``string`` (``pd.StringDtype("python")``; empty cells are ``<NA>``)
string with ``enum``   ``category`` with the schema's categories, in schema order
integer                ``Int64`` (nullable)
number                 ``Float64`` (nullable)
boolean                ``boolean`` (nullable)
partial date           ``datetime64[ns]`` holding the first day of the period, plus a
                       ``<name>_precision`` column (``day``/``month``/``year``)
=====================  ==========================================================

A partial date such as ``2013-11`` becomes 2013-11-01 with precision ``month``: the day
is not known, and the precision column says so.  List cells (``;``-separated, such as
``source_ids``) stay text; :func:`rbclab.analyse.explode_list` splits them.

A package with any problem is not loaded: :class:`rbclab.read.DataPackageError`
names every problem (file, row, field, value).  No row is dropped or coerced.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from .read import DESCRIPTOR, DataPackageError, RawPackage, Table, paused_gc, read_package, resolve
from .validate import check
from .values import partial_date

#: The string dtype of every text column: Python storage, the same whether or not pyarrow is
#: installed (pandas' default storage depends on it), so frames compare and merge alike everywhere.
STRING = pd.StringDtype("python")
PRECISIONS = pd.CategoricalDtype(["day", "month", "year"])
_PRECISION_CODE = {"day": 0, "month": 1, "year": 2}


_NAT = np.iinfo(np.int64).min
_MISSING_CODES = itertools.repeat(-1)  # the code of a cell outside the categories (an empty one)
_EPOCH = 719_163  # date(1970, 1, 1).toordinal()


def _partial_days(v: str) -> tuple[int, int]:
    """Days since 1970-01-01 of the period's first day (NaT when empty) and the precision's code."""
    parsed = partial_date(v) if v else None
    if parsed is None:
        return _NAT, -1
    return parsed[0].toordinal() - _EPOCH, _PRECISION_CODE[parsed[2]]


def _enum(field: dict) -> tuple[str, ...] | None:
    enum = field.get("constraints", {}).get("enum")
    return None if enum is None else tuple(str(c) for c in enum)


def _categories(resources: list[dict]) -> dict[tuple[str, ...], pd.CategoricalDtype]:
    """The dtype of every enum list of a package, made together.

    Each dtype's categories are a slice of one text index of them all: pandas then converts
    the text once, not once per list (the same dtypes as ``pd.CategoricalDtype(list)``).
    """
    lists = list(dict.fromkeys(e for res in resources for f in res["schema"]["fields"] if (e := _enum(f))))
    every = pd.Index([c for cats in lists for c in cats], dtype="str")
    out, start = {}, 0
    for cats in lists:
        out[cats] = pd.CategoricalDtype(every[start : start + len(cats)])
        start += len(cats)
    return out


def _cast_table(res: dict, table: Table, categories: dict[tuple[str, ...], pd.CategoricalDtype]) -> pd.DataFrame:
    """A table's typed columns: each distinct cell is converted once, then spread by its codes.

    ``categories`` holds the dtype of each enum list (see :func:`_categories`).
    """
    columns: dict[str, object] = {}
    for field in res["schema"]["fields"]:
        name = field["name"]
        uniques, codes = table.coded(name)
        ftype = field.get("type", "string")
        enum = _enum(field)
        if field.get("rbclab:partialDate"):
            parsed = [_partial_days(v) for v in uniques]
            days = np.array([p[0] for p in parsed], dtype=np.int64)[codes].view("datetime64[D]")
            columns[name] = days.astype("datetime64[ns]")
            precision = np.array([p[1] for p in parsed], dtype=np.int8)[codes]
            columns[f"{name}_precision"] = pd.Categorical.from_codes(precision, dtype=PRECISIONS)
        elif ftype == "integer":
            columns[name] = pd.array([int(v) if v else None for v in uniques], dtype="Int64").take(codes)
        elif ftype == "number":
            columns[name] = pd.array([float(v) if v else None for v in uniques], dtype="Float64").take(codes)
        elif ftype == "boolean":
            true = frozenset(field.get("trueValues", ["true"]))
            flags = [(v in true) if v else None for v in uniques]
            columns[name] = pd.array(flags, dtype="boolean").take(codes)
        elif enum is not None:
            code_of = {c: i for i, c in enumerate(enum)}
            # an empty cell is outside the categories: code -1, a missing value
            lookup = np.fromiter(map(code_of.get, uniques, _MISSING_CODES), dtype=np.int32, count=len(uniques))
            columns[name] = pd.Categorical.from_codes(lookup[codes], dtype=categories[enum])
        else:
            cells = np.array(uniques, dtype=object)
            if "" in uniques:  # at most once: the uniques are distinct
                cells[uniques.index("")] = pd.NA
            columns[name] = pd.array(cells, dtype=STRING).take(codes)
    return pd.DataFrame(columns, copy=False)  # the arrays are new: no need to copy them again


def _signature(root: Path) -> tuple:
    files = [root / DESCRIPTOR, *sorted(root.glob("*.csv"))]
    return tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files if f.exists())


@lru_cache(maxsize=8)
def _load_all_cached(root: str, signature: tuple) -> dict[str, pd.DataFrame]:
    return _load_all(Path(root))


def _load_all(root: Path) -> dict[str, pd.DataFrame]:
    with paused_gc():
        raw: RawPackage = read_package(root)
        problems = check(raw)
        if problems:
            raise DataPackageError(problems, root)
        resources = raw.descriptor["resources"]
        categories = _categories(resources)
        return {res["name"]: _cast_table(res, raw.tables[res["name"]], categories) for res in resources}


def load_package(path: str | os.PathLike | None = None) -> dict[str, pd.DataFrame]:
    """Load every table of a data package (yours, or the bundled one when ``path`` is None).

    The package must follow the same Table Schemas.  It is validated first; if anything
    is wrong, :class:`~rbclab.read.DataPackageError` lists every problem.

    Parameters
    ----------
    path : str or Path, optional
        A data package folder (or its datapackage.json); the bundled package by default.

    Returns
    -------
    dict of str to DataFrame
        Table name to typed frame (copies: changing them never changes the cache).

    Examples
    --------
    >>> tables = load_package()
    >>> "ncp_cases" in tables and "case_outcomes" in tables
    True
    """
    root = resolve(path).resolve()
    tables = _load_all_cached(str(root), _signature(root))
    # pandas copies on write: a shallow copy is enough for the cache never to see a change
    return {name: frame.copy(deep=False) for name, frame in tables.items()}


def load_table(name: str, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load one table by name.

    Parameters
    ----------
    name : str
        A resource name of the package (``KeyError`` lists the tables if it has none).
    path : str or Path, optional
        A data package folder; the bundled package by default.

    Returns
    -------
    DataFrame
        The typed table (a copy).
    """
    root = resolve(path).resolve()
    tables = _load_all_cached(str(root), _signature(root))
    if name not in tables:
        raise KeyError(f"no table named {name!r}; the package has: {', '.join(tables)}")
    return tables[name].copy()


def table_path(name: str, path: str | os.PathLike | None = None) -> Path:
    """Path of a table's CSV file, for users who want the raw file.

    Parameters
    ----------
    name : str
        A resource name, e.g. ``"ncp_cases"``.
    path : str or Path, optional
        A data package folder; the bundled package by default.

    Returns
    -------
    Path
    """
    root = resolve(path)
    return root / f"{name}.csv"


def _filtered(frame: pd.DataFrame, column: str, value: str | None) -> pd.DataFrame:
    if value is None:
        return frame
    if value not in set(frame[column].dropna().astype(str)):
        raise KeyError(f"no rows with {column} = {value!r}")
    return frame[frame[column] == value].reset_index(drop=True)


def load_sources(path=None) -> pd.DataFrame:
    """Every document and page that a fact row cites."""
    return load_table("sources", path)


def load_cases(path=None) -> pd.DataFrame:
    """NCP specific instances: one row per complaint under the OECD Guidelines."""
    return load_table("ncp_cases", path)


def load_case_events(case_id: str | None = None, path=None) -> pd.DataFrame:
    """Procedural events of cases, in the order the source lists them (``seq``), not by date.

    ``case_id`` selects one case (``KeyError`` if it has no events).
    """
    return _filtered(load_table("case_events", path), "case_id", case_id)


def load_case_positions(case_id: str | None = None, path=None) -> pd.DataFrame:
    """Claims made by each party in a case, one row per claim."""
    return _filtered(load_table("case_positions", path), "case_id", case_id)


def load_case_claims(case_id: str | None = None, path=None) -> pd.DataFrame:
    """Disagreeing claims about a case's status, dates or outcome, one row per claimed value.

    ``used`` marks the value that :func:`load_cases` holds; the other claims are kept beside it.
    """
    return _filtered(load_table("case_claims", path), "case_id", case_id)


def load_case_outcomes(case_id: str | None = None, path=None) -> pd.DataFrame:
    """How each case ended, coded dimension by dimension, each code with its evidence.

    One row per case: ``closed``, ``ia_decision``, ``good_offices``, ``agreement``,
    ``determination``, ``recommendations``, ``follow_up`` and ``withdrawn`` (categories), each
    beside ``<code>_evidence``: what the page says, citing ``[n]``, the n-th of ``source_ids``.
    ``ncp_cases.outcome`` is derived from these codes by :func:`rbclab.derive_outcome`.
    """
    return _filtered(load_table("case_outcomes", path), "case_id", case_id)


def load_provisions(path=None) -> pd.DataFrame:
    """Paragraphs of the OECD Guidelines cited in cases."""
    return load_table("provisions", path)


def load_case_provisions(case_id: str | None = None, path=None) -> pd.DataFrame:
    """Which case cites which paragraph of the Guidelines, and who invokes it."""
    return _filtered(load_table("case_provisions", path), "case_id", case_id)


def load_incidents(path=None) -> pd.DataFrame:
    """Incidents of surveillance technology used, or feared to be used, against people."""
    return load_table("incidents", path)


def load_incident_figures(incident_id: str | None = None, path=None) -> pd.DataFrame:
    """Numbers about incidents, one row per claim; disagreeing claims are separate rows."""
    return _filtered(load_table("incident_figures", path), "incident_id", incident_id)


def load_vendors(path=None) -> pd.DataFrame:
    """Companies whose surveillance products or services appear in the data."""
    return load_table("vendors", path)


def load_sanctions(vendor_id: str | None = None, path=None) -> pd.DataFrame:
    """Sanctions, export controls, procurement bans and NCP outcomes concerning vendors."""
    return _filtered(load_table("sanctions", path), "vendor_id", vendor_id)


def load_incident_vendors(path=None) -> pd.DataFrame:
    """Which vendor a source ties to which incident, and who says so."""
    return load_table("incident_vendors", path)


def load_case_vendors(path=None) -> pd.DataFrame:
    """Which vendor an NCP case concerns, and how."""
    return load_table("case_vendors", path)


def load_published_counts(path=None) -> pd.DataFrame:
    """Counts of NCP cases published by the OECD, NCPs and OECD Watch, each with its scope."""
    return load_table("published_counts", path)


def load_surveilled_cities(path=None) -> pd.DataFrame:
    """Comparitech rankings of cities by CCTV cameras per 1,000 people (2019-2021 editions)."""
    return load_table("surveilled_cities", path)


def load_places(path=None) -> pd.DataFrame:
    """Where each place named by incidents and city rankings is drawn on a map (GeoNames coordinates)."""
    return load_table("places", path)


LOADERS = {
    "sources": load_sources,
    "ncp_cases": load_cases,
    "published_counts": load_published_counts,
    "case_events": load_case_events,
    "case_claims": load_case_claims,
    "case_outcomes": load_case_outcomes,
    "case_positions": load_case_positions,
    "provisions": load_provisions,
    "case_provisions": load_case_provisions,
    "incidents": load_incidents,
    "incident_figures": load_incident_figures,
    "vendors": load_vendors,
    "sanctions": load_sanctions,
    "incident_vendors": load_incident_vendors,
    "case_vendors": load_case_vendors,
    "surveilled_cities": load_surveilled_cities,
    "places": load_places,
}


def _dtype_name(field: dict) -> str:
    if field.get("rbclab:partialDate"):
        return "datetime64[ns]"
    if "enum" in field.get("constraints", {}):
        return "category"
    return {"integer": "Int64", "number": "Float64", "boolean": "boolean"}.get(field.get("type", "string"), "string")


_FILTERS = {
    "case_id": "Only the rows of this case (``KeyError`` if it has none).",
    "incident_id": "Only the rows of this incident (``KeyError`` if it has none).",
    "vendor_id": "Only the rows of this vendor (``KeyError`` if it has none).",
}


def _document_loaders() -> None:
    """Give each loader numpydoc Parameters and Returns, the latter listing its columns.

    The columns come from the bundled datapackage.json, so the docs never drift from the data.
    """
    import json

    try:
        root = resolve(None)
        descriptor = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return
    for res in descriptor.get("resources", []):
        loader = LOADERS.get(res.get("name"))
        if loader is None:
            continue
        lines = ["", "", "    Parameters", "    ----------"]
        code = cast("Callable[..., Any]", loader).__code__  # the parameters, without importing inspect
        for name in code.co_varnames[: code.co_argcount]:
            if name == "path":
                lines += [
                    "    path : str or Path, optional",
                    "        A data package folder (or its datapackage.json); the bundled package by default.",
                ]
            else:
                lines += [f"    {name} : str, optional", f"        {_FILTERS.get(name, '')}"]
        lines += [
            "",
            "    Returns",
            "    -------",
            "    DataFrame",
            f"        The rows of ``{res['name']}`` ({res['path']}), typed from the Table Schema:",
        ]
        for f in res["schema"]["fields"]:
            lines.append(f"        ``{f['name']}`` ({_dtype_name(f)}): {f.get('description', '')}")
            if f.get("rbclab:partialDate"):
                lines.append(f"        ``{f['name']}_precision`` (category): day, month or year.")
        lines += [
            "",
            "    Examples",
            "    --------",
            f"    >>> frame = {loader.__name__}()",
            "    >>> len(frame) > 0",
            "    True",
            "",
        ]
        loader.__doc__ = (loader.__doc__ or "") + "\n".join(lines)


_document_loaders()
