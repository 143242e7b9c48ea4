import json
import shutil
from pathlib import Path

import pytest

from support import DATA, FIXTURE_NOTEBOOKS, ROOT, build_report_cli, make_payload_package


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    """A fresh copy of the real data package that a test may break.

    Its descriptor drops the resources' ``bytes`` and ``hash`` (as a user's own package
    usually has none), so that a test that changes one cell sees that cell's problem only;
    ``hashed_pkg`` keeps them.
    """
    target = tmp_path / "pkg"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("*.md", "changes"))
    desc = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    for res in desc["resources"]:
        res.pop("bytes", None)
        res.pop("hash", None)
    (target / "datapackage.json").write_text(json.dumps(desc, indent=2), encoding="utf-8")
    return target


@pytest.fixture
def hashed_pkg(tmp_path: Path) -> Path:
    """A fresh copy of the real data package with its recorded bytes and hashes."""
    target = tmp_path / "hashed"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("*.md", "changes"))
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
