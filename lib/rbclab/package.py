"""Find a data package and read its tables as text, exactly as stored.

This is the lowest layer: it knows where the data lives and how to turn a CSV file
into a frame of strings without changing a single cell.  Checking and typing happen
in :mod:`rbclab.validate` and :mod:`rbclab.load`.

Row numbers follow the Frictionless convention used in every message: the header is
row 1, so the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

DESCRIPTOR = "datapackage.json"


@dataclass(frozen=True)
class Problem:
    """One problem found in a data package."""

    table: str
    row: int | None
    field: str | None
    value: str | None
    message: str
    code: str
    file: str | None = None

    def __str__(self) -> str:
        where = [self.file or self.table]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        value = "" if self.value is None else f" {self.value!r}:"
        return f"{', '.join(where)}:{value} {self.message} [{self.code}]"


class DataPackageError(ValueError):
    """Raised when a data package cannot be loaded because it has problems."""

    def __init__(self, problems: list[Problem], path: Path | str | None = None):
        self.problems = list(problems)
        self.path = path
        shown = "\n".join(f"  - {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  ... and {more} more (run `rbclab validate` for all)" if more > 0 else ""
        where = f" in {path}" if path else ""
        super().__init__(f"{len(self.problems)} problem(s){where}:\n{shown}{tail}")


def default_path() -> Path:
    """Directory of the bundled package: ``$RBCLAB_DATA``, else the repository's ``data/``."""
    env = os.environ.get("RBCLAB_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for candidate in (here.parent.parent / "data", here / "_data"):
        if (candidate / DESCRIPTOR).is_file():
            return candidate
    raise FileNotFoundError(
        "rbclab cannot find its data package: set RBCLAB_DATA to a folder holding datapackage.json, "
        "or install rbclab from a checkout of the repository (pip install -e .)."
    )


def resolve(path: str | os.PathLike | None) -> Path:
    """Return the folder of a package given the folder, its descriptor, or None for the bundled one."""
    if path is None:
        return default_path()
    p = Path(path)
    return p.parent if p.name == DESCRIPTOR else p


@dataclass
class RawPackage:
    """A package read as text: descriptor, one string frame per readable table, and read problems."""

    root: Path
    descriptor: dict
    tables: dict[str, Table] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def resource(self, name: str) -> dict:
        for res in self.descriptor.get("resources", []):
            if res.get("name") == name:
                return res
        raise KeyError(f"no table named {name!r} in {self.root / DESCRIPTOR}")


def read_descriptor(root: Path) -> tuple[dict, list[Problem]]:
    """Read ``datapackage.json``; problems instead of exceptions."""
    desc_path = root / DESCRIPTOR
    if not desc_path.is_file():
        return {}, [Problem(DESCRIPTOR, None, None, None, f"no {DESCRIPTOR} in {root}", "missing-descriptor", str(desc_path))]
    try:
        descriptor = json.loads(desc_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, [Problem(DESCRIPTOR, getattr(exc, "lineno", None), None, None, f"not valid JSON: {exc}", "invalid-descriptor", str(desc_path))]
    problems = []
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        problems.append(Problem(DESCRIPTOR, None, "resources", None, "expected a non-empty list of resources", "invalid-descriptor", str(desc_path)))
        descriptor["resources"] = []
    for i, res in enumerate(descriptor["resources"]):
        for key in ("name", "path", "schema"):
            if key not in res:
                problems.append(Problem(DESCRIPTOR, None, f"resources[{i}].{key}", None, f"resource has no '{key}'", "invalid-descriptor", str(desc_path)))
        if not isinstance(res.get("schema", {}), dict) or not isinstance(res.get("schema", {}).get("fields", []), list):
            problems.append(Problem(DESCRIPTOR, None, f"resources[{i}].schema", None, "schema must be an inline Table Schema with a list of fields", "invalid-descriptor", str(desc_path)))
    return descriptor, problems


@dataclass
class Table:
    """A CSV table as text: its header and its rows (lists of strings), as stored."""

    header: list[str]
    rows: list[list[str]]
    numbers: list[int]  # row number of each row in the file (header = 1)

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[str]:
        i = self.header.index(name)
        return [r[i] for r in self.rows]


def read_table(root: Path, res: dict) -> tuple[Table | None, list[Problem]]:
    """Read one CSV resource as text; no cell is converted, no row is dropped silently."""
    name = res.get("name", "?")
    rel = res.get("path", "")
    path = root / rel
    if not path.is_file():
        return None, [Problem(name, None, None, None, f"file not found: {rel}", "missing-file", rel)]
    data = path.read_bytes()
    if not data.strip():
        return None, [Problem(name, None, None, None, "file is empty: expected a header row and data rows", "empty-file", rel)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        return None, [Problem(name, line, None, f"0x{byte}", f"not UTF-8 (byte at offset {exc.start}); save the file as UTF-8", "encoding-error", rel)]
    text = text.removeprefix("\ufeff")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return None, [Problem(name, None, None, None, f"malformed CSV: {exc}", "malformed-csv", rel)]
    header, body = records[0], records[1:]
    problems, rows, numbers = [], [], []
    width = len(header)
    for i, row in enumerate(body):
        if len(row) == width:
            if any(row):
                rows.append(row)
                numbers.append(i + 2)
            else:
                problems.append(Problem(name, i + 2, None, None, "blank row", "blank-row", rel))
        elif not row:
            problems.append(Problem(name, i + 2, None, None, "blank row", "blank-row", rel))
        else:
            problems.append(Problem(name, i + 2, None, None, f"row has {len(row)} cells, the header has {width}", "cell-count", rel))
    return Table(header, rows, numbers), problems


def read_package(path: str | os.PathLike | None = None) -> RawPackage:
    """Read a package's descriptor and every table as text, collecting read problems."""
    root = resolve(path)
    descriptor, problems = read_descriptor(root)
    raw = RawPackage(root, descriptor, problems=problems)
    for res in descriptor.get("resources", []):
        if "name" not in res or "path" not in res:
            continue
        frame, table_problems = read_table(root, res)
        raw.problems.extend(table_problems)
        if frame is not None:
            raw.tables[res["name"]] = frame
    return raw
