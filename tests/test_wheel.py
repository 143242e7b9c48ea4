"""The built wheel works outside the checkout: the data travels inside it, the core is light."""

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from environment_from_lock import locked_pins  # noqa: E402

pytestmark = pytest.mark.slow

CHECK = r"""
import json, sys
import rbclab
tables = rbclab.load_package()
report = rbclab.validate_package()
heavy = [m for m in ("altair", "ipywidgets", "jupyterlab", "jupyter_server", "nbconvert", "nbclient", "voila",
                     "frictionless", "IPython", "ipykernel", "anywidget") if m in sys.modules]
print(json.dumps({"rows": {k: len(v) for k, v in tables.items()}, "ok": report.ok, "heavy": heavy,
                  "data": str(rbclab.read.bundled_path()), "file": rbclab.__file__}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    wheel = next((tmp / "dist").glob("rbclab-*.whl"))
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    pins = locked_pins()
    constraints = tmp / "constraints.txt"
    constraints.write_text("\n".join(f"{n}=={v}" for n, v in pins.items()) + "\n")
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-c", str(constraints), str(wheel)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return python, wheel, tmp


def test_wheel_carries_the_data_package(installed):
    _, wheel, _ = installed
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        assert f"rbclab/_data/{res['path']}" in names
    assert "rbclab/_data/datapackage.json" in names
    assert "rbclab/charts/basemap/world_110m.geojson" in names  # the maps draw from the installed package


def test_installed_wheel_loads_and_validates_outside_the_checkout(installed):
    python, _, tmp = installed
    out = subprocess.run([str(python), "-c", CHECK], cwd=tmp, capture_output=True, text=True, check=True).stdout
    result = json.loads(out)
    assert result["ok"] and result["heavy"] == []
    assert "site-packages" in result["data"] and str(ROOT) not in result["file"]
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert set(result["rows"]) == {r["name"] for r in descriptor["resources"]}
    assert result["rows"]["ncp_cases"] == sum(1 for _ in open(ROOT / "data" / "ncp_cases.csv", encoding="utf-8")) - 1


def test_installed_cli_validates_a_package(installed, pkg):
    python, _, tmp = installed
    rbclab = python.parent / "rbclab"
    done = subprocess.run([str(rbclab), "validate"], cwd=tmp, capture_output=True, text=True)
    assert done.returncode == 0 and "Valid: no problems found." in done.stdout
    done = subprocess.run([str(rbclab), "validate", str(pkg)], cwd=tmp, capture_output=True, text=True)
    assert done.returncode == 0
