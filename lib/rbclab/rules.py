"""The rules of the data: what a Table Schema cannot say, one small function per rule.

Each rule is registered with its problem code and a one-line docstring; :data:`RULES` is
the registry from which ``rbclab validate --rules`` and the list in CONTRIBUTING.md are
generated.  A rule gets the package read as text and an ``add`` function that records a
problem (table, row, field, value, message, code); rules never raise and never stop early.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from .read import RawPackage
from .schema import INTEGER, Add
from .taxonomy import CODES, code_conflicts, derive_outcome, id_prefixes, oecd_id_fits
from .values import partial_date, split_list

EARLIEST_CASE_YEAR = 2000
#: ``[n]`` references from an evidence cell to the n-th of the row's ``source_ids``.
EVIDENCE_REF = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Rule:
    """A registered rule of the data."""

    codes: tuple[str, ...]
    check: Callable[[RawPackage, Add], None]

    @property
    def doc(self) -> str:
        return (self.check.__doc__ or "").strip().splitlines()[0]


RULES: list[Rule] = []


def rule(*codes: str) -> Callable[[Callable[[RawPackage, Add], None]], Callable[[RawPackage, Add], None]]:
    """Register a rule under the problem codes it can report."""

    def register(fn: Callable[[RawPackage, Add], None]) -> Callable[[RawPackage, Add], None]:
        RULES.append(Rule(codes, fn))
        return fn

    return register


def rows(raw: RawPackage, name: str, *cols: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, the named cells) of every row of a table that has all the columns."""
    table = raw.tables.get(name)
    if table is None or not all(c in table.header for c in cols):
        return
    for num, *cells in zip(table.numbers, *(table.columns[c] for c in cols)):
        yield num, dict(zip(cols, cells))


#: What a rule finds in one combination of cells: (field, value, message, code) each.
Findings = list[tuple[str, str, str, str]]


def combinations(parts: list[tuple[list, Any]]) -> tuple[list[tuple], Any] | None:
    """The distinct combinations of several coded columns, and which one each row holds.

    ``parts`` are columns as (distinct values, numpy codes per row), as
    :meth:`rbclab.read.Table.coded` gives them.  Returns the combinations (tuples of
    values) and a numpy array giving each row's combination; ``None`` when there are too
    many possible combinations to number them in 64 bits.
    """
    import numpy as np

    n = len(parts[0][1]) if parts else 0
    key, size = np.zeros(n, dtype=np.int64), 1
    for uniques, codes in parts:
        size *= max(len(uniques), 1)
        if size >= 1 << 62:
            return None
        key = key * max(len(uniques), 1) + codes
    found, inverse = np.unique(key, return_inverse=True)
    digits = []
    for uniques, _ in reversed(parts):
        found, digit = np.divmod(found, max(len(uniques), 1))
        digits.append([uniques[d] for d in digit.tolist()])
    return list(zip(*reversed(digits))), inverse.reshape(-1)


def each_distinct(raw: RawPackage, add: Add, name: str, cols: tuple[str, ...], judge: Callable[..., Findings]) -> None:
    """Judge every distinct combination of a table's named cells once; report on each row that has it.

    ``judge`` gets the cells as a dict and returns its findings; they are reported on every
    row holding that combination, in row order.  A rule over a few columns with repeated
    values (codes, dates, names) so costs one call per distinct value, not one per row.
    """
    table = raw.tables.get(name)
    if table is None or not all(c in table.header for c in cols):
        return
    combos = combinations([table.coded(c) for c in cols])
    if combos is None:  # too many to number: one key per row instead
        keys = list(zip(*(table.columns[c] for c in cols)))
        distinct = list(dict.fromkeys(keys))
        index = {key: i for i, key in enumerate(distinct)}
        combos = distinct, [index[key] for key in keys]
    values, which = combos
    found = {i: f for i, key in enumerate(values) if (f := judge(dict(zip(cols, key))))}
    if not found:
        return
    import numpy as np

    res, which = _res(raw, name), np.asarray(which)
    for i in np.flatnonzero(np.isin(which, list(found))).tolist():
        for fld, value, message, code in found[int(which[i])]:
            add(res, table.numbers[i], fld, value, message, code)


def _res(raw: RawPackage, name: str) -> dict:
    return raw.resource(name)


def _order(r: dict[str, str], a: str, b: str) -> Findings:
    da, db = partial_date(r[a]), partial_date(r[b])
    # a partial date is a period: it is out of order only if it starts after the other ends
    if da and db and da[0] > db[1]:
        return [(b, f"{r[a]} > {r[b]}", f"{b} is before {a}", "date-order")]
    return []


