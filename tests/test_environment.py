"""pyproject.toml, requirements.lock and environment.yml stay in step."""

import importlib.util
import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("environment_from_lock", ROOT / "tools" / "environment_from_lock.py")
env_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(env_tool)


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _direct_requirements() -> list[Requirement]:
    project = _project()
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        reqs += [Requirement(r) for r in extra if not r.startswith("rbclab")]
    return reqs


def test_lock_pins_every_requirement_within_its_range():
    pins = env_tool.locked_pins()
    for req in _direct_requirements():
        name = req.name.lower()
        assert name in pins, f"{name} is in pyproject.toml but not in requirements.lock: run make lock"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"lock has {name}=={pins[name]}, outside {req.specifier}"
        )


def test_lock_has_a_hash_for_every_pin():
    text = (ROOT / "requirements.lock").read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    pinned = [b for b in blocks if "==" in b.split("\n")[0]]
    assert pinned and all("--hash=sha256:" in b for b in pinned)


def test_environment_yml_is_generated_from_the_lock():
    assert (ROOT / "environment.yml").read_text() == env_tool.environment_yml(env_tool.locked_pins()), (
        "environment.yml differs from the lock: run make lock (or python tools/environment_from_lock.py)"
    )
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    assert _project()["requires-python"] == ">=3.11"


def test_installed_versions_are_the_locked_ones():
    from importlib.metadata import PackageNotFoundError, version

    pins = env_tool.locked_pins()
    for name in ("pandas", "numpy", "altair", "vl-convert-python", "nbval", "jupyterlab"):
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue
        assert installed == pins[name], (
            f"{name} {installed} installed, {pins[name]} locked: run make (the stamp re-installs)"
        )


def test_the_versions_agree():
    import rbclab

    project = _project()
    assert rbclab.__version__ == project["version"]
    assert f"version: {project['version']}" in (ROOT / "CITATION.cff").read_text()
    assert f"## {project['version']} " in (ROOT / "CHANGELOG.md").read_text()
