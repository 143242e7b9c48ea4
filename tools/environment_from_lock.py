"""Write environment.yml (conda, Binder) from requirements.lock: the same exact versions.

Run by ``make lock``; tests/test_environment.py fails when the two disagree.  Conda brings
Python 3.11 and pip; pip installs every package of the lock at its locked version (the
lock's markers evaluated for Python 3.11 on Linux), then rbclab itself.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from packaging.markers import Marker

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")
ENV = {
    "python_version": "3.11",
    "python_full_version": "3.11.7",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}


def locked_pins(lock: Path = ROOT / "requirements.lock") -> dict[str, str]:
    """{package: version} of the lock, for Python 3.11 on Linux."""
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        m = PIN.match(line)
        if not m:
            continue
        name, version, marker = m.groups()
        if marker and not Marker(marker).evaluate(ENV):
            continue
        pins[name.lower()] = version
    return pins


def environment_yml(pins: dict[str, str]) -> str:
    lines = [
        "# conda / Binder environment, generated from requirements.lock by tools/environment_from_lock.py",
        "# (make lock); tests/test_environment.py keeps the two in step.",
        "name: rbc-lab",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
    ]
    lines += [f"      - {name}=={version}" for name, version in sorted(pins.items())]
    lines.append("      - -e .")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    (ROOT / "environment.yml").write_text(environment_yml(locked_pins()), encoding="utf-8")
    sys.exit(0)
