"""Execute and tidy the committed notebooks: ``python -m rbclab.nbtools [--check] NOTEBOOK...``.

A committed notebook keeps only what the tests and a reader need:

* the outputs of cells marked ``# NBVAL_CHECK_OUTPUT`` (nbval compares them);
* small text printed by other cells (``stream`` output up to :data:`MAX_STREAM` characters);

and never charts, widgets or widget state, so files stay small
(under :data:`MAX_BYTES`) and diffs readable.  ``--check`` only reports notebooks that are
not tidy (exit status 1), without executing anything.  Execution counts are kept: nbval
treats a cell without one as never run, and a fresh kernel numbers cells the same way each time.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

CHECK = "NBVAL_CHECK_OUTPUT"
MAX_STREAM = 4000
MAX_BYTES = 300_000


def _checked(cell) -> bool:
    return cell.get("cell_type") == "code" and CHECK in "".join(cell.get("source", ""))


def clean(nb):
    """Tidy a notebook node in place (see the module docstring) and return it."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
        if cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs", [])
        if _checked(cell):
            kept = [
                o
                for o in outputs
                if o.get("output_type") in ("stream", "execute_result")
                and "application/vnd.jupyter.widget-view+json" not in o.get("data", {})
            ]
        else:
            kept = [
                o
                for o in outputs
                if o.get("output_type") == "stream"
                and o.get("name") == "stdout"
                and len("".join(o.get("text", ""))) <= MAX_STREAM
            ]
        for o in kept:
            if isinstance(o.get("metadata"), dict):
                o["metadata"] = {}
        cell["outputs"] = kept
    return nb


def problems(nb, size: int) -> list[str]:
    """Why a notebook is not tidy (empty list when it is)."""
    found = []
    if size > MAX_BYTES:
        found.append(f"{size} bytes (limit {MAX_BYTES})")
    if "widgets" in nb.metadata:
        found.append("stores widget state")
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        for o in cell.get("outputs", []):
            kind = o.get("output_type")
            data = o.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data or ("text/html" in data and not _checked(cell)):
                found.append(f"cell {i}: chart or widget output")
            elif kind == "display_data" or (kind == "execute_result" and not _checked(cell)):
                found.append(f"cell {i}: rich output in a cell that nbval does not check")
            elif kind == "error":
                found.append(f"cell {i}: error output")
    return found


def execute(path: str | Path, timeout: int = 120, kernel_name: str = "python3", data: str | Path | None = None):
    """Execute a notebook in its own folder; return (notebook, seconds).

    ``data`` sets ``RBCLAB_DATA`` for the kernel, so the notebook reads that package.
    Widget state is kept while running (nbclient 0.11 fails on an ipywidgets Output widget
    without it) and dropped by :func:`clean` or the report before anything is written.
    The kernel talks over Unix sockets, so kernels started at the same moment by other
    programs cannot take its ports; one that dies while starting gets one fresh start.
    """
    import os
    import tempfile

    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    path = Path(path)
    env = dict(os.environ)
    if data is not None:
        env["RBCLAB_DATA"] = str(Path(data).resolve())
    for attempt in (1, 2):
        nb = nbformat.read(path, as_version=4)
        with tempfile.TemporaryDirectory(prefix="rbclab-kernel-") as sockets:
            km = KernelManager(kernel_name=kernel_name, transport="ipc", ip=str(Path(sockets) / "k"))
            client = NotebookClient(
                nb,
                km=km,
                timeout=timeout,
                kernel_name=kernel_name,
                store_widget_state=True,
                resources={"metadata": {"path": str(path.parent.resolve())}},
            )
            start = time.perf_counter()
            try:
                client.execute(env=env)
                return nb, time.perf_counter() - start
            except DeadKernelError:
                if attempt == 2:
                    raise
    raise AssertionError("unreachable")


def main(argv: list[str] | None = None) -> int:
    import nbformat

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="report untidy notebooks; execute nothing")
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        if args.check:
            nb = nbformat.read(path, as_version=4)
            found = problems(nb, path.stat().st_size)
            for p in found:
                print(f"{path}: {p}")
            status |= bool(found)
            continue
        nb, seconds = execute(path)
        nbformat.write(clean(nb), path)
        print(f"{path}: executed in {seconds:.1f} s, {path.stat().st_size / 1000:.0f} KB")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
