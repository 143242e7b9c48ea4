"""Rewrite the tables of data/README.md that are computed from the data (tests keep them equal).

The coverage table (``rbclab.analyse.coverage_markdown``), the table against the published
counts (``rbclab.published_markdown``), the outcome counts of the taxonomy table and the
distribution of the codes are replaced in place; the prose around them is left alone.

Usage: python tools/update_data_readme.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

import rbclab as rl  # noqa: E402
from rbclab.analyse import coverage_markdown  # noqa: E402

README = ROOT / "data" / "README.md"


def _replace_table(text: str, first_line: str, table: str) -> str:
    """Replace the Markdown table whose header row is ``first_line`` by ``table``."""
    start = text.index(first_line)
    lines = text[start:].split("\n")
    n = next((i for i, line in enumerate(lines) if not line.startswith("|")), len(lines))
    end = start + len("\n".join(lines[:n]))
    return text[:start] + table.strip("\n") + text[end:]


def main() -> int:
    cases = rl.load_cases()
    text = README.read_text(encoding="utf-8")
    coverage = coverage_markdown(cases)
    text = _replace_table(text, coverage.strip("\n").split("\n")[0], coverage)
    published = rl.published_markdown(cases, rl.load_published_counts())
    text = _replace_table(text, published.strip("\n").split("\n")[0], published)
    counts = cases.groupby(["outcome", "outcome_rule"], observed=True).size()
    for (outcome, rule), n in counts.items():
        text, found = re.subn(
            rf"\| {re.escape(outcome)} \| `{re.escape(rule)}` \| \d+ \|", f"| {outcome} | `{rule}` | {n} |", text
        )
        if not found:
            raise SystemExit(f"data/README.md has no row for {outcome} / {rule}")
    text = re.sub(r"Distribution of the codes \(\d+ cases\)", f"Distribution of the codes ({len(cases)} cases)", text)
    outcomes = rl.load_case_outcomes()
    for dim, values in rl.CODES.items():
        counts = outcomes[dim].value_counts()
        cells = "; ".join(f"{v} {int(counts.get(v, 0))}" for v in values)
        text, found = re.subn(rf"^\| `{dim}` \| .* \|$", f"| `{dim}` | {cells} |", text, flags=re.M)
        if not found:
            raise SystemExit(f"data/README.md has no row for the code {dim}")
    README.write_text(text, encoding="utf-8")
    print(f"updated {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
