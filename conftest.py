"""Run the library's docstring examples with the tests (the bundled data makes them deterministic)."""

from pathlib import Path

from _pytest.doctest import DoctestModule

LIB = Path(__file__).resolve().parent / "lib" / "rbclab"


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".py" and LIB in file_path.resolve().parents:
        return DoctestModule.from_parent(parent, path=file_path)
    return None
