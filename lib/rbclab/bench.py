"""Benchmark: ``python -m rbclab.bench`` prints measured figures and ratios (no pass/fail).

* ``import rbclab`` against ``import pandas`` (each in a fresh interpreter, median of N);
* loading and validating every table against plain ``pd.read_csv`` of the same files
  (cold: the loader's cache is cleared before each run; median of N).
Targets: load + validate <= 2x the raw read; ``import rbclab`` <= 1.2x ``import pandas``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
