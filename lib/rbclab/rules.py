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
    idx = [table.header.index(c) for c in cols]
    for row, num in zip(table.rows, table.numbers):
        yield num, dict(zip(cols, (row[i] for i in idx)))


def _res(raw: RawPackage, name: str) -> dict:
    return raw.resource(name)


def _order(raw: RawPackage, add: Add, table: str, num: int, r: dict[str, str], a: str, b: str) -> None:
    da, db = partial_date(r[a]), partial_date(r[b])
    # a partial date is a period: it is out of order only if it starts after the other ends
    if da and db and da[0] > db[1]:
        add(_res(raw, table), num, b, f"{r[a]} > {r[b]}", f"{b} is before {a}", "date-order")


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
    for num, r in rows(raw, "sources", "url", "file"):
        if not r["url"] and not r["file"]:
            add(_res(raw, "sources"), num, "url", "", "a source needs a url or a file name", "source-location")


# ----------------------------------------------------------------------------- cases

_CASE_DATES = ("date_submitted", "date_initial_assessment", "date_concluded")


@rule("date-order")
def case_date_order(raw: RawPackage, add: Add) -> None:
    """A case is submitted, then assessed, then concluded (partial dates as periods)."""
    for num, r in rows(raw, "ncp_cases", *_CASE_DATES):
        _order(raw, add, "ncp_cases", num, r, "date_submitted", "date_initial_assessment")
        _order(raw, add, "ncp_cases", num, r, "date_initial_assessment", "date_concluded")
        if not r["date_initial_assessment"]:
            _order(raw, add, "ncp_cases", num, r, "date_submitted", "date_concluded")


@rule("date-range")
def case_date_range(raw: RawPackage, add: Add) -> None:
    """A case's dates fall between 2000 (the procedure's start) and today."""
    today = _dt.date.today()
    for num, r in rows(raw, "ncp_cases", *_CASE_DATES):
        for c in _CASE_DATES:
            d = partial_date(r[c])
            if d and d[0] > today:
                add(_res(raw, "ncp_cases"), num, c, r[c], "date is in the future", "date-range")
            if d and d[0].year < EARLIEST_CASE_YEAR:
                add(
                    _res(raw, "ncp_cases"),
                    num,
                    c,
                    r[c],
                    f"date before {EARLIEST_CASE_YEAR}, when the NCP procedure began",
                    "date-range",
                )


@rule("id-prefix")
def oecd_id_prefix(raw: RawPackage, add: Add) -> None:
    """An OECD id starts with the lead NCP's two-letter code (the few ids the OECD writes otherwise are listed)."""
    for num, r in rows(raw, "ncp_cases", "oecd_id", "lead_ncp"):
        codes = id_prefixes(r["lead_ncp"])
        if r["oecd_id"] and not oecd_id_fits(r["oecd_id"], r["lead_ncp"]):
            add(
                _res(raw, "ncp_cases"),
                num,
                "oecd_id",
                r["oecd_id"],
                f"OECD id prefix does not match the lead NCP {r['lead_ncp']} ('{codes[0]}')",
                "id-prefix",
            )


@rule("duplicate-case")
def duplicate_cases(raw: RawPackage, add: Add) -> None:
    """No two cases share lead NCP, day of submission and enterprise (unless two OECD records)."""
    seen: dict[tuple, list[tuple[int, str]]] = {}
    for num, r in rows(raw, "ncp_cases", "case_id", "oecd_id", "lead_ncp", "date_submitted", "enterprises"):
        if not r["enterprises"] or len(r["date_submitted"]) != 10:
            continue
        key = (r["lead_ncp"], r["date_submitted"], re.sub(r"[^a-z0-9]+", "", r["enterprises"].lower()))
        clash = [n for n, oid in seen.get(key, []) if not (oid and r["oecd_id"] and oid != r["oecd_id"])]
        if clash:
            add(
                _res(raw, "ncp_cases"),
                num,
                "case_id",
                r["case_id"],
                f"likely duplicate of the case at row {clash[0]} (same lead NCP, submission date and enterprise)",
                "duplicate-case",
            )
        seen.setdefault(key, []).append((num, r["oecd_id"]))


@rule("undated-id")
def undated_id(raw: RawPackage, add: Add) -> None:
    """A case id says ``undated`` only when the submission date is unknown, else its year."""
    for num, r in rows(raw, "ncp_cases", "case_id", "date_submitted"):
        part = r["case_id"][3:7] if len(r["case_id"]) > 7 else ""
        if part == "unda" and r["date_submitted"]:
            add(
                _res(raw, "ncp_cases"),
                num,
                "case_id",
                r["case_id"],
                f"id says undated, but date_submitted is {r['date_submitted']}",
                "undated-id",
            )


# ----------------------------------------------------------------------------- coded outcomes


def _codes(raw: RawPackage) -> dict[str, tuple[int, dict[str, str]]]:
    return {r["case_id"]: (num, r) for num, r in rows(raw, "case_outcomes", "case_id", *CODES)}


@rule("outcome-missing")
def every_case_coded(raw: RawPackage, add: Add) -> None:
    """Every case has exactly one row of codes in ``case_outcomes``."""
    if "case_outcomes" not in raw.tables:
        return
    coded = _codes(raw)
    for num, r in rows(raw, "ncp_cases", "case_id"):
        if r["case_id"] not in coded:
            add(
                _res(raw, "ncp_cases"),
                num,
                "case_id",
                r["case_id"],
                "case has no row in case_outcomes",
                "outcome-missing",
            )


