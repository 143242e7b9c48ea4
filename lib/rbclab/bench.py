"""Benchmark: ``python -m rbclab.bench`` prints measured figures and ratios (no pass/fail).

* ``import rbclab`` against ``import pandas`` (each in a fresh interpreter, median of N);
* loading and validating every table against plain ``pd.read_csv`` of the same files
  (cold: the loader's cache is cleared before each run; median of N).
* each notebook's execution time (fresh kernel) against its floor: the same notebook cut
  down to its first code cell (kernel start plus imports), and the ratio; then the whole
  collection against the sum of the floors;
* the offline report: build time (every notebook executed and converted), the size of
  each page and of the shared assets, and the time to the first drawn chart of each page
  in Chromium (``/usr/bin/chromium``, file://, median of N loads).
Targets: load + validate <= 2x the raw read; ``import rbclab`` <= 1.2x ``import pandas``;
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


def _median_time(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
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
from rbclab import load
root, mode = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(root + "/*.csv"))
t = time.perf_counter()
if mode == "raw":
    rows = sum(len(pd.read_csv(f, dtype=str, keep_default_na=False)) for f in files)
else:
    rows = sum(len(df) for df in load.load_package(root).values())
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak}))
"""


def scale_bench(scales: list[int], workdir: str | Path, repeat: int = 3) -> list[dict]:
    """Cold load + validation against plain pd.read_csv, on synthetic packages of each scale.

    Each measurement runs in a fresh interpreter (nothing cached); the median of ``repeat``
    runs is kept, and the peak memory is that of the load + validate run.
    """
    import json

    from .synth import make_package

    out = []
    for scale in scales:
        root = make_package(Path(workdir) / f"{scale}x", scale=scale, seed=0)
        runs = {}
        for mode in ("raw", "load"):
            results = [
                json.loads(
                    subprocess.run(
                        [sys.executable, "-c", _SCALE_RUN, str(root), mode], check=True, capture_output=True, text=True
                    ).stdout
                )
                for _ in range(repeat)
            ]
            runs[mode] = {
                "rows": results[0]["rows"],
                "seconds": statistics.median(r["seconds"] for r in results),
                "peak_mb": max(r["peak_mb"] for r in results),
            }
        out.append(
            {
                "scale": scale,
                "rows": runs["load"]["rows"],
                "read_csv": runs["raw"]["seconds"],
                "load_validate": runs["load"]["seconds"],
                "peak_mb": runs["load"]["peak_mb"],
                "ratio": runs["load"]["seconds"] / runs["raw"]["seconds"],
            }
        )
    return out


def print_scale_bench(rows: list[dict]) -> None:
    print("load + validate against pd.read_csv (dtype=str), synthetic packages (target <= 2x at every scale)")
    print(f"  {'scale':>6} {'rows':>10} {'read_csv':>10} {'load+validate':>14} {'peak memory':>12} {'ratio':>7}")
    for r in rows:
        print(
            f"  {str(r['scale']) + 'x':>6} {r['rows']:>10,} {r['read_csv']:>9.2f}s {r['load_validate']:>13.2f}s "
            f"{r['peak_mb']:>10.0f}MB {r['ratio']:>6.2f}x"
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
    args = parser.parse_args(argv)
    if args.scale:
        with tempfile.TemporaryDirectory() as work:
            print_scale_bench(scale_bench([int(x) for x in args.scale.split(",")], work, repeat=min(args.repeat, 3)))
        return 0

    import pandas as pd

    from rbclab import load
    from rbclab.read import default_path
    from rbclab.values import partial_date

    root = default_path()
    files = sorted(root.glob("*.csv"))
    t_pandas = _import_time("pandas", args.repeat)
    t_rbclab = _import_time("rbclab", args.repeat)
    # import rbclab is lazy: the first loader call pays for pandas, so time that too
    t_first = _import_time("rbclab", args.repeat, "rbclab.load_table('vendors')")
    t_pandas_first = _import_time("pandas", args.repeat, f"pandas.read_csv({str(root / 'vendors.csv')!r})")

    def raw():
        for f in files:
            pd.read_csv(f)

    def cold_load():
        load._load_all_cached.cache_clear()  # nothing carried over from the previous run
        partial_date.cache_clear()
        load.load_package()

    raw(), cold_load()  # warm the OS file cache and imports
    t_raw = _median_time(raw, args.repeat)
    t_load = _median_time(cold_load, args.repeat)
    rows = sum(len(df) for df in load.load_package().values())
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
    print(f"  pd.read_csv of every table     {t_raw * 1000:8.1f} ms")
    print(f"  rbclab load + validate (cold)  {t_load * 1000:8.1f} ms   ratio {t_load / t_raw:5.2f}x  (target <= 2x)")
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
