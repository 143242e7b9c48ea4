"""Benchmark: ``python -m rbclab.bench`` prints measured figures and ratios (no pass/fail).

* ``import rbclab`` against ``import pandas`` (each in a fresh interpreter, median of N);
* loading and validating every table against plain ``pd.read_csv`` of the same files
  (both cold, each run in a fresh interpreter, the two taking turns; median of N);
  ``--scale`` does the same on synthetic packages of several sizes, with the error path and
  the outcome explorer's redraw.
* each notebook's execution time (fresh kernel) against its floor: the same notebook cut
  down to its first code cell (kernel start plus imports), and the ratio; then the whole
  collection against the sum of the floors;
* the offline report: build time (every notebook executed and converted), the size of
  each page and of the shared assets, and the time to the first drawn chart of each page
  in Chromium (``/usr/bin/chromium``, file://, median of N loads).
Targets: load + validate <= 2x the raw read; ``import rbclab`` <= 1.1x ``import pandas``;
collection <= 1.5x the sum of floors; every report page <= 2 MB.
``--skip-notebooks`` and ``--no-report`` leave those parts out.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _import_time(module: str, repeat: int, then: str = "") -> float:
    """Median seconds to ``import module`` (and run ``then``) in a fresh interpreter."""
    code = f"import time; t = time.perf_counter(); import {module}; {then or 'pass'}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
        for _ in range(repeat)
    ]
    return statistics.median(runs)


def floor_notebook(nb):
    """A copy of ``nb`` cut down to its first code cell (the imports), for the floor."""
    import copy

    floor = copy.deepcopy(nb)
    first = next(i for i, c in enumerate(floor.cells) if c.cell_type == "code")
    floor.cells = floor.cells[: first + 1]
    return floor


def notebook_times(paths: list[Path], repeat: int = 1) -> list[tuple[str, float, float]]:
    """(name, median seconds to execute, median seconds for its floor) per notebook."""
    import nbformat

    from .nbtools import execute

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            floor_path = Path(tmp) / path.name
            nbformat.write(floor_notebook(nbformat.read(path, as_version=4)), floor_path)
            full = statistics.median(execute(path)[1] for _ in range(repeat))
            floor = statistics.median(execute(floor_path)[1] for _ in range(repeat))
            rows.append((path.name, full, floor))
    return rows


def print_notebooks(rows: list[tuple[str, float, float]]) -> None:
    print("  notebook                          run s  floor s  ratio")
    for name, full, floor in rows:
        print(f"  {name:<32} {full:6.1f}  {floor:7.1f}  {full / floor:5.2f}x")
    total, floors = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"  {'collection':<32} {total:6.1f}  {floors:7.1f}  {total / floors:5.2f}x  (target <= 1.5x)")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Records, in the page, the time from navigation start to the first chart drawn.
_FIRST_CHART = """
window.__rbclabFirstChart = null;
new MutationObserver((records, observer) => {
  if (document.querySelector('.rbclab-chart svg, .rbclab-chart canvas')) {
    window.__rbclabFirstChart = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


def bench_report_build(out, notebooks=None) -> Any:
    """Build the report into ``out`` (default: the collection's notebooks); return rbclab.report's result."""
    from rbclab.collection import discover_notebooks
    from rbclab.report import build_report

    paths = None
    if notebooks:
        paths = [p for folder in notebooks for p in discover_notebooks(folder)]
    return build_report(out, notebooks=paths)


def bench_first_chart(pages, repeat: int) -> dict[str, float]:
    """Median milliseconds from navigation to the first drawn chart, per page with a chart."""
    from playwright.sync_api import sync_playwright

    times: dict[str, float] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            for page_file in pages:
                if 'class="rbclab-chart"' not in page_file.read_text(encoding="utf-8"):
                    continue
                runs = []
                for _ in range(repeat):
                    context = browser.new_context()
                    context.route(
                        "**/*",
                        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
                    )
                    page = context.new_page()
                    page.add_init_script(_FIRST_CHART)
                    page.goto(page_file.resolve().as_uri())
                    page.wait_for_function("() => window.__rbclabFirstChart !== null", timeout=60_000)
                    runs.append(page.evaluate("() => window.__rbclabFirstChart"))
                    context.close()
                times[page_file.name] = statistics.median(runs)
        finally:
            browser.close()
    return times


def print_report_bench(out, repeat: int, notebooks=None) -> None:
    """Print report build time, page sizes and time to first drawn chart."""
    from pathlib import Path

    from rbclab.report import ASSETS, MAX_PAGE_BYTES

    result = bench_report_build(Path(out), notebooks)
    print(f"\nReport ({len(result.pages)} notebooks into {result.out}/)")
    print(f"  build (execute + convert)      {result.seconds:8.1f} s")
    for page in result.pages:
        print(f"    {page.path.name:<34} {page.bytes / 1000:8.1f} kB   executed + converted in {page.seconds:5.1f} s")
    print(f"    {'index.html':<34} {result.index.stat().st_size / 1000:8.1f} kB")
    for asset in sorted((result.out / ASSETS).iterdir()):
        print(
            f"    {ASSETS + '/' + asset.name:<34} {asset.stat().st_size / 1000:8.1f} kB"
            "   (shared, loaded once per page)"
        )
    biggest = max(p.bytes for p in result.pages)
    print(f"  largest page                   {biggest / 1000:8.1f} kB   (limit {MAX_PAGE_BYTES / 1000:.0f} kB)")
    if not Path(CHROMIUM).exists():
        print(f"  time to first drawn chart: skipped, {CHROMIUM} is missing (apt-get install chromium)")
        return
    times = bench_first_chart([p.path for p in result.pages], repeat=min(repeat, 5))
    if not times:
        print("  time to first drawn chart: no page has a chart")
    for name, ms in times.items():
        print(f"  first chart drawn, {name:<20} {ms:8.1f} ms   (Chromium, file://, median of {min(repeat, 5)})")


_SCALE_RUN = r"""
import glob, json, resource, sys, time
import pandas as pd
from rbclab import load, validate
root, mode = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(root + "/*.csv"))
t = time.perf_counter()
problems = 0
if mode == "raw":
    rows = sum(len(pd.read_csv(f, dtype=str, keep_default_na=False)) for f in files)
elif mode == "validate":
    report = validate.validate_package(root)
    rows, problems = sum(report.rows.values()), len(report.problems)
else:
    rows = sum(len(df) for df in load.load_package(root).values())
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak, "problems": problems}))
"""


def _once(root: Path, mode: str) -> dict:
    """One fresh-interpreter run of a mode of :data:`_SCALE_RUN`."""
    import json

    command = [sys.executable, "-c", _SCALE_RUN, str(root), mode]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def _runs(jobs: dict[str, tuple[Path, str]], repeat: int) -> dict[str, dict]:
    """``repeat`` runs of each job (a package and a mode), the jobs taking turns.

    Taking turns (raw, load, raw, load, ...) gives every job the same share of whatever
    else the machine is doing.  Each job's ``seconds`` is the median of its runs, and
    ``ratio`` (for every job after the first) the median of its time over the first job's
    in the same turn: a pair of runs made moments apart, so a slow spell of the machine
    slows both.
    """
    results: dict[str, list[dict]] = {job: [] for job in jobs}
    for _ in range(repeat):
        for job, (root, mode) in jobs.items():
            results[job].append(_once(root, mode))
    first = next(iter(results.values()))
    return {
        job: {
            "rows": found[0]["rows"],
            "problems": found[0]["problems"],
            "seconds": statistics.median(r["seconds"] for r in found),
            "peak_mb": max(r["peak_mb"] for r in found),
            "ratio": statistics.median(r["seconds"] / f["seconds"] for r, f in zip(found, first)),
        }
        for job, found in results.items()
    }


def scale_bench(scales: list[int], workdir: str | Path, repeat: int = 5) -> list[dict]:
    """Cold load + validation against plain pd.read_csv, on synthetic packages of each scale.

    Each measurement runs in a fresh interpreter (nothing cached), the raw read and the load
    taking turns, ``repeat`` times each (a third as often, at least 3, above 10x); times are
    medians, the ratio is the median over the turns (see :func:`_runs`), and the peak memory
    is that of the load + validate run.
    """
    from .synth import make_package

    out = []
    for scale in scales:
        root = make_package(Path(workdir) / f"{scale}x", scale=scale, seed=0)
        turns = repeat if scale <= 10 else max(3, repeat // 3)
        found = _runs({"raw": (root, "raw"), "load": (root, "load")}, turns)
        raw, loaded = found["raw"], found["load"]
        out.append(
            {
                "scale": scale,
                "rows": loaded["rows"],
                "read_csv": raw["seconds"],
                "load_validate": loaded["seconds"],
                "peak_mb": loaded["peak_mb"],
                "ratio": loaded["ratio"],
            }
        )
    return out


def error_bench(scale: int, broken: int, workdir: str | Path, repeat: int = 3) -> dict:
    """Validation of a package with ``broken`` bad cells against the same package clean.

    Both are timed with :func:`rbclab.validate.validate_package` in fresh interpreters, taking
    turns, on two copies of one synthetic package; the result says how many of the broken
    cells were reported.
    """
    import shutil

    from .synth import break_cells, make_package

    root = make_package(Path(workdir) / f"{scale}x-clean", scale=scale, seed=0)
    broken_root = Path(workdir) / f"{scale}x-broken"
    shutil.rmtree(broken_root, ignore_errors=True)
    shutil.copytree(root, broken_root)
    cells = break_cells(broken_root, broken, seed=0)
    found = _runs({"clean": (root, "validate"), "bad": (broken_root, "validate")}, repeat)
    clean, bad = found["clean"], found["bad"]
    return {
        "scale": scale,
        "broken": len(cells),
        "problems": bad["problems"],
        "clean": clean["seconds"],
        "with_errors": bad["seconds"],
        "ratio": bad["ratio"],
    }


def print_scale_bench(rows: list[dict], errors: dict | None = None) -> None:
    print("load + validate against pd.read_csv (dtype=str), synthetic packages (target <= 2x at every scale)")
    print("  (fresh interpreters taking turns: times are medians, the ratio the median of the turns' ratios)")
    print(f"  {'scale':>6} {'rows':>10} {'read_csv':>10} {'load+validate':>14} {'peak memory':>12} {'ratio':>7}")
    for r in rows:
        print(
            f"  {str(r['scale']) + 'x':>6} {r['rows']:>10,} {r['read_csv']:>9.2f}s {r['load_validate']:>13.2f}s "
            f"{r['peak_mb']:>10.0f}MB {r['ratio']:>6.2f}x"
        )
    if errors:
        print(
            f"error path, {errors['scale']}x with {errors['broken']:,} broken cells: validate "
            f"{errors['with_errors']:.2f}s against {errors['clean']:.2f}s clean, {errors['problems']:,} problems "
            f"reported, {errors['ratio']:.2f}x (target < 2x)"
        )


#: The page the explorer benchmark draws in: the report's Vega bundle and one chart element.
_REDRAW_PAGE = """<!doctype html><html><head><meta charset="utf-8"><script src="%(bundle)s"></script></head>
<body><div id="chart"></div><script>
window.redraw = async function (spec) {
  const start = performance.now();
  const result = await vegaEmbed("#chart", spec, {actions: false, renderer: "svg"});
  await result.view.runAsync();
  return performance.now() - start;
};
</script></body></html>"""


def explorer_bench(scale: int, workdir: str | Path, repeat: int = 5) -> dict:
    """Filter -> redraw of the outcome explorer on a synthetic package of ``scale`` times the rows.

    Each filter change is made on :class:`rbclab.widgets.OutcomeExplorer` as a user would
    (the kernel's part: filtering, the summary, the chart's spec as the widget sends it);
    the spec is then drawn in Chromium with the report's Vega bundle (the browser's part, as
    the chart widget redraws).  Times are medians over the changes, ``repeat`` rounds each.
    """
    from . import analyse
    from .charts.render import VEGA_BUNDLE, write_assets
    from .load import load_package
    from .synth import make_package
    from .widgets import ALL, OutcomeExplorer

    root = make_package(Path(workdir) / f"{scale}x-explorer", scale=scale, seed=0)
    cases = load_package(root)["ncp_cases"]
    explorer = OutcomeExplorer(cases)
    explorer.spec()  # the first chart is built in full, when the explorer is shown
    lo, hi = explorer.years.min, explorer.years.max
    changes = [
        ("lead_ncp", "United Kingdom"),
        ("kind", analyse.SURVEILLANCE_LABEL),
        ("grouping", "surveillance / ICT"),
        ("years", (max(lo, 2010), min(hi, 2020))),
        ("kind", ALL),
        ("lead_ncp", ALL),
        ("grouping", "lead NCP"),
        ("years", (lo, hi)),
    ]
    kernel, specs = [], []
    for _ in range(repeat):
        for name, value in changes:
            start = time.perf_counter()
            getattr(explorer, name).value = value  # the control's observer runs update() (filter, summary)
            spec = explorer.spec(explorer.last_filtered)  # what the chart widget is then sent
            kernel.append((time.perf_counter() - start) * 1000)
            specs.append(spec)
    browser: list[float] = []
    if Path(CHROMIUM).exists():
        from playwright.sync_api import sync_playwright

        page_dir = Path(workdir) / "explorer-page"
        write_assets(page_dir)
        page_file = page_dir / "redraw.html"
        page_file.write_text(_REDRAW_PAGE % {"bundle": VEGA_BUNDLE}, encoding="utf-8")
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            try:
                context = chromium.new_context()
                context.route(
                    "**/*",
                    lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
                )
                page = context.new_page()
                page.goto(page_file.resolve().as_uri())
                page.evaluate("spec => window.redraw(spec)", specs[0])  # the first draw compiles the bundle
                browser = [page.evaluate("spec => window.redraw(spec)", spec) for spec in specs]
            finally:
                chromium.close()
    kernel_ms = statistics.median(kernel)
    browser_ms = statistics.median(browser) if browser else None
    return {
        "scale": scale,
        "cases": len(cases),
        "changes": len(specs),
        "kernel_ms": kernel_ms,
        "browser_ms": browser_ms,
        "total_ms": kernel_ms + (browser_ms or 0.0),
    }


def print_explorer_bench(r: dict) -> None:
    browser = (
        f"Chromium draw {r['browser_ms']:.0f} ms"
        if r["browser_ms"] is not None
        else f"Chromium draw skipped ({CHROMIUM} is missing)"
    )
    print(
        f"explorer filter -> redraw, {r['scale']}x ({r['cases']:,} cases, {r['changes']} changes): kernel "
        f"{r['kernel_ms']:.0f} ms + {browser} = {r['total_ms']:.0f} ms (median; target < 100 ms)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--notebook-repeat", type=int, default=1, help="runs per notebook and floor (median)")
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument("--notebooks", default=None, help="folder of the collection (default: notebooks/ here)")
    parser.add_argument("--no-report", action="store_true", help="skip the report build and browser timings")
    parser.add_argument("--report-out", default="build/bench-report", help="where the benchmark builds the report")
    parser.add_argument("--report-notebooks", nargs="+", default=None, help="notebook folders (default: notebooks/)")
    parser.add_argument("--scale", default=None, help="only the scale benchmark, e.g. 1,10,100,1000")
    parser.add_argument(
        "--explorer",
        type=int,
        default=100,
        help="scale of the outcome explorer's filter -> redraw timing with --scale (0: skip)",
    )
    parser.add_argument(
        "--broken",
        type=int,
        default=10_000,
        help="broken cells for the error path, at the largest scale of --scale up to 100x (0: skip)",
    )
    args = parser.parse_args(argv)
    if args.scale:
        scales = [int(x) for x in args.scale.split(",")]
        with tempfile.TemporaryDirectory() as work:
            scaled = scale_bench(scales, work, repeat=args.repeat)
            error_scale = max((s for s in scales if s <= 100), default=0)
            errors = None
            if args.broken and error_scale:
                errors = error_bench(error_scale, args.broken, work, repeat=min(args.repeat, 5))
            print_scale_bench(scaled, errors)
            if args.explorer:
                print_explorer_bench(explorer_bench(args.explorer, work, repeat=min(args.repeat, 3)))
        return 0

    from rbclab.read import default_path

    root = default_path()
    files = sorted(root.glob("*.csv"))
    t_pandas = _import_time("pandas", args.repeat)
    t_rbclab = _import_time("rbclab", args.repeat)
    # import rbclab is lazy: the first loader call pays for pandas, so time that too
    t_first = _import_time("rbclab", args.repeat, "rbclab.load_table('vendors')")
    t_pandas_first = _import_time("pandas", args.repeat, f"pandas.read_csv({str(root / 'vendors.csv')!r})")

    # both cold, in fresh interpreters taking turns, as the --scale benchmark measures them
    found = _runs({"raw": (root, "raw"), "load": (root, "load")}, args.repeat)
    rows = found["load"]["rows"]
    print(f"rbclab benchmark (median of {args.repeat} runs; {len(files)} tables, {rows} rows)")
    print(f"  import pandas                  {t_pandas * 1000:8.1f} ms")
    print(
        f"  import rbclab                  {t_rbclab * 1000:8.1f} ms"
        f"   ratio {t_rbclab / t_pandas:5.2f}x  (target <= 1.1x)"
    )
    print(
        f"  import + first table           {t_first * 1000:8.1f} ms   ratio {t_first / t_pandas_first:5.2f}x"
        "  (rbclab.load_table('vendors') against pandas.read_csv of the file; validates the whole package)"
    )
    print(f"  pd.read_csv of every table     {found['raw']['seconds'] * 1000:8.1f} ms   (dtype=str, fresh interpreter)")
    print(
        f"  rbclab load + validate (cold)  {found['load']['seconds'] * 1000:8.1f} ms"
        f"   ratio {found['load']['ratio']:5.2f}x  (target <= 2x; median of the turns' ratios)"
    )
    if not args.skip_notebooks:
        from rbclab.collection import discover_notebooks

        paths = discover_notebooks(args.notebooks)
        print(
            "\nnotebooks (fresh kernel each; floor = kernel start + the first code cell;"
            f" median of {args.notebook_repeat})"
        )
        print_notebooks(notebook_times(paths, args.notebook_repeat))
    if not args.no_report:
        print_report_bench(args.report_out, args.repeat, args.report_notebooks)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
