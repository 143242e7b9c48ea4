"""The subset of Table Schema that rbclab checks itself, and a clear refusal of the rest.

Checked here (as Frictionless also checks them): the header (names and order), the field
types ``string``, ``integer``, ``number`` and ``boolean`` (with ``trueValues`` /
``falseValues``), the constraints ``required``, ``unique``, ``pattern``, ``enum``,
``minimum``, ``maximum``, ``exclusiveMinimum``, ``exclusiveMaximum``, ``minLength`` and
``maxLength``, the schema's ``primaryKey`` and ``foreignKeys``, and ``missingValues`` when
it is the default ``[""]``.  Beside them, four rbclab extensions: ``rbclab:partialDate``
(``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), ``rbclab:listSeparator``, ``rbclab:itemEnum`` and
``rbclab:itemForeignKey`` (each item of a list cell).

Anything else a descriptor asks for (another type, a ``format`` other than ``default``,
other ``missingValues``, an unknown constraint) is not silently ignored: it is reported as
an ``unsupported-constraint`` problem naming the field and the keyword, so that a package
is never called valid for a rule nobody checked.  ``rbclab validate --frictionless`` runs
Frictionless, which knows the whole standard.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import filterfalse

from .read import Problem, RawPackage, Table
from .values import LIST_SEPARATOR, partial_date, split_list

INTEGER = re.compile(r"^-?\d+$")

SUPPORTED_TYPES = frozenset({"string", "integer", "number", "boolean"})
SUPPORTED_CONSTRAINTS = frozenset(
    {
        "required",
        "unique",
        "pattern",
        "enum",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
    }
)
#: Field keys that only document a field, or that are checked here.
FIELD_KEYS = frozenset(
    {
        "name",
        "type",
        "title",
        "description",
        "constraints",
        "format",
        "trueValues",
        "falseValues",
        "example",
        "rdfType",
        "rbclab:partialDate",
        "rbclab:listSeparator",
        "rbclab:itemEnum",
        "rbclab:itemForeignKey",
    }
)
SCHEMA_KEYS = frozenset({"fields", "primaryKey", "foreignKeys", "missingValues", "title", "description", "$schema"})

Add = Callable[[dict, "int | None", "str | None", "str | None", str, str], None]


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def unsupported(res: dict) -> list[tuple[str | None, str]]:
    """(field, message) for every keyword of a resource's schema that is not checked here."""
    schema = res.get("schema", {})
    found: list[tuple[str | None, str]] = []
    for key in schema:
        if key not in SCHEMA_KEYS:
            found.append((None, f"schema keyword '{key}'"))
    missing = schema.get("missingValues", [""])
    if missing != [""]:
        found.append((None, f'missingValues {missing!r} (only the default [""] is supported)'))
    for f in schema.get("fields", []):
        name = f.get("name")
        for key in f:
            if key not in FIELD_KEYS:
                found.append((name, f"field keyword '{key}'"))
        if f.get("type", "string") not in SUPPORTED_TYPES:
            found.append((name, f"type '{f.get('type')}'"))
        if f.get("format", "default") != "default":
            found.append((name, f"format '{f.get('format')}'"))
        for key in f.get("constraints", {}):
            if key not in SUPPORTED_CONSTRAINTS:
                found.append((name, f"constraint '{key}'"))
    return found