# ----------------------------------------------------------------------------- package


@rule("resource-bytes", "resource-hash")
def resource_integrity(raw: RawPackage, add: Add) -> None:
    """A resource's ``bytes`` and ``hash`` (sha256), where given, match its file."""
    for res in raw.descriptor.get("resources", []):
        data = raw.file_bytes.get(res.get("name", ""))
        if data is None:
            continue
        if "bytes" in res and res["bytes"] != len(data):
            add(
                res,
                None,
                None,
                str(res["bytes"]),
                f"descriptor says {res['bytes']} bytes, the file has {len(data)}",
                "resource-bytes",
            )
        if "hash" in res:
            algo, _, digest = str(res["hash"]).rpartition(":")
            if (algo or "md5") != "sha256":
                add(
                    res,
                    None,
                    None,
                    str(res["hash"]),
                    "only sha256 hashes are checked (write 'sha256:<hex>')",
                    "resource-hash",
                )
            elif hashlib.sha256(data).hexdigest() != digest:
                add(
                    res,
                    None,
                    None,
                    digest[:12],
                    "the file's sha256 differs from the descriptor's hash: the file changed "
                    "since the hashes were written (run `rbclab data hash`)",
                    "resource-hash",
                )


@rule("source-location")
def source_location(raw: RawPackage, add: Add) -> None:
    """A source needs a URL or a file name."""
    table = raw.tables.get("sources")
    if table is None or "url" not in table.header or "" not in table.distinct("url"):
        return  # every source has a url
    each_distinct(
        raw,
        add,
        "sources",
        ("url", "file"),
        lambda r: (
            [] if r["url"] or r["file"] else [("url", "", "a source needs a url or a file name", "source-location")]
        ),
    )


# ----------------------------------------------------------------------------- cases

_CASE_DATES = ("date_submitted", "date_initial_assessment", "date_concluded")


@rule("date-order")
def case_date_order(raw: RawPackage, add: Add) -> None:
    """A case is submitted, then assessed, then concluded (partial dates as periods)."""

    def judge(r: dict[str, str]) -> Findings:
        found = _order(r, "date_submitted", "date_initial_assessment")
        found += _order(r, "date_initial_assessment", "date_concluded")
        if not r["date_initial_assessment"]:
            found += _order(r, "date_submitted", "date_concluded")
        return found

    each_distinct(raw, add, "ncp_cases", _CASE_DATES, judge)


@rule("date-range")
def case_date_range(raw: RawPackage, add: Add) -> None:
    """A case's dates fall between 2000 (the procedure's start) and today."""
    today = _dt.date.today()
    table = raw.tables.get("ncp_cases")
    if table is None or not all(c in table.header for c in _CASE_DATES):
        return

    def judge(value: str) -> str | None:
        d = partial_date(value)
        if d and d[0] > today:
            return "date is in the future"
        if d and d[0].year < EARLIEST_CASE_YEAR:
            return f"date before {EARLIEST_CASE_YEAR}, when the NCP procedure began"
        return None

    bad = {c: {v: m for v in table.distinct(c) if (m := judge(v))} for c in _CASE_DATES}
    if not any(bad.values()):
        return
    for i, num in enumerate(table.numbers):
        for c in _CASE_DATES:
            message = bad[c].get(table.columns[c][i])
            if message:
                add(_res(raw, "ncp_cases"), num, c, table.columns[c][i], message, "date-range")


@rule("id-prefix")
def oecd_id_prefix(raw: RawPackage, add: Add) -> None:
    """An OECD id starts with the lead NCP's two-letter code (the few ids the OECD writes otherwise are listed)."""

    def judge(r: dict[str, str]) -> Findings:
        if not r["oecd_id"] or oecd_id_fits(r["oecd_id"], r["lead_ncp"]):
            return []
        code = id_prefixes(r["lead_ncp"])[0]
        return [
            (
                "oecd_id",
                r["oecd_id"],
                f"OECD id prefix does not match the lead NCP {r['lead_ncp']} ('{code}')",
                "id-prefix",
            )
        ]

    each_distinct(raw, add, "ncp_cases", ("oecd_id", "lead_ncp"), judge)


#: Every ASCII byte but a-z and 0-9: what :func:`_name_key` deletes.
_NOT_ALNUM = bytes(b for b in range(128) if not (97 <= b <= 122 or 48 <= b <= 57))


def _name_key(name: str) -> str:
    """``name`` lower-cased with everything but the letters a-z and digits removed."""
    return name.lower().encode("ascii", "ignore").translate(None, _NOT_ALNUM).decode("ascii")


