"""Chart builders: each takes frames from the loaders or :mod:`rbclab.analyse` and returns a chart."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any, Final

import altair as alt
import pandas as pd

from ..analyse.common import OTHER_LABEL, SURVEILLANCE_LABEL
from ..analyse.incidents import incident_counts, incident_place_counts
from ..analyse.vendors import sanction_counts, vendor_link_counts
from .render import PALETTE

## Each builder takes DataFrames from the loaders or from :mod:`rbclab.analyse` and returns
# an Altair chart with a title and a ``description`` (read by screen readers).  Data is
# embedded as plain records: dates become local ISO date-times, missing values ``null``.

#: Colour of each outcome category (in :data:`rbclab.OUTCOMES` order).
OUTCOME_COLOURS: dict[str, str] = {
    "not accepted": PALETTE[5],
    "accepted - agreement": PALETTE[2],
    "accepted - partial agreement": PALETTE[4],
    "accepted - no agreement": PALETTE[1],
    "accepted - company declined good offices": PALETTE[3],
    "accepted - complainant declined good offices": PALETTE[6],
    "accepted - no good offices": PALETTE[10],
    "concluded - other": PALETTE[0],
    "withdrawn": PALETTE[7],
    "in progress": PALETTE[8],
    "unknown": PALETTE[9],
}
#: Colour of each actor of a procedure (``case_events.actor``).
ACTOR_COLOURS: dict[str, str] = {
    "NCP": PALETTE[0],
    "NCP secretariat": PALETTE[4],
    "complainant": PALETTE[1],
    "enterprise": PALETTE[5],
    "both parties": PALETTE[2],
    "other NCP": PALETTE[3],
    "other": PALETTE[8],
}
_DATE = "%d %b %Y"


def _cell(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%dT00:00:00")
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    """Plain JSON-ready records: dates as local ISO date-times (no time-zone shift), NA as None."""
    columns = {name: [_cell(v) for v in frame[name].astype(object)] for name in frame.columns}
    return [dict(zip(columns, row)) for row in zip(*columns.values())]


def _data(frame: pd.DataFrame) -> alt.Data:
    return alt.Data(values=_records(frame))


def _scale(colours: dict[str, str], present=None) -> alt.Scale:
    domain = [k for k in colours if present is None or k in set(present)]
    return alt.Scale(domain=domain, range=[colours[k] for k in domain])


def _top(n_kept: int, n_all: int, noun: str) -> str:
    """The note of a chart that draws only its first ``n_kept`` of ``n_all`` rows ("" when it draws all)."""
    return f"top {n_kept:,} of {n_all:,} {noun}" if n_kept < n_all else ""


def case_timeline(
    events: pd.DataFrame, phases: pd.DataFrame, follow_up: dict | None = None, title: str = "The procedure"
) -> alt.TopLevelMixin:
    """A case's procedure: phases as bars (top) and every event as a point coloured by actor (bottom).

    ``events``: :func:`rbclab.load_case_events` (sorted by date here, source order kept in the
    tooltip); ``phases``: :func:`rbclab.analyse.case_phases`; ``follow_up``: optionally
    :func:`rbclab.analyse.follow_up_status`, drawn as a hatched bar from the decision to the
    due date.  The two panels share the time axis.
    """
    ph = phases.copy()
    ph["label"] = ph["days"].astype("string") + " days"
    ph["kind"] = "phase"
    order = list(ph["phase"])
    if follow_up is not None:
        extra = pd.DataFrame(
            [
                {
                    "phase": "Follow-up due",
                    "start": follow_up["decision_date"],
                    "end": follow_up["due_date"],
                    "days": (follow_up["due_date"] - follow_up["decision_date"]).days,
                    "label": "due " + follow_up["due_date"].strftime("%d %b %Y"),
                    "kind": "follow-up",
                }
            ]
        )
        ph = pd.concat([ph, extra], ignore_index=True)
        order.append("Follow-up due")
    width = 620
    y_phase = alt.Y("phase:N", sort=order, title=None)
    base = alt.Chart(_data(ph)).encode(y=y_phase)
    bars = base.mark_bar(height=18, cornerRadius=2).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%b %Y")),
        x2="end:T",
        color=alt.Color(
            "kind:N", scale=alt.Scale(domain=["phase", "follow-up"], range=[PALETTE[8], PALETTE[9]]), legend=None
        ),
        tooltip=[
            alt.Tooltip("phase:N"),
            alt.Tooltip("start:T", format=_DATE),
            alt.Tooltip("end:T", format=_DATE),
            alt.Tooltip("days:Q"),
        ],
    )
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(x="end:T", text="label:N")
    top = alt.layer(bars, labels).properties(width=width, height=26 * len(order))

    ev = events.sort_values(["date", "seq"], kind="stable")[["seq", "date", "actor", "event_type", "description"]]
    actors = [a for a in ACTOR_COLOURS if a in set(ev["actor"].astype(str))]
    points = (
        alt.Chart(_data(ev))
        .mark_point(filled=True, size=90, opacity=0.85)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y("actor:N", sort=actors, title=None),
            color=alt.Color("actor:N", scale=_scale(ACTOR_COLOURS, actors), legend=alt.Legend(title="Who acted")),
            tooltip=[
                alt.Tooltip("date:T", format=_DATE),
                alt.Tooltip("actor:N"),
                alt.Tooltip("event_type:N", title="event"),
                alt.Tooltip("description:N"),
                alt.Tooltip("seq:Q", title="listed as no."),
            ],
        )
        .properties(width=width, height=30 * len(actors))
    )
    n_events = len(ev)
    first, last = ev["date"].min(), ev["date"].max()
    return (
        alt.vconcat(top, points, spacing=8)
        .resolve_scale(x="shared", color="independent")
        .properties(
            title=alt.Title(
                title, subtitle=f"{len(phases)} phases and {n_events} events, {first:%d %b %Y} to {last:%d %b %Y}"
            ),
            description=(
                f"Timeline of the procedure from {first:%d %B %Y} to {last:%d %B %Y}. Phases: "
                + "; ".join(f"{r.phase} {r.days} days" for r in phases.itertuples())
                + f". {n_events} events as points by actor ({', '.join(actors)})."
                + (f" Follow-up due {follow_up['due_date']:%d %B %Y}." if follow_up else "")
            ),
        )
    )


def stage_durations(
    timeframes: pd.DataFrame, title: str = "Time taken against the indicative timeframes"
) -> alt.TopLevelMixin:
    """One case's stages as bars (days from receipt), each with a tick at its indicative timeframe.

    ``timeframes``: :func:`rbclab.analyse.stage_timeframes` rows of one case.  Bars are
    coloured by whether the stage ended within the timeframe.
    """
    df = timeframes[["stage", "days", "timeframe_days", "timeframe_months", "within"]].copy()
    df["status"] = df["within"].map({True: "within the timeframe", False: "later than the timeframe"}).astype("string")
    df["label"] = df["days"].astype("string") + " days"
    df["limit_label"] = (
        df["timeframe_months"].astype("string") + " months = " + df["timeframe_days"].astype("string") + " days"
    )
    order = list(dict.fromkeys(df["stage"]))
    base = alt.Chart(_data(df)).encode(y=alt.Y("stage:N", sort=order, title=None))
    bars = base.mark_bar(height=22).encode(
        x=alt.X("days:Q", title="days from receipt of the submission"),
        color=alt.Color(
            "status:N",
            scale=alt.Scale(
                domain=["within the timeframe", "later than the timeframe"], range=[PALETTE[2], PALETTE[5]]
            ),
            legend=alt.Legend(title=None, orient="bottom"),
        ),
        tooltip=["stage:N", "days:Q", alt.Tooltip("limit_label:N", title="indicative timeframe"), "status:N"],
    )
    ticks = base.mark_tick(thickness=3, size=34, color=PALETTE[7]).encode(
        x="timeframe_days:Q", tooltip=[alt.Tooltip("limit_label:N", title="indicative timeframe")]
    )
    text = base.mark_text(align="left", dx=6, dy=-16, fontSize=11).encode(x="timeframe_days:Q", text="limit_label:N")
    days = base.mark_text(align="right", dx=-4, color="white", fontSize=11).encode(x="days:Q", text="label:N")
    parts = "; ".join(f"{r.stage}: {r.days} days against {r.timeframe_days} ({r.status})" for r in df.itertuples())
    return alt.layer(bars, ticks, text, days).properties(
        title=alt.Title(title, subtitle="black tick: the indicative timeframe of the Procedural Guidance"),
        description=f"Bar chart of stage durations. {parts}.",
        width=560,
        height=110,
    )


def _outcome_frame(shares: pd.DataFrame) -> pd.DataFrame:
    df = shares.copy()
    df["outcome"] = df["outcome"].astype("string")
    df["outcome_rank"] = df["outcome"].map({o: i for i, o in enumerate(OUTCOME_COLOURS)})
    return df


def _outcome_parts(shares: pd.DataFrame, max_groups: int | None, min_cases: int) -> dict[str, Any]:
    """What :func:`outcome_shares` draws from the data: the rows, the bar order, the texts and the height."""
    df = _outcome_frame(shares)
    sizes = df.groupby("group")["group_cases"].first().sort_values(ascending=False)
    keep = sizes[sizes >= min_cases]
    if max_groups is not None:
        keep = keep.iloc[:max_groups]
    left_out = len(sizes) - len(keep)
    df = df[df["group"].isin(keep.index) & (df["cases"] > 0)]
    small = " - too few to read"
    df["group_label"] = (
        df["group"]
        + " ("
        + df["group_cases"].astype("string")
        + ")"
        + df["group_cases"].lt(10).map({True: small, False: ""})
    ).astype("string")
    order = [f"{g} ({n})" + (small if n < 10 else "") for g, n in keep.items()]
    df = df.sort_values(["group", "outcome_rank"], kind="stable")
    df["start"] = df.groupby("group")["share"].cumsum() - df["share"]
    df["interval_from"] = (df["start"] + df["ci_low"]).clip(upper=1)
    df["interval_to"] = (df["start"] + df["ci_high"]).clip(upper=1)
    subtitle = "number of cases in brackets; lines: 95% interval of each share, from the start of its segment" + (
        f"; {left_out} smaller groups left out" if left_out else ""
    )
    top = df.sort_values("share", ascending=False).drop_duplicates("group").set_index("group")["outcome"]
    desc = "; ".join(f"{g}: {n} cases, most often {top.get(g, 'none')}" for g, n in keep.items())
    return {
        "frame": df,
        "order": order,
        "subtitle": subtitle,
        "description": f"Stacked bar chart of outcome shares. {desc}.",
        "height": max(60, 22 * len(keep)),
    }


def outcome_shares(
    shares: pd.DataFrame, title: str = "Outcomes", max_groups: int | None = 20, min_cases: int = 1
) -> alt.TopLevelMixin:
    """Stacked bars of outcome shares per group (each bar sums to 100 %).

    ``shares``: :func:`rbclab.analyse.outcome_shares`.  Groups are sorted by number of cases;
    only the ``max_groups`` largest with at least ``min_cases`` cases are drawn (the
    subtitle says how many were left out).  Click a legend entry to highlight one outcome;
    this works in a static page too.  Each segment carries its 95% interval as a thin line
    drawn from where the segment starts: the segment's length could lie anywhere along it.
    :func:`redraw_outcome_shares` makes the same chart's spec for other shares, quickly.
    """
    parts = _outcome_parts(shares, max_groups, min_cases)
    order = parts["order"]
    pick = alt.selection_point(fields=["outcome"], bind="legend")
    base = alt.Chart(_data(parts["frame"]))
    bars = (
        base.mark_bar()
        .encode(
            y=alt.Y("group_label:N", sort=order, title=None),
            x=alt.X("share:Q", stack="normalize", axis=alt.Axis(format="%"), title="share of the group's cases"),
            color=alt.Color(
                "outcome:N",
                scale=_scale(OUTCOME_COLOURS),
                legend=alt.Legend(title="Outcome (click to highlight)", labelLimit=320),
            ),
            order=alt.Order("outcome_rank:Q"),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.2)),
            tooltip=[
                alt.Tooltip("group:N"),
                alt.Tooltip("outcome:N"),
                alt.Tooltip("cases:Q"),
                alt.Tooltip("group_cases:Q", title="cases in group"),
                alt.Tooltip("share:Q", format=".0%"),
                alt.Tooltip("ci_low:Q", format=".0%", title="95% interval from"),
                alt.Tooltip("ci_high:Q", format=".0%", title="to"),
            ],
        )
        .add_params(pick)
    )
    intervals = base.mark_rule(color="#555555", strokeWidth=1.5).encode(
        y=alt.Y("group_label:N", sort=order),
        x="interval_from:Q",
        x2="interval_to:Q",
        opacity=alt.condition(pick, alt.value(0.8), alt.value(0.05)),
    )
    chart = alt.layer(bars, intervals)
    return chart.properties(
        title=alt.Title(title, subtitle=parts["subtitle"]),
        description=parts["description"],
        width=520,
        height=parts["height"],
    )


def redraw_outcome_shares(
    spec: dict, shares: pd.DataFrame, title: str = "Outcomes", max_groups: int | None = 20, min_cases: int = 1
) -> dict:
    """The spec of :func:`outcome_shares` for new ``shares``, made from an earlier spec of that chart.

    Only what depends on the data changes (the rows, the bar order, the title's texts, the
    description and the height); the rest of ``spec`` is kept, so an explorer redraws
    without building and validating the chart again.

    Parameters
    ----------
    spec : dict
        ``outcome_shares(...).to_dict()`` for any shares (left unchanged).
    shares : DataFrame
        :func:`rbclab.analyse.outcome_shares`.
    title, max_groups, min_cases
        As for :func:`outcome_shares`.

    Returns
    -------
    dict
        The Vega-Lite spec :func:`outcome_shares` gives for ``shares``, but for the names
        Altair gives the legend's selection and the view (kept from ``spec``).
    """
    parts = _outcome_parts(shares, max_groups, min_cases)
    out = {**spec, "title": {"text": title, "subtitle": parts["subtitle"]}}
    out["description"], out["height"] = parts["description"], parts["height"]
    out["data"] = {"values": _records(parts["frame"])}
    out["layer"] = [
        {**layer, "encoding": {**layer["encoding"], "y": {**layer["encoding"]["y"], "sort": parts["order"]}}}
        for layer in spec["layer"]
    ]
    return out


def share_intervals(
    shares: pd.DataFrame, outcome: str, title: str | None = None, max_groups: int | None = 20
) -> alt.TopLevelMixin:
    """One outcome's share in each group, as a point with its 95% interval; small groups in grey.

    ``shares``: :func:`rbclab.analyse.outcome_shares`.  The companion of :func:`outcome_shares`
    (which shows the composition): this one draws the uncertainty of one share across groups.
    """
    chart, df = _interval_chart(
        shares[(shares["outcome"].astype("string") == outcome) & (shares["n"] > 0)],
        "share",
        f"share '{outcome}' (95% interval)",
        ["cases:Q", "n:Q"],
        max_groups,
    )
    desc = "; ".join(f"{r.group}: {r.share:.0%} of {r.n} ({r.ci_low:.0%} to {r.ci_high:.0%})" for r in df.itertuples())
    return chart.properties(
        title=alt.Title(title or f"Share '{outcome}'", subtitle="cases in brackets; lines are 95% Wilson intervals"),
        description=f"Shares of '{outcome}' with 95% intervals. {desc}.",
        width=480,
        height=max(40, 22 * len(df)),
    )


def outcome_explorer(cases: pd.DataFrame, title: str = "Outcomes by year of submission") -> alt.TopLevelMixin:
    """Cases per year of submission, coloured by outcome, filtered by a lead-NCP menu and a
    surveillance/ICT switch.  The controls are Vega parameters: they work in a static page
    without a kernel.  The data is counted first (one row per year, lead NCP, kind of case and
    outcome), so the spec grows with the combinations, not with the cases."""
    df = pd.DataFrame(
        {
            "case_id": cases["case_id"],
            "title": cases["title"],
            "lead_ncp": cases["lead_ncp"].astype("string"),
            "year": cases["date_submitted"].dt.year.astype("Int64"),
            "outcome": cases["outcome"].astype("string"),
            "cases_kind": cases["surveillance_ict"]
            .fillna(False)
            .astype(bool)
            .map({True: SURVEILLANCE_LABEL, False: OTHER_LABEL}),
        }
    )
    df = df[df["year"].notna()]
    n_cases = len(df)
    df = (
        df.groupby(["year", "lead_ncp", "cases_kind", "outcome"], observed=True, dropna=False)
        .size()
        .rename("cases")
        .reset_index()
    )
    df["outcome_rank"] = df["outcome"].map({o: i for i, o in enumerate(OUTCOME_COLOURS)})
    ncps = sorted(df["lead_ncp"].dropna().unique())
    ncp = alt.param(
        name="lead_ncp_choice", value="All", bind=alt.binding_select(options=["All", *ncps], name="Lead NCP ")
    )
    kind = alt.param(
        name="cases_choice",
        value="All",
        bind=alt.binding_radio(options=["All", SURVEILLANCE_LABEL, OTHER_LABEL], name="Cases "),
    )
    pick = alt.selection_point(fields=["outcome"], bind="legend")
    chart = (
        alt.Chart(_data(df))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="year of submission"),
            y=alt.Y("sum(cases):Q", title="cases"),
            color=alt.Color(
                "outcome:N",
                scale=_scale(OUTCOME_COLOURS),
                legend=alt.Legend(title="Outcome (click to highlight)", labelLimit=320),
            ),
            order=alt.Order("outcome_rank:Q"),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.2)),
            tooltip=[alt.Tooltip("year:O"), alt.Tooltip("outcome:N"), alt.Tooltip("sum(cases):Q", title="cases")],
        )
        .add_params(ncp, kind, pick)
        .transform_filter(
            "(lead_ncp_choice == 'All' || datum.lead_ncp == lead_ncp_choice)"
            " && (cases_choice == 'All' || datum.cases_kind == cases_choice)"
        )
    )
    return chart.properties(
        title=alt.Title(title, subtitle="choose a lead NCP and a kind of case below the chart"),
        description=(
            f"Bar chart of {n_cases} cases with a known submission year, {df['year'].min()} to {df['year'].max()},"
            " by outcome; a menu filters by lead NCP and a switch by surveillance/ICT cases."
        ),
        width=560,
        height=260,
    )


def _interval_chart(df: pd.DataFrame, value: str, axis_title: str, tooltip: list, max_groups: int | None):
    """Points at ``value`` with rules from ``ci_low`` to ``ci_high``, one row per group, largest ``n`` first.

    Groups with ``small`` set are drawn in grey and named in the legend as too few to read.
    Returns the chart and the frame it draws.
    """
    df = df.sort_values("n", ascending=False)
    if max_groups is not None:
        df = df.iloc[:max_groups]
    df = df.assign(
        group_label=(df["group"] + " (" + df["n"].astype("string") + ")").astype("string"),
        size=df["small"].map({True: "n < 10: too few to read", False: "n >= 10"}).astype("string"),
    )
    base = alt.Chart(_data(df)).encode(
        y=alt.Y("group_label:N", sort=list(df["group_label"]), title=None),
        color=alt.Color(
            "size:N",
            scale=alt.Scale(domain=["n >= 10", "n < 10: too few to read"], range=[PALETTE[0], PALETTE[8]]),
            title=None,
        ),
        tooltip=[
            "group:N",
            alt.Tooltip(f"{value}:Q", format=".0%"),
            alt.Tooltip("ci_low:Q", format=".0%", title="95% interval from"),
            alt.Tooltip("ci_high:Q", format=".0%", title="to"),
            *tooltip,
        ],
    )
    x = alt.X("ci_low:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]), title=axis_title)
    chart = base.mark_rule(strokeWidth=2).encode(x=x, x2="ci_high:Q") + base.mark_point(filled=True, size=70).encode(
        x=alt.X(f"{value}:Q")
    )
    return chart, df


def acceptance_rates(
    rates: pd.DataFrame, title: str = "Acceptance rate", max_groups: int | None = 20
) -> alt.TopLevelMixin:
    """Acceptance rate per group (points) with its 95% interval (a line), groups too small to read marked.

    ``rates``: :func:`rbclab.analyse.acceptance_rate`; groups without a decided case are left out.
    A group with fewer than 10 decided cases is drawn in grey and labelled ``n < 10``.
    """
    chart, df = _interval_chart(
        rates[rates["rate"].notna()],
        "rate",
        "accepted, of cases whose initial assessment is known (95% interval)",
        [
            "accepted:Q",
            alt.Tooltip("not_accepted:Q", title="not accepted"),
            alt.Tooltip("undetermined:Q", title="not known"),
        ],
        max_groups,
    )
    desc = "; ".join(
        f"{r.group}: {r.rate:.0%} of {r.n} (95% interval {r.ci_low:.0%} to {r.ci_high:.0%})" for r in df.itertuples()
    )
    return chart.properties(
        title=alt.Title(title, subtitle="decided cases in brackets; lines are 95% Wilson intervals"),
        description=f"Acceptance rates with 95% intervals. {desc}.",
        width=480,
        height=max(40, 22 * len(df)),
    )


def duration_distribution(timeframes: pd.DataFrame, title: str = "How long NCPs take") -> alt.TopLevelMixin:
    """Every case's days to initial assessment and to conclusion (one tick per duration, a box for
    the quartiles and a white median) with a dashed tick at the shortest indicative timeframe.

    ``timeframes``: :func:`rbclab.analyse.stage_timeframes` for many cases.  Quartiles are
    computed here and cases with the same duration share one tick (its tooltip counts them),
    so the spec grows with the distinct durations, not with the cases.
    """
    df = timeframes[["case_id", "title", "lead_ncp", "stage", "days", "timeframe_days", "within"]].copy()
    df = df[df["days"].notna()]
    order = list(dict.fromkeys(df["stage"]))
    limits = df.groupby("stage", sort=False)["timeframe_days"].agg(["min", "max"]).reset_index()
    limits["label"] = "timeframe: " + limits["min"].astype("string") + "-" + limits["max"].astype("string") + " days"
    days = df.groupby("stage", sort=False)["days"]
    quartiles = pd.DataFrame(
        {"q1": days.quantile(0.25), "median": days.median(), "q3": days.quantile(0.75), "cases": days.count()}
    ).reset_index()
    ticks_df = (
        df.groupby(["stage", "days"], sort=False)
        .agg(cases=("case_id", "size"), example=("title", "first"))
        .reset_index()
    )
    y = alt.Y("stage:N", sort=order, title=None)
    x = alt.X("days:Q", title="days from receipt of the submission")
    box = (
        alt.Chart(_data(quartiles))
        .mark_bar(size=28, opacity=0.35, color=PALETTE[0])
        .encode(
            y=y,
            x=alt.X("q1:Q", title="days from receipt of the submission"),
            x2="q3:Q",
            tooltip=["stage:N", "cases:Q", "q1:Q", "median:Q", "q3:Q"],
        )
    )
    median = alt.Chart(_data(quartiles)).mark_tick(color="#FFFFFF", thickness=2, size=28).encode(y=y, x="median:Q")
    ticks = (
        alt.Chart(_data(ticks_df))
        .mark_tick(opacity=0.6, color=PALETTE[0], thickness=1.5)
        .encode(y=y, x=x, tooltip=["stage:N", "days:Q", "cases:Q", alt.Tooltip("example:N", title="e.g.")])
    )
    rule = (
        alt.Chart(_data(limits))
        .mark_tick(color=PALETTE[5], thickness=3, size=40, strokeDash=[4, 2])
        .encode(y=y, x="min:Q", tooltip=["stage:N", "label:N"])
    )
    desc = "; ".join(f"{r.stage}: {r.cases} cases, median {r.median:.0f} days" for r in quartiles.itertuples())
    return alt.layer(box, median, ticks, rule).properties(
        title=alt.Title(
            title, subtitle="one tick per duration (cases with both dates known to the day); red tick: timeframe"
        ),
        description=f"Strip and box plot of stage durations. {desc}.",
        width=560,
        height=140,
    )


def incident_timeline(
    timeline: pd.DataFrame,
    title: str = "Incidents of surveillance used against people",
    max_incidents: int | None = 60,
) -> alt.TopLevelMixin:
    """Incidents on a time axis (one row each, in order of start), a bar from start to end where
    the end is known, a point at the start; coloured by use.

    Above ``max_incidents`` incidents one row each would be unreadable and the spec would
    grow with the incidents: the chart then counts them instead, as bars of incidents per
    year of start stacked by use (:func:`rbclab.analyse.incident_counts`), same colours, and
    says so in its subtitle.

    Parameters
    ----------
    timeline : DataFrame
        :func:`rbclab.analyse.incident_timeline`.
    title : str
        The chart's title.
    max_incidents : int or None, default 60
        The most incidents drawn one row each; ``None`` never counts.

    Returns
    -------
    alt.LayerChart or alt.Chart
        The timeline (a layer of bars and points), or the counts (a bar chart).
    """
    uses = list(dict.fromkeys(timeline["use"]))
    colours = dict(zip(uses, PALETTE))
    color = alt.Color("use:N", scale=_scale(colours), legend=alt.Legend(title="Use", orient="bottom", columns=2))
    counts = timeline["use"].value_counts()
    span = f"from {timeline['start_date'].min():%Y} to {timeline['start_date'].max():%Y}"
    uses_text = ", ".join(f"{n} {u}" for u, n in counts.items())
    if max_incidents is not None and len(timeline) > max_incidents:
        per_year = incident_counts(timeline)
        per_year["rank"] = per_year["use"].map({u: i for i, u in enumerate(uses)})
        return (
            alt.Chart(_data(per_year))
            .mark_bar()
            .encode(
                x=alt.X("year:O", title="year of start"),
                y=alt.Y("incidents:Q", title="incidents", stack="zero"),
                color=color,
                order=alt.Order("rank:Q"),
                tooltip=[
                    alt.Tooltip("year:O", title="started in"),
                    "use:N",
                    "incidents:Q",
                    alt.Tooltip("end_unknown:Q", title="of them ongoing or end unknown"),
                    alt.Tooltip("example:N", title="e.g."),
                ],
            )
            .properties(
                title=alt.Title(
                    title,
                    subtitle=f"{len(timeline):,} incidents, too many for one row each: counted per year of start",
                ),
                description=f"Bar chart of {len(timeline):,} incidents per year of start {span}, by use: "
                + uses_text
                + ".",
                width=480,
                height=260,
            )
        )
    df = timeline[
        [
            "incident_id",
            "title",
            "country",
            "place",
            "start_date",
            "start_date_precision",
            "end_date",
            "end_or_start",
            "use",
            "surveillance_tech",
            "purpose",
        ]
    ].copy()
    df["start_date_precision"] = df["start_date_precision"].astype("string")
    df["row"] = (df["country"] + ": " + df["title"]).astype("string")
    base = alt.Chart(_data(df)).encode(
        y=alt.Y("row:N", sort=list(df["row"]), title=None, axis=alt.Axis(labelLimit=360)),
        color=color,
        tooltip=[
            "title:N",
            "country:N",
            "place:N",
            alt.Tooltip("start_date:T", format=_DATE, title="start"),
            alt.Tooltip("start_date_precision:N", title="start known to the"),
            alt.Tooltip("end_date:T", format=_DATE, title="end"),
            "surveillance_tech:N",
            "purpose:N",
        ],
    )
    bars = base.mark_bar(height=8, opacity=0.6).encode(x=alt.X("start_date:T", title=None), x2="end_or_start:T")
    starts = base.mark_point(filled=True, size=60).encode(x="start_date:T")
    return alt.layer(bars, starts).properties(
        title=alt.Title(
            title, subtitle="point: start (to the precision the sources give); bar: until the end, where known"
        ),
        description=f"Timeline of {len(df)} incidents {span}: " + uses_text + ".",
        width=480,
        height=18 * len(df),
    )


def figure_claims(claims: pd.DataFrame, title: str = "Competing figures", log_scale: bool = False) -> alt.TopLevelMixin:
    """Every claim as its own point, labelled with who claims it; ranges as a line from the low
    to the high value.  Nothing is averaged.  Claims from the SOMO / Justice for Iran paper are
    drawn in orange.

    ``claims``: :func:`rbclab.analyse.competing_figures` or
    :func:`~rbclab.analyse.paper_claims_against_sources`; with a ``group`` column holding
    several groups, each gets its own row (with its own scales).
    """
    df = claims[
        [
            "figure_id",
            "incident_id",
            "measure",
            "value",
            "value_high",
            "qualifier",
            "claimed_by",
            "label",
            "from_paper",
            "source_ids",
        ]
    ].copy()
    df["qualifier"] = df["qualifier"].astype("string")
    df["group"] = claims["group"] if "group" in claims else (df["incident_id"] + ": " + df["measure"]).astype("string")
    df["source"] = df["from_paper"].map({True: "SOMO / Justice for Iran paper", False: "other sources"})
    df["value_text"] = (
        df["qualifier"]
        + " "
        + df["value"].map("{:,}".format)
        + df["value_high"].map(lambda v: "" if pd.isna(v) else f"-{v:,}")
    ).astype("string")
    df["value_end"] = df["value_high"].fillna(df["value"])
    scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=True)
    x = alt.X("value:Q", title="value claimed", scale=scale)
    y = alt.Y(
        "label:N", sort=alt.EncodingSortField("value", order="ascending"), title=None, axis=alt.Axis(labelLimit=380)
    )
    colour = alt.Color(
        "source:N",
        scale=alt.Scale(domain=["SOMO / Justice for Iran paper", "other sources"], range=[PALETTE[1], PALETTE[0]]),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    tip = ["claimed_by:N", "value_text:N", "measure:N", "source_ids:N"]
    ranges = alt.Chart().mark_rule(strokeWidth=3).encode(x=x, x2="value_end:Q", y=y, color=colour, tooltip=tip)
    points = (
        alt.Chart()
        .mark_point(filled=True, size=80)
        .encode(
            x=x,
            y=y,
            color=colour,
            shape=alt.Shape("qualifier:N", legend=alt.Legend(title="qualifier", orient="bottom")),
            tooltip=tip,
        )
    )
    text = alt.Chart().mark_text(align="left", dx=8, fontSize=10).encode(x="value_end:Q", y=y, text="value_text:N")
    layer = alt.layer(ranges, points, text, data=_data(df))
    groups = list(dict.fromkeys(df["group"]))
    desc = " ".join(
        f"{g}: " + "; ".join(f"{r.claimed_by} {r.value_text}" for r in df[df["group"] == g].itertuples()) + "."
        for g in groups
    )
    head = alt.Title(title, subtitle="one point per claim, labelled with who claims it; never averaged")
    if len(groups) == 1:
        return layer.properties(
            title=head, description=f"Dot chart of {len(df)} claims. {desc}", width=420, height=24 * len(df)
        )
    return (
        layer.properties(width=380)
        .facet(
            row=alt.Row(
                "group:N",
                sort=groups,
                title=None,
                header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold", labelOrient="top"),
            ),
        )
        .resolve_scale(x="independent", y="independent")
        .properties(title=head, description=f"Dot charts of {len(df)} claims in {len(groups)} groups. {desc}")
    )


def incident_uses(timeline: pd.DataFrame, title: str = "What the surveillance was used for") -> alt.TopLevelMixin:
    """Incidents per use, stacked by country.

    The incidents are counted here (one row per use and country), so the spec grows with
    the uses and countries, not with the incidents.

    Parameters
    ----------
    timeline : DataFrame
        :func:`rbclab.analyse.incident_timeline`.
    title : str
        The chart's title.

    Returns
    -------
    alt.Chart
        A horizontal stacked bar chart.
    """
    order = list(timeline["use"].value_counts().index)
    countries = list(timeline["country"].value_counts().index)
    colours = dict(zip(countries, PALETTE))
    counts = timeline.groupby("use")["incident_id"].count()
    df = (
        timeline.groupby(["use", "country"], sort=False)["incident_id"]
        .size()
        .rename("incidents")
        .reset_index()
        .astype({"use": "string", "country": "string", "incidents": "Int64"})
    )
    return (
        alt.Chart(_data(df))
        .mark_bar()
        .encode(
            y=alt.Y("use:N", sort=order, title=None),
            x=alt.X("sum(incidents):Q", title="incidents"),
            color=alt.Color("country:N", scale=_scale(colours), legend=alt.Legend(title="Country")),
            tooltip=["use:N", "country:N", alt.Tooltip("sum(incidents):Q", title="incidents")],
        )
        .properties(
            title=title,
            description="Bar chart of incidents per use: " + ", ".join(f"{u} {counts[u]}" for u in order) + ".",
            width=420,
            height=30 * len(order),
        )
    )


def _vendor_rows(df: pd.DataFrame, max_vendors: int | None) -> tuple[pd.DataFrame, list[str], int]:
    """``df`` cut to the ``max_vendors`` vendors with most rows; those vendors in that order; how many there were."""
    vendors = list(df["vendor"].value_counts().index)
    n_all = len(vendors)
    if max_vendors is not None and n_all > max_vendors:
        vendors = vendors[:max_vendors]
        df = df[df["vendor"].isin(vendors)]
    return df, vendors, n_all


def sanctions_timeline(
    table: pd.DataFrame,
    title: str = "Measures against vendors over time",
    max_vendors: int | None = 30,
    max_points: int | None = 300,
) -> alt.TopLevelMixin:
    """One point per measure (sanction, export control, ban, NCP outcome...) on a time axis,
    one row per vendor, coloured by who imposed it and shaped by the kind of measure.

    Rows are sorted by number of measures; only the ``max_vendors`` vendors with the most are
    drawn, and the subtitle then says so ("top 30 of 3,200 vendors").  Above ``max_points``
    measures (of the vendors drawn) they are counted instead
    (:func:`rbclab.analyse.sanction_counts`): one point per vendor, month, authority group
    and kind of measure, sized by its measures; the subtitle says so.

    Parameters
    ----------
    table : DataFrame
        :func:`rbclab.analyse.sanctions_table`.
    title : str
        The chart's title.
    max_vendors : int or None, default 30
        The most vendors drawn; ``None`` draws every vendor.
    max_points : int or None, default 300
        The most measures drawn one point each; ``None`` never counts.

    Returns
    -------
    alt.Chart
        A dot chart.
    """
    df = table[
        [
            "sanction_id",
            "vendor",
            "authority",
            "authority_group",
            "date",
            "date_precision",
            "measure",
            "measure_type",
            "reason",
        ]
    ].copy()
    df["measure_type"] = df["measure_type"].astype("string")
    df["date_precision"] = df["date_precision"].astype("string")
    n_measures = len(df)
    df, vendors, n_vendors = _vendor_rows(df, max_vendors)
    groups = list(df["authority_group"].value_counts().index)
    colours = dict(zip(groups, PALETTE))
    notes = [_top(len(vendors), n_vendors, "vendors by number of measures")]
    encoding = {
        "x": alt.X("date:T", title=None),
        "y": alt.Y("vendor:N", sort=vendors, title=None),
        "color": alt.Color("authority_group:N", scale=_scale(colours), legend=alt.Legend(title="Imposed by")),
        "shape": alt.Shape("measure_type:N", legend=alt.Legend(title="Kind of measure")),
    }
    if max_points is not None and len(df) > max_points:
        counted = sanction_counts(df).rename(columns={"month": "date"})
        notes.append(f"{len(df):,} measures, counted per month")
        chart = (
            alt.Chart(_data(counted))
            .mark_point(filled=True, opacity=0.85)
            .encode(
                **encoding,
                size=alt.Size("measures:Q", scale=alt.Scale(range=[40, 600]), legend=alt.Legend(title="measures")),
                tooltip=[
                    "vendor:N",
                    alt.Tooltip("authority_group:N", title="imposed by"),
                    alt.Tooltip("date:T", format="%b %Y", title="month"),
                    "measure_type:N",
                    "measures:Q",
                    alt.Tooltip("example:N", title="e.g."),
                ],
            )
        )
    else:
        chart = (
            alt.Chart(_data(df))
            .mark_point(filled=True, size=110, opacity=0.85)
            .encode(
                **encoding,
                tooltip=[
                    "vendor:N",
                    "authority:N",
                    alt.Tooltip("date:T", format=_DATE),
                    alt.Tooltip("date_precision:N", title="date known to the"),
                    "measure:N",
                    "measure_type:N",
                    "reason:N",
                ],
            )
        )
    note = "; ".join(n for n in notes if n)
    return chart.properties(
        title=alt.Title(title, subtitle="rows sorted by number of measures" + (f"; {note}" if note else "")),
        description=f"Dot chart of {len(df)} measures against {len(vendors)} vendors, "
        f"{df['date'].min():%Y}-{df['date'].max():%Y}"
        + (f" ({note}; {n_measures:,} measures in all)" if note else "")
        + "; "
        + ", ".join(f"{v}: {n}" for v, n in df["vendor"].value_counts().items())
        + ".",
        width=520,
        height=26 * len(vendors),
    )


def vendor_links(
    links: pd.DataFrame,
    title: str = "Vendors: incidents, NCP cases and measures",
    max_vendors: int | None = 30,
    max_points: int | None = 300,
) -> alt.TopLevelMixin:
    """Each vendor's links on one time axis: incidents (start), NCP cases (submission) and
    measures (date), one point each.

    Rows are sorted by number of links; only the ``max_vendors`` vendors with the most are
    drawn, and the subtitle then says so ("top 30 of 3,200 vendors").  Links without a date
    are left out.  Above ``max_points`` links (of the vendors drawn) they are counted instead
    (:func:`rbclab.analyse.vendor_link_counts`): one point per vendor, kind and month, sized by
    its links; the subtitle says so.

    Parameters
    ----------
    links : DataFrame
        :func:`rbclab.analyse.vendor_links`.
    title : str
        The chart's title.
    max_vendors : int or None, default 30
        The most vendors drawn; ``None`` draws every vendor.
    max_points : int or None, default 300
        The most links drawn one point each; ``None`` never counts.

    Returns
    -------
    alt.Chart
        A dot chart; click a legend entry to highlight one kind of link.
    """
    df = links[["vendor_id", "vendor", "kind", "ref", "label", "date", "relation", "claimed_by"]].copy()
    df = df[df["date"].notna()]
    n_links = len(df)
    df, vendors, n_vendors = _vendor_rows(df, max_vendors)
    notes = [_top(len(vendors), n_vendors, "vendors by number of links")]
    kinds = {"incident": PALETTE[5], "NCP case": PALETTE[0], "measure": PALETTE[2]}
    pick = alt.selection_point(fields=["kind"], bind="legend")
    encoding = {
        "x": alt.X("date:T", title=None),
        "y": alt.Y("vendor:N", sort=vendors, title=None),
        "color": alt.Color("kind:N", scale=_scale(kinds), legend=alt.Legend(title="Link (click to highlight)")),
        "shape": alt.Shape("kind:N", scale=alt.Scale(domain=list(kinds), range=["triangle-up", "diamond", "circle"])),
        "opacity": alt.condition(pick, alt.value(0.9), alt.value(0.15)),
    }
    if max_points is not None and len(df) > max_points:
        counted = vendor_link_counts(df).rename(columns={"month": "date"})
        notes.append(f"{len(df):,} links, counted per month")
        chart = (
            alt.Chart(_data(counted))
            .mark_point(filled=True)
            .encode(
                **encoding,
                size=alt.Size("links:Q", scale=alt.Scale(range=[40, 600]), legend=alt.Legend(title="links")),
                tooltip=[
                    "vendor:N",
                    "kind:N",
                    alt.Tooltip("date:T", format="%b %Y", title="month"),
                    "links:Q",
                    alt.Tooltip("example:N", title="e.g."),
                ],
            )
        )
    else:
        chart = (
            alt.Chart(_data(df))
            .mark_point(filled=True, size=110)
            .encode(
                **encoding,
                tooltip=[
                    "vendor:N",
                    "kind:N",
                    "label:N",
                    alt.Tooltip("date:T", format=_DATE),
                    "relation:N",
                    "claimed_by:N",
                ],
            )
        )
    note = "; ".join(n for n in notes if n)
    return chart.add_params(pick).properties(
        title=alt.Title(
            title,
            subtitle="incident: start date; NCP case: submission; measure: date imposed"
            + (f"; {note}" if note else ""),
        ),
        description=f"Dot chart of {len(df)} links for {len(vendors)} vendors"
        + (f" ({note}; {n_links:,} links in all)" if note else "")
        + ": "
        + "; ".join(
            f"{v}: " + ", ".join(f"{n} {k}" for k, n in df[df["vendor"] == v]["kind"].value_counts().items())
            for v in vendors
        )
        + ".",
        width=520,
        height=26 * len(vendors),
    )


#: Tooltip fields shared by the city ranking and the city map.
_CITY_TOOLTIP = [
    "rank:Q",
    "city:N",
    "country:N",
    alt.Tooltip("cameras_per_1000:Q", title="stated per 1,000"),
    alt.Tooltip("computed_per_1000:Q", title="cameras / population x 1,000"),
]


def _city_status() -> alt.Color:
    """Consistent rows in blue, flagged ones in vermillion (the city ranking and the city map)."""
    return alt.Color(
        "status:N",
        scale=alt.Scale(domain=["consistent", "flagged"], range=[PALETTE[0], PALETTE[5]]),
        legend=alt.Legend(title=None, orient="bottom"),
    )


def _edition(flagged: pd.DataFrame, edition: int, max_rows: int | None) -> tuple[pd.DataFrame, str]:
    """One edition's rows, the first ``max_rows`` by rank, and the note saying what was left out ("" if nothing)."""
    df = flagged[flagged["edition"] == edition]
    if df.empty:
        raise ValueError(f"no rows for edition {edition}")
    df = df.sort_values("rank", kind="stable")
    if max_rows is None or len(df) <= max_rows:
        return df.copy(), ""
    rest = df.iloc[max_rows:]
    df = df.iloc[:max_rows].copy()
    note = _top(len(df), len(df) + len(rest), "ranked cities")
    n_flagged = int(rest["flags"].notna().sum())
    if n_flagged:
        note += f" ({n_flagged:,} flagged rows below rank {int(df['rank'].iloc[-1])} not drawn)"
    return df, note


