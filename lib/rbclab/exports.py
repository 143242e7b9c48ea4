"""Data out: every table of a package, with its types, keys and provenance, in the formats researchers use.

``export(out, fmt, package=None)`` writes, from the validated package:

- ``csv``: the package itself (datapackage.json and the CSV files, byte for byte), so the
  Table Schemas travel with the data;
- ``parquet``: one file per table, with the loaders' dtypes (dates as dates beside their
  ``_precision`` column, categories, nullable integers) and the data version, the resource's
  hash and the package name in the file's metadata (key ``rbclab``);
- ``sqlite``: one database with a table per resource (primary and foreign keys declared;
  dates as ISO text at the source's precision, with a ``_precision`` column), a link table
  ``<table>__<field>`` for each list of sources so that ``source_ids`` are foreign keys too,
  and a ``_rbclab_metadata`` table (version, hashes); ``PRAGMA foreign_key_check`` is clean;
- ``duckdb``: the same schema in DuckDB, with dates as ``DATE``;
- ``xlsx``: one sheet per table and a README sheet (what each table holds, the version, hashes).

pyarrow, duckdb and openpyxl are the ``export`` extra, imported by the format that needs them.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pandas as pd

from .datatools import data_checksums, data_version
from .load import STRING, load_package
from .read import DESCRIPTOR, resolve
from .values import split_list

FORMATS = ("parquet", "sqlite", "duckdb", "xlsx", "csv")
METADATA_TABLE = "_rbclab_metadata"


def _descriptor(root: Path) -> dict:
    return json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))


def _metadata(root: Path) -> dict:
    descriptor = _descriptor(root)
    return {
        "package": descriptor.get("name", ""),
        "title": descriptor.get("title", ""),
        "data_version": data_version(root),
        "files": {f.path: f.sha256 for f in data_checksums(root)},
    }


def _keys(res: dict) -> tuple[list[str], list[tuple[list[str], str, list[str]]]]:
    schema = res["schema"]
    pk = schema.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else list(pk)
    fks = []
    for fk in schema.get("foreignKeys", []):
        fields = [fk["fields"]] if isinstance(fk["fields"], str) else list(fk["fields"])
        ref = fk["reference"]
        ref_fields = [ref["fields"]] if isinstance(ref["fields"], str) else list(ref["fields"])
        fks.append((fields, ref["resource"] or res["name"], ref_fields))
    return pk, fks


def _ordered(descriptor: dict) -> list[dict]:
    """Resources with every table after the tables its foreign keys point at."""
    pending = {r["name"]: r for r in descriptor["resources"]}
    done: list[dict] = []
    while pending:
        for name, res in list(pending.items()):
            targets = {t for _, t, _ in _keys(res)[1]} | {
                f["rbclab:itemForeignKey"]["resource"] for f in res["schema"]["fields"] if "rbclab:itemForeignKey" in f
            }
            if not (targets - {name}) & set(pending):
                done.append(res)
                del pending[name]
    return done


def _text_frame(root: Path, res: dict) -> pd.DataFrame:
    """The table as stored (text), for the SQL formats: partial dates keep their precision."""
    return pd.read_csv(root / res["path"], dtype=str, keep_default_na=False, na_values=[])


_SQLITE = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "string": "TEXT"}
_DUCK = {"integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "string": "VARCHAR"}


def _columns(res: dict, types: dict[str, str], date_type: str) -> list[tuple[str, str]]:
    out = []
    for f in res["schema"]["fields"]:
        if f.get("rbclab:partialDate"):
            out += [(f["name"], date_type), (f"{f['name']}_precision", types["string"])]
        else:
            out.append((f["name"], types.get(f.get("type", "string"), types["string"])))
    return out


def _sql_value(field: dict, value: str, for_duckdb: bool):
    if value == "":
        return None
    kind = field.get("type", "string")
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        truth = value in field.get("trueValues", ["true"])
        return truth if for_duckdb else int(truth)
    return value


def _precision(value: str) -> str | None:
    return {4: "year", 7: "month", 10: "day"}.get(len(value)) if value else None


def _rows(res: dict, frame: pd.DataFrame, for_duckdb: bool) -> list[tuple]:
    out = []
    fields = res["schema"]["fields"]
    for record in frame.itertuples(index=False):
        row: list = []
        for f, value in zip(fields, record):
            if f.get("rbclab:partialDate"):
                if for_duckdb:  # a DATE: the first day of the period, beside its precision
                    row += [
                        None if not value else (value + "-01-01")[:10] if len(value) == 4 else (value + "-01")[:10],
                        _precision(value),
                    ]
                else:
                    row += [value or None, _precision(value)]
            else:
                row.append(_sql_value(f, value, for_duckdb))
        out.append(tuple(row))
    return out


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ddl(res: dict, types: dict[str, str], date_type: str) -> str:
    pk, fks = _keys(res)
    parts = [f"{_q(c)} {t}" for c, t in _columns(res, types, date_type)]
    if pk:
        parts.append(f"PRIMARY KEY ({', '.join(map(_q, pk))})")
    for fields, target, ref_fields in fks:
        parts.append(
            f"FOREIGN KEY ({', '.join(map(_q, fields))}) REFERENCES {_q(target)} ({', '.join(map(_q, ref_fields))})"
        )
    return f"CREATE TABLE {_q(res['name'])} ({', '.join(parts)})"


def _links(res: dict, frame: pd.DataFrame) -> list[tuple[str, str, list[str], str, list[tuple]]]:
    """Link tables for list foreign keys: (name, target table, key, target field, rows of (key..., position, item))."""
    pk, _ = _keys(res)
    out: list[tuple[str, str, list[str], str, list[tuple]]] = []
    if not pk:
        return out
    for f in res["schema"]["fields"]:
        ref = f.get("rbclab:itemForeignKey")
        if not ref:
            continue
        sep = f.get("rbclab:listSeparator")
        rows = []
        for record in frame[[*pk, f["name"]]].itertuples(index=False):
            *key, cell = record
            for position, item in enumerate(split_list(cell, sep), 1):
                rows.append((*key, position, item))
        out.append((f"{res['name']}__{f['name']}", ref["resource"], pk, ref["field"], rows))
    return out


def _link_ddl(name: str, table: str, pk: list[str], target: str, target_field: str, types: dict[str, str]) -> str:
    cols = [f"{_q(c)} {types.get(c, 'TEXT')}" for c in pk] + ['"position" INTEGER', f"{_q(target_field)} TEXT"]
    return (
        f"CREATE TABLE {_q(name)} ({', '.join(cols)}, PRIMARY KEY ({', '.join(map(_q, [*pk, 'position']))}), "
        f"FOREIGN KEY ({', '.join(map(_q, pk))}) REFERENCES {_q(table)} ({', '.join(map(_q, pk))}), "
        f"FOREIGN KEY ({_q(target_field)}) REFERENCES {_q(target)} ({_q(target_field)}))"
    )


def _insert(con, table: str, columns: list[str], rows: list[tuple], for_duckdb: bool) -> None:
    if not rows:
        return
    if for_duckdb:  # DuckDB inserts a registered frame in one go; row by row it is slow
        frame = pd.DataFrame.from_records(rows, columns=columns)
        con.register("_rbclab_rows", frame)
        try:
            con.execute(f"INSERT INTO {_q(table)} SELECT * FROM _rbclab_rows")
        finally:
            con.unregister("_rbclab_rows")
        return
    marks = ", ".join("?" for _ in columns)
    con.executemany(f"INSERT INTO {_q(table)} VALUES ({marks})", rows)


def _write_sql(con, root: Path, for_duckdb: bool) -> None:
    descriptor = _descriptor(root)
    types = _DUCK if for_duckdb else _SQLITE
    date_type = "DATE" if for_duckdb else "TEXT"
    links = []
    for res in _ordered(descriptor):
        frame = _text_frame(root, res)
        con.execute(_ddl(res, types, date_type))
        cols = _columns(res, types, date_type)
        _insert(con, res["name"], [c for c, _ in cols], _rows(res, frame, for_duckdb), for_duckdb)
        col_types = dict(cols)
        for link in _links(res, frame):
            name, target, pk, target_field, rows = link
            fields = {f["name"]: f for f in res["schema"]["fields"]}
            typed = [
                (*(_sql_value(fields[c], v, for_duckdb) for c, v in zip(pk, r[: len(pk)])), *r[len(pk) :]) for r in rows
            ]
            links.append((res["name"], name, target, pk, target_field, typed, col_types))
    for table, name, target, pk, target_field, rows, col_types in links:
        con.execute(_link_ddl(name, table, pk, target, target_field, col_types))
        _insert(con, name, [*pk, "position", target_field], rows, for_duckdb)
    meta = _metadata(root)
    con.execute(f'CREATE TABLE {METADATA_TABLE} ("key" VARCHAR PRIMARY KEY, "value" VARCHAR)')
    con.executemany(
        f"INSERT INTO {METADATA_TABLE} VALUES (?, ?)",
        [
            ("package", meta["package"]),
            ("data_version", meta["data_version"]),
            *((f"sha256:{path}", digest) for path, digest in meta["files"].items()),
        ],
    )


def export(out: str | Path, fmt: str, package: str | Path | None = None) -> Path:
    """Write every table of a package in one format.

    Parameters
    ----------
    out : str or Path
        A folder for ``parquet`` and ``csv``; a file for ``sqlite``, ``duckdb`` and ``xlsx``
        (replaced if it exists).
    fmt : str
        One of :data:`FORMATS`.
    package : str or Path, optional
        A data package folder; the bundled package by default.  It is validated first.

    Returns
    -------
    Path
        What was written.

    Examples
    --------
    >>> import tempfile, sqlite3, pathlib
    >>> db = export(pathlib.Path(tempfile.mkdtemp()) / "rbclab.sqlite", "sqlite")
    >>> con = sqlite3.connect(db); con.execute("PRAGMA foreign_key_check").fetchall()
    []
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    root = resolve(package).resolve()
    tables = load_package(root)  # validates: nothing broken is exported
    out = Path(out)
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
        for name in [DESCRIPTOR, *(r["path"] for r in _descriptor(root)["resources"])]:
            shutil.copyfile(root / name, out / name)
        return out
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        out.mkdir(parents=True, exist_ok=True)
        meta = _metadata(root)
        for res in _descriptor(root)["resources"]:
            table = pa.Table.from_pandas(tables[res["name"]], preserve_index=False)
            info = {
                "table": res["name"],
                "package": meta["package"],
                "data_version": meta["data_version"],
                "sha256": meta["files"].get(res["path"], ""),
            }
            table = table.replace_schema_metadata(
                {**(table.schema.metadata or {}), b"rbclab": json.dumps(info).encode()}
            )
            pq.write_table(table, out / f"{res['name']}.parquet")
        return out
    if out.exists():
        out.unlink()
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "sqlite":
        con = sqlite3.connect(out)
        try:
            con.execute("PRAGMA foreign_keys = ON")
            _write_sql(con, root, for_duckdb=False)
            con.commit()
        finally:
            con.close()
        return out
    if fmt == "duckdb":
        import duckdb

        duck = duckdb.connect(str(out))
        try:
            _write_sql(duck, root, for_duckdb=True)
        finally:
            duck.close()
        return out
    # xlsx
    descriptor = _descriptor(root)
    meta = _metadata(root)
    readme = pd.DataFrame(
        [
            {
                "sheet": r["name"],
                "rows": len(tables[r["name"]]),
                "title": r.get("title", ""),
                "description": r.get("description", ""),
                "sha256": meta["files"].get(r["path"], ""),
            }
            for r in descriptor["resources"]
        ]
    )
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        head = pd.DataFrame(
            {
                "": [
                    descriptor.get("title", ""),
                    f"data version {meta['data_version']}",
                    "One sheet per table; partial dates keep their precision in the <date>_precision column.",
                ]
            }
        )
        head.to_excel(writer, sheet_name="README", index=False, header=False)
        readme.to_excel(writer, sheet_name="README", index=False, startrow=4)
        for res in descriptor["resources"]:
            frame = tables[res["name"]].copy()
            for col in frame.columns:
                if isinstance(frame[col].dtype, pd.CategoricalDtype) or str(frame[col].dtype) in ("string", "boolean"):
                    frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
            frame.to_excel(writer, sheet_name=res["name"][:31], index=False)
    return out


def read_parquet(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Read a parquet export back into frames equal to :func:`rbclab.load_package`'s.

    Parameters
    ----------
    folder : str or Path
        A folder written by ``export(..., "parquet")``.

    Returns
    -------
    dict of str to DataFrame
        One frame per table; text columns get the loaders' string dtype again (Parquet keeps
        "string" but not its storage).
    """
    out = {}
    for path in sorted(Path(folder).glob("*.parquet")):
        frame = pd.read_parquet(path)
        text = [c for c in frame.columns if isinstance(frame[c].dtype, pd.StringDtype)]
        out[path.stem] = frame.astype(dict.fromkeys(text, STRING))
    return out
