"""Check a data package against its Table Schemas and the rules of the data.

Every problem is collected (table, row, field, bad value, what was expected); nothing
stops at the first one.  Two groups of checks run:

* **Table Schema** (what Frictionless also checks): header, required, type, pattern,
  enum, minimum/maximum, unique, primary keys and foreign keys.  They are written
  here, vectorised with pandas, because the loaders run them on every load and
  Frictionless's row-by-row validation takes seconds where this takes milliseconds.
  ``rbclab validate --frictionless`` runs Frictionless as well, as an independent
  conformance check; the test suite runs it on the bundled package.
* **Rules of the data** (what a Table Schema cannot express): partial dates that are
  real calendar dates, list fields whose items come from a vocabulary or point at the
  sources table (``source_ids``), a source needs a URL or a file, date order within a
  case, events inside the case's span, OECD id prefix against the lead NCP, likely
  duplicate cases, the normalised outcome following from the stated status, and
  ranges in incident figures.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .package import DESCRIPTOR, Problem, RawPackage, Table, read_package
from .taxonomy import classify_outcome, id_prefixes

PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
EARLIEST_CASE_YEAR = 2000
INTEGER = re.compile(r"^-?\d+$")


@dataclass
class Report:
    """Result of :func:`validate`: the problems and a per-table row count."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        lines = [f"Data package: {self.path}"]
        width = max((len(n) for n in self.rows), default=10)
        for name, n in self.rows.items():
            lines.append(f"  {name:<{width}}  {n:>6} rows")
        lines.append(f"  {'total':<{width}}  {sum(self.rows.values()):>6} rows in {len(self.rows)} tables")
        if self.ok:
            lines.append("Valid: no problems found.")
        else:
            lines.append(f"INVALID: {len(self.problems)} problem(s):")
            lines.extend(f"  - {p}" for p in self.problems)
        return "\n".join(lines)


# ----------------------------------------------------------------------------- helpers

def split_list(value: str, sep: str = ";") -> list[str]:
    """Items of a ';'-separated cell, stripped; an empty cell has none."""
    return [item.strip() for item in value.split(sep)] if value else []


@lru_cache(maxsize=65536)
def partial_date(value: str) -> tuple[_dt.date, _dt.date, str] | None:
    """Parse a partial ISO date into (first day, last day, precision), or None if invalid.

    ``"2013"`` spans 2013-01-01..2013-12-31 (precision ``year``), ``"2013-11"`` spans
    November (``month``), ``"2013-11-04"`` is one ``day``.
    """
    m = PARTIAL_DATE.match(value)
    if not m:
        return None
    y, mo, d = m.groups()
    try:
        if d is not None:
            day = _dt.date(int(y), int(mo), int(d))
            return day, day, "day"
        if mo is not None:
            first = _dt.date(int(y), int(mo), 1)
            nxt = _dt.date(int(y) + (int(mo) == 12), int(mo) % 12 + 1, 1)
            return first, nxt - _dt.timedelta(days=1), "month"
        return _dt.date(int(y), 1, 1), _dt.date(int(y), 12, 31), "year"
    except ValueError:
        return None


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


