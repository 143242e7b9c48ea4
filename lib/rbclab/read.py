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
import gc
import io
import json
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

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


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cycle collector while a package is read and checked.

    Reading makes millions of small objects (cells, row keys) and no reference cycles; the
    collector would otherwise walk the growing heap again and again.  Memory is still freed
    by reference counting; the collector's state is restored afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    #: values the checks work out from the tables once and share (tables are not changed after reading)
    derived: dict[str, object] = field(default_factory=dict, repr=False)

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
    try:
        descriptor = json.loads(text)
    except RecursionError:  # the parser gives up long before the stack could
        return {}, [bad(f"JSON nested too deeply (more than {MAX_DESCRIPTOR_DEPTH} levels)")]
    except (json.JSONDecodeError, ValueError) as exc:
        return {}, [bad(f"not valid JSON: {exc}", line=getattr(exc, "lineno", None))]
    depth = _max_depth(descriptor)
    if depth > MAX_DESCRIPTOR_DEPTH:
        return {}, [bad(f"JSON nested {depth} levels deep (more than {MAX_DESCRIPTOR_DEPTH})")]
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


class Columns(Mapping[str, list[str]]):
    """A table's columns by name, each the list of its cells top to bottom.

    A column may be held in dictionary form, its distinct cells and one code per row (as
    the fast reader finds it): the list is then spelled out on first use, from references to
    the distinct cells, and :meth:`Table.coded` and :meth:`Table.distinct` need no list at all.
    """

    def __init__(
        self,
        lists: dict[str, list[str]] | None = None,
        coded: dict[str, tuple[list[str], Any]] | None = None,
        names: list[str] | None = None,
    ):
        self._lists = dict(lists or {})
        self._coded = dict(coded or {})
        self._names = names or [*self._lists, *(n for n in self._coded if n not in self._lists)]

    def __getitem__(self, name: str) -> list[str]:
        found = self._lists.get(name)
        if found is None:
            import numpy as np

            uniques, codes = self._coded[name]
            found = self._lists[name] = np.array(uniques, dtype=object)[codes].tolist() if len(codes) else []
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._lists or name in self._coded

    def coded(self, name: str) -> tuple[list[str], Any] | None:
        """The distinct cells and per-row codes of a column held in dictionary form, else None."""
        return self._coded.get(name)


@dataclass
class Table:
    """A CSV table as text: its header and its cells, column by column, exactly as stored."""

    header: list[str]
    columns: Columns
    numbers: list[int]  # row number of each row in the file (header = 1)
    _distinct: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.columns, Columns):
            self.columns = Columns(self.columns)

    @classmethod
    def from_rows(cls, header: list[str], rows: list[list[str]], numbers: list[int]) -> Table:
        """A table from its rows (lists of cells in header order)."""
        cells = list(zip(*rows)) if rows else [()] * len(header)
        return cls(header, Columns({h: list(col) for h, col in zip(header, cells)}), numbers)

    def __len__(self) -> int:
        return len(self.numbers)

    def column(self, name: str) -> list[str]:
        """The cells of one column, top to bottom."""
        return self.columns[name]

    def coded(self, name: str) -> tuple[list[str], Any]:
        """One column as its distinct cells and a numpy array of codes, one per row.

        ``uniques[codes[i]]`` is the cell of row ``i``; every listed cell occurs at least once.
        """
        found = self.columns.coded(name)
        if found is None:
            import numpy as np

            cells = self.columns[name]
            uniques = list(dict.fromkeys(cells))  # in order of first appearance
            code_of = {v: i for i, v in enumerate(uniques)}
            codes = np.fromiter(map(code_of.__getitem__, cells), dtype=np.intp, count=len(cells))
            found = self.columns._coded[name] = (uniques, codes)
        return found

    def distinct(self, name: str) -> frozenset[str]:
        """The distinct cells of one column (worked out once: a table is not changed after reading)."""
        found = self._distinct.get(name)
        if found is None:
            coded = self.columns.coded(name)
            found = self._distinct[name] = frozenset(coded[0] if coded else self.columns[name])
        return found

    def has_empty(self, name: str) -> bool:
        """True when some cell of the column is empty."""
        coded = self.columns.coded(name)
        return "" in (coded[0] if coded else self.columns[name])

    def where(self, name: str, cells: set[str] | frozenset[str] | dict[str, Any]) -> Iterator[tuple[int, str]]:
        """(row number, cell) of each row whose cell of ``name`` is one of ``cells``, top to bottom."""
        coded = self.columns.coded(name)
        if coded is None:
            yield from ((num, v) for v, num in zip(self.columns[name], self.numbers) if v in cells)
            return
        import numpy as np

        uniques, codes = coded
        wanted = np.fromiter((u in cells for u in uniques), dtype=bool, count=len(uniques))
        for i in np.flatnonzero(wanted[codes]).tolist():
            yield self.numbers[i], uniques[codes[i]]

    def has_repeats(self, names: list[str]) -> bool:
        """True when two rows hold the same cells in the named columns."""
        if len(names) == 1:
            return len(self.distinct(names[0])) < len(self)
        return len(set(zip(*(self.columns[n] for n in names)))) < len(self)

    @property
    def rows(self) -> list[list[str]]:
        """The cells row by row, in header order (built on each call: prefer :meth:`column`)."""
        return [list(r) for r in zip(*(self.columns[h] for h in self.header))]


