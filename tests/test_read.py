"""Reading a package someone else wrote: nothing outside it is read, nothing malformed raises."""

import json
import os
from pathlib import Path

import pytest

import rbclab as rl
from rbclab.cli import main
from rbclab.read import read_package, safe_path


def descriptor(pkg: Path) -> dict:
    return json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))


def write_descriptor(pkg: Path, desc: dict) -> None:
    (pkg / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")


def set_path(pkg: Path, name: str, path: str) -> None:
    desc = descriptor(pkg)
    for res in desc["resources"]:
        if res["name"] == name:
            res["path"] = path
    write_descriptor(pkg, desc)


@pytest.mark.parametrize(
    "path",
    [
        "../../../etc/passwd",
        "/etc/passwd",
        "sub/../../secret.csv",
        "https://example.org/x.csv",
        "file:///etc/passwd",
        "C:\\x.csv",
    ],
)
def test_paths_outside_the_package_are_refused_unread(pkg, path, capsys):
    set_path(pkg, "vendors", path)
    report = rl.validate_package(pkg)
    unsafe = [p for p in report.problems if p.code == "unsafe-path"]
    assert unsafe and unsafe[0].table == "vendors" and unsafe[0].field == "path"
    assert "root:" not in report.summary()
    with pytest.raises(rl.DataPackageError):
        rl.load_package(pkg)
    assert main(["validate", str(pkg)]) == 1
    assert "root:x" not in capsys.readouterr().out


def test_a_symlink_out_of_the_package_is_refused(pkg, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text((pkg / "vendors.csv").read_text(encoding="utf-8"), encoding="utf-8")
    (pkg / "vendors.csv").unlink()
    os.symlink(outside, pkg / "vendors.csv")
    codes = [p.code for p in rl.validate_package(pkg).problems]
    assert "unsafe-path" in codes


def test_safe_path_accepts_paths_inside(tmp_path):
    (tmp_path / "sub").mkdir()
    assert safe_path(tmp_path, "sub/x.csv")[0] == tmp_path / "sub" / "x.csv"
    assert safe_path(tmp_path, "x.csv")[1] is None


@pytest.mark.parametrize(("depth", "said"), [(100_000, "nested too deeply"), (70, "nested 70 levels deep")])
def test_deeply_nested_descriptor_is_a_problem_not_a_crash(pkg, capsys, depth, said):
    (pkg / "datapackage.json").write_text("[" * depth + "]" * depth, encoding="utf-8")
    report = rl.validate_package(pkg)
    assert [p.code for p in report.problems] == ["invalid-descriptor"]
    assert said in report.problems[0].message
    assert main(["validate", str(pkg)]) == 1
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "text",
    ['{"resources": "x"}', "[]", '{"resources": [1, 2]}', '{"resources": [{"name": 3, "path": []}]}', "nul\x00l", "{"],
)
def test_malformed_descriptors_are_problems(pkg, text):
    (pkg / "datapackage.json").write_text(text, encoding="utf-8")
    report = rl.validate_package(pkg)
    assert not report.ok and {p.code for p in report.problems} <= {"invalid-descriptor", "missing-file"}


def test_a_malformed_schema_is_a_problem(pkg):
    desc = descriptor(pkg)
    desc["resources"][0]["schema"]["fields"][0]["constraints"] = {"pattern": "(unclosed"}
    desc["resources"][1]["schema"]["primaryKey"] = ["no_such_column"]
    write_descriptor(pkg, desc)
    problems = [p for p in rl.validate_package(pkg).problems if p.code == "invalid-schema"]
    assert len(problems) == 2 and "pattern" in problems[0].message


def test_a_long_text_cell_is_read_whole(pkg):
    rows = (pkg / "vendors.csv").read_text(encoding="utf-8").split("\n")
    header = rows[0].split(",")
    import csv
    import io

    data = list(csv.reader(io.StringIO("\n".join(rows))))
    data[1][header.index("notes")] = "x" * 200_000
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(data)
    (pkg / "vendors.csv").write_text(buf.getvalue(), encoding="utf-8")
    assert rl.validate_package(pkg).ok
    assert rl.load_vendors(path=pkg)["notes"].str.len().max() == 200_000


def test_unclosed_quote_names_the_line(pkg):
    path = pkg / "vendors.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3] + ',"unclosed'
    path.write_text("\n".join(lines), encoding="utf-8")
    raw = read_package(pkg)
    problems = [p for p in raw.problems if p.table == "vendors"]
    assert problems and problems[0].code in {"malformed-csv", "cell-count"}
    assert problems[0].row is not None


def test_duplicate_header_names_are_a_problem(pkg):
    path = pkg / "vendors.csv"
    text = path.read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    cols = first.split(",")
    cols[1] = cols[0]
    path.write_text(",".join(cols) + "\n" + rest, encoding="utf-8")
    assert "duplicate-column" in [p.code for p in rl.validate_package(pkg).problems]


# --------------------------------------------------------------------------- the two readers agree

import csv  # noqa: E402
import io  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from rbclab.read import _header, _read_fast, _read_strict  # noqa: E402

_cell = st.one_of(st.text(max_size=8), st.sampled_from(['"', '""', ",", "\n", "\r\n", "\r", " ", 'a"b', ""]))


def _csv_text(rows: list[list[str]], newline: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(rows)
    return buf.getvalue()


def _both(text: str):
    data = text.encode("utf-8")
    header = _header(data)
    fast = _read_fast(data, header, min_bytes=0) if header and len(set(header)) == len(header) else None
    strict, problems, _ = _read_strict("t", "t.csv", text, data)
    return fast, strict, problems


def _agree(fast, strict, problems) -> None:
    if fast is None:
        return  # left to the strict reader
    table, blank = fast
    assert strict is not None and {p.code for p in problems} <= {"blank-row"}
    assert table.header == strict.header
    assert table.columns == strict.columns
    assert table.numbers == strict.numbers
    assert blank == [p.row for p in problems]
    for h in table.header:  # the dictionary form says the same as the cells
        assert table.distinct(h) == strict.distinct(h)
        assert table.has_empty(h) == strict.has_empty(h)
        uniques, codes = table.coded(h)
        assert [uniques[c] for c in codes] == strict.columns[h]
        assert len(uniques) == len(set(uniques)) == len(set(codes.tolist()))


@settings(max_examples=300, deadline=None)
@given(
    width=st.integers(1, 4),
    cells=st.lists(st.lists(_cell, min_size=4, max_size=4), min_size=1, max_size=6),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_the_fast_reader_reads_well_formed_csv_as_the_strict_one(width, cells, newline):
    rows = [[f"c{i}" for i in range(width)]] + [r[:width] for r in cells]
    _agree(*_both(_csv_text(rows, newline)))


@settings(max_examples=300, deadline=None)
@given(
    cells=st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=1, max_size=5),
    cut=st.integers(0, 400),
    junk=st.sampled_from(['"', '"x', 'x"', ",", "\n", "\n\n", ",,\n", '""', '"\n"', "\r"]),
)
def test_on_broken_csv_the_fast_reader_agrees_or_leaves_it_to_the_strict_one(cells, cut, junk):
    text = _csv_text([["a", "b", "c"], *cells], "\n")
    at = min(cut, len(text))
    broken = text[:at] + junk + text[at:]
    _agree(*_both(broken))


def test_a_cell_found_only_in_a_blank_row_is_not_among_a_columns_cells():
    pytest.importorskip("pyarrow")  # the fast reader's case; without pyarrow the strict one reads it
    rows = [["id", "note"]] + [[f"r{i}", "x" * 40] for i in range(2000)]
    text = _csv_text(rows[:500], "\n") + ",\n" + _csv_text(rows[500:], "\n")
    fast, strict, problems = _both(text)
    assert fast is not None and len(text) > 32 * 1024
    table, blank = fast
    assert blank == [p.row for p in problems] == [501]
    assert not table.has_empty("note") and "" not in table.distinct("id")
    assert table.numbers[498:501] == [500, 502, 503]
    assert table.columns == strict.columns


def test_table_where_finds_rows_in_either_form():
    from rbclab.read import Columns, Table

    cells = ["a", "b", "a", "", "c"]
    listed = Table(["x"], {"x": cells}, [2, 3, 4, 5, 6])
    import numpy as np

    coded = Table(["x"], Columns(coded={"x": (["a", "b", "", "c"], np.array([0, 1, 0, 2, 3]))}), [2, 3, 4, 5, 6])
    for table in (listed, coded):
        assert list(table.where("x", {"a", ""})) == [(2, "a"), (4, "a"), (5, "")]
        assert list(table.where("x", set())) == []
        assert table.has_empty("x") and table.distinct("x") == {"a", "b", "c", ""}
        assert table.columns["x"] == cells and list(table.columns) == ["x"]


def test_a_file_of_many_blocks_is_read_with_one_dictionary_per_column(monkeypatch):
    pytest.importorskip("pyarrow")
    # pyarrow parses a large file a block at a time, each block with its own dictionary
    import rbclab.read

    monkeypatch.setattr(rbclab.read, "_BLOCK_BYTES", 64 * 1024)
    rows = [["id", "kind", "note"]] + [[f"r{i}", f"k{i % 7}", f"note {i % 1000} " + "x" * 30] for i in range(20_000)]
    fast, strict, problems = _both(_csv_text(rows, "\n"))
    assert fast is not None and not problems
    table, _ = fast
    assert table.columns.coded("kind") is not None  # read in dictionary form
    _agree(fast, strict, problems)
    uniques, codes = table.coded("kind")
    assert sorted(uniques) == [f"k{i}" for i in range(7)] and len(codes) == 20_000
