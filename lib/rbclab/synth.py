"""Synthetic data packages at any multiple of the bundled one, for benchmarks and scale tests.

``make_package(out, scale=100, seed=0)`` writes a valid package with the bundled schemas whose
tables hold ``scale`` copies of the real rows (reference tables such as ``provisions`` once).
Copy ``k`` (from 1) renames every key so that keys stay unique and references consistent:
string keys get the suffix ``-s<k>`` (case ids, source ids, vendor and incident ids), integer
keys are offset, OECD ids are left empty (they are unique and fixed-form), and enterprise names
get `` [s<k>]`` so the duplicate-case rule does not fire.  The seed orders each copy's rows, so
the same seed gives the same files.  Never committed as data: it is generated where needed.
"""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

from .read import DESCRIPTOR, bundled_path

#: Tables copied once, whatever the scale (reference data the others point at).
SHARED = frozenset({"provisions", "published_counts", "places"})
#: String key columns renamed in each copy, by table (others refer to them by foreign keys).
KEYS = {
    "sources": ("source_id",),
    "ncp_cases": ("case_id",),
    "incidents": ("incident_id",),
    "vendors": ("vendor_id",),
}
#: Columns that refer to a renamed key: (table, column) -> the key's table.
REFERENCES = {
    "case_id": "ncp_cases",
    "incident_id": "incidents",
    "vendor_id": "vendors",
}
#: Integer keys offset in each copy.
OFFSETS = {"incident_figures": "figure_id", "sanctions": "sanction_id", "surveilled_cities": "rank"}
LIST_REFERENCES = ("source_ids", "pages_read")


def _read(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _suffix(value: str, k: int) -> str:
    return f"{value}-s{k}" if value and k else value


def _copy_rows(
    name: str, header: list[str], rows: list[list[str]], k: int, offset: int, case_index: dict[str, int]
) -> list[list[str]]:
    """Copy ``k`` of a table's rows; ``case_index`` gives each case's row (to rename enterprise names alike)."""
    col = {c: i for i, c in enumerate(header)}
    out = []
    for row in rows:
        row = list(row)
        if k:
            original_case = row[col["case_id"]] if "case_id" in col else ""
            for c in KEYS.get(name, ()):
                row[col[c]] = _suffix(row[col[c]], k)
            for c, target in REFERENCES.items():
                if c in col and target != name:
                    row[col[c]] = _suffix(row[col[c]], k)
            for c in LIST_REFERENCES:
                if c in col and row[col[c]]:
                    row[col[c]] = ";".join(_suffix(item.strip(), k) for item in row[col[c]].split(";"))
            if name in OFFSETS and row[col[OFFSETS[name]]]:
                row[col[OFFSETS[name]]] = str(int(row[col[OFFSETS[name]]]) + k * offset)
            if name == "ncp_cases":
                row[col["oecd_id"]] = ""
                if row[col["enterprises"]]:
                    row[col["enterprises"]] += f" [s{k}.{case_index[original_case]}]"
            if name == "case_claims":
                if row[col["field"]] == "oecd_id":
                    continue  # the copies have no OECD id
                if row[col["field"]] == "enterprises":
                    row[col["value"]] += f" [s{k}.{case_index[original_case]}]"
        out.append(row)
    return out


def make_package(out: str | Path, scale: int = 1, seed: int = 0, source: str | Path | None = None) -> Path:
    """Write a synthetic package of ``scale`` times the bundled rows into ``out``; return ``out``.

    Parameters
    ----------
    out : str or Path
        The folder to write (created; its datapackage.json and CSV files are replaced).
    scale : int, default 1
        How many copies of the rows; 1 gives the bundled package without its hashes.
    seed : int, default 0
        Orders the rows of each copy.
    source : str or Path, optional
        The package to copy (the bundled one by default).

    Returns
    -------
    Path
    """
    src = Path(source) if source is not None else bundled_path()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    descriptor = json.loads((src / DESCRIPTOR).read_text(encoding="utf-8"))
    rng = random.Random(seed)
    cases = _read(src / "ncp_cases.csv")
    case_index = {row[cases[0].index("case_id")]: n for n, row in enumerate(cases[1:])}
    for res in descriptor["resources"]:
        res.pop("bytes", None)
        res.pop("hash", None)
        table = _read(src / res["path"])
        header, rows = table[0], table[1:]
        key = OFFSETS.get(res["name"])
        offset = max((int(r[header.index(key)]) for r in rows if r[header.index(key)]), default=0) if key else 0
        copies = 1 if res["name"] in SHARED else scale
        body: list[list[str]] = []
        for k in range(copies):
            part = _copy_rows(res["name"], header, rows, k, offset, case_index)
            if k and res["name"] != "case_events":
                rng.shuffle(part)
            body.extend(part)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header, *body])
        (out / res["path"]).write_text(buf.getvalue(), encoding="utf-8")
    descriptor["name"] = f"{descriptor.get('name', 'package')}-synthetic-{scale}x"
    descriptor["title"] = f"{descriptor.get('title', '')} (synthetic, {scale}x, seed {seed})"
    (out / DESCRIPTOR).write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    return out


def break_cells(root: str | Path, n: int, seed: int = 0) -> list[tuple[str, int, str]]:
    """Break ``n`` cells of a package in place; return the ``(table, row, field)`` of each.

    Each broken cell gets a value its field refuses: ``not-a-category`` in a field with an
    ``enum``, ``2025-02-30`` in a partial date.  Only such fields outside any key are broken
    (so one broken cell is one problem, not a cascade of dangling references); cells are
    drawn without replacement across the tables, deterministically from ``seed``.  Row
    numbers follow the validator's convention (header = row 1).

    Parameters
    ----------
    root : str or Path
        A package folder (for example one written by :func:`make_package`).
    n : int
        How many cells to break.
    seed : int, default 0
        Chooses the cells.

    Returns
    -------
    list of (str, int, str)
        Table name, row number and field of every broken cell.
    """
    root = Path(root)
    descriptor = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))
    tables: dict[str, tuple[Path, list[list[str]]]] = {}
    candidates: list[tuple[str, int, int, str, str]] = []
    for res in descriptor["resources"]:
        schema = res["schema"]
        keyed = set(schema.get("primaryKey", []) if isinstance(schema.get("primaryKey", []), list) else [])
        for fk in schema.get("foreignKeys", []):
            keyed.update([fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"])
        breakable = [
            (i, f["name"], "2025-02-30" if f.get("rbclab:partialDate") else "not-a-category")
            for i, f in enumerate(schema["fields"])
            if f["name"] not in keyed and ("enum" in f.get("constraints", {}) or f.get("rbclab:partialDate"))
        ]
        if not breakable:
            continue
        path = root / res["path"]
        data = _read(path)
        tables[res["name"]] = (path, data)
        for r in range(1, len(data)):
            for i, name, bad in breakable:
                candidates.append((res["name"], r, i, name, bad))
    if n > len(candidates):
        raise ValueError(f"the package has {len(candidates)} cells that can be broken, not {n}")
    chosen = random.Random(seed).sample(candidates, n)
    for table, r, i, _, bad in chosen:
        tables[table][1][r][i] = bad
    for path, data in tables.values():
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(data)
        path.write_text(buf.getvalue(), encoding="utf-8")
    return [(table, r + 1, name) for table, r, _, name, _ in chosen]