def city_ranking(
    flagged: pd.DataFrame, edition: int, title: str | None = None, max_rows: int | None = 30
) -> alt.TopLevelMixin:
    """One edition of the most-surveilled-cities ranking: cameras per 1,000 people by rank, with
    flagged rows in vermillion and their flags written beside the bar.

    Cities ranked without a value are listed with the text "no value".  Only the first
    ``max_rows`` ranks are drawn; when the edition has more, the subtitle says so ("top 30 of
    2,000 ranked cities") and how many flagged rows were left out.

    Parameters
    ----------
    flagged : DataFrame
        :func:`rbclab.analyse.city_ranking_flags`.
    edition : int
        The edition (year) drawn.
    title : str, optional
        The chart's title (default: names the edition).
    max_rows : int or None, default 30
        The most ranks drawn; ``None`` draws the whole edition.

    Returns
    -------
    alt.LayerChart
        A bar chart with the flags as text.

    Raises
    ------
    ValueError
        If ``flagged`` has no row for ``edition``.
    """
    df, note = _edition(flagged, edition, max_rows)
    df = df[
        [
            "edition",
            "rank",
            "city",
            "country",
            "cameras_per_1000",
            "computed_per_1000",
            "cameras",
            "population",
            "flags",
        ]
    ]
    df["row"] = (df["rank"].astype("string") + ". " + df["city"]).astype("string")
    df["status"] = df["flags"].notna().map({True: "flagged", False: "consistent"})
    df["flag_text"] = df["flags"].fillna("")
    df["x_text"] = df["cameras_per_1000"].fillna(0)
    y = alt.Y("row:N", sort=list(df["row"]), title=None)
    base = alt.Chart(_data(df)).encode(y=y)
    bars = base.mark_bar(height=14).encode(
        x=alt.X("cameras_per_1000:Q", title="cameras per 1,000 people (as stated)"),
        color=_city_status(),
        tooltip=[
            *_CITY_TOOLTIP,
            alt.Tooltip("cameras:Q", format=","),
            alt.Tooltip("population:Q", format=","),
            "flags:N",
        ],
    )
    text = base.mark_text(align="left", dx=4, fontSize=10, color=PALETTE[5]).encode(x="x_text:Q", text="flag_text:N")
    flagged_rows = df[df["flags"].notna()]
    desc = "; ".join(f"{r.row}: {r.flags}" for r in flagged_rows.itertuples()) or "no inconsistencies"
    return alt.layer(bars, text).properties(
        title=alt.Title(
            title or f"Most-surveilled cities, Comparitech {edition} edition",
            subtitle="rank as listed by the pages read" + (f"; {note}" if note else ""),
        ),
        description=f"Bar chart of {len(df)} ranked cities in the {edition} edition"
        + (f" ({note})" if note else "")
        + f". Flags: {desc}.",
        width=420,
        height=18 * len(df),
    )


