"""Rebuild ``ne_110m_land.geojson`` from world-atlas TopoJSON (a maintainer tool; orbitkit never
runs it).

Usage::

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python orbitkit/data/naturalearth/make_land.py package/land-110m.json \
        orbitkit/data/naturalearth/ne_110m_land.geojson 110m

world-atlas stores Natural Earth 4.1.0 land for spherical renderers: a few rings run across the
antimeridian and Antarctica is not closed through the South Pole. We cut those rings at +-180 deg
and close the polar ring so every polygon is valid on a plain plate carree map. Needs shapely.
"""

from __future__ import annotations

import json
import sys

import numpy as np


def _decode_arcs(topo: dict) -> list[np.ndarray]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        q = np.cumsum(np.asarray(arc, dtype=float), axis=0)  # delta-encoded, quantised
        arcs.append(np.column_stack([q[:, 0] * sx + tx, q[:, 1] * sy + ty]))
    return arcs


def _ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    parts = []
    for n, i in enumerate(indices):
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(pts if n == 0 else pts[1:])  # consecutive arcs share an end point
    return np.concatenate(parts)


def _planar_pieces(ring: np.ndarray):
    """Polygons in [-180, 180] for one exterior ring that may cross the antimeridian."""
    from shapely.geometry import Polygon, box
    from shapely.ops import unary_union

    lon = np.degrees(np.unwrap(np.radians(ring[:, 0])))
    lat = ring[:, 1]
    if abs(lon[-1] - lon[0]) > 180:  # the ring winds round a pole: close it through the pole
        pole = -90.0 if lat.mean() < 0 else 90.0
        lon = np.concatenate([lon, [lon[-1], lon[0]]])
        lat = np.concatenate([lat, [pole, pole]])
    poly = Polygon(np.column_stack([lon, lat])).buffer(0)
    pieces = []
    for shift in (-360.0, 0.0, 360.0):
        clip = box(-180 - shift, -90, 180 - shift, 90)
        part = poly.intersection(clip)
        if not part.is_empty:
            from shapely.affinity import translate

            pieces.append(translate(part, xoff=shift))
    merged = unary_union(pieces)
    parts = list(getattr(merged, "geoms", [merged]))
    # clipping can leave slivers of zero area (lines, points) on the cut: drop them
    return [g for g in parts if g.geom_type == "Polygon" and g.area > 0]


def main(src: str, dst: str, scale: str) -> None:
    from shapely.geometry import Polygon, mapping

    with open(src, encoding="utf-8") as f:
        topo = json.load(f)
    arcs = _decode_arcs(topo)
    geom = topo["objects"]["land"]["geometries"][0]
    polygons = []
    for poly in geom["arcs"]:
        rings = [_ring(arcs, r) for r in poly]
        crosses = np.any(np.abs(np.diff(rings[0][:, 0])) > 180)
        if crosses:
            polygons.extend(_planar_pieces(rings[0]))  # no holes in these few rings
        else:
            polygons.append(Polygon(rings[0], rings[1:]))
    coords = []
    for p in polygons:
        assert p.is_valid, p
        rings = mapping(p)["coordinates"]
        coords.append([[[round(x, 3), round(y, 3)] for x, y in r] for r in rings])
    doc = {
        "type": "FeatureCollection",
        "name": f"ne_{scale}_land",
        "source": (
            f"Natural Earth 1:{scale} physical vectors, 'land', version 4.1.0 "
            "(naturalearthdata.com), decoded from the TopoJSON redistribution "
            f"land-{scale}.json in the npm package world-atlas 2.0.2 (ISC licence); rings that "
            "cross the antimeridian were cut at +-180 deg and Antarctica closed through the pole "
            "by orbitkit/data/naturalearth/make_land.py; coordinates rounded to 0.001 deg."
        ),
        "license": "Natural Earth: public domain (naturalearthdata.com/about/terms-of-use).",
        "features": [
            {
                "type": "Feature",
                "properties": {"featurecla": "Land", "scale": scale},
                "geometry": {"type": "MultiPolygon", "coordinates": coords},
            }
        ],
    }
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"{len(coords)} polygons, {sum(len(r) for p in coords for r in p)} points -> {dst}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
