"""Shared test helpers: the fixture notebooks, the payload package, building a report."""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURE_NOTEBOOKS = ROOT / "tests" / "fixtures" / "notebooks"

#: Text that would run script, load a file or break out of an attribute if written unescaped.
PAYLOAD = (
    "<script>window.__rbclabPwned=(window.__rbclabPwned||0)+1</script>"
    '<img src="rbclab-pwned.png" onerror="window.__rbclabPwned=1">'
    '"><svg onload="window.__rbclabPwned=1"> & </textarea>'
)
#: Free-text columns that get the payload appended (ids and vocabularies stay valid).
PAYLOAD_COLUMNS = {
    "title",
    "description",
    "name",
    "complainants",
    "enterprises",
    "notes",
    "short_text",
    "chapter_title",
}


def make_payload_package(target: Path) -> Path:
    """A valid copy of the data whose titles, names and descriptions end in :data:`PAYLOAD`."""
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("*.md", "changes"))
    descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = f"{descriptor.get('title', '')} {PAYLOAD}"
    descriptor["description"] = f"{descriptor.get('description', '')} {PAYLOAD}"
    for resource in descriptor["resources"]:
        resource.pop("bytes", None)  # the files change below
        resource.pop("hash", None)
        resource["title"] = f"{resource.get('title', resource['name'])} {PAYLOAD}"
        path = target / resource["path"]
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
            header = list(rows[0].keys()) if rows else []
        for row in rows:
            for column in PAYLOAD_COLUMNS & set(header):
                if row[column]:
                    row[column] = f"{row[column]} {PAYLOAD}"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return target


def build_report_cli(out: Path, notebooks: list[Path], data: Path | None = None) -> Path:
    """Run ``rbclab report`` in a fresh interpreter (as a reader would) and return ``out``."""
    cmd = [sys.executable, "-m", "rbclab.cli", "report", "--out", str(out), "--notebooks", *map(str, notebooks)]
    if data is not None:
        cmd += ["--data", str(data)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, env=dict(os.environ))
    assert done.returncode == 0, f"rbclab report failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-5000:]}"
    return out
