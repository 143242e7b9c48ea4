"""Write the offline world base map (lib/rbclab/charts/basemap/world_110m.geojson).

The map is Natural Earth's 1:110m countries (public domain), as shipped by geopandas 0.14.4
in ``geopandas/datasets/naturalearth_lowres`` (a shapefile; geopandas 1.0 dropped it).  This
script reads that shapefile with the standard library only (polygon records and the dBASE
table), rounds coordinates to 0.1 degree and writes GeoJSON with each country's ``name`` and
``iso_a3``.  The charts draw it from the installed package: no map is fetched at run time.

Usage::

    pip download geopandas==0.14.4 --no-deps -d /tmp/gp
    python tools/make_basemap.py /tmp/gp/geopandas-0.14.4-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import itertools
import json
import struct
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lib" / "rbclab" / "charts" / "basemap" / "world_110m.geojson"
MEMBER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"


def polygons(shp: bytes) -> list[list[list[tuple[float, float]]]]:
    """The rings of every polygon record (shape type 5) of a .shp file, in record order."""
    out = []
    pos = 100  # the file header
    while pos < len(shp):
        _, length = struct.unpack(">ii", shp[pos : pos + 8])
        body = shp[pos + 8 : pos + 8 + 2 * length]
        pos += 8 + 2 * length
        (kind,) = struct.unpack("<i", body[:4])
        if kind == 0:
            out.append([])
            continue
        if kind != 5:
            raise ValueError(f"shape type {kind} is not a polygon")
        n_parts, n_points = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", body[44 : 44 + 4 * n_parts]))
        start = 44 + 4 * n_parts
        points = [struct.unpack("<dd", body[start + 16 * i : start + 16 * i + 16]) for i in range(n_points)]
        out.append([points[a:b] for a, b in zip(parts, [*parts[1:], n_points])])
    return out


def records(dbf: bytes) -> list[dict[str, str]]:
    """The rows of a dBASE III table as text."""
    n, header_len, record_len = struct.unpack("<IHH", dbf[4:12])
    fields = []
    pos = 32
    while dbf[pos] != 0x0D:
        name = dbf[pos : pos + 11].split(b"\0")[0].decode()
        fields.append((name, dbf[pos + 16]))
        pos += 32
    rows = []
    for i in range(n):
        rec = dbf[header_len + i * record_len : header_len + (i + 1) * record_len]
        row, at = {}, 1  # byte 0 is the deletion flag
        for name, size in fields:
            row[name] = rec[at : at + size].decode("latin-1").strip()  # the .cpg says ISO-8859-1
            at += size
        rows.append(row)
    return rows


def _ring_area(ring: list[tuple[float, float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))


def geojson(shp: bytes, dbf: bytes, digits: int = 1) -> dict:
    """Countries as a GeoJSON FeatureCollection.

    Rings keep the shapefile's winding (outer rings clockwise), which is what d3-geo, and so
    Vega, reads as "inside" on the sphere; RFC 7946's counter-clockwise rings would fill the
    rest of the globe instead.
    """
    features = []
    for rings, row in zip(polygons(shp), records(dbf)):
        polys: list[list[list[list[float]]]] = []
        for ring in rings:
            coords = [[round(x, digits), round(y, digits)] for x, y in ring]
            coords = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
            if len(coords) < 4:
                continue
            if _ring_area(ring) < 0 or not polys:  # clockwise: an outer ring
                polys.append([coords])
            else:
                polys[-1].append(coords)
        features.append(
            {
                "type": "Feature",
                "properties": {"name": row["name"], "iso_a3": row["iso_a3"]},
                "geometry": {"type": "MultiPolygon", "coordinates": polys},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheel", type=Path, help="geopandas-0.14.4-py3-none-any.whl")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    with zipfile.ZipFile(args.wheel) as z:
        shp, dbf = z.read(f"{MEMBER}.shp"), z.read(f"{MEMBER}.dbf")
    data = geojson(shp, dbf)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(data['features'])} countries, {args.out.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
