"""Find a data package and read its tables as text, exactly as stored.

This layer knows where the data lives and how to turn a CSV file into rows of strings
without changing a single cell.  Checking and typing happen in :mod:`rbclab.validate` and
:mod:`rbclab.load`.

A package may come from anyone, so reading it is safe: a resource path must be a relative
path inside the package folder (no absolute path, no ``..``, no symlink that leads out, no
URL), and is refused without being opened otherwise; a descriptor nested too deeply, a
file that is not UTF-8 or not CSV, a cell of any length: each ends as a problem naming the
file, row and field, never as a traceback.

Row numbers follow the Frictionless convention used in every message: the header is
row 1, so the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

DESCRIPTOR = "datapackage.json"
#: Largest descriptor read (bytes); a data package's descriptor is a few hundred kB at most.
MAX_DESCRIPTOR_BYTES = 16 * 1024 * 1024
#: Deepest nesting of a descriptor's JSON: far beyond any real Table Schema.
MAX_DESCRIPTOR_DEPTH = 64

# a text cell may be long (a statement quoted in full): lift the csv module's 128 kB cap
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


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


def bundled_path() -> Path:
    """Folder of the data package that ships with rbclab.

    In an installed wheel it is the package's ``_data`` folder (copied from the repository's
    ``data/`` when the wheel is built); in a checkout installed with ``pip install -e .`` it is
    the repository's ``data/`` itself, the one place where the data is edited.
    """
    inside = Path(__file__).resolve().parent / "_data"
    checkout = Path(__file__).resolve().parents[2] / "data"
    for candidate in (checkout, inside):
        if (candidate / DESCRIPTOR).is_file() and (
            candidate is inside or (checkout.parent / "pyproject.toml").is_file()
        ):
            return candidate
    raise FileNotFoundError(
        "rbclab cannot find its bundled data package: reinstall rbclab, or set RBCLAB_DATA to a folder "
        "holding datapackage.json."
    )


def default_path() -> Path:
    """Directory of the default package: ``$RBCLAB_DATA`` if set, else :func:`bundled_path`."""
    env = os.environ.get("RBCLAB_DATA")
    if env:
        return Path(env)
    return bundled_path()


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
    #: the bytes of each table's file as read (for the ``bytes`` and ``hash`` checks)
    file_bytes: dict[str, bytes] = field(default_factory=dict)

    def resource(self, name: str) -> dict:
        for res in self.descriptor.get("resources", []):
            if res.get("name") == name:
                return res
        raise KeyError(f"no table named {name!r} in {self.root / DESCRIPTOR}")


def read_descriptor(root: Path) -> tuple[dict, list[Problem]]:
    """Read ``datapackage.json``; problems instead of exceptions."""
    desc_path = root / DESCRIPTOR

    def bad(message: str, fld: str | None = None, line: int | None = None) -> Problem:
        return Problem(DESCRIPTOR, line, fld, None, message, "invalid-descriptor", str(desc_path))

    if not desc_path.is_file():
        return {}, [
            Problem(DESCRIPTOR, None, None, None, f"no {DESCRIPTOR} in {root}", "missing-descriptor", str(desc_path))
        ]
    if desc_path.stat().st_size > MAX_DESCRIPTOR_BYTES:
        return {}, [bad(f"descriptor is larger than {MAX_DESCRIPTOR_BYTES:,} bytes")]
    try:
        text = desc_path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return {}, [bad(f"not UTF-8 (byte at offset {exc.start})")]
    depth = _max_depth(text)
    if depth > MAX_DESCRIPTOR_DEPTH:
        return {}, [bad(f"JSON nested {depth} levels deep (more than {MAX_DESCRIPTOR_DEPTH})")]
    try:
        descriptor = json.loads(text)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        return {}, [bad(f"not valid JSON: {exc}", line=getattr(exc, "lineno", None))]
    if not isinstance(descriptor, dict):
        return {}, [bad(f"expected a JSON object, found {type(descriptor).__name__}")]
    problems = []
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources or not all(isinstance(r, dict) for r in resources):
        problems.append(bad("expected a non-empty list of resource objects", "resources"))
        descriptor["resources"] = []
    for i, res in enumerate(descriptor["resources"]):
        if not isinstance(res.get("name", ""), str) or not isinstance(res.get("path", ""), str):
            problems.append(bad("resource name and path must be strings", f"resources[{i}]"))
            res.pop("path", None)
            continue
        for key in ("name", "path", "schema"):
            if key not in res:
                problems.append(
                    Problem(
                        DESCRIPTOR,
                        None,
                        f"resources[{i}].{key}",
                        None,
                        f"resource has no '{key}'",
                        "invalid-descriptor",
                        str(desc_path),
                    )
                )
        if not isinstance(res.get("schema", {}), dict) or not isinstance(res.get("schema", {}).get("fields", []), list):
            problems.append(
                Problem(
                    DESCRIPTOR,
                    None,
                    f"resources[{i}].schema",
                    None,
                    "schema must be an inline Table Schema with a list of fields",
                    "invalid-descriptor",
                    str(desc_path),
                )
            )
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


def _max_depth(text: str) -> int:
    """Deepest nesting of brackets in a JSON text (strings skipped), without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def safe_path(root: Path, rel: str) -> tuple[Path | None, str | None]:
    """The file of a resource path inside ``root``, or ``(None, why)`` if it would leave it.

    Refused without touching the file: URLs, absolute paths, ``..`` segments, and paths
    whose real location (after following symlinks) is outside the package folder.
    """
    if "://" in rel or rel.startswith(("http:", "https:", "ftp:", "file:")):
        return None, "remote resources are not read (download the file into the package folder)"
    if not rel or rel.startswith(("/", "\\")) or (len(rel) > 1 and rel[1] == ":") or "\x00" in rel:
        return None, "resource path must be a relative path inside the package folder"
    if ".." in PurePosixPath(rel.replace("\\", "/")).parts:
        return None, "resource path must not contain '..'"
    path = root / rel
    try:
        real, base = path.resolve(), root.resolve()
    except (OSError, RuntimeError):
        return None, "resource path cannot be resolved"
    if base != real and base not in real.parents:
        return None, "resource path leads outside the package folder (through a symlink)"
    return path, None


