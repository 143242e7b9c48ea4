"""Data out: each format keeps every table, its types, keys and provenance, at 1x and at 100x."""

import json
import sqlite3

import pandas as pd
import pytest

import rbclab as rl
from rbclab.cli import main
from rbclab.synth import make_package
from support import DATA

pytest.importorskip("pyarrow")
duckdb = pytest.importorskip("duckdb")


@pytest.fixture(scope="module", params=[1, pytest.param(100, marks=pytest.mark.slow)], ids=["1x", "100x"])
def package(request, tmp_path_factory):
    if request.param == 1:
        return DATA
    return make_package(tmp_path_factory.mktemp("synth") / "pkg", scale=100, seed=1)


@pytest.fixture(scope="module")
def tables(package):
    return rl.load_package(package)


def test_parquet_round_trips_to_equal_frames(package, tables, tmp_path):
    import pyarrow.parquet as pq

    from rbclab.exports import read_parquet

    out = rl.export(tmp_path / "parquet", "parquet", package=package)
    back = read_parquet(out)
    assert set(back) == set(tables)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(back[name], frame)
        raw = pd.read_parquet(out / f"{name}.parquet")  # any Parquet reader sees the same types
        assert [str(t).split("[")[0] for t in raw.dtypes] == [str(t).split("[")[0] for t in frame.dtypes]
        meta = json.loads(pq.read_schema(out / f"{name}.parquet").metadata[b"rbclab"])
        assert meta["table"] == name and meta["data_version"] == rl.datatools.data_version(package)


def test_sqlite_has_every_table_with_foreign_keys_on_and_clean(package, tables, tmp_path):
    db = rl.export(tmp_path / "rbclab.sqlite", "sqlite", package=package)
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys = ON")
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    for name, frame in tables.items():
        assert con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] == len(frame)
    fks = con.execute("SELECT * FROM pragma_foreign_key_list('case_outcomes')").fetchall()
    assert any(row[2] == "ncp_cases" for row in fks)
    links = con.execute("SELECT COUNT(*) FROM ncp_cases__source_ids").fetchone()[0]
    assert links == rl.explode_list(tables["ncp_cases"][["case_id", "source_ids"]], "source_ids").shape[0]
    meta = dict(con.execute("SELECT * FROM _rbclab_metadata").fetchall())
    assert meta["data_version"] == rl.datatools.data_version(package) and "sha256:ncp_cases.csv" in meta
    # dates keep the precision the source gives
    rows = con.execute(
        "SELECT date_submitted, date_submitted_precision FROM ncp_cases WHERE date_submitted IS NOT NULL"
    ).fetchall()
    assert all(len(d) == {"day": 10, "month": 7, "year": 4}[p] for d, p in rows)


def test_duckdb_types_dates_and_declares_keys(package, tables, tmp_path):
    db = rl.export(tmp_path / "rbclab.duckdb", "duckdb", package=package)
    con = duckdb.connect(str(db), read_only=True)
    kinds = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'ncp_cases'"
        ).fetchall()
    )
    assert kinds["date_submitted"] == "DATE" and kinds["surveillance_ict"] == "BOOLEAN"
    fks = con.execute(
        "SELECT COUNT(*) FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY'"
    ).fetchone()[0]
    assert fks >= 10
    for name, frame in tables.items():
        assert con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] == len(frame)


def test_xlsx_has_a_sheet_per_table_and_a_readme(package, tables, tmp_path):
    book = rl.export(tmp_path / "rbclab.xlsx", "xlsx", package=package)
    sheets = pd.ExcelFile(book).sheet_names
    assert sheets[0] == "README" and set(sheets[1:]) == {n[:31] for n in tables}
    readme = pd.read_excel(book, sheet_name="README", skiprows=4)
    assert dict(zip(readme["sheet"], readme["rows"])) == {n: len(f) for n, f in tables.items()}
    cases = pd.read_excel(book, sheet_name="ncp_cases")
    assert len(cases) == len(tables["ncp_cases"]) and list(cases.columns) == list(tables["ncp_cases"].columns)


def test_csv_is_the_package_itself(package, tmp_path):
    out = rl.export(tmp_path / "csv", "csv", package=package)
    assert rl.validate_package(out).ok
    assert (out / "ncp_cases.csv").read_bytes() == (package / "ncp_cases.csv").read_bytes()


def test_cli_export_refuses_a_broken_package(pkg, tmp_path, capsys):
    (pkg / "ncp_cases.csv").write_text("case_id\nbroken\n", encoding="utf-8")
    assert main(["export", "--format", "sqlite", "--out", str(tmp_path / "x.sqlite"), "--package", str(pkg)]) == 1
    assert "nothing was exported" in capsys.readouterr().err and not (tmp_path / "x.sqlite").exists()
