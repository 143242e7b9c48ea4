"""Lower layers never import higher ones; `import rbclab` imports none of the heavy libraries."""

import ast
import subprocess
import sys
from pathlib import Path

LIB = Path(__file__).resolve().parents[1] / "lib" / "rbclab"
ORDER = ["taxonomy", "package", "validate", "load", "analyse", "charts", "widgets", "nbtools", "report", "cli", "bench"]


def _imports(module: str) -> set[str]:
    tree = ast.parse((LIB / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            found.add(node.module.split(".")[0])
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rbclab."):
            found.add(node.module.split(".")[1])
    return found


def test_modules_import_only_lower_layers():
    for module in ORDER:
        if not (LIB / f"{module}.py").exists():
            continue
        for dep in _imports(module):
            assert ORDER.index(dep) < ORDER.index(module), f"{module} imports higher layer {dep}"


def test_import_rbclab_is_light():
    code = "import sys, rbclab; print(sorted(m for m in ('altair', 'ipywidgets', 'frictionless', 'nbclient', 'nbconvert', 'voila', 'playwright') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
