"""Command line: ``rbclab validate``, ``rbclab run``, ``rbclab report``, ``rbclab dashboard``, ``rbclab info``."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from .collection import discover_notebooks, notebooks_folder
from .read import resolve
from .validate import validate_package

#: Folder added to JUPYTER_PATH so that Voila finds ``voila/templates/rbclab``.
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Voila's lab template without the style sheets it loads from a CDN.
VOILA_TEMPLATE = "rbclab"


def cmd_validate(args: argparse.Namespace) -> int:
    if args.rules:
        from .rules import rules_markdown
        from .schema import __doc__ as schema_doc

        print("Table Schema subset:\n" + (schema_doc or "").strip() + "\n\nRules of the data:\n" + rules_markdown())
        return 0
    try:
        report = validate_package(args.path, frictionless=args.frictionless)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0 if report.ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    from .exports import export
    from .read import DataPackageError

    try:
        out = export(args.out, args.format, package=args.package)
    except DataPackageError as exc:
        print(f"error: the package has problems, nothing was exported:\n{exc}", file=sys.stderr)
        return 1
    except ImportError as exc:
        print(f"error: {exc}; install the export extra: pip install 'rbclab[export]'", file=sys.stderr)
        return 2
    print(f"wrote {out}")
    return 0


def cmd_data(args: argparse.Namespace) -> int:
    from . import datatools

    if args.action == "hash":
        changed = datatools.write_hashes(args.path)
        print(f"updated bytes and hash of: {', '.join(changed)}" if changed else "bytes and hashes are up to date")
        return 0
    rows = datatools.pending(args.research)
    if not rows:
        print(f"nothing pending: {args.research}/ holds no unreviewed rows")
        return 0
    print(f"pending review in {args.research}/ (rows not yet in data/):")
    for name, n in rows:
        print(f"  {n:6d}  {name}")
    return 0


def execute_notebooks(notebooks: list[Path], out: Path, timeout: int = 300) -> list[tuple[Path, float]]:
    """Execute notebooks in order; write executed copies to ``out``."""
    import nbformat

    from .nbtools import execute

    out.mkdir(parents=True, exist_ok=True)
    done = []
    for nb_path in notebooks:
        nb, elapsed = execute(nb_path, timeout=timeout)
        target = out / nb_path.name
        nbformat.write(nb, target)
        done.append((target, elapsed))
    return done


def cmd_run(args: argparse.Namespace) -> int:
    report = validate_package(args.data)
    print(report.summary())
    if not report.ok:
        return 1
    notebooks = discover_notebooks(args.notebooks)
    if not notebooks:
        print(f"no notebooks found in {args.notebooks}", file=sys.stderr)
        return 1
    out = Path(args.out)
    print(f"\nExecuting {len(notebooks)} notebooks into {out}/ ...")
    for target, elapsed in execute_notebooks(notebooks, out):
        print(f"  {target}  ({elapsed:.1f} s)")
    print(f"\nDone. Executed notebooks are in {out.resolve()}/")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .report import MAX_PAGE_BYTES, build_report

    report = validate_package(args.data)
    if not report.ok:
        print(report.summary())
        return 1
    notebooks = []
    for item in args.notebooks or [notebooks_folder()]:
        path = Path(item)
        notebooks.extend([path] if path.is_file() else discover_notebooks(path))
    if not notebooks:
        print(f"no notebooks found in {', '.join(map(str, args.notebooks or [notebooks_folder()]))}", file=sys.stderr)
        return 1
    out = Path(args.out)
    print(f"Building the report of {len(notebooks)} notebooks into {out}/ ...")
    result = build_report(out, notebooks=notebooks, data=args.data, timeout=args.timeout, log=print)
    print(
        f"\nData version {result.data_version}; {len(result.data_files)} files checksummed;"
        f" built in {result.seconds:.1f} s."
    )
    print(f"Open {result.index.resolve().as_uri()} (works offline, nothing is loaded from another host).")
    big = result.oversized()
    for page in big:
        print(f"error: {page.path} is {page.bytes:,} bytes, over the {MAX_PAGE_BYTES:,}-byte limit", file=sys.stderr)
    return 1 if big else 0


def dashboard_command(notebooks: str | Path, port: int = 8866, open_browser: bool = False) -> list[str]:
    """The Voila command that serves ``notebooks`` as a dashboard on 127.0.0.1 only."""
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(notebooks),
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--theme=light",
        "--show_tracebacks=True",
        f"--template={VOILA_TEMPLATE}",
    ]
    if not open_browser:
        cmd.append("--no-browser")
    return cmd


def dashboard_env(data: str | Path | None = None) -> dict[str, str]:
    """Environment for Voila: finds the packaged ``rbclab`` template; ``data`` sets RBCLAB_DATA."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(TEMPLATES), env.get("JUPYTER_PATH")]))
    if data:
        env["RBCLAB_DATA"] = str(Path(data).resolve())
    return env


