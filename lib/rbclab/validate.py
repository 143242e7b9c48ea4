"""Check a data package: read it, check its Table Schemas, then the rules of the data.

Every problem is collected (table, row, field, bad value, what was expected); nothing
stops at the first one.  Three layers do the work:

* :mod:`rbclab.read` reads the descriptor and the CSV files as text, refusing paths that
  leave the package and reporting malformed files as problems;
* :mod:`rbclab.schema` checks the subset of Table Schema it documents, and refuses any
  keyword outside it (``unsupported-constraint``) rather than ignore it;
* :mod:`rbclab.rules` checks what a Table Schema cannot say (date order, OECD id prefixes,
  the coded outcomes and their evidence, claims), one registered rule per check.

``rbclab validate --frictionless`` also runs Frictionless as an independent conformance
check; the test suite runs it on the bundled package.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .read import DESCRIPTOR, Problem, RawPackage, paused_gc, read_package
from .rules import check_rules
from .schema import check_schema, problem_adder


@dataclass
class ValidationReport:
    """Result of :func:`validate_package`: the problems and a per-table row count."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def summary(self) -> str:
        """A human-readable summary: rows per table, then every problem."""
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


def check(raw: RawPackage) -> list[Problem]:
    """Run every check on a package read by :func:`rbclab.read.read_package`."""
    problems: list[Problem] = list(raw.problems)
    if (
        any(p.code in {"invalid-descriptor", "missing-descriptor", "unsafe-path"} for p in raw.problems)
        and not raw.tables
    ):
        return problems
    add = problem_adder(problems)
    check_schema(raw, add)
    check_rules(raw, add)
    return problems


def frictionless_problems(path: str | os.PathLike) -> list[Problem]:
    """Validate with Frictionless (an optional extra, imported only here) and translate its errors."""
    try:
        from frictionless import Package
    except ImportError:
        return [
            Problem(
                DESCRIPTOR,
                None,
                None,
                None,
                "Frictionless is not installed: pip install 'rbclab[validate-frictionless]'",
                "frictionless-missing",
            )
        ]
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


def validate_package(path: str | os.PathLike | None = None, *, frictionless: bool = False) -> ValidationReport:
    """Check a data package and return a report listing every problem.

    Parameters
    ----------
    path : str or path-like, optional
        A folder holding ``datapackage.json``, or the descriptor itself; ``None`` means the
        bundled package.
    frictionless : bool, default False
        Also validate with Frictionless; its findings are added unless they repeat one of
        ours (same table, row and field).

    Returns
    -------
    ValidationReport

    Examples
    --------
    >>> validate_package().ok
    True
    """
    with paused_gc():
        raw = read_package(path)
        problems = check(raw)
    if frictionless and not any(
        p.code in {"missing-descriptor", "invalid-descriptor", "unsafe-path"} for p in problems
    ):
        seen = {(p.table, p.row, p.field) for p in problems}
        for p in frictionless_problems(raw.root / DESCRIPTOR):
            if (p.table, p.row, p.field) not in seen:
                problems.append(p)
    rows = {name: len(frame) for name, frame in raw.tables.items()}
    return ValidationReport(str(raw.root), problems, rows)
