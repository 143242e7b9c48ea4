"""Merge reviewed case codings from research/case_coding/ into data/ (ncp_cases, case_outcomes, sources).

Input (one file per reader, columns as in research/case_coding/README.md):
- ``coded_*.csv``: the codes of existing cases, each with its evidence and the pages read;
- ``new_*.csv``: new cases, with their facts, codes and evidence.

What it does, row by row, printing every change it makes:
- every URL read becomes a ``sources`` row (matched to an existing row by URL, else added
  with ``read_on`` = the coding date); evidence ``[n]`` keeps pointing at the n-th source;
- ``case_outcomes`` gets one row per case (replacing an earlier coding of the same case);
- ``ncp_cases.outcome`` and ``outcome_rule`` are derived from the codes by
  :func:`rbclab.derive_outcome`; empty ``themes`` and ``sector`` are filled from the OECD page
  where the reader recorded them; the pages cited are added to the case's ``source_ids``;
- new cases are appended (after checking their id and OECD id are new).
Corrections the readers proposed are printed, not applied: each is reviewed and made by hand.

Usage: python tools/merge_case_coding.py [--date YYYY-MM-DD] FILE...
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))
sys.path.insert(0, str(ROOT / "tools"))

from csvio import read, write  # noqa: E402

from rbclab.taxonomy import CODES, derive_outcome  # noqa: E402
from rbclab.values import split_list  # noqa: E402

DATA = ROOT / "data"  # --data points elsewhere (a copy, for a dry run)
CASE_FIELDS_FROM_NEW = [
    "case_id",
    "oecd_id",
    "title",
    "complainants",
    "enterprises",
    "complainant_type",
    "lead_ncp",
    "supporting_ncps",
    "host_countries",
    "sector",
    "themes",
    "status",
    "status_as_of",
    "date_submitted",
    "date_initial_assessment",
    "date_concluded",
    "surveillance_ict",
    "notes",
]


def url_key(url: str) -> str:
    """A URL without scheme, www., trailing dots of the host, doubled or trailing slashes."""
    u = url.strip().lower()
    u = re.sub(r"^[a-z]+://", "", u)
    host, _, rest = u.partition("/")
    host = host.rstrip(".").removeprefix("www.")
    rest = re.sub(r"/+", "/", rest).rstrip("/")
    return f"{host}/{rest}"


def urls(cell: str) -> list[str]:
    """The URLs (or ``source:<id>``) of a cell, separated by ' ; ' or spaces."""
    parts = re.split(r"\s+;\s+|\s*;\s*(?=https?://|source:)|\s+(?=https?://|source:)", cell or "")
    return [u.strip() for u in parts if u.strip()]


OECD_ID = re.compile(r"(?:database/instances/|database/)([a-z]{2}\d{4})(?:\.html?)?$")


def kind_of(host: str, url: str, known: dict[str, str]) -> str:
    if host in known:
        return known[host]
    if "oecdwatch" in host:
        return "OECD Watch page"
    if "oecd.org" in host:
        return "OECD database page" if "database" in url else "intergovernmental"
    if "tuac" in host:
        return "trade union"
    if host.endswith(
        (".gov", ".gov.uk", "gov.uk", ".gouv.fr", ".gov.au", ".go.jp", ".go.kr", ".gc.ca", ".gov.br", ".admin.ch")
    ):
        return "government"
    return "web page"


class Sources:
    def __init__(self, read_on: str):
        self.header, self.rows = read(DATA / "sources.csv")
        self.by_key = {url_key(r["url"]): r["source_id"] for r in self.rows if r["url"]}
        self.ids = {r["source_id"] for r in self.rows}
        counts: dict[str, dict[str, int]] = {}
        for r in self.rows:
            if r["url"]:
                host = url_key(r["url"]).split("/")[0]
                counts.setdefault(host, {}).setdefault(r["kind"], 0)
                counts[host][r["kind"]] += 1
        self.kinds = {h: max(k, key=k.get) for h, k in counts.items()}
        self.read_on = read_on
        self.added = 0

    def id_for(self, url: str) -> str:
        if url.startswith("source:"):  # a source without a URL (a seed document), by its id
            sid = url.removeprefix("source:")
            if sid not in self.ids:
                raise SystemExit(f"no source {sid!r} in sources.csv")
            return sid
        key = url_key(url)
        if key in self.by_key:
            return self.by_key[key]
        host = key.split("/")[0]
        m = OECD_ID.search(key)
        if m and "oecd.org" in host and f"oecd-db-{m.group(1)}" not in self.ids:
            sid = f"oecd-db-{m.group(1)}"
        else:
            label = re.sub(r"^(en|m|fr|de|es)\.", "", host).split(".")[0]
            label = re.sub(r"[^a-z0-9-]+", "-", label).strip("-") or "page"
            sid = f"{label}-{hashlib.sha1(url.encode()).hexdigest()[:6]}"
            while sid in self.ids:
                sid = f"{label}-{hashlib.sha1((sid + url).encode()).hexdigest()[:6]}"
        row = dict.fromkeys(self.header, "")
        row.update(source_id=sid, kind=kind_of(host, url, self.kinds), publisher=host, read_on=self.read_on, url=url)
        self.rows.append(row)
        self.ids.add(sid)
        self.by_key[key] = sid
        self.added += 1
        return sid


def outcome_row(r: dict[str, str], sources: Sources, coded_on: str, header: list[str]) -> dict[str, str]:
    cited = [sources.id_for(u) for u in urls(r["evidence_urls"])]
    read_ids = [sources.id_for(u) for u in urls(r.get("pages_read", ""))]
    out = dict.fromkeys(header, "")
    out["case_id"] = r["case_id"]
    for dim in CODES:
        out[dim] = r[dim].strip().lower()
        text = re.sub(r"^\s*\[(?:-|0|)\]\s*", "", r[f"{dim}_evidence"])  # "no page" markers
        out[f"{dim}_evidence"] = " ".join(text.split())
    out["source_ids"] = ";".join(dict.fromkeys(cited))
    out["pages_read"] = ";".join(dict.fromkeys(cited + read_ids))
    out["coded_on"] = coded_on
    out["notes"] = " ".join(r.get("notes", "").split())
    if len(set(cited)) != len(cited):  # the same page twice: keep [n] positions meaningful
        out["source_ids"] = ";".join(cited)
    return out


def main(argv: list[str] | None = None) -> int:
    global DATA  # noqa: PLW0603 - the folder every helper above reads, set once from --data
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--date", default=dt.date.today().isoformat(), help="date the pages were read (default today)")
    ap.add_argument("--data", type=Path, default=None, help="package folder to merge into (default: data/)")
    args = ap.parse_args(argv)
    DATA = args.data or DATA
    sources = Sources(args.date)
    case_header, cases = read(DATA / "ncp_cases.csv")
    by_id = {c["case_id"]: c for c in cases}
    oecd_ids = {c["oecd_id"] for c in cases if c["oecd_id"]}
    out_path = DATA / "case_outcomes.csv"
    out_header = (
        ["case_id"]
        + [c for d in CODES for c in (d, f"{d}_evidence")]
        + ["source_ids", "pages_read", "coded_on", "notes"]
    )
    outcomes = {r["case_id"]: r for r in read(out_path)[1]} if out_path.exists() else {}
    corrections = []
    for path in args.files:
        _, rows = read(path)
        new = path.name.startswith("new_")
        for r in rows:
            cid = r["case_id"].strip()
            if new:
                if not r.get("lead_ncp", "").strip():
                    print(f"skip {path.name}: {cid} names no lead NCP (left pending in research/)")
                    continue
                if cid in by_id or (r["oecd_id"] and r["oecd_id"] in oecd_ids):
                    print(f"skip {path.name}: {cid} / {r['oecd_id']} is already in ncp_cases")
                    continue
                case = dict.fromkeys(case_header, "")
                case.update({k: " ".join(r.get(k, "").split()) for k in CASE_FIELDS_FROM_NEW})
                case["source_ids"] = ";".join(dict.fromkeys(sources.id_for(u) for u in urls(r["source_urls"])))
                cases.append(case)
                by_id[cid] = case
                if case["oecd_id"]:
                    oecd_ids.add(case["oecd_id"])
                print(f"add case {cid} ({path.name})")
            elif cid not in by_id:
                print(f"skip {path.name}: no case {cid}")
                continue
            case = by_id[cid]
            row = outcome_row(r, sources, args.date, out_header)
            outcomes[cid] = row
            case["outcome"], case["outcome_rule"] = derive_outcome(row)
            cited = split_list(row["source_ids"])
            case["source_ids"] = ";".join(dict.fromkeys(split_list(case["source_ids"]) + cited))
            for fld, col in (("themes", "themes_from_page"), ("sector", "sector_from_page")):
                value = " ".join(r.get(col, "").split())
                if value and not case[fld]:
                    case[fld] = value
                    print(f"  {cid}: {fld} = {value!r} (from the page)")
            if r.get("corrections", "").strip():
                corrections.append((cid, r["corrections"].strip(), row["source_ids"]))
    order = [c["case_id"] for c in cases]
    write(DATA / "ncp_cases.csv", case_header, cases)
    write(out_path, out_header, [outcomes[c] for c in order if c in outcomes])
    write(DATA / "sources.csv", sources.header, sorted(sources.rows, key=lambda s: s["source_id"]))
    print(f"\n{len(outcomes)} coded cases; {len(cases)} cases; {sources.added} sources added.")
    if corrections:
        print(f"\n{len(corrections)} proposed corrections (review and apply by hand):")
        for cid, text, sids in corrections:
            print(f"- {cid} [{sids}]: {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
