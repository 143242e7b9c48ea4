"""Synthetic packages: valid at every scale, deterministic from the seed, keys consistent."""

import rbclab as rl
from rbclab.synth import SHARED, make_package


def test_a_ten_times_package_is_valid_and_ten_times_the_rows(tmp_path):
    out = make_package(tmp_path / "x10", scale=10, seed=3)
    report = rl.validate_package(out)
    assert report.ok, report.summary()
    base = rl.validate_package().rows
    for name, n in report.rows.items():
        assert n == (base[name] if name in SHARED else 10 * base[name]), name


def test_the_seed_fixes_the_files(tmp_path):
    a = make_package(tmp_path / "a", scale=3, seed=7)
    b = make_package(tmp_path / "b", scale=3, seed=7)
    c = make_package(tmp_path / "c", scale=3, seed=8)
    assert (a / "ncp_cases.csv").read_bytes() == (b / "ncp_cases.csv").read_bytes()
    assert (a / "ncp_cases.csv").read_bytes() != (c / "ncp_cases.csv").read_bytes()


def test_copies_keep_their_references(tmp_path):
    out = make_package(tmp_path / "x2", scale=2)
    tables = rl.load_package(out)
    copy = tables["case_outcomes"][tables["case_outcomes"]["case_id"].str.endswith("-s1")]
    assert len(copy) == len(rl.load_case_outcomes())
    assert copy["source_ids"].dropna().str.split(";").map(lambda ids: all(i.endswith("-s1") for i in ids)).all()


def test_every_broken_cell_is_reported_with_its_table_row_and_field(tmp_path):
    from rbclab.synth import break_cells

    out = make_package(tmp_path / "x2", scale=2, seed=1)
    broken = break_cells(out, 300, seed=5)
    assert len(set(broken)) == 300
    report = rl.validate_package(out)
    cells = {(p.table, p.row, p.field) for p in report.problems if p.code in {"enum", "invalid-date"}}
    # each broken cell is reported where it is, and no other cell is called bad; the rules may
    # add what follows from a broken code (an outcome that no longer follows from its codes)
    assert cells == set(broken)
