import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    """A fresh copy of the real data package that a test may break."""
    target = tmp_path / "pkg"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("*.md"))
    return target
