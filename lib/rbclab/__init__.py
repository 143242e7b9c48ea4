"""rbclab: sourced data and helpers for studying responsible business conduct cases.

>>> import rbclab as rl
>>> len(rl.load_cases()) > 400
True
>>> rl.case_stages(rl.load_cases(), rl.AXIS_CASE_ID)["days_to_conclusion"].iloc[0]
np.int64(320)

Modules, lowest first (a module imports only those above it in this list):
``values`` (dates, lists) -> ``taxonomy`` (vocabularies, the outcome rule) -> ``read``
(find and read a package safely) -> ``schema`` (Table Schema subset) -> ``rules`` (rules
of the data) -> ``validate`` -> ``load`` (typed loaders) -> ``analyse`` -> ``datatools``,
``exports``, ``synth``, ``collection`` -> ``charts`` -> ``widgets`` -> ``nbtools`` ->
``report`` -> ``cli``.

``import rbclab`` itself loads nothing heavy: each public name below is imported from its
module on first use (pandas with the first loader), and the chart, widget and report modules
(Altair, ipywidgets, nbconvert) only when asked for.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

#: Case id of Justice for Iran vs Axis Communications (Swedish NCP, 2025).
AXIS_CASE_ID = "se-2025-axis-communications"

#: Every public name and the module that defines it.
_PUBLIC: dict[str, str] = {
    "CODES": "taxonomy",
    "DUE_DILIGENCE_STEPS": "analyse",
    "DataPackageError": "read",
    "GROUPINGS": "analyse",
    "OUTCOMES": "taxonomy",
    "Problem": "read",
    "THEMES": "taxonomy",
    "ValidationReport": "validate",
    "acceptance_rate": "analyse",
    "agreement_rate": "analyse",
    "case_groups": "analyse",
    "case_phases": "analyse",
    "case_stages": "analyse",
    "case_themes": "analyse",
    "city_places": "analyse",
    "city_ranking_flags": "analyse",
    "code_conflicts": "taxonomy",
    "compare_groups": "analyse",
    "competing_figures": "analyse",
    "derive_outcome": "taxonomy",
    "duration_summary": "analyse",
    "duration_survival": "analyse",
    "events_in_date_order": "analyse",
    "explode_list": "analyse",
    "figure_disagreements": "analyse",
    "follow_up_status": "analyse",
    "follow_up_tracker": "analyse",
    "incident_places": "analyse",
    "incident_timeline": "analyse",
    "load_case_claims": "load",
    "load_case_events": "load",
    "load_case_outcomes": "load",
    "load_case_positions": "load",
    "load_case_provisions": "load",
    "load_case_vendors": "load",
    "load_cases": "load",
    "load_incident_figures": "load",
    "load_incident_vendors": "load",
    "load_incidents": "load",
    "load_package": "load",
    "load_places": "load",
    "load_provisions": "load",
    "load_published_counts": "load",
    "load_sanctions": "load",
    "load_sources": "load",
    "load_surveilled_cities": "load",
    "load_table": "load",
    "load_vendors": "load",
    "outcome_shares": "analyse",
    "paper_claims_against_sources": "analyse",
    "positions_side_by_side": "analyse",
    "published_comparison": "analyse",
    "published_markdown": "analyse",
    "sanctions_table": "analyse",
    "similar_cases": "analyse",
    "stage_timeframes": "analyse",
    "suggest_outcome": "taxonomy",
    "survival_curves": "analyse",
    "table_path": "load",
    "validate_package": "validate",
    "vendor_links": "analyse",
    "wilson_interval": "analyse",
}
#: Modules reachable as attributes (``rl.charts``) that load their heavy libraries on first use.
_MODULES = ("analyse", "charts", "widgets", "report", "datatools", "exports", "synth", "read", "taxonomy")


def export(out, fmt: str, package=None):
    """Write every table of a package as parquet, sqlite, duckdb, xlsx or csv (see :mod:`rbclab.exports`).

    Parameters
    ----------
    out : str or Path
        A folder (parquet, csv) or a file (sqlite, duckdb, xlsx).
    fmt : str
        The format.
    package : str or Path, optional
        A data package folder; the bundled package by default.

    Returns
    -------
    Path
    """
    from .exports import export as _export

    return _export(out, fmt, package=package)


def __getattr__(name: str) -> Any:
    """Import a public name (or a submodule) on first use, and keep it."""
    if name in _PUBLIC:
        value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
    elif name in _MODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'rbclab' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC, *_MODULES})


__all__ = sorted(["AXIS_CASE_ID", "export", *_PUBLIC])  # the names __getattr__ resolves
