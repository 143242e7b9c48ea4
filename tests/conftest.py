import shutil
from pathlib import Path

import pytest

from support import DATA, FIXTURE_NOTEBOOKS, ROOT, build_report_cli, make_payload_package


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    """A fresh copy of the real data package that a test may break."""
    target = tmp_path / "pkg"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("*.md"))
    return target


@pytest.fixture(scope="session")
def payload_pkg(tmp_path_factory) -> Path:
    return make_payload_package(tmp_path_factory.mktemp("payload") / "pkg")


@pytest.fixture(scope="session")
def built_report(tmp_path_factory) -> Path:
    """The report of every notebook of the collection plus the fixture explorer."""
    return build_report_cli(tmp_path_factory.mktemp("report") / "report", [ROOT / "notebooks", FIXTURE_NOTEBOOKS])


@pytest.fixture(scope="session")
def payload_report(tmp_path_factory, payload_pkg) -> Path:
    """The same report built from the payload package."""
    out = tmp_path_factory.mktemp("payload-report") / "report"
    return build_report_cli(out, [ROOT / "notebooks", FIXTURE_NOTEBOOKS], data=payload_pkg)