def cmd_dashboard(args: argparse.Namespace) -> int:
    cmd = dashboard_command(notebooks_folder(args.notebooks), port=args.port, open_browser=args.open)
    env = dashboard_env(args.data)
    print(
        f"Serving {notebooks_folder(args.notebooks)} as a dashboard on http://127.0.0.1:{args.port}/ (Ctrl-C stops it)"
    )
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0


def cmd_info(args: argparse.Namespace) -> int:
    print(f"data package: {resolve(None)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="rbclab", description="rbc-lab: sourced data on responsible business conduct cases"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check a data package and report every problem")
    p.add_argument("path", nargs="?", default=None, help="folder with datapackage.json (default: the bundled data)")
    p.add_argument("--frictionless", action="store_true", help="also validate with Frictionless (slower)")
    p.add_argument("--rules", action="store_true", help="list what is checked (the Table Schema subset and every rule)")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser(
        "data", help="maintain a data package: 'hash' writes bytes and hashes, 'pending' lists unreviewed rows"
    )
    p.add_argument("action", choices=["hash", "pending"])
    p.add_argument("path", nargs="?", default=None, help="package folder for 'hash' (default: the bundled data)")
    p.add_argument("--research", default="research", help="folder of unreviewed research for 'pending'")
    p.set_defaults(func=cmd_data)
    p = sub.add_parser("export", help="write every table as parquet, sqlite, duckdb, xlsx or csv")
    p.add_argument("--format", required=True, choices=["parquet", "sqlite", "duckdb", "xlsx", "csv"])
    p.add_argument("--out", required=True, help="a folder (parquet, csv) or a file (sqlite, duckdb, xlsx)")
    p.add_argument("--package", default=None, help="data package folder (default: the bundled data)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("run", help="validate the data and execute every notebook")
    p.add_argument("--data", default=None, help="data package folder (default: the bundled data)")
    p.add_argument("--notebooks", default=None, help="folder of numbered notebooks (default: notebooks/ here)")
    p.add_argument("--out", default="build/notebooks", help="where executed notebooks go")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("report", help="execute every notebook into an offline HTML report")
    p.add_argument("--out", default="build/report", help="report folder (default: build/report)")
    p.add_argument(
        "--notebooks",
        nargs="+",
        default=None,
        help="folders of numbered notebooks (NN_name.ipynb) or notebook files",
    )
    p.add_argument("--data", default=None, help="data package folder (default: the bundled data)")
    p.add_argument("--timeout", type=int, default=600, help="seconds one cell may run")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("dashboard", help="serve the explorer notebooks as a Voila dashboard on 127.0.0.1")
    p.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default: 8866)")
    p.add_argument("--notebooks", default=None, help="folder of notebooks to serve (default: notebooks/ here)")
    p.add_argument("--data", default=None, help="data package folder (default: the bundled data)")
    p.add_argument("--open", action="store_true", help="open a web browser on the dashboard")
    p.set_defaults(func=cmd_dashboard)
    p = sub.add_parser("info", help="say where the bundled data package is")
    p.set_defaults(func=cmd_info)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
