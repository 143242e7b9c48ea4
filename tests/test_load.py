import pandas as pd
import pytest

import rbclab as rl


def test_every_loader_casts_from_the_schema():
    cases = rl.load_cases()
    assert isinstance(cases["case_id"].dtype, pd.StringDtype) and cases["case_id"].dtype.na_value is pd.NA
    assert isinstance(cases["lead_ncp"].dtype, pd.CategoricalDtype)
    assert "Sweden" in cases["lead_ncp"].cat.categories
    assert list(cases["outcome"].cat.categories) == list(rl.OUTCOMES)
    assert cases["surveillance_ict"].dtype == "boolean"
    assert cases["date_submitted"].dtype == "datetime64[ns]"
    assert list(cases["date_submitted_precision"].cat.categories) == ["day", "month", "year"]
    figures = rl.load_incident_figures()
    assert figures["value"].dtype == "Int64" and figures["value_high"].dtype == "Int64"
    cities = rl.load_surveilled_cities()
    assert cities["cameras_per_1000"].dtype == "Float64"


def test_enum_columns_have_the_dtype_their_list_gives():
    import json

    descriptor = json.loads((rl.table_path("ncp_cases").parent / "datapackage.json").read_text(encoding="utf-8"))
    tables = rl.load_package()
    checked = 0
    for res in descriptor["resources"]:
        for f in res["schema"]["fields"]:
            if "enum" in f.get("constraints", {}) and f.get("type", "string") == "string":
                dtype = tables[res["name"]][f["name"]].dtype
                assert dtype == pd.CategoricalDtype([str(c) for c in f["constraints"]["enum"]]), (res["name"], f)
                checked += 1
    assert checked > 20


def test_partial_dates_keep_their_precision():
    cases = rl.load_cases()
    month = cases[cases["date_submitted_precision"] == "month"].iloc[0]
    assert month["date_submitted"].day == 1  # first day of the period, flagged as month precision


def test_loaders_match_file_row_counts():
    for name, frame in rl.load_package().items():
        lines = rl.table_path(name).read_text(encoding="utf-8")
        import csv
        import io

        assert len(frame) == len(list(csv.reader(io.StringIO(lines)))) - 1, name


def test_axis_events_keep_the_statement_order():
    events = rl.load_case_events(rl.AXIS_CASE_ID)
    assert len(events) == 30
    assert events["seq"].tolist() == list(range(1, 31))
    # the statement lists the 5 Feb response before the 23 Jan notice to NCP members
    out_of_order = events.index[events["date"] < events["date"].cummax()].tolist()
    assert [events.loc[i, "date"].strftime("%Y-%m-%d") for i in out_of_order] == ["2025-01-23"]
    assert events.loc[5, "date"] == pd.Timestamp("2025-02-05") and events.loc[6, "date"] == pd.Timestamp("2025-01-23")
    assert events.iloc[0]["event_type"] == "submission" and events.iloc[-1]["event_type"] == "final statement"


def test_axis_provisions_and_positions():
    cited = rl.load_case_provisions(rl.AXIS_CASE_ID)
    assert sorted(cited["cited_as"]) == ["II.12", "II.A.11", "II.A.2", "IV.1", "IV.2", "IV.4", "IV.5"]
    positions = rl.load_case_positions(rl.AXIS_CASE_ID)
    assert {"complainant", "enterprise", "NCP"} <= set(positions["party"])


def test_unknown_filter_and_table_raise_clearly():
    with pytest.raises(KeyError, match="no rows with case_id = 'nope'"):
        rl.load_case_events("nope")
    with pytest.raises(KeyError, match="no table named 'nope'"):
        rl.load_table("nope")


def test_returned_frames_are_copies():
    a = rl.load_cases()
    a.loc[0, "title"] = "changed"
    assert rl.load_cases().loc[0, "title"] != "changed"


def test_docstrings_list_columns():
    assert "``date_submitted_precision`` (category)" in rl.load_cases.__doc__
    assert "``claimed_by`` (string)" in rl.load_incident_figures.__doc__


def test_users_own_package_loads(pkg):
    tables = rl.load_package(pkg)
    assert set(tables) == set(rl.load_package())


def test_public_functions_have_numpydoc_sections():
    import inspect

    missing = []
    for name in rl.__all__:
        f = getattr(rl, name)
        if not callable(f) or inspect.isclass(f):
            continue
        doc = inspect.getdoc(f) or ""
        if inspect.signature(f).parameters and "Parameters\n----------" not in doc:
            missing.append(f"{name}: Parameters")
        if "Returns\n-------" not in doc:
            missing.append(f"{name}: Returns")
    assert missing == []


def test_changing_a_loaded_frame_never_changes_the_next_load():
    first = rl.load_package()
    cases = first["ncp_cases"]
    case_id = cases["case_id"].iloc[0]
    cases.loc[cases.index[0], "case_id"] = "changed"
    cases["title"] = "changed"
    first["sources"].pop("url")
    again = rl.load_package()
    assert again["ncp_cases"]["case_id"].iloc[0] == case_id
    assert (again["ncp_cases"]["title"] != "changed").all()
    assert "url" in again["sources"].columns
    table = rl.load_table("ncp_cases")
    table.iloc[0, 0] = "changed"
    assert rl.load_table("ncp_cases").iloc[0, 0] == case_id