def _max_depth(value: object) -> int:
    """Deepest nesting of lists and objects in parsed JSON (a scalar is 0), without recursion."""
    deepest = 0
    todo = [(value, 1)]
    while todo:
        item, depth = todo.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        todo.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
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
    if not data or data.isspace():
        return (
            None,
            [Problem(name, None, None, None, "file is empty: expected a header row and data rows", "empty-file", rel)],
            data,
        )
    body = data.removeprefix(b"\xef\xbb\xbf")
    header = _header(body)
    if header is not None:
        if len(set(header)) < len(header):
            return None, [_duplicate_column(name, rel, header)], data
        fast = _read_fast(body, header)
        if fast is not None:
            table, blank = fast
            return table, [Problem(name, n, None, None, "blank row", "blank-row", rel) for n in blank], data
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
    return _read_strict(name, rel, text.removeprefix("\ufeff"), data)


def _duplicate_column(name: str, rel: str, header: list[str]) -> Problem:
    dup = next(h for h in header if header.count(h) > 1)
    return Problem(name, 1, dup, None, "column name appears twice in the header", "duplicate-column", rel)


#: How much of a file is decoded to find its header before the whole file is read.
_HEADER_BYTES = 1 << 16


def _header(body: bytes) -> list[str] | None:
    """The first record of a CSV file's bytes, or ``None`` when that takes more than a look at its start.

    ``None`` (a bad byte, a malformed or very long header) leaves the file to the strict reader.
    """
    prefix = body[:_HEADER_BYTES]
    try:
        head = prefix.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(prefix) - 4:
            return None
        head = prefix[: exc.start].decode("utf-8")  # the cut fell inside a character
    records = csv.reader(io.StringIO(head, newline=""), strict=True)
    try:
        first = next(records, None)
        complete = len(prefix) == len(body) or next(records, None) is not None
    except csv.Error:
        return None
    return first if first and complete else None


def _quotes_are_plain(body: bytes) -> bool:
    """True when every ``"`` opens a field, closes one, or doubles a quote inside one.

    That is the only quoting the strict reader accepts and every CSV parser reads alike; a
    file with any other quote (a stray quote inside an unquoted cell, text after a closing
    quote, a quote left open) is read by the strict reader, which names the line.
    """
    import numpy as np

    if b'"' not in body:
        return True
    chars = np.frombuffer(body, dtype=np.uint8)
    # found a block at a time: one comparison over a large file would first allocate its size
    step = 1 << 20
    hits = np.empty(min(step, len(chars)), dtype=bool)
    found = []
    for start in range(0, len(chars), step):
        block = chars[start : start + step]
        np.equal(block, 34, out=hits[: len(block)])
        found.append(np.flatnonzero(hits[: len(block)]) + start)
    quotes = np.concatenate(found)
    if len(quotes) % 2:
        return False
    boundary = np.zeros(256, dtype=bool)
    boundary[[44, 13, 10, 34]] = True  # , CR LF "
    opening, closing = quotes[0::2], quotes[1::2]
    if not (boundary[chars[np.maximum(opening - 1, 0)]] | (opening == 0)).all():
        return False
    return bool((boundary[chars[np.minimum(closing + 1, len(chars) - 1)]] | (closing == len(chars) - 1)).all())


