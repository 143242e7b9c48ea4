"""rbclab: sourced data and helpers for studying responsible business conduct cases.

>>> import rbclab as rl
>>> cases = rl.load_cases()                                     # doctest: +SKIP
>>> rl.case_stages("se-2025-axis-communications")               # doctest: +SKIP

Modules, lowest first (a module imports only those above it in this list):
``values`` (dates, lists) -> ``taxonomy`` (vocabularies, the outcome rule) -> ``read``
(find and read a package safely) -> ``schema`` (Table Schema subset) -> ``rules`` (rules
of the data) -> ``validate`` -> ``load`` (typed loaders) -> ``analyse`` -> ``charts`` ->
``widgets`` -> ``nbtools`` -> ``report`` -> ``cli``.
Charts, widgets and the report import Altair, ipywidgets or nbconvert, so they load on first use only.
"""

from __future__ import annotations

from .analyse import (
    DUE_DILIGENCE_STEPS,
    GROUPINGS,
    acceptance_rate,
    agreement_rate,
    case_groups,
    case_phases,
    case_stages,
    case_themes,
    city_ranking_flags,
    compare_groups,
    competing_figures,
    duration_summary,
    duration_survival,
    events_in_date_order,
    explode_list,
    figure_disagreements,
    follow_up_status,
    follow_up_tracker,
    incident_timeline,
    outcome_shares,
    paper_claims_against_sources,
    positions_side_by_side,
    sanctions_table,
    similar_cases,
    stage_timeframes,
    survival_curves,
    vendor_links,
    wilson_interval,
)
from .load import (
    load_case_claims,
    load_case_events,
    load_case_outcomes,
    load_case_positions,
    load_case_provisions,
    load_case_vendors,
    load_cases,
    load_incident_figures,
    load_incident_vendors,
    load_incidents,
    load_package,
    load_provisions,
    load_sanctions,
    load_sources,
    load_surveilled_cities,
    load_table,
    load_vendors,
    table_path,
)
from .read import DataPackageError, Problem
from .taxonomy import CODES, OUTCOMES, THEMES, code_conflicts, derive_outcome, suggest_outcome
from .validate import ValidationReport, validate_package

__version__ = "0.1.0"

#: Case id of Justice for Iran vs Axis Communications (Swedish NCP, 2025).
AXIS_CASE_ID = "se-2025-axis-communications"


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


def __getattr__(name: str):
    """``rl.charts``, ``rl.widgets`` and ``rl.report`` import their heavy libraries on first use only."""
    if name in ("charts", "widgets", "report"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'rbclab' has no attribute {name!r}")


__all__ = [
    "AXIS_CASE_ID",
    "CODES",
    "DUE_DILIGENCE_STEPS",
    "GROUPINGS",
    "OUTCOMES",
    "THEMES",
    "DataPackageError",
    "Problem",
    "ValidationReport",
    "acceptance_rate",
    "agreement_rate",
    "case_groups",
    "case_phases",
    "case_stages",
    "case_themes",
    "city_ranking_flags",
    "code_conflicts",
    "compare_groups",
    "competing_figures",
    "derive_outcome",
    "duration_summary",
    "duration_survival",
    "events_in_date_order",
    "explode_list",
    "export",
    "figure_disagreements",
    "follow_up_status",
    "follow_up_tracker",
    "incident_timeline",
    "load_case_claims",
    "load_case_events",
    "load_case_outcomes",
    "load_case_positions",
    "load_case_provisions",
    "load_case_vendors",
    "load_cases",
    "load_incident_figures",
    "load_incident_vendors",
    "load_incidents",
    "load_package",
    "load_provisions",
    "load_sanctions",
    "load_sources",
    "load_surveilled_cities",
    "load_table",
    "load_vendors",
    "outcome_shares",
    "paper_claims_against_sources",
    "positions_side_by_side",
    "sanctions_table",
    "similar_cases",
    "stage_timeframes",
    "suggest_outcome",
    "survival_curves",
    "table_path",
    "validate_package",
    "vendor_links",
    "wilson_interval",
]
