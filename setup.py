"""Build step: the wheel carries a copy of data/ as rbclab/_data (data/ stays the one place to edit)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = Path(__file__).resolve().parent / "data"


class build_py_with_data(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return  # an editable install reads data/ in place
        target = Path(self.build_lib) / "rbclab" / "_data"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for path in sorted(DATA.iterdir()):
            if path.is_file() and path.suffix in {".csv", ".json", ".md"}:
                shutil.copyfile(path, target / path.name)  # copies, never symlinks


setup(cmdclass={"build_py": build_py_with_data})