#: Files smaller than this are read by the strict reader: for them it is the quicker of the two.
_FAST_FROM_BYTES = 32 * 1024
#: pyarrow parses a file this many bytes at a time (one thread: on two cores its pool cost more
#: than it saved); each block has its own dictionaries, unified per column afterwards, so
#: blocks much smaller cost more in unifying than larger ones save in parsing.
_BLOCK_BYTES = 4 << 20


def _read_fast(body: bytes, header: list[str], min_bytes: int = _FAST_FROM_BYTES) -> tuple[Table, list[int]] | None:
    """Read a CSV file's cells with pyarrow's parser; ``None`` to leave it to the strict reader.

    ``None`` when pyarrow is not installed, for a small file, when the quoting is not plain (see
    :func:`_quotes_are_plain`), or when pyarrow finds anything wrong (a row of another width,
    a cell longer than its block): the strict reader then reads the file and names the
    problem.  Returns the table and the row numbers of blank rows (left out of the table).
    """
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    if len(body) < min_bytes or not _quotes_are_plain(body):
        return None
    try:
        arrow = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(use_threads=False, block_size=_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            # each column in dictionary form, built by the parser: a Python string per
            # distinct cell later, not one per cell
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.dictionary(pa.int32(), pa.string()) for h in header},
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    if arrow.column_names != header:
        return None
    import numpy as np

    coded: dict[str, tuple[list[str], Any]] = {}
    for i, h in enumerate(header):
        # one dictionary for the column: each block of the file was given its own
        chunks = arrow.column(i).unify_dictionaries().chunks
        if not chunks:
            coded[h] = ([], np.zeros(0, dtype=np.int32))
            continue
        indices = [c.indices.to_numpy() for c in chunks]
        coded[h] = (chunks[0].dictionary.to_pylist(), indices[0] if len(indices) == 1 else np.concatenate(indices))
    numbers = list(range(2, arrow.num_rows + 2))
    # a blank row has every cell empty: only possible if every column has an empty cell
    if not header or not all("" in coded[h][0] for h in header):
        return Table(header, Columns(coded=coded), numbers), []
    blank = np.ones(arrow.num_rows, dtype=bool)
    for h in header:
        uniques, codes = coded[h]
        blank &= codes == uniques.index("")
    if not blank.any():
        return Table(header, Columns(coded=coded), numbers), []
    keep = np.flatnonzero(~blank)
    kept = {h: (uniques, codes[keep]) for h, (uniques, codes) in coded.items()}
    # a distinct cell found only in the blank rows is no longer in the table: spell those out
    lists = {h: Columns(coded={h: kept[h]})[h] for h in header if len(np.unique(kept[h][1])) < len(kept[h][0])}
    columns = Columns(lists, {h: c for h, c in kept.items() if h not in lists}, header)
    table = Table(header, columns, (keep + 2).tolist())
    return table, (np.flatnonzero(blank) + 2).tolist()


def _read_strict(name: str, rel: str, text: str, data: bytes) -> tuple[Table | None, list[Problem], bytes | None]:
    """Read a CSV text with the csv module in strict mode, naming the line of any malformed record."""
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
    if not records:
        return (
            None,
            [Problem(name, None, None, None, "file is empty: expected a header row and data rows", "empty-file", rel)],
            data,
        )
    header, body = records[0], records[1:]
    if len(set(header)) < len(header):
        return None, [_duplicate_column(name, rel, header)], data
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
    return Table.from_rows(header, rows, numbers), problems, data


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