def read_table(root: Path, res: dict) -> tuple[Table | None, list[Problem], bytes | None]:
    """Read one CSV resource as text; no cell is converted, no row is dropped silently."""
    name = res.get("name", "?")
    rel = res.get("path", "")
    path, why = safe_path(root, rel)
    if path is None:
        return None, [Problem(name, None, "path", rel[:200], why or "unsafe path", "unsafe-path", DESCRIPTOR)], None
    if not path.is_file():
        return None, [Problem(name, None, None, None, f"file not found: {rel}", "missing-file", rel)], None
    data = path.read_bytes()
    if not data.strip():
        return (
            None,
            [Problem(name, None, None, None, "file is empty: expected a header row and data rows", "empty-file", rel)],
            data,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        return (
            None,
            [
                Problem(
                    name,
                    line,
                    None,
                    f"0x{byte}",
                    f"not UTF-8 (byte at offset {exc.start}); save the file as UTF-8",
                    "encoding-error",
                    rel,
                )
            ],
            data,
        )
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        # the reader's line count is the physical line where parsing failed
        return (
            None,
            [
                Problem(
                    name,
                    reader.line_num,
                    None,
                    None,
                    f"malformed CSV near line {reader.line_num}: {exc}",
                    "malformed-csv",
                    rel,
                )
            ],
            data,
        )
    header, body = records[0], records[1:]
    if len(set(header)) < len(header):
        dup = next(h for h in header if header.count(h) > 1)
        return (
            None,
            [Problem(name, 1, dup, None, "column name appears twice in the header", "duplicate-column", rel)],
            data,
        )
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
            problems.append(
                Problem(name, i + 2, None, None, f"row has {len(row)} cells, the header has {width}", "cell-count", rel)
            )
    return Table(header, rows, numbers), problems, data


def read_package(path: str | os.PathLike | None = None) -> RawPackage:
    """Read a package's descriptor and every table as text, collecting read problems."""
    root = resolve(path)
    descriptor, problems = read_descriptor(root)
    raw = RawPackage(root, descriptor, problems=problems)
    for res in descriptor.get("resources", []):
        if "name" not in res or "path" not in res:
            continue
        frame, table_problems, data = read_table(root, res)
        raw.problems.extend(table_problems)
        if data is not None:
            raw.file_bytes[res["name"]] = data
        if frame is not None:
            raw.tables[res["name"]] = frame
    return raw
