"""ipywidgets explorers for a live kernel: the outcome filter and classroom exercises.

Widgets need a kernel: in a static page they show nothing useful, so every chart they
draw is an ordinary :mod:`rbclab.charts` chart (which also works without a kernel), and
every answer they check is computed from the data.  Data text shown in HTML widgets is
escaped (case titles may contain markup); nothing is fetched from the network.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as w
import pandas as pd

from . import analyse, charts
from .load import load_package

ALL = "All"


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    return get_ipython() is not None and getattr(get_ipython(), "kernel", None) is not None


class OutcomeExplorer:
    """Filter the NCP cases by lead NCP, surveillance/ICT flag and years of submission, and
    compare outcome shares across a grouping.  Display it in a notebook cell.

    >>> explorer = OutcomeExplorer()            # doctest: +SKIP
    >>> explorer                                # doctest: +SKIP
    """

    def __init__(self, cases: pd.DataFrame | None = None):
        self.cases = load_package()["ncp_cases"] if cases is None else cases
        years = self.cases["date_submitted"].dt.year.dropna().astype(int)
        self.grouping = w.Dropdown(options=list(analyse.GROUPINGS), value="lead NCP", description="Compare by")
        self.lead_ncp = w.Dropdown(
            options=[ALL, *sorted(self.cases["lead_ncp"].dropna().astype(str).unique())],
            value=ALL,
            description="Lead NCP",
        )
        self.kind = w.ToggleButtons(
            options=[ALL, analyse.SURVEILLANCE_LABEL, analyse.OTHER_LABEL], value=ALL, description="Cases"
        )
        self.years = w.IntRangeSlider(
            value=(int(years.min()), int(years.max())),
            min=int(years.min()),
            max=int(years.max()),
            description="Submitted",
        )
        self.summary = w.HTML()
        self.view: Any = None  # a JupyterChart, created in a kernel only (its JavaScript comes from vl-convert)
        self._first_spec: dict | None = None
        self.last_filtered: pd.DataFrame = self.cases  # the cases of the last update()
        self.output = w.VBox()
        for control in (self.grouping, self.lead_ncp, self.kind, self.years):
            control.observe(lambda _change: self.update(), names="value")
        self.widget = w.VBox([w.HBox([self.grouping, self.lead_ncp]), self.kind, self.years, self.summary, self.output])
        self.update()

    def filtered(self) -> pd.DataFrame:
        """The cases the controls select.

        Cases with no submission year are kept only when the full range of years is selected.
        """
        c = self.cases
        keep = pd.Series(True, index=c.index)
        if self.lead_ncp.value != ALL:
            keep &= c["lead_ncp"].astype("string") == self.lead_ncp.value
        if self.kind.value != ALL:
            flag = c["surveillance_ict"].fillna(False).astype(bool)
            keep &= flag if self.kind.value == analyse.SURVEILLANCE_LABEL else ~flag
        lo, hi = self.years.value
        year = c["date_submitted"].dt.year
        full = (lo, hi) == (self.years.min, self.years.max)
        keep &= year.between(lo, hi) | (year.isna() & full)
        return c[keep.to_numpy()]

    def shares(self, cases: pd.DataFrame | None = None) -> pd.DataFrame:
        """Outcome shares of the filtered cases (or of ``cases``, already filtered), by the chosen grouping."""
        return analyse.outcome_shares(self.filtered() if cases is None else cases, self.grouping.value)

    def spec(self, cases: pd.DataFrame | None = None) -> dict:
        """The chart of the current selection as a Vega-Lite spec, as the chart widget is sent it.

        The first chart is built and validated by Altair; later ones only replace what
        depends on the data (:func:`rbclab.charts.redraw_outcome_shares`), so a filter
        change redraws quickly however many cases there are.
        """
        title = f"Outcomes by {self.grouping.value}"
        shares = self.shares(cases)
        if self._first_spec is None:
            self._first_spec = charts.outcome_shares(shares, title=title).to_dict()
            return self._first_spec
        return charts.redraw_outcome_shares(self._first_spec, shares, title=title)

    def update(self) -> None:
        cases = self.last_filtered = self.filtered()
        if len(cases):
            rate = analyse.acceptance_rate(cases).iloc[0]
            rate_text = (
                "no case with a known initial assessment"
                if pd.isna(rate["rate"])
                else (
                    f"{rate['rate']:.0%} accepted ({rate['accepted']} of {rate['accepted'] + rate['not_accepted']}"
                    " with a known initial assessment)"
                )
            )
        else:
            rate_text = "no cases"
        filters = [
            f"lead NCP {self.lead_ncp.value}" if self.lead_ncp.value != ALL else "all NCPs",
            self.kind.value if self.kind.value != ALL else "all cases",
            "submitted {}-{}".format(*self.years.value),
        ]
        self.summary.value = f"<b>{len(cases)}</b> cases ({html.escape(', '.join(filters))}): {html.escape(rate_text)}"
        if _in_kernel() and len(cases):
            # one chart widget, updated in place: no Output-widget capture, nothing fetched
            if self.view is None:
                charts.enable_offline_widget()
                self._first_spec = None
                chart: Any = charts.outcome_shares(self.shares(cases), title=f"Outcomes by {self.grouping.value}")
                self.view = charts.alt.JupyterChart(chart)
                self._first_spec = self.view.spec
                self.output.children = (self.view,)
            else:
                self.view.spec = self.spec(cases)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


# --------------------------------------------------------------------------- cases like this one


def similar_cases_html(near: pd.DataFrame, rates: pd.DataFrame) -> str:
    """An HTML table of :func:`rbclab.similar_cases` output (every cell escaped), then the base rates."""
    cols = ["case_id", "lead_ncp", "similarity", "outcome", "ia_decision", "good_offices", "agreement"]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ["title", *cols])
    body = []
    for row in near.to_dict("records"):
        cells = [row["title"], *(row[c] for c in cols)]
        body.append("<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in cells) + "</tr>")
    lines = []
    for r in rates.to_dict("records"):
        if r["n"]:
            lines.append(
                f"{html.escape(str(r['measure']))}: {r['success']} of {r['n']} "
                f"({r['rate']:.0%}; 95% interval {r['ci_low']:.0%} to {r['ci_high']:.0%})"
            )
        else:
            lines.append(f"{html.escape(str(r['measure']))}: no case")
    return (
        f"<table class='rbclab-similar'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f"<p>{'<br>'.join(lines)}</p>"
    )


class SimilarCasesExplorer:
    """Pick a case and see the past cases most like it, with their outcomes and base rates.

    >>> explorer = SimilarCasesExplorer()            # doctest: +SKIP
    """

    def __init__(self, tables: dict[str, pd.DataFrame] | None = None, case_id: str = "se-2025-axis-communications"):
        tables = load_package() if tables is None else tables
        self.cases, self.outcomes = tables["ncp_cases"], tables["case_outcomes"]
        labels = sorted(
            (f"{t} ({c})", c) for t, c in zip(self.cases["title"].astype(str), self.cases["case_id"].astype(str))
        )
        self.case = w.Dropdown(options=labels, value=case_id, description="Case", layout=w.Layout(width="90%"))
        self.k = w.IntSlider(value=10, min=3, max=25, description="Neighbours")
        self.table = w.HTML()
        for control in (self.case, self.k):
            control.observe(lambda _change: self.update(), names="value")
        self.widget = w.VBox([self.case, self.k, self.table])
        self.update()

    def update(self) -> None:
        near, rates = analyse.similar_cases(self.case.value, self.cases, self.outcomes, k=self.k.value)
        self.table.value = similar_cases_html(near, rates)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


# --------------------------------------------------------------------------- exercises


def check_answer(given, expected, tolerance: float = 0.0) -> bool:
    """Is ``given`` right?  Numbers may differ by ``tolerance``; text ignores case and spaces."""
    if given is None or (isinstance(given, str) and not given.strip()):
        return False
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        try:
            number = float(str(given).replace(",", "").replace("%", "").strip())
        except ValueError:
            return False
        return abs(number - float(expected)) <= tolerance
    return str(given).strip().casefold() == str(expected).strip().casefold()


@dataclass
class Exercise:
    """A question whose ``answer`` was computed from the data.

    With ``options`` the student picks one; without, they type a number or a word.
    """

    question: str
    answer: object
    explanation: str
    options: list[str] = field(default_factory=list)
    tolerance: float = 0.0
    hint: str = ""

    def check(self, given) -> bool:
        return check_answer(given, self.answer, self.tolerance)

    def widget(self) -> w.VBox:
        """The question, an answer box or menu, a Check button and the feedback."""
        if self.options:
            box = w.Dropdown(options=["(choose)", *self.options], value="(choose)", layout=w.Layout(width="auto"))
        else:
            box = w.Text(placeholder="your answer", layout=w.Layout(width="14em"))
        button = w.Button(description="Check", button_style="primary")
        feedback = w.HTML()

        def on_click(_button):
            value = box.value if box.value != "(choose)" else None
            if self.check(value):
                feedback.value = f"<span style='color:#009E73'>&#10004; Right.</span> {html.escape(self.explanation)}"
            else:
                hint = f" Hint: {html.escape(self.hint)}" if self.hint else ""
                feedback.value = f"<span style='color:#D55E00'>&#10008; Not quite.</span>{hint}"

        button.on_click(on_click)
        return w.VBox([w.HTML(f"<b>{html.escape(self.question)}</b>"), w.HBox([box, button]), feedback])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget()._repr_mimebundle_(**kwargs)


def teaching_exercises(
    tables: dict[str, pd.DataFrame] | None = None, case_id: str = "se-2025-axis-communications"
) -> list[Exercise]:
    """The classroom exercises of the teaching notebook, with answers computed from ``tables``
    (:func:`rbclab.load_package` output; the bundled package by default)."""
    tables = load_package() if tables is None else tables
    cases = tables["ncp_cases"]
    events = tables["case_events"][tables["case_events"]["case_id"] == case_id]
    stages = analyse.case_stages(cases, case_id).iloc[0]
    cited = tables["case_provisions"][tables["case_provisions"]["case_id"] == case_id]
    follow = analyse.follow_up_status(events, today=pd.Timestamp("2000-01-01"))  # the due date does not depend on today
    counts = cases["lead_ncp"].value_counts()
    rate = analyse.acceptance_rate(cases).iloc[0]
    months = [follow["due_date"] + pd.DateOffset(months=k) for k in (-12, -6, 0, 6)]
    within = bool(stages["initial_assessment_within_3_months"])
    return [
        Exercise(
            f"How many days passed between receipt of the complaint ({stages['date_submitted']:%d %b %Y})"
            " and the initial assessment?",
            int(stages["days_to_initial_assessment"]),
            f"{stages['date_submitted']:%d %b %Y} to {stages['date_initial_assessment']:%d %b %Y}"
            f" is {stages['days_to_initial_assessment']} days.",
            hint="subtract the two dates; the notebook's first section shows both.",
        ),
        Exercise(
            "Was the initial assessment made within the indicative three months?",
            "yes" if within else "no",
            "Three calendar months from receipt ended on "
            f"{stages['date_submitted'] + pd.DateOffset(months=3):%d %b %Y};"
            f" the assessment came on {stages['date_initial_assessment']:%d %b %Y}.",
            options=["yes", "no"],
        ),
        Exercise(
            "How many paragraphs of the OECD Guidelines did the complaint cite?",
            len(cited),
            "They are " + ", ".join(cited["cited_as"]) + ".",
            hint="look at the provisions table",
        ),
        Exercise(
            "Who invoked those paragraphs?",
            str(cited["invoked_by"].mode().iloc[0]),
            "Every cited paragraph was invoked by the "
            + ", ".join(sorted(cited["invoked_by"].astype(str).unique()))
            + ".",
            options=["complainant", "enterprise", "NCP"],
        ),
        Exercise(
            "In which month is the NCP's follow-up due?",
            f"{follow['due_date']:%B %Y}",
            f"One year after the decision on the final statement ({follow['decision_date']:%d %b %Y}):"
            f" {follow['due_date']:%d %b %Y}.",
            options=[f"{m:%B %Y}" for m in months],
        ),
        Exercise(
            "Which NCP leads the most cases in this data?",
            str(counts.index[0]),
            f"{counts.index[0]} leads {counts.iloc[0]} of the {len(cases)} cases.",
            options=sorted(counts.index[:6].astype(str)),
        ),
        Exercise(
            "Of the cases whose initial assessment is known, what percentage did NCPs accept? (whole number)",
            round(float(rate["rate"]) * 100),
            f"{rate['accepted']} accepted and {rate['not_accepted']} not accepted: {rate['rate']:.0%}.",
            tolerance=1.0,
            hint="accepted / (accepted + not accepted); see notebook 02",
        ),
        Exercise(
            "Which step of due diligence is 'Track implementation and results'?",
            f"step {analyse.DUE_DILIGENCE_STEPS.index('Track implementation and results') + 1}",
            "The six steps in order: "
            + "; ".join(f"{i}. {s}" for i, s in enumerate(analyse.DUE_DILIGENCE_STEPS, 1))
            + ".",
            options=[f"step {i}" for i in range(1, 7)],
        ),
    ]
