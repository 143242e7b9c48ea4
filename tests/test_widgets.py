"""The ipywidgets explorers work without a front end; exercises check answers computed from the data."""

import pytest

import rbclab as rl

widgets = pytest.importorskip("rbclab.widgets")


def test_outcome_explorer_filters_and_summarises():
    cases = rl.load_cases()
    ex = widgets.OutcomeExplorer(cases)
    assert len(ex.filtered()) == len(cases)
    ex.lead_ncp.value = "Sweden"
    sweden = cases[cases["lead_ncp"] == "Sweden"]
    assert len(ex.filtered()) == len(sweden)
    assert ex.summary.value.startswith(f"<b>{len(sweden)}</b> cases (lead NCP Sweden")
    ex.lead_ncp.value = widgets.ALL
    ex.kind.value = "surveillance / ICT"
    assert len(ex.filtered()) == int(cases["surveillance_ict"].fillna(False).sum())
    ex.grouping.value = "theme"
    assert set(ex.shares()["group"]) <= set(rl.THEMES) | {"not stated"}
    ex.years.value = (2020, 2021)
    years = ex.filtered()["date_submitted"].dt.year
    assert years.between(2020, 2021).all() and len(years) > 0


def test_outcome_explorer_sends_the_chart_of_its_selection():
    import json
    import re

    from rbclab import charts

    def unnamed(spec: dict) -> str:
        return re.sub(r"(param|view)_[0-9a-f]+(_\d+)?", r"\1_", json.dumps(spec, sort_keys=True))

    cases = rl.load_cases()
    ex = widgets.OutcomeExplorer(cases)
    first = ex.spec()
    ex.lead_ncp.value = "United Kingdom"
    ex.grouping.value = "theme"
    redrawn = ex.spec()
    built = charts.outcome_shares(ex.shares(), title="Outcomes by theme").to_dict()
    assert unnamed(redrawn) == unnamed(built)
    assert unnamed(redrawn) != unnamed(first)
    assert redrawn["params"] == first["params"]  # the legend's selection keeps its name


def test_explorer_escapes_data_text():
    cases = rl.load_cases()
    cases["lead_ncp"] = cases["lead_ncp"].cat.rename_categories({"Sweden": "<b>Sweden</b>"})
    ex = widgets.OutcomeExplorer(cases)
    ex.lead_ncp.value = "<b>Sweden</b>"
    assert "&lt;b&gt;Sweden&lt;/b&gt;" in ex.summary.value and "<b>Sweden</b>" not in ex.summary.value


@pytest.mark.parametrize(
    "given, expected, tolerance, ok",
    [
        ("104", 104, 0, True),
        (" 104 ", 104, 0, True),
        ("105", 104, 0, False),
        ("53%", 52, 1, True),
        ("yes", "Yes", 0, True),
        ("", 0, 0, False),
        (None, "no", 0, False),
        ("abc", 3, 0, False),
    ],
)
def test_check_answer(given, expected, tolerance, ok):
    assert widgets.check_answer(given, expected, tolerance) is ok


def test_exercise_answers_come_from_the_data():
    exercises = widgets.teaching_exercises()
    answers = [e.answer for e in exercises]
    stages = rl.case_stages(rl.load_cases(), rl.AXIS_CASE_ID).iloc[0]
    assert answers[0] == stages["days_to_initial_assessment"] == 104
    assert answers[1] == "no"
    assert answers[2] == len(rl.load_case_provisions(rl.AXIS_CASE_ID)) == 7
    assert answers[3] == "complainant"
    assert answers[4] == "November 2026"
    assert answers[5] == rl.load_cases()["lead_ncp"].value_counts().index[0]
    rate = rl.acceptance_rate(rl.load_cases()).iloc[0]["rate"]
    assert answers[6] == round(rate * 100)
    assert answers[7] == "step 4"
    for e in exercises:
        assert not e.options or str(e.answer) in e.options
        assert e.check(e.answer)


def test_exercises_follow_a_changed_table():
    tables = rl.load_package()
    tables["case_provisions"] = tables["case_provisions"].iloc[:3]
    assert widgets.teaching_exercises(tables)[2].answer == 3


def test_exercise_widget_gives_feedback():
    exercise = widgets.teaching_exercises()[0]
    box = exercise.widget()
    answer_box, button = box.children[1].children
    answer_box.value = "1"
    button.click()
    assert "Not quite" in box.children[2].value
    answer_box.value = str(exercise.answer)
    button.click()
    assert "Right" in box.children[2].value


def test_similar_cases_explorer_updates_and_escapes(payload_pkg):
    from support import PAYLOAD

    tables = rl.load_package(payload_pkg)
    explorer = widgets.SimilarCasesExplorer(tables)
    first = explorer.table.value
    assert "<script>" not in first and "&lt;script&gt;" in first  # titles carry the payload, escaped
    explorer.case.value = "ch-2020-ubs"
    assert explorer.table.value != first and "ch-2020-ubs</td>" not in explorer.table.value.split("<tbody>")[1][:200]
    explorer.k.value = 3
    assert explorer.table.value.count("<tr>") == 1 + 3
    assert PAYLOAD not in explorer.table.value