@rule("duplicate-case")
def duplicate_cases(raw: RawPackage, add: Add) -> None:
    """No two cases share lead NCP, day of submission and enterprise (unless two OECD records)."""
    import numpy as np

    table = raw.tables.get("ncp_cases")
    cols = ("case_id", "oecd_id", "lead_ncp", "date_submitted", "enterprises")
    if table is None or not all(c in table.header for c in cols):
        return
    # rows sharing NCP, day and enterprise name, found from the codes; only they are walked
    _, ncp_codes = table.coded("lead_ncp")
    dates, date_codes = table.coded("date_submitted")
    names, name_codes = table.coded("enterprises")
    key_of: dict[str, int] = {}
    name_key = np.fromiter(
        (key_of.setdefault(_name_key(n), len(key_of)) if n else -1 for n in names), dtype=np.int64, count=len(names)
    )[name_codes]
    is_day = np.fromiter((len(d) == 10 for d in dates), dtype=bool, count=len(dates))[date_codes]
    usable = (name_key >= 0) & is_day
    group = (ncp_codes.astype(np.int64) * len(dates) + date_codes) * (len(key_of) + 1) + name_key
    _, where, counts = np.unique(np.where(usable, group, -1), return_inverse=True, return_counts=True)
    shared = np.flatnonzero(usable & (counts[where.reshape(-1)] > 1)).tolist()
    if not shared:
        return
    case_ids, oecd_ids, groups = table.columns["case_id"], table.columns["oecd_id"], group.tolist()
    # per group: the first row of all, the first with no OECD id, and the first of each OECD id
    first: dict[int, tuple[int, int | None, dict[str, int]]] = {}
    for i in shared:
        num, case_id, oecd_id, key = table.numbers[i], case_ids[i], oecd_ids[i], groups[i]
        if key in first:
            any_row, no_id_row, by_id = first[key]
            # two rows clash unless both have OECD ids and the ids differ
            clash = any_row if not oecd_id else min((n for n in (no_id_row, by_id.get(oecd_id)) if n), default=None)
            if clash:
                add(
                    _res(raw, "ncp_cases"),
                    num,
                    "case_id",
                    case_id,
                    f"likely duplicate of the case at row {clash} (same lead NCP, submission date and enterprise)",
                    "duplicate-case",
                )
        else:
            first[key] = (num, None, {})
        any_row, no_id_row, by_id = first[key]
        if not oecd_id and no_id_row is None:
            first[key] = (any_row, num, by_id)
        elif oecd_id:
            by_id.setdefault(oecd_id, num)


@rule("undated-id")
def undated_id(raw: RawPackage, add: Add) -> None:
    """A case id says ``undated`` only when the submission date is unknown, else its year."""
    table = raw.tables.get("ncp_cases")
    if table is None or not {"case_id", "date_submitted"} <= set(table.header):
        return
    for case_id, date, num in zip(table.columns["case_id"], table.columns["date_submitted"], table.numbers):
        if date and len(case_id) > 7 and case_id[3:7] == "unda":
            add(
                _res(raw, "ncp_cases"),
                num,
                "case_id",
                case_id,
                f"id says undated, but date_submitted is {date}",
                "undated-id",
            )


# ----------------------------------------------------------------------------- coded outcomes


def _codes(raw: RawPackage) -> dict[str, tuple[str, ...]]:
    """Each coded case's codes, in the order of :data:`CODES` (the last row of a repeated id)."""
    if "codes" not in raw.derived:
        table = raw.tables.get("case_outcomes")
        if table is None or not all(c in table.header for c in ("case_id", *CODES)):
            raw.derived["codes"] = {}
        else:
            raw.derived["codes"] = dict(zip(table.columns["case_id"], zip(*(table.columns[d] for d in CODES))))
    return cast(dict[str, tuple[str, ...]], raw.derived["codes"])


@rule("outcome-missing")
def every_case_coded(raw: RawPackage, add: Add) -> None:
    """Every case has exactly one row of codes in ``case_outcomes``."""
    if "case_outcomes" not in raw.tables:
        return
    coded = _codes(raw)
    table = raw.tables.get("ncp_cases")
    if table is None or "case_id" not in table.header or not set(table.columns["case_id"]) - set(coded):
        return
    for case_id, num in zip(table.columns["case_id"], table.numbers):
        if case_id not in coded:
            add(_res(raw, "ncp_cases"), num, "case_id", case_id, "case has no row in case_outcomes", "outcome-missing")


