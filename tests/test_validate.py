"""A corpus of broken packages: small variations of the real one, each with its exact error."""

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rbclab as rl
from rbclab.cli import main
from support import ROOT


def rows(pkg: Path, table: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((pkg / f"{table}.csv").read_text(encoding="utf-8"))))


def write(pkg: Path, table: str, data: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(data)
    (pkg / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8")


def set_cell(table: str, row: int, field: str, value: str):
    """Mutation: set one cell (row = file row number, header = 1)."""

    def mutate(pkg: Path) -> None:
        data = rows(pkg, table)
        data[row - 1][data[0].index(field)] = value
        write(pkg, table, data)

    return mutate


def axis_row(pkg: Path) -> int:
    return [r[0] for r in rows(pkg, "ncp_cases")].index(rl.AXIS_CASE_ID) + 1


def set_axis(field: str, value: str):
    def mutate(pkg: Path) -> None:
        set_cell("ncp_cases", axis_row(pkg), field, value)(pkg)

    return mutate


def duplicate_row(table: str, row: int):
    def mutate(pkg: Path) -> None:
        data = rows(pkg, table)
        data.append(list(data[row - 1]))
        write(pkg, table, data)

    return mutate


def rename_column(table: str, old: str, new: str):
    def mutate(pkg: Path) -> None:
        data = rows(pkg, table)
        data[0][data[0].index(old)] = new
        write(pkg, table, data)

    return mutate


def raw_bytes(table: str, fn):
    def mutate(pkg: Path) -> None:
        path = pkg / f"{table}.csv"
        path.write_bytes(fn(path.read_bytes()))

    return mutate


def drop_last_cell(table: str, row: int):
    def mutate(pkg: Path) -> None:
        lines = (pkg / f"{table}.csv").read_text(encoding="utf-8").split("\n")
        data = rows(pkg, table)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(data[row - 1][:-1])
        lines[row - 1] = buf.getvalue()
        (pkg / f"{table}.csv").write_text("\n".join(lines), encoding="utf-8")

    return mutate


def descriptor(fn):
    def mutate(pkg: Path) -> None:
        path = pkg / "datapackage.json"
        desc = json.loads(path.read_text(encoding="utf-8"))
        fn(desc)
        path.write_text(json.dumps(desc), encoding="utf-8")

    return mutate


def events_row_of_seq(pkg: Path, seq: int) -> int:
    return [r[1] for r in rows(pkg, "case_events")].index(str(seq)) + 1


def set_event(seq: int, field: str, value: str):
    def mutate(pkg: Path) -> None:
        set_cell("case_events", events_row_of_seq(pkg, seq), field, value)(pkg)

    return mutate


def _copy_axis_as_new_case(pkg: Path) -> None:
    data = rows(pkg, "ncp_cases")
    copy = list(data[axis_row(pkg) - 1])
    copy[0] = "se-2025-axis-copy"
    data.append(copy)
    write(pkg, "ncp_cases", data)


def claim_row(pkg: Path, field: str, value: str) -> int:
    data = rows(pkg, "case_claims")
    f, v = data[0].index("field"), data[0].index("value")
    return next(n for n, r in enumerate(data, 1) if r[f] == field and r[v] == value)


def set_claim(field: str, value: str, column: str, new: str):
    """Mutation: change one cell of the claim (field, value) of the Anvil Mining case (ca0007)."""

    def mutate(pkg: Path) -> None:
        set_cell("case_claims", claim_row(pkg, field, value), column, new)(pkg)

    return mutate


def outcome_row(pkg: Path) -> int:
    return [r[0] for r in rows(pkg, "case_outcomes")].index(rl.AXIS_CASE_ID) + 1


def set_axis_code(field: str, value: str):
    def mutate(pkg: Path) -> None:
        set_cell("case_outcomes", outcome_row(pkg), field, value)(pkg)

    return mutate


def drop_axis_codes(pkg: Path) -> None:
    data = rows(pkg, "case_outcomes")
    del data[outcome_row(pkg) - 1]
    write(pkg, "case_outcomes", data)


def date_an_undated_case(pkg: Path) -> None:
    data = rows(pkg, "ncp_cases")
    col = data[0].index("date_submitted")
    n = next(i for i, r in enumerate(data) if "-undated-" in r[0] and not r[col])
    data[n][col] = "2015"
    write(pkg, "ncp_cases", data)


def figure_row(pkg: Path, qualifier: str, has_high: bool) -> int:
    data = rows(pkg, "incident_figures")
    q, hi = data[0].index("qualifier"), data[0].index("value_high")
    return next(n for n, r in enumerate(data, 1) if n > 1 and r[q] == qualifier and bool(r[hi]) == has_high)


def set_figure(qualifier: str, has_high: bool, field: str, value: str):
    def mutate(pkg: Path) -> None:
        set_cell("incident_figures", figure_row(pkg, qualifier, has_high), field, value)(pkg)

    return mutate


# (id, mutation, expected (table, row, field, code)); row "AXIS" means the Axis case's row,
# "LAST" the table's last row, ("claim", field, value) the row of that claim
BROKEN = [
    (
        "codes-contradict",
        set_axis_code("good_offices", "not offered"),
        ("case_outcomes", "ANY", "agreement", "code-conflict"),
    ),
    (
        "evidence-cites-nothing",
        set_axis_code("agreement_evidence", "they agreed"),
        ("case_outcomes", "ANY", "agreement_evidence", "code-evidence"),
    ),
    (
        "evidence-cites-a-missing-source",
        set_axis_code("withdrawn_evidence", "[4] no withdrawal"),
        ("case_outcomes", "ANY", "withdrawn_evidence", "code-evidence"),
    ),
    ("case-not-coded", drop_axis_codes, ("ncp_cases", "AXIS", "case_id", "outcome-missing")),
    ("outcome-not-derived", set_axis_code("agreement", "partial"), ("ncp_cases", "AXIS", "outcome", "outcome-rule")),
    ("undated-id-with-a-date", date_an_undated_case, ("ncp_cases", "ANY", "case_id", "undated-id")),
    (
        "range-without-high",
        set_figure("exact", False, "qualifier", "range"),
        ("incident_figures", "ANY", "value_high", "range-missing"),
    ),
    (
        "high-without-range",
        set_figure("exact", False, "value_high", "999999999"),
        ("incident_figures", "ANY", "qualifier", "range-qualifier"),
    ),
    ("bad-day", set_axis("date_submitted", "2025-02-30"), ("ncp_cases", "AXIS", "date_submitted", "invalid-date")),
    ("bad-month", set_axis("date_concluded", "2025-13"), ("ncp_cases", "AXIS", "date_concluded", "invalid-date")),
    ("date-shape", set_axis("date_submitted", "11.01.2025"), ("ncp_cases", "AXIS", "date_submitted", "pattern")),
    (
        "date-order",
        set_axis("date_initial_assessment", "2024-12-01"),
        ("ncp_cases", "AXIS", "date_initial_assessment", "date-order"),
    ),
    ("future-date", set_axis("date_concluded", "2099-01-01"), ("ncp_cases", "AXIS", "date_concluded", "date-range")),
    ("unknown-ncp", set_axis("lead_ncp", "Atlantis"), ("ncp_cases", "AXIS", "lead_ncp", "enum")),
    ("unknown-outcome", set_axis("outcome", "won"), ("ncp_cases", "AXIS", "outcome", "enum")),
    ("outcome-not-from-rule", set_axis("outcome", "not accepted"), ("ncp_cases", "AXIS", "outcome", "outcome-rule")),
    (
        "complainant-type-item",
        set_axis("complainant_type", "NGO; Pirates"),
        ("ncp_cases", "AXIS", "complainant_type", "enum"),
    ),
    ("bad-boolean", set_axis("surveillance_ict", "yes"), ("ncp_cases", "AXIS", "surveillance_ict", "type-error")),
    ("missing-title", set_axis("title", ""), ("ncp_cases", "AXIS", "title", "required")),
    ("dangling-source", set_axis("source_ids", "no-such-source"), ("ncp_cases", "AXIS", "source_ids", "foreign-key")),
    ("oecd-id-prefix", set_axis("oecd_id", "uk0999"), ("ncp_cases", "AXIS", "oecd_id", "id-prefix")),
    # only the listed ids are excused: another "ke" id on a Korean case is still an error
    (
        "oecd-id-prefix-no-alias",
        set_cell("ncp_cases", 31, "oecd_id", "ke0099"),
        ("ncp_cases", 31, "oecd_id", "id-prefix"),
    ),
    ("duplicate-oecd-id", set_axis("oecd_id", "se0001"), ("ncp_cases", "AXIS", "oecd_id", "unique")),
    ("duplicate-case-id", set_cell("ncp_cases", 3, "case_id", "ch-2020-ubs"), ("ncp_cases", 3, "case_id", "unique")),
    ("duplicate-case", duplicate_row("ncp_cases", 2), ("ncp_cases", "LAST", "case_id", "unique")),
    ("same-case-new-id", _copy_axis_as_new_case, ("ncp_cases", "LAST", "case_id", "duplicate-case")),
    (
        "claim-used-mismatch",
        set_claim("status", "Concluded", "value", "Closed"),
        ("case_claims", ("claim", "status", "Closed"), "value", "claim-used"),
    ),
    (
        "claim-two-used",
        set_claim("status", "Rejected (OECD Watch)", "used", "true"),
        ("case_claims", ("claim", "status", "Rejected (OECD Watch)"), "used", "claim-used-twice"),
    ),
    (
        "claim-bad-date",
        set_claim("date_submitted", "2005-06-17", "value", "2005-19-06"),
        ("case_claims", ("claim", "date_submitted", "2005-19-06"), "value", "claim-date"),
    ),
    (
        "claim-unknown-field",
        set_claim("date_submitted", "2005-06-17", "field", "mood"),
        ("case_claims", ("claim", "mood", "2005-06-17"), "field", "enum"),
    ),
    (
        "claim-dangling-case",
        set_claim("date_submitted", "2005-06-17", "case_id", "ca-2005-nobody"),
        ("case_claims", ("claim", "date_submitted", "2005-06-17"), "case_id", "foreign-key"),
    ),
    (
        "claim-none-used",
        set_claim("status", "Concluded", "used", "false"),
        ("ncp_cases", "ANY", "status", "claim-used"),
    ),
    ("event-dangling-case", set_event(1, "case_id", "xx-2025-nobody"), ("case_events", 2, "case_id", "foreign-key")),
    ("event-before-case", set_event(3, "date", "2024-12-31"), ("case_events", 4, "date", "event-span")),
    ("event-unknown-type", set_event(5, "event_type", "party"), ("case_events", 6, "event_type", "enum")),
    ("event-duplicate-key", set_event(2, "seq", "1"), ("case_events", 3, "case_id,seq", "primary-key")),
    ("seq-not-integer", set_event(4, "seq", "four"), ("case_events", 5, "seq", "type-error")),
    ("figure-negative", set_cell("incident_figures", 2, "value", "-5"), ("incident_figures", 2, "value", "minimum")),
    (
        "figure-unknown-qualifier",
        set_cell("incident_figures", 2, "qualifier", "roughly"),
        ("incident_figures", 2, "qualifier", "enum"),
    ),
    (
        "figure-range-order",
        set_cell("incident_figures", 2, "value_high", "1"),
        ("incident_figures", 2, "value_high", "range-order"),
    ),
    (
        "sanction-dangling-vendor",
        set_cell("sanctions", 2, "vendor_id", "acme"),
        ("sanctions", 2, "vendor_id", "foreign-key"),
    ),
    (
        "incident-place-not-in-gazetteer",
        set_cell("incidents", 2, "place", "Atlantis"),
        ("incidents", 2, "place,country", "foreign-key"),
    ),
    (
        "city-not-in-gazetteer",
        set_cell("surveilled_cities", 3, "city", "Atlantis"),
        ("surveilled_cities", 3, "city,country", "foreign-key"),
    ),
    (
        "place-latitude-off-the-globe",
        set_cell("places", 2, "latitude", "95"),
        ("places", 2, "latitude", "maximum"),
    ),
    (
        "cities-number",
        set_cell("surveilled_cities", 2, "cameras_per_1000", "lots"),
        ("surveilled_cities", 2, "cameras_per_1000", "type-error"),
    ),
    ("source-without-location", set_cell("sources", 2, "url", ""), ("sources", 2, "url", "source-location")),
    ("wrong-column", rename_column("vendors", "products", "product"), ("vendors", None, "products", "missing-column")),
    (
        "extra-column",
        rename_column("case_vendors", "relation", "relationship"),
        ("case_vendors", None, "relationship", "extra-column"),
    ),
    ("empty-file", raw_bytes("provisions", lambda b: b""), ("provisions", None, None, "empty-file")),
    (
        "wrong-encoding",
        raw_bytes(
            "vendors",
            lambda b: (
                b.replace("ü".encode(), "ü".encode("latin-1"), 1)
                if "ü".encode() in b
                else b + "x,\xfc\n".encode("latin-1")
            ),
        ),
        ("vendors", "ANY", None, "encoding-error"),
    ),
    ("short-row", drop_last_cell("incidents", 3), ("incidents", 3, None, "cell-count")),
    ("missing-file", lambda pkg: (pkg / "case_positions.csv").unlink(), ("case_positions", None, None, "missing-file")),
    (
        "bad-descriptor-json",
        lambda pkg: (pkg / "datapackage.json").write_text("{not json", encoding="utf-8"),
        ("datapackage.json", "ANY", None, "invalid-descriptor"),
    ),
    (
        "resource-without-path",
        descriptor(lambda d: d["resources"][0].pop("path")),
        ("datapackage.json", None, "resources[0].path", "invalid-descriptor"),
    ),
]


@pytest.mark.parametrize("name,mutate,expected", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_package_reports_its_error(pkg, name, mutate, expected):
    table, row, fld, code = expected
    if row == "AXIS":
        row = axis_row(pkg)
    mutate(pkg)
    if row == "LAST":
        row = len(rows(pkg, table))
    elif isinstance(row, tuple):
        row = claim_row(pkg, *row[1:])
    report = rl.validate_package(pkg)
    assert not report.ok
    hits = [
        p
        for p in report.problems
        if p.table == table and p.code == code and p.field == fld and (row == "ANY" or p.row == row)
    ]
    assert hits, f"expected {expected}, got:\n" + "\n".join(map(str, report.problems))
    # the loaders refuse the package with the same problem, never a partial load
    with pytest.raises(rl.DataPackageError) as err:
        rl.load_package(pkg)
    assert any(p.code == code for p in err.value.problems)


def test_every_rule_is_exercised_by_a_broken_package():
    from rbclab.rules import RULES

    covered = {expected[3] for _, _, expected in BROKEN}
    tested_apart = {"resource-bytes", "resource-hash"}  # test_a_changed_file_no_longer_matches_its_hash
    missing = {c for r in RULES for c in r.codes} - covered - tested_apart
    assert missing == set(), f"no broken package exercises: {sorted(missing)}"


def test_every_problem_is_reported_at_once(pkg):
    set_axis("lead_ncp", "Atlantis")(pkg)
    set_cell("sanctions", 2, "vendor_id", "acme")(pkg)
    set_cell("incident_figures", 3, "qualifier", "roughly")(pkg)
    codes = sorted(p.code for p in rl.validate_package(pkg).problems)
    assert codes == ["enum", "enum", "foreign-key"]


def test_error_message_names_file_row_field_and_value(pkg):
    row = axis_row(pkg)
    set_axis("date_submitted", "2025-02-30")(pkg)
    with pytest.raises(rl.DataPackageError) as err:
        rl.load_cases(path=pkg)
    msg = str(err.value)
    assert f"ncp_cases.csv, row {row}, field 'date_submitted': '2025-02-30': not a real calendar date" in msg


def test_partial_dates_in_order_at_their_precision(pkg):
    # 2025-01 (a month) is not after 2025-01-11: a period is out of order only if it starts after the other ends
    set_axis("date_submitted", "2025-01")(pkg)
    set_axis("date_initial_assessment", "2025-01-05")(pkg)
    assert rl.validate_package(pkg).ok


def test_real_package_is_valid():
    report = rl.validate_package()
    assert report.ok, report.summary()
    assert report.rows["case_events"] >= 30


def test_real_package_passes_frictionless():
    pytest.importorskip("frictionless")
    report = rl.validate_package(frictionless=True)
    assert report.ok, report.summary()


def test_cli_validate_exit_codes(pkg, capsys):
    assert main(["validate", str(pkg)]) == 0
    assert "Valid: no problems found." in capsys.readouterr().out
    set_axis("lead_ncp", "Atlantis")(pkg)
    assert main(["validate", str(pkg)]) == 1
    out = capsys.readouterr().out
    assert "INVALID: 1 problem(s)" in out and "'Atlantis'" in out


def test_contributing_lists_every_rule():
    from rbclab.rules import RULES, rules_markdown

    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert rules_markdown() in text, "CONTRIBUTING.md is out of date: paste rbclab.rules.rules_markdown()"
    codes = {c for r in RULES for c in r.codes}
    assert {"outcome-rule", "code-conflict", "code-evidence", "resource-hash", "undated-id"} <= codes
    assert all(r.doc for r in RULES)


def test_a_changed_file_no_longer_matches_its_hash(hashed_pkg):
    assert rl.validate_package(hashed_pkg).ok
    path = hashed_pkg / "vendors.csv"
    path.write_bytes(path.read_bytes().replace(b"Axis", b"Axes", 1))
    problems = [p for p in rl.validate_package(hashed_pkg).problems if p.table == "vendors"]
    assert [p.code for p in problems] == ["resource-hash"]
    path.write_bytes(path.read_bytes() + b"\n")
    codes = sorted(p.code for p in rl.validate_package(hashed_pkg).problems if p.table == "vendors")
    assert codes == ["blank-row", "resource-bytes", "resource-hash"] or codes == ["resource-bytes", "resource-hash"]


def test_data_hash_writes_what_validation_checks(hashed_pkg, capsys):
    path = hashed_pkg / "vendors.csv"
    path.write_bytes(path.read_bytes().replace(b"Axis", b"Axes", 1))
    assert main(["data", "hash", str(hashed_pkg)]) == 0
    assert "vendors" in capsys.readouterr().out
    assert rl.validate_package(hashed_pkg).ok


def test_the_duplicate_case_rule_names_the_first_row_each_case_clashes_with():
    from rbclab.read import RawPackage, Table
    from rbclab.rules import duplicate_cases

    cols = ["case_id", "oecd_id", "lead_ncp", "date_submitted", "enterprises"]
    rows = [
        ["a", "se0001", "Sweden", "2020-01-02", "Axis AB"],
        ["b", "se0002", "Sweden", "2020-01-02", "AXIS  ab"],  # two OECD records: not a duplicate
        ["c", "", "Sweden", "2020-01-02", "Axis A.B."],  # no id: clashes with the first row
        ["d", "se0002", "Sweden", "2020-01-02", "axis ab"],  # same id as b (row 3), before c (row 4)
        ["e", "se0003", "Sweden", "2020-01-03", "Axis AB"],  # another day
        ["f", "", "Sweden", "2020-01", "Axis AB"],  # a month only: never compared
        ["g", "", "Norway", "2020-01-02", "Axis AB"],  # another NCP
        ["h", "", "Sweden", "2020-01-02", ""],  # no enterprise named: never compared
        ["i", "", "Sweden", "2020-01-02", ""],
        ["j", "", "Sweden", "2020-01", "Axis AB"],
    ]
    raw = RawPackage(Path("."), {"resources": [{"name": "ncp_cases", "path": "ncp_cases.csv"}]})
    raw.tables["ncp_cases"] = Table.from_rows(cols, rows, list(range(2, 2 + len(rows))))
    found = []
    duplicate_cases(raw, lambda res, row, fld, value, message, code: found.append((value, message)))
    assert [(v, m.split("row ")[1].split(" ")[0]) for v, m in found] == [("c", "2"), ("d", "3")]


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30))
def test_the_name_key_keeps_only_ascii_letters_and_digits_of_the_lower_cased_name(name):
    import re

    from rbclab.rules import _name_key

    assert _name_key(name) == re.sub(r"[^a-z0-9]+", "", name.lower())


def test_combinations_number_each_rows_cells_and_give_up_past_64_bits():
    import numpy as np

    from rbclab.rules import combinations

    values, which = combinations([(["x", "y"], np.array([0, 1, 1, 0])), (["p", "q", "r"], np.array([2, 2, 2, 0]))])
    assert [values[k] for k in which] == [("x", "r"), ("y", "r"), ("y", "r"), ("x", "p")]
    assert len(values) == len(set(values)) == 3
    huge = range(2**31)  # as many distinct cells as a column could hold, twice over
    assert combinations([(huge, np.array([0, 1])), (huge, np.array([1, 0]))]) is None


def test_a_rule_over_distinct_cells_reports_the_same_rows_without_the_numbering(monkeypatch):
    import rbclab.rules as rules
    from rbclab.read import RawPackage, Table

    raw = RawPackage(Path("."), {"resources": [{"name": "t", "path": "t.csv"}]})
    raw.tables["t"] = Table.from_rows(["a", "b"], [["1", "1"], ["1", "2"], ["2", "2"], ["1", "1"]], [2, 3, 4, 5])

    def problems():
        found = []
        rules.each_distinct(
            raw,
            lambda res, row, fld, value, message, code: found.append((row, fld, value)),
            "t",
            ("a", "b"),
            lambda r: [("a", r["a"], "a equals b", "x")] if r["a"] == r["b"] else [],
        )
        return found

    numbered = problems()
    monkeypatch.setattr(rules, "combinations", lambda parts: None)
    assert problems() == numbered == [(2, "a", "1"), (4, "a", "2"), (5, "a", "1")]
