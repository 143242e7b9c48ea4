"""Lower layers never import higher ones; `import rbclab` imports none of the heavy libraries."""

import ast
import subprocess
import sys
from pathlib import Path

LIB = Path(__file__).resolve().parents[1] / "lib" / "rbclab"
#: The layers, lowest first; a module (or package) may import only those before it.
ORDER = [
    "values",
    "taxonomy",
    "read",
    "schema",
    "rules",
    "validate",
    "load",
    "analyse",
    "datatools",
    "exports",
    "synth",
    "collection",
    "charts",
    "widgets",
    "nbtools",
    "report",
    "cli",
    "bench",
]


def _files(layer: str) -> list[Path]:
    path = LIB / layer
    return sorted(path.rglob("*.py")) if path.is_dir() else [LIB / f"{layer}.py"]


def _imports(path: Path) -> set[str]:
    """rbclab layers imported by one file (relative imports resolved against its package)."""
    return _imports_of(path.read_text(), nested=path.parent != LIB)


def _imports_of(source: str, nested: bool) -> set[str]:
    tree = ast.parse(source)
    inside = nested
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level and node.module is not None:
            if node.level == 1 and not inside:
                found.add(node.module.split(".")[0])
            elif node.level == 2 and inside:
                found.add(node.module.split(".")[0])
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None and not inside:
            found.update(alias.name for alias in node.names)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rbclab."):
            found.add(node.module.split(".")[1])
    return found


def test_every_module_has_a_layer():
    modules = {p.stem for p in LIB.glob("*.py") if p.stem != "__init__"} | {
        p.name for p in LIB.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    }
    assert modules == set(ORDER)


def test_modules_import_only_lower_layers():
    for layer in ORDER:
        for path in _files(layer):
            for dep in _imports(path):
                assert dep in ORDER, f"{path.name} imports unknown module {dep}"
                assert ORDER.index(dep) < ORDER.index(layer), (
                    f"{path.relative_to(LIB)} ({layer}) imports higher layer {dep}"
                )


def test_the_checker_sees_imports_from_inside_a_package():
    assert _imports_of("from ..charts import save\nfrom .common import x\n", nested=True) == {"charts"}
    assert _imports_of("from .read import Problem\nfrom . import analyse\n", nested=False) == {"read", "analyse"}
    assert _imports_of("from rbclab.report import build_report\n", nested=False) == {"report"}


def test_import_rbclab_is_light():
    heavy = (
        "altair",
        "ipywidgets",
        "frictionless",
        "nbclient",
        "nbconvert",
        "voila",
        "playwright",
        "jupyterlab",
        "jupyter_server",
        "IPython",
        "ipykernel",
    )
    code = f"import sys, rbclab; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_import_charts_leaves_altair_settings_alone():
    code = (
        "import altair as alt; before = (alt.theme.active, alt.renderers.active); import rbclab.charts; "
        "after = (alt.theme.active, alt.renderers.active); rbclab.charts.setup(); "
        "print(before == after, alt.theme.active, alt.renderers.active)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "rbclab", "rbclab"]