def survival_curves(
    curves: pd.DataFrame, title: str = "How long cases wait", stage: str = "conclusion"
) -> alt.TopLevelMixin:
    """Kaplan-Meier curves: the share of cases still waiting, by days since submission, by group.

    ``curves``: :func:`rbclab.analyse.stats.survival_curves`.  The 95% band is shaded; rules
    mark 90 and 365 days (the indicative three- and twelve-month timeframes).
    """
    df = curves.copy()
    groups = sorted(df["group"].astype(str).unique())
    colour = alt.Color("group:N", scale=alt.Scale(domain=groups, range=PALETTE[: len(groups)]), title=None)
    x = alt.X("days:Q", title="days since submission")
    base = alt.Chart(_data(df))
    band = base.mark_area(opacity=0.15, interpolate="step-after").encode(
        x=x, y=alt.Y("ci_low:Q"), y2="ci_high:Q", color=colour
    )
    line = base.mark_line(interpolate="step-after").encode(
        x=x,
        y=alt.Y("waiting:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]), title="share still waiting"),
        color=colour,
        tooltip=["group:N", "days:Q", alt.Tooltip("waiting:Q", format=".0%")],
    )
    marks = pd.DataFrame({"days": [90, 365], "label": ["90 days", "365 days"], "at": [0.06, 0.12]})
    rules = alt.Chart(_data(marks)).mark_rule(strokeDash=[4, 3], color=PALETTE[8]).encode(x="days:Q")
    labels = (
        alt.Chart(_data(marks))
        .mark_text(align="left", dx=3, color="#555555")
        .encode(x="days:Q", y="at:Q", text="label:N")
    )
    desc = "; ".join(
        f"{g}: {len(df[df['group'] == g])} steps, last {df[df['group'] == g]['waiting'].iloc[-1]:.0%} waiting"
        for g in groups
    )
    return (band + line + rules + labels).properties(
        title=alt.Title(title, subtitle=f"Kaplan-Meier estimate to {stage}; cases still open counted as censored"),
        description=f"Step curves of the share of cases still waiting by days since submission. {desc}.",
        width=480,
        height=280,
    )


#: The world base map (Natural Earth 1:110m countries, public domain), shipped with the package.
BASEMAP = Path(__file__).parent / "basemap" / "world_110m.geojson"
#: The projection of every map: Equal Earth keeps areas true.
PROJECTION: Final = "equalEarth"


@functools.lru_cache(maxsize=1)
def _countries() -> list[dict]:
    """The features of :data:`BASEMAP`, read once per process."""
    return json.loads(BASEMAP.read_text(encoding="utf-8"))["features"]


def _basemap() -> alt.Chart:
    """Countries in light grey, from :data:`BASEMAP` (embedded in the spec: no request at draw time)."""
    return (
        alt.Chart(alt.Data(values=_countries()))
        .mark_geoshape(fill="#E6E6E6", stroke="#FFFFFF", strokeWidth=0.4)
        .encode(tooltip=alt.Tooltip("properties.name:N", title="country"))
    )


def _spread(df: pd.DataFrame, step: float = 0.4) -> pd.DataFrame:
    """``map_latitude``/``map_longitude``: points sharing a place are spread on a small ring around it.

    The ring's radius grows with the points on it (1 + ``step`` degrees per point); the
    stated ``latitude``/``longitude`` stay as they are."""
    df = df.copy()
    lat, lon = df["latitude"].astype(float), df["longitude"].astype(float)
    k = df.groupby([lat, lon]).cumcount()
    n = df.groupby([lat, lon])["latitude"].transform("size")
    angle = 2 * math.pi * k / n
    ring = (n > 1).astype(float) * (1 + step * n)
    df["map_latitude"] = lat + ring * angle.map(math.sin)
    df["map_longitude"] = lon + ring * angle.map(math.cos)
    return df


def incident_map(
    located: pd.DataFrame, title: str = "Where the surveillance was used", max_points: int | None = 100
) -> alt.TopLevelMixin:
    """The incidents on a world map, coloured by use, with every competing figure in the tooltip.

    An incident is drawn where its place is (``level`` says how closely: a city, the first of
    several places, a region at its capital, a country at its capital); incidents at the same
    point are spread on a small ring.  Above ``max_points`` incidents the map counts them
    instead (:func:`rbclab.analyse.incident_place_counts`): one circle per point and use,
    sized by its incidents, same colours; the subtitle says so.

    Parameters
    ----------
    located : DataFrame
        :func:`rbclab.analyse.incident_places`.
    title : str
        The chart's title.
    max_points : int or None, default 100
        The most incidents drawn one circle each; ``None`` never counts.

    Returns
    -------
    alt.LayerChart
        The base map and the incidents, in the Equal Earth projection.
    """
    uses = list(located["use"].value_counts().index)
    color = alt.Color(
        "use:N",
        scale=alt.Scale(domain=uses, range=PALETTE[: len(uses)]),
        legend=alt.Legend(title="Used for", orient="bottom", columns=2, labelLimit=320),
    )
    per_country = located.groupby("country").size().sort_values(ascending=False)
    desc = "; ".join(f"{c}: {n}" for c, n in per_country.items())
    if max_points is not None and len(located) > max_points:
        counted = _spread(incident_place_counts(located))
        counted["years"] = counted["first_year"].astype("string") + "-" + counted["last_year"].astype("string")
        points = (
            alt.Chart(_data(counted))
            .mark_circle(opacity=0.8, stroke="#FFFFFF", strokeWidth=0.8)
            .encode(
                longitude="map_longitude:Q",
                latitude="map_latitude:Q",
                color=color,
                size=alt.Size(
                    "incidents:Q",
                    scale=alt.Scale(range=[40, 900]),
                    legend=alt.Legend(title="incidents", orient="bottom"),
                ),
                tooltip=[
                    alt.Tooltip("located_at:N", title="point"),
                    alt.Tooltip("country:N"),
                    alt.Tooltip("levels:N", title="drawn here for a"),
                    alt.Tooltip("use:N"),
                    alt.Tooltip("incidents:Q"),
                    alt.Tooltip("years:N", title="started"),
                    alt.Tooltip("example:N", title="e.g."),
                ],
            )
        )
        subtitle = (
            f"{len(located):,} incidents, too many for one circle each: counted per point and use"
            " (country-wide incidents at the capital)"
        )
        what = f"World map of {len(located):,} incidents counted at {len(counted)} points and uses"
    else:
        df = _spread(located)
        df["start"] = df["start_date"].dt.strftime("%Y-%m-%d").astype("string")
        df["figures"] = df["figures"].fillna("no figure recorded")
        points = (
            alt.Chart(_data(df))
            .mark_circle(size=110, opacity=0.9, stroke="#FFFFFF", strokeWidth=0.8)
            .encode(
                longitude="map_longitude:Q",
                latitude="map_latitude:Q",
                color=color,
                tooltip=[
                    alt.Tooltip("title:N"),
                    alt.Tooltip("place:N"),
                    alt.Tooltip("country:N"),
                    alt.Tooltip("level:N", title="drawn at"),
                    alt.Tooltip("located_at:N", title="point"),
                    alt.Tooltip("start:N", title="from"),
                    alt.Tooltip("use:N"),
                    alt.Tooltip("figures:N", title="figures (every claim)"),
                ],
            )
        )
        subtitle = "country-wide incidents drawn at the capital; same-place points spread"
        what = f"World map of {len(df)} incidents"
    return (
        alt.layer(_basemap(), points)
        .project(PROJECTION)
        .properties(
            title=alt.Title(title, subtitle=subtitle),
            description=f"{what} by country ({desc}), coloured by use.",
            width=620,
            height=340,
        )
    )


def city_map(
    flagged: pd.DataFrame, edition: int, title: str | None = None, max_rows: int | None = 30
) -> alt.TopLevelMixin:
    """One edition of the most-surveilled-cities ranking on a world map: circles sized by cameras
    per 1,000 people, flagged rows in vermillion with their flags in the tooltip.

    Cities ranked without a value are drawn as small hollow circles.  As in
    :func:`city_ranking`, only the first ``max_rows`` ranks are drawn and the subtitle says
    when there were more.

    Parameters
    ----------
    flagged : DataFrame
        :func:`rbclab.analyse.city_places` (the flagged ranking with coordinates).
    edition : int
        The edition (year) drawn.
    title : str, optional
        The chart's title (default: names the edition).
    max_rows : int or None, default 30
        The most ranks drawn; ``None`` draws the whole edition.

    Returns
    -------
    alt.LayerChart
        The base map and the cities, in the Equal Earth projection.

    Raises
    ------
    ValueError
        If ``flagged`` has no row for ``edition``.
    """
    df, note = _edition(flagged, edition, max_rows)
    df["status"] = df["flags"].notna().map({True: "flagged", False: "consistent"})
    df["flag_text"] = df["flags"].fillna("none")
    df["size_value"] = df["cameras_per_1000"].fillna(0)
    points = (
        alt.Chart(_data(df))
        .mark_circle(opacity=0.75, stroke="#555555", strokeWidth=0.5)
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            size=alt.Size(
                "size_value:Q",
                scale=alt.Scale(range=[20, 900]),
                legend=alt.Legend(title="cameras per 1,000 people", orient="bottom"),
            ),
            color=_city_status(),
            tooltip=[*_CITY_TOOLTIP, alt.Tooltip("flag_text:N", title="flags")],
        )
    )
    flagged_rows = df[df["flags"].notna()]
    desc = "; ".join(f"{r.rank}. {r.city}: {r.flags}" for r in flagged_rows.itertuples()) or "no inconsistencies"
    return (
        alt.layer(_basemap(), points)
        .project(PROJECTION)
        .properties(
            title=alt.Title(
                title or f"Most-surveilled cities on the map, Comparitech {edition} edition",
                subtitle="circle area: cameras per 1,000 people as stated; vermillion: flagged"
                + (f"; {note}" if note else ""),
            ),
            description=f"World map of {len(df)} ranked cities in the {edition} edition"
            + (f" ({note})" if note else "")
            + f". Flags: {desc}.",
            width=620,
            height=340,
        )
    )