@rule("outcome-rule")
def outcome_follows_codes(raw: RawPackage, add: Add) -> None:
    """``ncp_cases.outcome`` and ``outcome_rule`` are what :func:`derive_outcome` gives for the codes."""
    coded = _codes(raw)
    if not coded:
        return
    derived = {codes: derive_outcome(dict(zip(CODES, codes))) for codes in set(coded.values())}
    table = raw.tables.get("ncp_cases")
    cols = ("case_id", "outcome", "outcome_rule")
    if table is None or not all(c in table.header for c in cols):
        return
    for num, case_id, stated, stated_rule in zip(table.numbers, *(table.columns[c] for c in cols)):
        codes = coded.get(case_id)
        if codes is None:
            continue
        outcome, rule_name = derived[codes]
        if (stated, stated_rule) != (outcome, rule_name):
            add(
                _res(raw, "ncp_cases"),
                num,
                "outcome",
                f"{stated} / {stated_rule}",
                f"does not follow from the case's codes: the rule gives '{outcome}' / '{rule_name}'",
                "outcome-rule",
            )


@rule("code-conflict")
def codes_agree(raw: RawPackage, add: Add) -> None:
    """A case's codes do not contradict each other (e.g. an agreement needs good offices held)."""

    if not any(code_conflicts(dict(zip(CODES, codes))) for codes in set(_codes(raw).values())):
        return  # no combination of codes in the table contradicts itself

    def judge(r: dict[str, str]) -> Findings:
        return [(dim, r[dim], message, "code-conflict") for dim, message in code_conflicts(r)]

    each_distinct(raw, add, "case_outcomes", tuple(CODES), judge)


@rule("code-evidence")
def codes_have_evidence(raw: RawPackage, add: Add) -> None:
    """Every code has its evidence; a known code cites its page as ``[n]``, the n-th of ``source_ids``."""
    table = raw.tables.get("case_outcomes")
    cols = ["source_ids", *(c for d in CODES for c in (d, f"{d}_evidence"))]
    if table is None or not all(c in table.header for c in cols):
        return
    import numpy as np

    cells, codes = table.coded("source_ids")
    counts = [len(split_list(v)) for v in cells]
    n_sources = (list(range(max(counts, default=0) + 1)), np.array(counts, dtype=np.int64)[codes])
    bad: list[tuple[int, int, Findings]] = []  # (row index, dimension, findings)
    for d, dim in enumerate(CODES):
        combos = combinations([table.coded(f"{dim}_evidence"), table.coded(dim), n_sources])
        assert combos is not None  # texts x codes x counts: far below 2**62
        values, which = combos
        found: dict[int, Findings] = {}
        for k, (text, code, n) in enumerate(values):
            refs = EVIDENCE_REF.findall(text)
            if refs and all(1 <= int(r) <= n for r in refs):
                continue  # the common case: the text cites pages, all of them on the row
            if findings := _evidence_findings(dim, text, code, n):
                found[k] = findings
        if found:
            rows = np.flatnonzero(np.isin(which, list(found))).tolist()
            bad.extend((i, d, found[int(which[i])]) for i in rows)
    res = _res(raw, "case_outcomes")
    for i, _, findings in sorted(bad, key=lambda b: b[:2]):  # row by row, each row's codes in order
        for fld, value, message, code in findings:
            add(res, table.numbers[i], fld, value, message, code)


def _evidence_findings(dim: str, text: str, code: str, n_sources: int) -> Findings:
    """What is wrong with one evidence cell of the code ``dim = code`` on a row of ``n_sources`` sources."""
    if not text.strip():
        return [(f"{dim}_evidence", "", f"the code {dim} = {code!r} has no evidence", "code-evidence")]
    found: Findings = []
    refs = [int(n) for n in EVIDENCE_REF.findall(text)]
    if not refs and code != "unknown":
        found.append(
            (
                f"{dim}_evidence",
                text[:60],
                "evidence must cite its page as [n], the n-th of source_ids",
                "code-evidence",
            )
        )
    bad = [n for n in refs if not 1 <= n <= n_sources]
    if bad:
        found.append(
            (
                f"{dim}_evidence",
                f"[{bad[0]}]",
                f"cites source [{bad[0]}] but the row has {n_sources} source id(s)",
                "code-evidence",
            )
        )
    return found


# ----------------------------------------------------------------------------- events and claims


