"""Command line: ``rbclab validate``, ``rbclab run``, ``rbclab info``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .package import resolve
from .validate import validate

ROOT = Path(__file__).resolve().parents[2]


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        report = validate(args.path, frictionless=args.frictionless)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0 if report.ok else 1


def execute_notebooks(notebooks: list[Path], out: Path, timeout: int = 300) -> list[tuple[Path, float]]:
    """Execute notebooks in order with nbclient; write executed copies to ``out``."""
    import nbformat  # noqa: PLC0415 - heavy, only for running notebooks
    from nbclient import NotebookClient  # noqa: PLC0415

    out.mkdir(parents=True, exist_ok=True)
    done = []
    for nb_path in notebooks:
        nb = nbformat.read(nb_path, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(nb_path.parent)}}).execute()
        elapsed = time.perf_counter() - start
        target = out / nb_path.name
        nbformat.write(nb, target)
        done.append((target, elapsed))
    return done


def cmd_run(args: argparse.Namespace) -> int:
    report = validate(args.data)
    print(report.summary())
    if not report.ok:
        return 1
    notebooks = sorted(Path(args.notebooks).glob("[0-9][0-9]*.ipynb"))
    if not notebooks:
        print(f"no notebooks found in {args.notebooks}", file=sys.stderr)
        return 1
    out = Path(args.out)
    print(f"\nExecuting {len(notebooks)} notebooks into {out}/ ...")
    for target, elapsed in execute_notebooks(notebooks, out):
        print(f"  {target}  ({elapsed:.1f} s)")
    print(f"\nDone. Executed notebooks are in {out.resolve()}/")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    print(f"data package: {resolve(None)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rbclab", description="rbc-lab: sourced data on responsible business conduct cases")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check a data package and report every problem")
    p.add_argument("path", nargs="?", default=None, help="folder with datapackage.json (default: the bundled data)")
    p.add_argument("--frictionless", action="store_true", help="also validate with Frictionless (slower)")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("run", help="validate the data and execute every notebook")
    p.add_argument("--data", default=None, help="data package folder (default: the bundled data)")
    p.add_argument("--notebooks", default=str(ROOT / "notebooks"), help="folder of numbered notebooks")
    p.add_argument("--out", default="build/notebooks", help="where executed notebooks go")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("info", help="say where the bundled data package is")
    p.set_defaults(func=cmd_info)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