def malformed(res: dict) -> list[tuple[str | None, str]]:
    """(field, message) for every part of a schema that is not of the form Table Schema defines."""
    schema = res.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return [(None, "schema must be an object with a list of fields")]
    found: list[tuple[str | None, str]] = []
    for i, f in enumerate(schema["fields"]):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str):
            found.append((f"fields[{i}]", "a field must be an object with a string name"))
            continue
        cons = f.get("constraints", {})
        if not isinstance(cons, dict):
            found.append((f["name"], "constraints must be an object"))
            continue
        if "pattern" in cons:
            try:
                re.compile(str(cons["pattern"]))
            except re.error as exc:
                found.append((f["name"], f"pattern is not a valid regular expression: {exc}"))
        if "enum" in cons and not isinstance(cons["enum"], list):
            found.append((f["name"], "enum must be a list"))
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength"):
            if key in cons and (isinstance(cons[key], bool) or not isinstance(cons[key], (int, float))):
                found.append((f["name"], f"{key} must be a number"))
        for key in ("rbclab:itemEnum", "trueValues", "falseValues"):
            if key in f and not (isinstance(f[key], list) and all(isinstance(v, str) for v in f[key])):
                found.append((f["name"], f"{key} must be a list of strings"))
        if "rbclab:listSeparator" in f and not (
            isinstance(f["rbclab:listSeparator"], str) and f["rbclab:listSeparator"]
        ):
            found.append((f["name"], "rbclab:listSeparator must be a non-empty string"))
        ref = f.get("rbclab:itemForeignKey")
        if ref is not None and not (
            isinstance(ref, dict) and isinstance(ref.get("resource"), str) and isinstance(ref.get("field"), str)
        ):
            found.append((f["name"], "rbclab:itemForeignKey needs a resource and a field"))
    names = {f.get("name") for f in schema["fields"] if isinstance(f, dict)}
    pk = schema.get("primaryKey")
    if pk is not None:
        keys = [pk] if isinstance(pk, str) else pk
        if not isinstance(keys, list) or not all(isinstance(k, str) and k in names for k in keys):
            found.append((None, "primaryKey must name fields of the schema"))
    for fk in schema.get("foreignKeys", []) if isinstance(schema.get("foreignKeys", []), list) else [None]:
        reference = fk.get("reference") if isinstance(fk, dict) else None
        ok = isinstance(fk, dict) and isinstance(reference, dict)
        if isinstance(fk, dict) and isinstance(reference, dict):
            fields, ref_fields = fk.get("fields"), reference.get("fields")
            fields = [fields] if isinstance(fields, str) else fields
            ref_fields = [ref_fields] if isinstance(ref_fields, str) else ref_fields
            ok = (
                isinstance(fields, list)
                and isinstance(ref_fields, list)
                and len(fields) == len(ref_fields)
                and all(isinstance(x, str) for x in fields + ref_fields)
                and isinstance(reference.get("resource"), str)
            )
        if not ok:
            found.append((None, "a foreign key needs fields and a reference with resource and fields"))
    return found


def check_unsupported(res: dict, add: Add) -> bool:
    """Report keywords outside the subset; True if there were none."""
    found = unsupported(res)
    for name, what in found:
        add(
            res,
            None,
            name,
            None,
            f"{what} is not checked by rbclab; remove it, or validate with `rbclab validate --frictionless`",
            "unsupported-constraint",
        )
    return not found


def check_header(res: dict, table: Table, add: Add) -> bool:
    """Header names and order match the schema; True if every schema column is present."""
    expected = [f["name"] for f in res["schema"].get("fields", [])]
    actual = table.header
    if actual == expected:
        return True
    missing = [c for c in expected if c not in actual]
    extra = [c for c in actual if c not in expected]
    for c in missing:
        add(
            res,
            None,
            c,
            None,
            f"column missing from the header (expected columns: {', '.join(expected)})",
            "missing-column",
        )
    for c in extra:
        add(res, None, c, None, "column not in the schema", "extra-column")
    if not missing and not extra:
        add(res, None, None, ",".join(actual), f"columns out of order: expected {','.join(expected)}", "column-order")
    return not missing


def _suspects(f: dict, distinct: frozenset[str]) -> frozenset[str] | set[str]:
    """The distinct values that may fail a check of ``f``: a quick first pass, in C where it can be.

    For text fields checked by ``required``, ``unique``, ``enum``, ``pattern`` and partial
    dates, a value that is empty, outside the enum, not matching the pattern or not a real
    date is a suspect; :func:`_verdicts` then says what is wrong with each.  Other fields
    keep every value.
    """
    cons = f.get("constraints", {})
    if (
        f.get("type", "string") != "string"
        or "rbclab:itemEnum" in f
        or set(cons) - {"required", "unique", "pattern", "enum"}
    ):
        return distinct
    rest = distinct - {""}
    out = set(distinct - rest)
    if "enum" in cons:
        out |= rest - {str(v) for v in cons["enum"]}
    if "pattern" in cons:
        out.update(filterfalse(re.compile(cons["pattern"]).fullmatch, rest))
    if f.get("rbclab:partialDate"):
        out.update(filterfalse(partial_date, rest))
    return out