@rule("outcome-rule")
def outcome_follows_codes(raw: RawPackage, add: Add) -> None:
    """``ncp_cases.outcome`` and ``outcome_rule`` are what :func:`derive_outcome` gives for the codes."""
    coded = _codes(raw)
    if not coded:
        return
    for num, r in rows(raw, "ncp_cases", "case_id", "outcome", "outcome_rule"):
        if r["case_id"] not in coded:
            continue
        outcome, rule_name = derive_outcome(coded[r["case_id"]][1])
        if (r["outcome"], r["outcome_rule"]) != (outcome, rule_name):
            add(
                _res(raw, "ncp_cases"),
                num,
                "outcome",
                f"{r['outcome']} / {r['outcome_rule']}",
                f"does not follow from the case's codes: the rule gives '{outcome}' / '{rule_name}'",
                "outcome-rule",
            )


@rule("code-conflict")
def codes_agree(raw: RawPackage, add: Add) -> None:
    """A case's codes do not contradict each other (e.g. an agreement needs good offices held)."""
    for num, r in _codes(raw).values():
        for dim, message in code_conflicts(r):
            add(_res(raw, "case_outcomes"), num, dim, r[dim], message, "code-conflict")


@rule("code-evidence")
def codes_have_evidence(raw: RawPackage, add: Add) -> None:
    """Every code has its evidence; a known code cites its page as ``[n]``, the n-th of ``source_ids``."""
    cols = [c for d in CODES for c in (d, f"{d}_evidence")]
    for num, r in rows(raw, "case_outcomes", "case_id", "source_ids", *cols):
        n_sources = len(split_list(r["source_ids"]))
        for dim in CODES:
            text = r[f"{dim}_evidence"]
            if not text.strip():
                add(
                    _res(raw, "case_outcomes"),
                    num,
                    f"{dim}_evidence",
                    "",
                    f"the code {dim} = {r[dim]!r} has no evidence",
                    "code-evidence",
                )
                continue
            refs = [int(n) for n in EVIDENCE_REF.findall(text)]
            if not refs and r[dim] != "unknown":
                add(
                    _res(raw, "case_outcomes"),
                    num,
                    f"{dim}_evidence",
                    text[:60],
                    "evidence must cite its page as [n], the n-th of source_ids",
                    "code-evidence",
                )
            bad = [n for n in refs if not 1 <= n <= n_sources]
            if bad:
                add(
                    _res(raw, "case_outcomes"),
                    num,
                    f"{dim}_evidence",
                    f"[{bad[0]}]",
                    f"cites source [{bad[0]}] but the row has {n_sources} source id(s)",
                    "code-evidence",
                )


# ----------------------------------------------------------------------------- events and claims


@rule("event-span")
def events_in_case_span(raw: RawPackage, add: Add) -> None:
    """Events fall between a case's submission and conclusion (follow-ups may come after)."""
    span = {
        r["case_id"]: (partial_date(r["date_submitted"]), partial_date(r["date_concluded"]))
        for _, r in rows(raw, "ncp_cases", "case_id", "date_submitted", "date_concluded")
    }
    if "case_events" not in raw.tables:
        return
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
    col = {c: i for i, c in enumerate(cases.header)}
    by_id = {row[col["case_id"]]: (num, row) for row, num in zip(cases.rows, cases.numbers)}
    used: dict[tuple[str, str], int] = {}
    claimed: set[tuple[str, str]] = set()
    for num, r in rows(raw, "case_claims", "case_id", "field", "value", "used"):
        case = by_id.get(r["case_id"], (None, None))[1]
        if case is None or r["field"] not in col:
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
        if case[col[r["field"]]] != r["value"]:
            add(
                res,
                num,
                "value",
                r["value"],
                f"marked used, but ncp_cases has {r['field']} = {case[col[r['field']]]!r}",
                "claim-used",
            )
    for case_id, name in sorted(claimed - set(used)):
        num, case = by_id[case_id]
        if case[col[name]]:
            add(
                _res(raw, "ncp_cases"),
                num,
                name,
                case[col[name]],
                "sources disagree on this field (see case_claims) but no claim is marked used for this value",
                "claim-used",
            )


# ----------------------------------------------------------------------------- incidents


@rule("date-order")
def incident_date_order(raw: RawPackage, add: Add) -> None:
    """An incident ends no earlier than it starts."""
    for num, r in rows(raw, "incidents", "start_date", "end_date"):
        _order(raw, add, "incidents", num, r, "start_date", "end_date")


@rule("range-order", "range-missing", "range-qualifier")
def figure_ranges(raw: RawPackage, add: Add) -> None:
    """A figure's range has its high end above its value, and only a range has a high end."""
    for num, r in rows(raw, "incident_figures", "value", "value_high", "qualifier"):
        rf = _res(raw, "incident_figures")
        has_hi = r["value_high"] != ""
        if (
            has_hi
            and INTEGER.match(r["value_high"])
            and INTEGER.match(r["value"])
            and int(r["value_high"]) < int(r["value"])
        ):
            add(
                rf,
                num,
                "value_high",
                r["value_high"],
                f"high end of the range is below the value {r['value']}",
                "range-order",
            )
        if r["qualifier"] == "range" and not has_hi:
            add(rf, num, "value_high", "", "qualifier 'range' needs value_high", "range-missing")
        if r["qualifier"] != "range" and has_hi:
            add(
                rf,
                num,
                "qualifier",
                r["qualifier"],
                "value_high is given, so the qualifier must be 'range'",
                "range-qualifier",
            )


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
