"""The Table Schema subset: what is checked is checked, and what is not is refused by name."""

import json
from pathlib import Path

import pytest

import rbclab as rl
from rbclab.schema import SUPPORTED_CONSTRAINTS, unsupported


def edit_field(pkg: Path, table: str, field: str, **changes) -> None:
    path = pkg / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    res = next(r for r in desc["resources"] if r["name"] == table)
    f = next(f for f in res["schema"]["fields"] if f["name"] == field)
    for key, value in changes.items():
        if key == "constraints":
            f.setdefault("constraints", {}).update(value)
        elif value is None:
            f.pop(key, None)
        else:
            f[key] = value
    path.write_text(json.dumps(desc), encoding="utf-8")


def codes(pkg: Path) -> list[str]:
    return [p.code for p in rl.validate_package(pkg).problems]


def test_max_length_is_checked(pkg):
    edit_field(pkg, "vendors", "name", constraints={"maxLength": 3})
    problems = [p for p in rl.validate_package(pkg).problems if p.code == "max-length"]
    assert problems and problems[0].field == "name" and problems[0].row == 2


def test_min_length_is_checked(pkg):
    edit_field(pkg, "vendors", "name", constraints={"minLength": 500})
    assert "min-length" in codes(pkg)


def test_exclusive_bounds_are_checked(pkg):
    edit_field(pkg, "incident_figures", "figure_id", constraints={"exclusiveMinimum": 1})
    problems = [p for p in rl.validate_package(pkg).problems if p.code == "exclusive-minimum"]
    assert [p.value for p in problems] == ["1"]


@pytest.mark.parametrize(
    "changes,keyword",
    [
        ({"format": "email"}, "format 'email'"),
        ({"type": "date"}, "type 'date'"),
        ({"constraints": {"uniqueItems": True}}, "constraint 'uniqueItems'"),
        ({"bareNumber": False}, "field keyword 'bareNumber'"),
    ],
)
def test_a_keyword_outside_the_subset_is_refused_by_name(pkg, changes, keyword):
    edit_field(pkg, "vendors", "name", **changes)
    problems = [p for p in rl.validate_package(pkg).problems if p.code == "unsupported-constraint"]
    assert problems and problems[0].field == "name" and keyword in problems[0].message
    assert "--frictionless" in problems[0].message


def test_other_missing_values_are_refused(pkg):
    path = pkg / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    desc["resources"][0]["schema"]["missingValues"] = ["", "NA"]
    path.write_text(json.dumps(desc), encoding="utf-8")
    assert "unsupported-constraint" in codes(pkg)


def test_the_bundled_schemas_use_only_the_subset():
    desc = json.loads((Path(rl.read.bundled_path()) / "datapackage.json").read_text(encoding="utf-8"))
    assert all(unsupported(res) == [] for res in desc["resources"])
    assert {"maxLength", "minLength", "exclusiveMinimum"} <= SUPPORTED_CONSTRAINTS


def test_item_enum_without_separator_splits_on_semicolons_only(pkg):
    edit_field(pkg, "ncp_cases", "complainant_type", **{"rbclab:listSeparator": None})
    assert rl.validate_package(pkg).ok
    cases = (pkg / "ncp_cases.csv").read_text(encoding="utf-8")
    assert "Trade union" in cases
