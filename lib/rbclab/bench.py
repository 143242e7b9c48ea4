"""Benchmark: ``python -m rbclab.bench`` prints measured figures and ratios (no pass/fail).

* ``import rbclab`` against ``import pandas`` (each in a fresh interpreter, median of N);
* loading and validating every table against plain ``pd.read_csv`` of the same files
  (cold: the loader's cache is cleared before each run; median of N).
* each notebook's execution time (fresh kernel) against its floor: the same notebook cut
  down to its first code cell (kernel start plus imports), and the ratio; then the whole
  collection against the sum of the floors.
Targets: load + validate <= 2x the raw read; ``import rbclab`` <= 1.2x ``import pandas``;
collection <= 1.5x the sum of floors.  ``--skip-notebooks`` leaves the notebooks out.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _import_time(module: str, repeat: int) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout) for _ in range(repeat)]
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--notebook-repeat", type=int, default=1, help="runs per notebook and floor (median)")
    parser.add_argument("--skip-notebooks", action="store_true")
    args = parser.parse_args(argv)

    import pandas as pd

    from rbclab import load
    from rbclab.package import default_path
    from rbclab.validate import partial_date

    root = default_path()
    files = sorted(root.glob("*.csv"))
    t_pandas = _import_time("pandas", args.repeat)
    t_rbclab = _import_time("rbclab", args.repeat)

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
    print(f"  import rbclab                  {t_rbclab * 1000:8.1f} ms   ratio {t_rbclab / t_pandas:5.2f}x  (target <= 1.2x)")
    print(f"  pd.read_csv of every table     {t_raw * 1000:8.1f} ms")
    print(f"  rbclab load + validate (cold)  {t_load * 1000:8.1f} ms   ratio {t_load / t_raw:5.2f}x  (target <= 2x)")
    if not args.skip_notebooks:
        paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
        print(f"\nnotebooks (fresh kernel each; floor = kernel start + the first code cell; median of {args.notebook_repeat})")
        print_notebooks(notebook_times(paths, args.notebook_repeat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