class _Checker:
    def __init__(self, raw: RawPackage):
        self.raw = raw
        self.problems: list[Problem] = list(raw.problems)

    def add(self, res: dict, row: int | None, fld, value, message, code):
        self.problems.append(Problem(res["name"], row, fld, value, message, code, res.get("path")))

    # --------------------------------------------------------------- schema
    def header(self, res: dict, table: Table) -> bool:
        expected = [f["name"] for f in res["schema"].get("fields", [])]
        actual = table.header
        if actual == expected:
            return True
        missing = [c for c in expected if c not in actual]
        extra = [c for c in actual if c not in expected]
        for c in missing:
            self.add(res, None, c, None, f"column missing from the header (expected columns: {', '.join(expected)})", "missing-column")
        for c in extra:
            self.add(res, None, c, None, "column not in the schema", "extra-column")
        if not missing and not extra:
            self.add(res, None, None, ",".join(actual), f"columns out of order: expected {','.join(expected)}", "column-order")
        return not missing

    def fields(self, res: dict, table: Table) -> None:
        """Cell checks.  Each distinct value is checked once; rows are walked only to report."""
        for f in res["schema"]["fields"]:
            name = f["name"]
            if name not in table.header:
                continue
            i = table.header.index(name)
            values = [row[i] for row in table.rows]
            verdicts = self._verdicts(f, set(values))
            if verdicts:
                for v, num in zip(values, table.numbers):
                    for item, message, code in verdicts.get(v, ()):
                        self.add(res, num, name, item, message, code)
            filled = [v for v in values if v]
            if f.get("constraints", {}).get("unique") and len(set(filled)) < len(filled):
                seen: dict[str, int] = {}
                for v, num in zip(values, table.numbers):
                    if v == "":
                        continue
                    if v in seen:
                        self.add(res, num, name, v, f"duplicate value (first at row {seen[v]})", "unique")
                    else:
                        seen[v] = num

    @staticmethod
    def _verdicts(f: dict, distinct: set[str]) -> dict[str, list[tuple[str, str, str]]]:
        """Problems of each distinct bad value: {value: [(shown value, message, code), ...]}."""
        cons = f.get("constraints", {})
        ftype = f.get("type", "string")
        pattern = re.compile(cons["pattern"]) if "pattern" in cons else None
        enum = {str(v) for v in cons["enum"]} if "enum" in cons else None
        lo, hi = cons.get("minimum"), cons.get("maximum")
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
            elif ftype == "number" and not _is_number(v):
                found.append((v, "expected a number", "type-error"))
            elif bools is not None and v not in bools:
                found.append((v, f"expected a boolean ({' or '.join(sorted(bools))})", "type-error"))
            elif pattern is not None and not pattern.fullmatch(v):
                found.append((v, f"does not match the pattern {cons['pattern']}", "pattern"))
            else:
                if enum is not None and v not in enum:
                    found.append((v, f"not one of the allowed values: {', '.join(map(str, cons['enum']))}", "enum"))
                if lo is not None and float(v) < lo:
                    found.append((v, f"below the minimum {lo}", "minimum"))
                if hi is not None and float(v) > hi:
                    found.append((v, f"above the maximum {hi}", "maximum"))
                if f.get("rbclab:partialDate") and partial_date(v) is None:
                    found.append((v, "not a real calendar date (expected YYYY, YYYY-MM or YYYY-MM-DD)", "invalid-date"))
                if item_enum is not None:
                    for item in split_list(v, sep):
                        if item not in item_enum:
                            found.append((item, f"list item not one of the allowed values: {', '.join(f['rbclab:itemEnum'])}", "enum"))
            if found:
                out[v] = found
        return out

    def primary_key(self, res: dict, table: Table) -> None:
        pk = res["schema"].get("primaryKey")
        if not pk:
            return
        pk = [pk] if isinstance(pk, str) else pk
        if not all(c in table.header for c in pk):
            return
        idx = [table.header.index(c) for c in pk]
        seen: dict[tuple, int] = {}
        for row, num in zip(table.rows, table.numbers):
            key = tuple(row[i] for i in idx)
            if key in seen:
                shown = ", ".join(f"{c}={k!r}" for c, k in zip(pk, key))
                self.add(res, num, ",".join(pk), None, f"duplicate primary key ({shown}; first at row {seen[key]})", "primary-key")
            else:
                seen[key] = num

    def foreign_keys(self, res: dict, table: Table) -> None:
        for fk in res["schema"].get("foreignKeys", []):
            fields = [fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"]
            ref = fk["reference"]
            ref_fields = [ref["fields"]] if isinstance(ref["fields"], str) else ref["fields"]
            target = self.raw.tables.get(ref["resource"]) if ref["resource"] else table
            if target is None or not all(c in table.header for c in fields) or not all(c in target.header for c in ref_fields):
                continue
            tidx = [target.header.index(c) for c in ref_fields]
            keys = {tuple(r[i] for i in tidx) for r in target.rows}
            idx = [table.header.index(c) for c in fields]
            for row, num in zip(table.rows, table.numbers):
                key = tuple(row[i] for i in idx)
                if all(key) and key not in keys:
                    self.add(res, num, ",".join(fields), ",".join(key),
                             f"no row of '{ref['resource']}' has {','.join(ref_fields)} = this value", "foreign-key")
        for f in res["schema"]["fields"]:
            ref = f.get("rbclab:itemForeignKey")
            if not ref or f["name"] not in table.header:
                continue
            target = self.raw.tables.get(ref["resource"])
            if target is None or ref["field"] not in target.header:
                continue
            keys = set(target.column(ref["field"]))
            i = table.header.index(f["name"])
            sep = f.get("rbclab:listSeparator", ";")
            cells = {row[i] for row in table.rows}
            if all(item in keys for cell in cells for item in split_list(cell, sep)):
                continue
            for row, num in zip(table.rows, table.numbers):
                for item in split_list(row[i], sep):
                    if item not in keys:
                        self.add(res, num, f["name"], item, f"no row of '{ref['resource']}' has {ref['field']} = this value", "foreign-key")

    # --------------------------------------------------------------- rules of the data
    def rows(self, name: str, *cols: str):
        """Yield (row number, dict of the named columns) for a table that has them all."""
        table = self.raw.tables.get(name)
        if table is None or not all(c in table.header for c in cols):
            return
        idx = [table.header.index(c) for c in cols]
        for row, num in zip(table.rows, table.numbers):
            yield num, dict(zip(cols, (row[i] for i in idx)))

    def rules(self) -> None:
        res = lambda name: self.raw.resource(name)  # noqa: E731
        for num, r in self.rows("sources", "url", "file"):
            if not r["url"] and not r["file"]:
                self.add(res("sources"), num, "url", "", "a source needs a url or a file name", "source-location")
        if "ncp_cases" in self.raw.tables:
            self.case_rules(res("ncp_cases"))
        if "case_events" in self.raw.tables and "ncp_cases" in self.raw.tables:
            self.event_rules(res("case_events"))
        if "case_claims" in self.raw.tables and "ncp_cases" in self.raw.tables:
            self.claim_rules(res("case_claims"))
        for num, r in self.rows("incidents", "start_date", "end_date"):
            self.order(res("incidents"), num, r, "start_date", "end_date")
        for num, r in self.rows("incident_figures", "value", "value_high", "qualifier"):
            rf = res("incident_figures")
            has_hi = r["value_high"] != ""
            if has_hi and INTEGER.match(r["value_high"]) and INTEGER.match(r["value"]) and int(r["value_high"]) < int(r["value"]):
                self.add(rf, num, "value_high", r["value_high"], f"high end of the range is below the value {r['value']}", "range-order")
            if r["qualifier"] == "range" and not has_hi:
                self.add(rf, num, "value_high", "", "qualifier 'range' needs value_high", "range-missing")
            if r["qualifier"] != "range" and has_hi:
                self.add(rf, num, "qualifier", r["qualifier"], "value_high is given, so the qualifier must be 'range'", "range-qualifier")

    def order(self, res, num, r, a, b) -> None:
        da, db = partial_date(r[a]), partial_date(r[b])
        # a partial date is a period: it is only out of order if it starts after the other ends
        if da and db and da[0] > db[1]:
            self.add(res, num, b, f"{r[a]} > {r[b]}", f"{b} is before {a}", "date-order")

    def case_rules(self, res) -> None:
        today = _dt.date.today()
        dates = ("date_submitted", "date_initial_assessment", "date_concluded")
        for num, r in self.rows("ncp_cases", *dates):
            self.order(res, num, r, "date_submitted", "date_initial_assessment")
            self.order(res, num, r, "date_initial_assessment", "date_concluded")
            if not r["date_initial_assessment"]:
                self.order(res, num, r, "date_submitted", "date_concluded")
            for c in dates:
                d = partial_date(r[c])
                if d and d[0] > today:
                    self.add(res, num, c, r[c], "date is in the future", "date-range")
                if d and d[0].year < EARLIEST_CASE_YEAR:
                    self.add(res, num, c, r[c], f"date before {EARLIEST_CASE_YEAR}, when the NCP procedure began", "date-range")
        for num, r in self.rows("ncp_cases", "oecd_id", "lead_ncp"):
            codes = id_prefixes(r["lead_ncp"])
            if r["oecd_id"] and codes and r["oecd_id"][:2] not in codes:
                self.add(res, num, "oecd_id", r["oecd_id"], f"OECD id prefix does not match the lead NCP {r['lead_ncp']} ('{codes[0]}')", "id-prefix")
        seen: dict[tuple, list[tuple[int, str]]] = {}
        for num, r in self.rows("ncp_cases", "case_id", "oecd_id", "lead_ncp", "date_submitted", "enterprises"):
            if not r["enterprises"] or len(r["date_submitted"]) != 10:
                continue
            key = (r["lead_ncp"], r["date_submitted"], re.sub(r"[^a-z0-9]+", "", r["enterprises"].lower()))
            # two different OECD records are two cases even when parties and date coincide
            clash = [n for n, oid in seen.get(key, []) if not (oid and r["oecd_id"] and oid != r["oecd_id"])]
            if clash:
                self.add(res, num, "case_id", r["case_id"],
                         f"likely duplicate of the case at row {clash[0]} (same lead NCP, submission date and enterprise)", "duplicate-case")
            seen.setdefault(key, []).append((num, r["oecd_id"]))
        for num, r in self.rows("ncp_cases", "status", "outcome_text", "outcome", "outcome_rule"):
            if r["outcome_rule"] == "manual":
                continue
            outcome, rule = classify_outcome(r["status"], r["outcome_text"])
            if (r["outcome"], r["outcome_rule"]) != (outcome, rule):
                self.add(res, num, "outcome", f"{r['outcome']} / {r['outcome_rule']}",
                         f"does not follow from status and outcome_text: the rule gives '{outcome}' / '{rule}' "
                         "(set outcome_rule to 'manual' and explain in notes to override)", "outcome-rule")

    def event_rules(self, res) -> None:
        span = {r["case_id"]: (partial_date(r["date_submitted"]), partial_date(r["date_concluded"]))
                for _, r in self.rows("ncp_cases", "case_id", "date_submitted", "date_concluded")}
        for num, r in self.rows("case_events", "case_id", "date", "event_type"):
            d = partial_date(r["date"])
            start, end = span.get(r["case_id"], (None, None))
            if d and start and d[1] < start[0]:
                self.add(res, num, "date", r["date"], "event is before the case was submitted", "event-span")
            if d and end and d[0] > end[1] and r["event_type"] != "follow-up":
                self.add(res, num, "date", r["date"], "event is after the case was concluded (only follow-up events may be)", "event-span")

    def claim_rules(self, res) -> None:
        """A used claim holds the case table's value; a filled field with claims has exactly one used."""
        cases = self.raw.tables["ncp_cases"]
        col = {c: i for i, c in enumerate(cases.header)}
        by_id = {row[col["case_id"]]: (num, row) for row, num in zip(cases.rows, cases.numbers)} if "case_id" in col else {}
        used: dict[tuple[str, str], int] = {}
        claimed: set[tuple[str, str]] = set()
        for num, r in self.rows("case_claims", "case_id", "field", "value", "used"):
            case = by_id.get(r["case_id"], (None, None))[1]
            if case is None or r["field"] not in col:
                continue  # dangling ids and unknown fields are reported by the key and enum checks
            key = (r["case_id"], r["field"])
            claimed.add(key)
            if r["field"].startswith("date_") and partial_date(r["value"]) is None:
                self.add(res, num, "value", r["value"], "a claimed date must be YYYY, YYYY-MM or YYYY-MM-DD", "claim-date")
            if r["used"] != "true":
                continue
            if key in used:
                self.add(res, num, "used", r["used"], f"a second used claim for {r['field']} (first at row {used[key]})", "claim-used-twice")
            used[key] = num
            if case[col[r["field"]]] != r["value"]:
                self.add(res, num, "value", r["value"],
                         f"marked used, but ncp_cases has {r['field']} = {case[col[r['field']]]!r}", "claim-used")
        for case_id, name in sorted(claimed - set(used)):
            num, case = by_id[case_id]
            if case[col[name]]:
                self.add(self.raw.resource("ncp_cases"), num, name, case[col[name]],
                         "sources disagree on this field (see case_claims) but no claim is marked used for this value", "claim-used")


def check(raw: RawPackage) -> list[Problem]:
    """Run every check on a package read by :func:`rbclab.package.read_package`."""
    c = _Checker(raw)
    structural_ok: dict[str, bool] = {}
    for res in raw.descriptor.get("resources", []):
        table = raw.tables.get(res.get("name"))
        if table is None or "schema" not in res:
            continue
        structural_ok[res["name"]] = c.header(res, table)
        if structural_ok[res["name"]]:
            c.fields(res, table)
            c.primary_key(res, table)
    for res in raw.descriptor.get("resources", []):
        table = raw.tables.get(res.get("name"))
        if table is not None and structural_ok.get(res["name"]):
            c.foreign_keys(res, table)
    c.rules()
    return c.problems


def frictionless_problems(path: str | os.PathLike) -> list[Problem]:
    """Validate with Frictionless (imported only here) and translate its errors."""
    from frictionless import Package  # noqa: PLC0415 - heavy import, only for this check

    report = Package(str(path)).validate()
    out = []
    for task in report.tasks:
        for err in task.errors:
            row = getattr(err, "row_number", None)
            fld = getattr(err, "field_name", None)
            cell = getattr(err, "cell", None)
            out.append(Problem(task.name or "?", row, fld, cell, f"Frictionless: {err.message}", err.type, task.place))
    for err in report.errors:
        out.append(Problem(DESCRIPTOR, None, None, None, f"Frictionless: {err.message}", err.type))
    return out


def validate(path: str | os.PathLike | None = None, *, frictionless: bool = False) -> Report:
    """Check a data package and return a :class:`Report` listing every problem.

    ``path`` is a folder holding ``datapackage.json`` (or the descriptor itself);
    ``None`` means the bundled package.  With ``frictionless=True`` the package is also
    validated by Frictionless; its findings are added unless they repeat one of ours
    (same table, row and field).
    """
    raw = read_package(path)
    problems = check(raw)
    if frictionless and not any(p.code in {"missing-descriptor", "invalid-descriptor"} for p in problems):
        seen = {(p.table, p.row, p.field) for p in problems}
        for p in frictionless_problems(raw.root / DESCRIPTOR):
            if (p.table, p.row, p.field) not in seen:
                problems.append(p)
    rows = {name: len(frame) for name, frame in raw.tables.items()}
    return Report(str(raw.root), problems, rows)
