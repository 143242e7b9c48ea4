"""Analysis over typed tables: frames in, frames out (no loading, no charts, no widgets).

Split by topic: :mod:`.procedure` (one case's procedure), :mod:`.compare` (comparing cases),
:mod:`.incidents` (incidents and figures), :mod:`.vendors` (vendors and sanctions); the
labels and categories they share are in :mod:`.common`.
"""

from __future__ import annotations

from .common import (
    ACCEPTED_OUTCOMES,
    CONCLUSION_MONTHS,
    DUE_DILIGENCE_STEPS,
    FOLLOW_UP_YEARS,
    GROUPINGS,
    INITIAL_ASSESSMENT_MONTHS,
    OTHER_LABEL,
    PAPER_SOURCE,
    PERIODS,
    SMALL_N,
    SURVEILLANCE_LABEL,
    USES,
    explode_list,
    wilson_interval,
)
from .compare import (
    acceptance_rate,
    case_groups,
    case_themes,
    coverage,
    coverage_markdown,
    duration_summary,
    outcome_shares,
    published_comparison,
    published_markdown,
)
from .incidents import (
    competing_figures,
    figure_disagreements,
    incident_counts,
    incident_place_counts,
    incident_places,
    incident_timeline,
    incident_use,
    paper_claims_against_sources,
)
from .procedure import (
    PHASES,
    case_phases,
    case_stages,
    events_in_date_order,
    follow_up_status,
    follow_up_tracker,
    positions_side_by_side,
    stage_timeframes,
)
from .vendors import (
    authority_group,
    city_places,
    city_ranking_flags,
    sanction_counts,
    sanctions_table,
    vendor_link_counts,
    vendor_links,
)

#: Names served by the statistics modules, imported on first use (they need scipy or
#: lifelines only when called, but even their own code is not worth loading with ``import rbclab``).
_LAZY = {
    "WEIGHTS": "similar",
    "similar_cases": "similar",
    "similarity": "similar",
    "COMPARISONS": "stats",
    "EDITIONS": "stats",
    "Comparison": "stats",
    "agreement_rate": "stats",
    "compare_groups": "stats",
    "duration_survival": "stats",
    "survival_curves": "stats",
    "survival_data": "stats",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ACCEPTED_OUTCOMES",
    "COMPARISONS",
    "CONCLUSION_MONTHS",
    "DUE_DILIGENCE_STEPS",
    "EDITIONS",
    "FOLLOW_UP_YEARS",
    "GROUPINGS",
    "INITIAL_ASSESSMENT_MONTHS",
    "OTHER_LABEL",
    "PAPER_SOURCE",
    "PERIODS",
    "PHASES",
    "SMALL_N",
    "SURVEILLANCE_LABEL",
    "USES",
    "WEIGHTS",
    "Comparison",
    "acceptance_rate",
    "agreement_rate",
    "authority_group",
    "case_groups",
    "case_phases",
    "case_stages",
    "case_themes",
    "city_places",
    "city_ranking_flags",
    "compare_groups",
    "competing_figures",
    "coverage",
    "coverage_markdown",
    "duration_summary",
    "duration_survival",
    "events_in_date_order",
    "explode_list",
    "figure_disagreements",
    "follow_up_status",
    "follow_up_tracker",
    "incident_counts",
    "incident_place_counts",
    "incident_places",
    "incident_timeline",
    "incident_use",
    "outcome_shares",
    "paper_claims_against_sources",
    "positions_side_by_side",
    "published_comparison",
    "published_markdown",
    "sanction_counts",
    "sanctions_table",
    "similar_cases",
    "similarity",
    "stage_timeframes",
    "survival_curves",
    "survival_data",
    "vendor_link_counts",
    "vendor_links",
    "wilson_interval",
]
