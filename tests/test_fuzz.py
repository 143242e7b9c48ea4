"""Property tests: random mutations of real rows never crash the reader or the validator,
never drop or coerce a row silently, and every problem names its file, row and field."""

import csv
import io
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rbclab as rl
from rbclab.read import read_package
from rbclab.validate import check
from support import DATA

TABLES = ["vendors", "sanctions", "incident_figures", "ncp_cases"]
#: Problems that concern a whole file or the descriptor (no row to name).
#: Problems that concern a whole row (reported with its row number, no field).
ROW_LEVEL = {"blank-row", "cell-count", "malformed-csv"}
FILE_LEVEL = {
    "missing-column",
    "extra-column",
    "column-order",
    "empty-file",
    "encoding-error",
    "duplicate-column",
    "unsupported-constraint",
    "invalid-schema",
    "resource-bytes",
    "resource-hash",
    "missing-file",
}

cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", "2025-02-30", "2025-13", "1999", "true", "yes", "-1", "1e309", "NaN", "\u00e9", '"', "a;b", "x" * 5000]
    ),
)


def _base(tmp: Path) -> Path:
    target = tmp / "pkg"
    if not target.exists():
        shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("*.md"))
        # the mutations change files, so the recorded hashes would only repeat one problem per file
        import json

        desc = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
        for res in desc["resources"]:
            res.pop("hash", None)
            res.pop("bytes", None)
        (target / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    return target


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(TABLES), row=st.integers(1, 20), col=st.integers(0, 30), value=cells)
def test_a_changed_cell_is_valid_or_named(tmp_path_factory, table, row, col, value):
    pkg = _base(tmp_path_factory.mktemp("fuzz"))
    path = pkg / f"{table}.csv"
    data = _rows(path)
    row = min(row, len(data) - 1)
    col = col % len(data[0])
    data[row][col] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(data)
    path.write_text(buf.getvalue(), encoding="utf-8")
    raw = read_package(pkg)
    problems = check(raw)
    set_aside = [p for p in problems if p.table == table and p.code in ROW_LEVEL]
    records = len(_rows(path)) - 1  # a bare CR in a cell ends a record, as in any CSV reader
    assert len(raw.tables[table]) + len(set_aside) == records  # a row left out is a reported row
    for p in problems:
        assert p.table and p.code
        if p.code in ROW_LEVEL:
            assert p.row is not None, p
        elif p.code not in FILE_LEVEL:
            assert p.row is not None and p.field is not None, p
    if not problems:  # what validates loads, with the same number of rows
        assert len(rl.load_table(table, pkg)) == len(data) - 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(TABLES), at=st.floats(0, 1), junk=st.binary(min_size=1, max_size=8))
def test_random_bytes_never_raise(tmp_path_factory, table, at, junk):
    pkg = _base(tmp_path_factory.mktemp("bytes"))
    path = pkg / f"{table}.csv"
    data = path.read_bytes()
    i = int(at * (len(data) - 1))
    path.write_bytes(data[:i] + junk + data[i:])
    problems = rl.validate_package(pkg).problems  # never raises
    for p in problems:
        assert p.table and p.code and str(p)
    rows_read = len(read_package(pkg).tables.get(table, [])) if table in read_package(pkg).tables else None
    if rows_read is not None and not any(p.code in {"cell-count", "blank-row", "malformed-csv"} for p in problems):
        # without a reported structural problem every line of data is a row
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert rows_read == len(_rows_lenient(text)) - 1


def _rows_lenient(text: str) -> list[list[str]]:
    return [r for r in csv.reader(io.StringIO(text, newline="")) if r]


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_any_descriptor_text_is_a_problem_or_a_package(text):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "datapackage.json").write_text(text, encoding="utf-8")
        report = rl.validate_package(tmp)
        assert report.problems or report.rows == {}
