"""Apply reviewed corrections (research/case_coding/corrections_structured.csv) to data/ncp_cases.csv.

Each row proposes one value for one field of one case, with the sources that state it and a
``kind``.  The policy, so that a reviewer can predict every change:

- ``fill`` (the field is empty): the value is written, and its sources join the case's
  ``source_ids``.  An OECD id is written only if no other case has it and its prefix fits
  the lead NCP.
- ``differs`` on ``title`` or ``sector``, stated by the OECD database page: the OECD's
  wording is written (the data dictionary's rule for these fields).
- ``differs`` on a date or the status: both values are kept in ``case_claims``; the case
  table uses the OECD database's or the NCP's own value (sources of kind ``OECD database
  page``, ``NCP statement`` or ``government``), else keeps its earlier value.  Where the
  field already has claims (a choice made and explained earlier), the new value joins them
  as a claim not used.  A proposed
  first-of-month day is never taken (it may be the database's placeholder).
- ``other-source-differs``: the other source's value is added to ``case_claims`` as a claim
  not used (when the row names its source).
- ``precision`` on a date: the page gives only the month (or year) of a date stored to the
  day (the OECD database's first-of-month placeholder); the date is cut to what the page
  gives, if the stored date starts with it, and a used claim of the old value follows.
- ``same``, ``note`` and every other field: nothing is changed (printed for the record).

A ``source_ids`` item may also be the URL of a page read: it becomes a ``sources`` row (matched
to an existing row by URL, else added with ``read_on`` = ``--date``), as the merge does.

Usage: python tools/apply_corrections.py FILE [--data DIR] [--date YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))
sys.path.insert(0, str(ROOT / "tools"))

from csvio import read, write  # noqa: E402

from rbclab.taxonomy import oecd_id_fits  # noqa: E402
from rbclab.values import partial_date, split_list  # noqa: E402

DATES = ("date_submitted", "date_initial_assessment", "date_concluded")
CLAIM_FIELDS = {"status", *DATES}
TOP_KINDS = {"OECD database page", "NCP statement", "government"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    ap.add_argument("--date", default=None, help="date the pages given by URL were read (default today)")
    args = ap.parse_args(argv)
    data = args.data
    _, proposals = read(args.file)
    if any(u.startswith(("http://", "https://")) for p in proposals for u in split_list(p["source_ids"])):
        import datetime as dt

        import merge_case_coding as merge

        merge.DATA = data
        sources = merge.Sources(args.date or dt.date.today().isoformat())
        for p in proposals:
            p["source_ids"] = ";".join(
                sources.id_for(u) if u.startswith(("http://", "https://")) else u for u in split_list(p["source_ids"])
            )
        write(data / "sources.csv", sources.header, sorted(sources.rows, key=lambda s: s["source_id"]))
        print(f"{sources.added} sources added")
    case_header, cases = read(data / "ncp_cases.csv")
    by_id = {c["case_id"]: c for c in cases}
    kinds = {s["source_id"]: s["kind"] for s in read(data / "sources.csv")[1]}
    claim_header, claims = read(data / "case_claims.csv")
    oecd_ids = {c["oecd_id"] for c in cases if c["oecd_id"]}
    counted = {
        c: sum(1 for p in proposals if p["field"] == "oecd_id" and p["proposed"] == c)
        for c in {p["proposed"] for p in proposals}
    }
    changed = 0

    def cite(case: dict[str, str], sids: list[str]) -> None:
        case["source_ids"] = ";".join(dict.fromkeys(split_list(case["source_ids"]) + sids))

    def claim(case_id: str, field: str, value: str, sids: list[str], used: bool, note: str) -> None:
        for c in claims:
            if c["case_id"] == case_id and c["field"] == field and c["value"] == value:
                c["source_ids"] = ";".join(dict.fromkeys(split_list(c["source_ids"]) + sids))
                if used:
                    c["used"] = "true"
                return
        claims.append(
            {
                "case_id": case_id,
                "field": field,
                "value": value,
                "source_ids": ";".join(sids),
                "used": "true" if used else "false",
                "note": note,
            }
        )

    for p in proposals:
        case = by_id.get(p["case_id"])
        field, value, kind = p["field"], p["proposed"].strip(), p["kind"]
        sids = [s for s in split_list(p["source_ids"]) if s in kinds]
        if case is None or field not in case or not value or kind in ("same", "note"):
            continue
        if field in DATES and partial_date(value) is None:
            print(f"skip {p['case_id']} {field}: {value!r} is not a partial date")
            continue
        top = any(kinds[s] in TOP_KINDS for s in sids)
        if kind == "fill" and not case[field] and sids:
            if field == "oecd_id":
                if value in oecd_ids or counted.get(value, 0) > 1 or not oecd_id_fits(value, case["lead_ncp"]):
                    print(f"skip {p['case_id']} oecd_id {value}: taken, proposed twice, or prefix of another NCP")
                    continue
                oecd_ids.add(value)
            case[field] = value
            cite(case, sids)
            changed += 1
            print(f"fill {p['case_id']} {field} = {value!r}")
        elif kind == "differs" and field in ("title", "sector") and any(kinds[s] == "OECD database page" for s in sids):
            case[field] = value
            cite(case, sids)
            changed += 1
            print(f"set  {p['case_id']} {field} = {value!r} (OECD page)")
        elif kind == "differs" and field in CLAIM_FIELDS and sids and case[field]:
            settled = any(c["case_id"] == case["case_id"] and c["field"] == field for c in claims)
            use_new = top and not settled and not (field in DATES and len(value) == 10 and value.endswith("-01"))
            earlier = [s for s in split_list(case["source_ids"]) if s not in sids] or split_list(case["source_ids"])
            note = p["note"] or "sources differ"
            claim(case["case_id"], field, case[field], earlier, not use_new, note)
            claim(case["case_id"], field, value, sids, use_new, note)
            if use_new:
                case[field] = value
            cite(case, sids)
            changed += 1
            print(f"{'use ' if use_new else 'keep'} {p['case_id']} {field}: {value!r} (claims kept side by side)")
        elif kind == "other-source-differs" and field in CLAIM_FIELDS and sids and case[field] and value != case[field]:
            earlier = [s for s in split_list(case["source_ids"]) if s not in sids] or split_list(case["source_ids"])
            claim(case["case_id"], field, case[field], earlier, True, p["note"] or "sources differ")
            claim(case["case_id"], field, value, sids, False, p["note"] or "sources differ")
            cite(case, sids)
            changed += 1
            print(f"claim {p['case_id']} {field}: {value!r} (not used)")
        elif kind == "precision" and field in DATES and case[field].startswith(value) and len(value) < len(case[field]):
            old = case[field]
            case[field] = value
            for c in claims:
                if c["case_id"] == case["case_id"] and c["field"] == field and c["value"] == old:
                    c["value"] = value
            cite(case, sids)
            changed += 1
            print(f"cut  {p['case_id']} {field}: {old!r} -> {value!r} (the page gives no day)")
        else:
            print(f"left {p['case_id']} {field} ({kind}): {value[:60]!r}")
    write(data / "ncp_cases.csv", case_header, cases)
    write(data / "case_claims.csv", claim_header, claims)
    print(f"\n{changed} changes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