@rule("event-span")
def events_in_case_span(raw: RawPackage, add: Add) -> None:
    """Events fall between a case's submission and conclusion (follow-ups may come after)."""
    cases = raw.tables.get("ncp_cases")
    if "case_events" not in raw.tables or cases is None:
        return
    if not all(c in cases.header for c in ("case_id", "date_submitted", "date_concluded")):
        return
    dates = zip(cases.columns["date_submitted"], cases.columns["date_concluded"])
    span = {case_id: (partial_date(a), partial_date(b)) for case_id, (a, b) in zip(cases.columns["case_id"], dates)}
    res = _res(raw, "case_events")
    for num, r in rows(raw, "case_events", "case_id", "date", "event_type"):
        d = partial_date(r["date"])
        start, end = span.get(r["case_id"], (None, None))
        if d and start and d[1] < start[0]:
            add(res, num, "date", r["date"], "event is before the case was submitted", "event-span")
        if d and end and d[0] > end[1] and r["event_type"] != "follow-up":
            add(
                res,
                num,
                "date",
                r["date"],
                "event is after the case was concluded (only follow-up events may be)",
                "event-span",
            )


@rule("claim-date", "claim-used", "claim-used-twice")
def claims_match_cases(raw: RawPackage, add: Add) -> None:
    """A used claim holds the case table's value; a filled field with claims has exactly one used."""
    cases = raw.tables.get("ncp_cases")
    if cases is None or "case_claims" not in raw.tables or "case_id" not in cases.header:
        return
    res = _res(raw, "case_claims")
    col = cases.columns
    by_id = {case_id: i for i, case_id in enumerate(col["case_id"])}
    used: dict[tuple[str, str], int] = {}
    claimed: set[tuple[str, str]] = set()
    for num, r in rows(raw, "case_claims", "case_id", "field", "value", "used"):
        i = by_id.get(r["case_id"])
        if i is None or r["field"] not in col:
            continue  # dangling ids and unknown fields are reported by the key and enum checks
        key = (r["case_id"], r["field"])
        claimed.add(key)
        if r["field"].startswith("date_") and partial_date(r["value"]) is None:
            add(res, num, "value", r["value"], "a claimed date must be YYYY, YYYY-MM or YYYY-MM-DD", "claim-date")
        if r["used"] != "true":
            continue
        if key in used:
            add(
                res,
                num,
                "used",
                r["used"],
                f"a second used claim for {r['field']} (first at row {used[key]})",
                "claim-used-twice",
            )
        used[key] = num
        if col[r["field"]][i] != r["value"]:
            add(
                res,
                num,
                "value",
                r["value"],
                f"marked used, but ncp_cases has {r['field']} = {col[r['field']][i]!r}",
                "claim-used",
            )
    for case_id, name in sorted(claimed - set(used)):
        i = by_id[case_id]
        if col[name][i]:
            add(
                _res(raw, "ncp_cases"),
                cases.numbers[i],
                name,
                col[name][i],
                "sources disagree on this field (see case_claims) but no claim is marked used for this value",
                "claim-used",
            )


# ----------------------------------------------------------------------------- incidents


@rule("date-order")
def incident_date_order(raw: RawPackage, add: Add) -> None:
    """An incident ends no earlier than it starts."""
    each_distinct(raw, add, "incidents", ("start_date", "end_date"), lambda r: _order(r, "start_date", "end_date"))


@rule("range-order", "range-missing", "range-qualifier")
def figure_ranges(raw: RawPackage, add: Add) -> None:
    """A figure's range has its high end above its value, and only a range has a high end."""

    def judge(r: dict[str, str]) -> Findings:
        found: Findings = []
        has_hi = r["value_high"] != ""
        if (
            has_hi
            and INTEGER.match(r["value_high"])
            and INTEGER.match(r["value"])
            and int(r["value_high"]) < int(r["value"])
        ):
            found.append(
                ("value_high", r["value_high"], f"high end of the range is below the value {r['value']}", "range-order")
            )
        if r["qualifier"] == "range" and not has_hi:
            found.append(("value_high", "", "qualifier 'range' needs value_high", "range-missing"))
        if r["qualifier"] != "range" and has_hi:
            found.append(
                (
                    "qualifier",
                    r["qualifier"],
                    "value_high is given, so the qualifier must be 'range'",
                    "range-qualifier",
                )
            )
        return found

    each_distinct(raw, add, "incident_figures", ("value", "value_high", "qualifier"), judge)


def check_rules(raw: RawPackage, add: Add) -> None:
    """Run every registered rule."""
    for r in RULES:
        r.check(raw, add)


def rules_markdown() -> str:
    """The registry as a Markdown table (problem codes and what each rule checks)."""
    lines = ["| rule | problem codes | checks |", "|---|---|---|"]
    for r in RULES:
        lines.append(f"| `{r.check.__name__}` | {', '.join(f'`{c}`' for c in r.codes)} | {r.doc} |")
    return "\n".join(lines)