def _verdicts(f: dict, distinct: frozenset[str] | set[str]) -> dict[str, list[tuple[str, str, str]]]:
    """Problems of each distinct bad value: {value: [(shown value, message, code), ...]}."""
    cons = f.get("constraints", {})
    ftype = f.get("type", "string")
    pattern = re.compile(cons["pattern"]) if "pattern" in cons else None
    enum = {str(v) for v in cons["enum"]} if "enum" in cons else None
    bounds = [(cons.get(k), k) for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") if k in cons]
    min_len, max_len = cons.get("minLength"), cons.get("maxLength")
    sep = f.get("rbclab:listSeparator")
    item_enum = set(f["rbclab:itemEnum"]) if "rbclab:itemEnum" in f else None
    bools = set(f.get("trueValues", ["true"]) + f.get("falseValues", ["false"])) if ftype == "boolean" else None
    out: dict[str, list[tuple[str, str, str]]] = {}
    for v in distinct:
        found = []
        if v == "":
            if cons.get("required"):
                found.append((v, "required value is empty", "required"))
        elif ftype == "integer" and not INTEGER.match(v):
            found.append((v, "expected an integer", "type-error"))
        elif ftype == "number" and _number(v) is None:
            found.append((v, "expected a number", "type-error"))
        elif bools is not None and v not in bools:
            found.append((v, f"expected a boolean ({' or '.join(sorted(bools))})", "type-error"))
        elif pattern is not None and not pattern.fullmatch(v):
            found.append((v[:200], f"does not match the pattern {cons['pattern']}", "pattern"))
        else:
            if enum is not None and v not in enum:
                found.append((v, f"not one of the allowed values: {', '.join(map(str, cons['enum']))}", "enum"))
            if min_len is not None and len(v) < min_len:
                found.append((v[:200], f"shorter than minLength {min_len}", "min-length"))
            if max_len is not None and len(v) > max_len:
                found.append((v[:200] + "...", f"longer than maxLength {max_len} ({len(v)} characters)", "max-length"))
            number = _number(v) if bounds and ftype in ("integer", "number") else None
            for bound, key in bounds:
                if number is None:
                    break
                bad = {
                    "minimum": number < bound,
                    "maximum": number > bound,
                    "exclusiveMinimum": number <= bound,
                    "exclusiveMaximum": number >= bound,
                }[key]
                if bad:
                    found.append((v, f"violates {key} {bound}", key.lower().replace("exclusive", "exclusive-")))
            if f.get("rbclab:partialDate") and partial_date(v) is None:
                found.append((v, "not a real calendar date (expected YYYY, YYYY-MM or YYYY-MM-DD)", "invalid-date"))
            if item_enum is not None:
                for item in split_list(v, sep):
                    if item not in item_enum:
                        found.append(
                            (
                                item,
                                f"list item not one of the allowed values: {', '.join(f['rbclab:itemEnum'])}",
                                "enum",
                            )
                        )
        if found:
            out[v] = found
    return out


def _plain(f: dict) -> bool:
    """A text field whose only constraint, if any, is ``required``."""
    return (
        f.get("type", "string") == "string"
        and not set(f.get("constraints", {})) - {"required"}
        and not f.get("rbclab:partialDate")
        and "rbclab:itemEnum" not in f
    )


def check_fields(res: dict, table: Table, add: Add) -> None:
    """Cell checks.  Each distinct value is checked once; rows are walked only to report."""
    for f in res["schema"]["fields"]:
        name = f["name"]
        if name not in table.header:
            continue
        if _plain(f):  # free text: only an empty required cell can be wrong, no need to hash every cell
            verdicts = _verdicts(f, {""}) if table.has_empty(name) else {}
            check_unique = False
        else:
            distinct = table.distinct(name)
            verdicts = _verdicts(f, _suspects(f, distinct))
            check_unique = bool(f.get("constraints", {}).get("unique"))
        for num, v in table.where(name, verdicts) if verdicts else ():
            for item, message, code in verdicts[v]:
                add(res, num, name, item, message, code)
        if check_unique and len(distinct - {""}) < len(table) - ("" in distinct and table.columns[name].count("")):
            seen: dict[str, int] = {}
            for v, num in zip(table.columns[name], table.numbers):
                if v == "":
                    continue
                if v in seen:
                    add(res, num, name, v, f"duplicate value (first at row {seen[v]})", "unique")
                else:
                    seen[v] = num


def check_primary_key(res: dict, table: Table, add: Add) -> None:
    """No two rows share a primary key."""
    pk = res["schema"].get("primaryKey")
    if not pk:
        return
    pk = [pk] if isinstance(pk, str) else pk
    if not all(c in table.header for c in pk):
        return
    if not table.has_repeats(pk):
        return
    keys = list(zip(*(table.columns[c] for c in pk)))
    seen: dict[tuple, int] = {}
    for key, num in zip(keys, table.numbers):
        if key in seen:
            shown = ", ".join(f"{c}={k!r}" for c, k in zip(pk, key))
            add(
                res,
                num,
                ",".join(pk),
                None,
                f"duplicate primary key ({shown}; first at row {seen[key]})",
                "primary-key",
            )
        else:
            seen[key] = num


def check_foreign_keys(raw: RawPackage, res: dict, table: Table, add: Add) -> None:
    """Foreign keys, and ``rbclab:itemForeignKey`` on every item of a list cell."""
    for fk in res["schema"].get("foreignKeys", []):
        fields = [fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"]
        ref = fk["reference"]
        ref_fields = [ref["fields"]] if isinstance(ref["fields"], str) else ref["fields"]
        target = raw.tables.get(ref["resource"]) if ref["resource"] else table
        if (
            target is None
            or not all(c in table.header for c in fields)
            or not all(c in target.header for c in ref_fields)
        ):
            continue
        if len(fields) == 1:
            missing = table.distinct(fields[0]) - target.distinct(ref_fields[0]) - {""}
            found = ((num, (v,)) for num, v in table.where(fields[0], missing)) if missing else iter(())
        else:
            known = set(zip(*(target.columns[c] for c in ref_fields)))
            keys = list(zip(*(table.columns[c] for c in fields)))
            missing_keys = {key for key in set(keys) - known if all(key)}
            found = ((num, key) for key, num in zip(keys, table.numbers) if key in missing_keys)
        for num, key in found:
            add(
                res,
                num,
                ",".join(fields),
                ",".join(key),
                f"no row of '{ref['resource']}' has {','.join(ref_fields)} = this value",
                "foreign-key",
            )
    for f in res["schema"]["fields"]:
        ref = f.get("rbclab:itemForeignKey")
        if not ref or f["name"] not in table.header:
            continue
        target = raw.tables.get(ref["resource"])
        if target is None or ref["field"] not in target.header:
            continue
        items = target.distinct(ref["field"])
        sep = f.get("rbclab:listSeparator")
        distinct = table.distinct(f["name"]) - {""}
        joiner = sep or LIST_SEPARATOR
        # every item of every distinct cell, deduplicated before stripping (items repeat a lot)
        if not distinct or {item.strip() for item in set(joiner.join(distinct).split(joiner))} <= items:
            continue
        bad = {cell for cell in distinct if any(item not in items for item in split_list(cell, sep))}
        for num, cell in table.where(f["name"], bad):
            for item in split_list(cell, sep):
                if item not in items:
                    add(
                        res,
                        num,
                        f["name"],
                        item,
                        f"no row of '{ref['resource']}' has {ref['field']} = this value",
                        "foreign-key",
                    )


def check_schema(raw: RawPackage, add: Add) -> None:
    """Every Table Schema check on every table that could be read."""
    structural_ok: dict[str, bool] = {}
    for res in raw.descriptor.get("resources", []):
        table = raw.tables.get(res.get("name"))
        if table is None or "schema" not in res:
            continue
        broken = malformed(res)
        for name, message in broken:
            add(res, None, name, None, message, "invalid-schema")
        if broken:
            continue
        supported = check_unsupported(res, add)
        structural_ok[res["name"]] = check_header(res, table, add) and supported
        if structural_ok[res["name"]]:
            check_fields(res, table, add)
            check_primary_key(res, table, add)
    for res in raw.descriptor.get("resources", []):
        table = raw.tables.get(res.get("name"))
        if table is not None and structural_ok.get(res["name"]):
            check_foreign_keys(raw, res, table, add)


def problem_adder(problems: list[Problem]) -> Add:
    """An ``add(res, row, field, value, message, code)`` that appends to ``problems``."""

    def add(res: dict, row: int | None, fld: str | None, value: str | None, message: str, code: str) -> None:
        problems.append(Problem(res.get("name", "?"), row, fld, value, message, code, res.get("path")))

    return add
