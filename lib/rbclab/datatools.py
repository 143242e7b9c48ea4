"""Keeping a data package honest: its version, file hashes, and what is still to be reviewed.

- :func:`write_hashes` records each resource's ``bytes`` and ``hash`` (sha256) in
  ``datapackage.json``, which the validator (and Frictionless) then check;
- :func:`data_version` and :func:`data_checksums` are what the report prints;
- :func:`pending` lists what ``research/`` holds that has not been reviewed into ``data/``.

``rbclab data hash`` and ``rbclab data pending`` run these from the command line.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .read import DESCRIPTOR, default_path, safe_path


@dataclass
class DataFile:
    """One file of a package, with its size and SHA-256."""

    path: str
    sha256: str
    bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _descriptor(folder: Path) -> dict:
    return json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))


def data_version(data: str | Path | None = None) -> str:
    """The ``version`` of a package's datapackage.json (``unversioned`` if it has none)."""
    folder = Path(data) if data is not None else default_path()
    try:
        version = _descriptor(folder).get("version")
    except (OSError, ValueError):
        version = None
    return str(version) if version else "unversioned"


def data_checksums(data: str | Path | None = None) -> list[DataFile]:
    """SHA-256 of datapackage.json and of every file its resources name (inside the package)."""
    folder = Path(data) if data is not None else default_path()
    names = [DESCRIPTOR]
    for resource in _descriptor(folder).get("resources", []):
        name = resource.get("path")
        if isinstance(name, str) and name not in names and safe_path(folder, name)[0] is not None:
            names.append(name)
    return [DataFile(n, _sha256(folder / n), (folder / n).stat().st_size) for n in names if (folder / n).is_file()]


def write_hashes(data: str | Path | None = None) -> list[str]:
    """Write each resource's ``bytes`` and ``hash`` into datapackage.json; return the changed names."""
    folder = Path(data) if data is not None else default_path()
    path = folder / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    changed = []
    for res in descriptor.get("resources", []):
        file, _ = safe_path(folder, res.get("path", ""))
        if file is None or not file.is_file():
            continue
        size, digest = file.stat().st_size, f"sha256:{_sha256(file)}"
        if res.get("bytes") != size or res.get("hash") != digest:
            res["bytes"], res["hash"] = size, digest
            changed.append(res["name"])
    if changed:
        path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def pending(research: str | Path = "research") -> list[tuple[str, int]]:
    """(file, rows) of every CSV under ``research/``: rows gathered but not yet reviewed into data/."""
    root = Path(research)
    out = []
    for file in sorted(root.rglob("*.csv")):
        with file.open(newline="", encoding="utf-8") as fh:
            out.append((str(file), max(sum(1 for _ in csv.reader(fh)) - 1, 0)))
    return out
