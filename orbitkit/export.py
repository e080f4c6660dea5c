"""Writers that put orbitkit results into the tools people already use.

Ground tracks (:class:`orbitkit.groundtrack.GroundTrack`) go to

* **GeoJSON** (RFC 7946) for GIS: a FeatureCollection with, per satellite, a ``LineString``
  or, when the track crosses the antimeridian or has gaps, a ``MultiLineString`` cut at
  +-180 deg (RFC 7946 sec. 3.1.9); properties ``norad_id``, ``name``, ``group`` (``null``
  when none, as in JSON), ``start_utc``, ``stop_utc``. Footprints, when the track has
  them, are extra features with ``"kind": "footprint"`` whose geometry is a ``Polygon``
  (an area GIS tools can use), a ``MultiPolygon`` when it crosses the antimeridian (cut
  there, RFC 7946 sec. 3.1.9), closed along the antimeridian and the pole when it encloses
  a pole; exterior rings counter-clockwise (sec. 3.1.6);
* **KML** 2.2 for Google Earth: one ``Placemark`` per satellite holding its lines, and one
  per footprint holding its polygon(s);
* **CZML** for Cesium: the ``document`` packet first, then one packet per satellite with
  sampled Earth-fixed (``FIXED``) Cartesian positions in metres and its ``availability``,
  then one ``polygon`` packet per footprint (a ``polyline`` outline when it encloses a
  pole, which a Cesium polygon cannot);
* **CSV**: ``time_utc,norad_id,name,lat_deg,lon_deg,alt_km,kind``, one row per valid sample
  (``kind`` track), then the footprint outlines' vertices (``kind`` footprint, on the
  ground: ``alt_km`` 0, at the footprint time).

:data:`WRITERS` maps a file extension to its writer; other result types (passes to
iCalendar, ...) add theirs beside these.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np

from orbitkit.errors import UserError
from orbitkit.groundtrack import GroundTrack, format_datetime64, split_at_antimeridian

__all__ = [
    "track_to_geojson",
    "track_to_kml",
    "track_to_czml",
    "track_to_csv",
    "footprint_rings",
    "write_track",
    "WRITERS",
    "TRACK_FORMATS",
    "passes_json_records",
    "passes_to_csv",
    "passes_csv_text",
]

# Colours (RGBA 0-255) for the satellites in KML/CZML: matplotlib's tab10, so files and
# PNG maps of the same track look alike.
_PALETTE = [
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
]
# GeoJSON coordinates to 1e-5 deg (about 1 m): finer is noise for a ground track.
_COORD_DECIMALS = 5


def _color(track: GroundTrack, i: int) -> tuple[int, int, int]:
    groups = [track.group(k) for k in range(track.n_satellites)]
    distinct = list(dict.fromkeys(groups))
    key = distinct.index(groups[i]) if len(set(groups) - {""}) > 1 else i
    return _PALETTE[key % len(_PALETTE)]


def _span(track: GroundTrack, i: int) -> tuple[str | None, str | None]:
    span = track.valid_span(i)
    if span is None:
        return None, None
    return format_datetime64(span[0]), format_datetime64(span[1])


def _line_coords(lon: np.ndarray, lat: np.ndarray) -> list[list[float]]:
    return [[round(float(x), _COORD_DECIMALS), round(float(y), _COORD_DECIMALS)]
            for x, y in zip(lon, lat, strict=True)]


def _geometry(lon: np.ndarray, lat: np.ndarray) -> dict[str, Any] | None:
    segs = split_at_antimeridian(lon, lat)
    if not segs:
        return None
    lines = [_line_coords(s.lon_deg, s.lat_deg) for s in segs]
    if len(lines) == 1:
        return {"type": "LineString", "coordinates": lines[0]}
    return {"type": "MultiLineString", "coordinates": lines}


def _clip_x(ring: list[tuple[float, float]], c: float, keep_left: bool
            ) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the part of a closed ring on one side of the line lon = c."""
    out: list[tuple[float, float]] = []
    for (x1, y1), (x2, y2) in zip(ring[:-1], ring[1:], strict=True):
        in1 = x1 <= c if keep_left else x1 >= c
        in2 = x2 <= c if keep_left else x2 >= c
        if in1:
            out.append((x1, y1))
        if in1 != in2:
            out.append((c, y1 + (c - x1) / (x2 - x1) * (y2 - y1)))
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else []


def _ccw(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    xy = np.asarray(ring)
    area2 = float(np.sum(xy[:-1, 0] * xy[1:, 1] - xy[1:, 0] * xy[:-1, 1]))
    return ring if area2 >= 0 else ring[::-1]


def footprint_rings(lat_deg: np.ndarray, lon_deg: np.ndarray) -> list[list[tuple[float, float]]]:
    """A footprint outline as polygon exterior rings ``[(lon, lat), ...]`` in [-180, 180].

    The outline is a small circle on the sphere, given as closed (lat, lon) vertices. Three
    cases, told apart by how far the unwrapped longitude turns in one trip round the ring:

    * it turns back to where it started and stays within [-180, 180]: one polygon;
    * it turns back but reaches past +-180: the ring is clipped at the antimeridian into
      two polygons, the far one shifted by 360 deg (RFC 7946 sec. 3.1.9);
    * it turns by 360 deg: the circle goes round a pole (the one on its side) and the
      polygon is closed along the antimeridian up to that pole.

    Every ring is closed and counter-clockwise in (lon, lat).
    """
    lat = np.asarray(lat_deg, dtype=float)
    lon = np.asarray(lon_deg, dtype=float)
    good = np.isfinite(lat) & np.isfinite(lon)
    lat, lon = lat[good], lon[good]
    if lat.size < 4:
        return []
    if lat[0] == lat[-1] and lon[0] == lon[-1]:
        lat, lon = lat[:-1], lon[:-1]  # work on the open ring
    unwrapped = np.degrees(np.unwrap(np.radians(np.append(lon, lon[0]))))
    turn = unwrapped[-1] - unwrapped[0]
    if abs(turn) > 180.0:  # round a pole
        pole = 90.0 if lat.mean() > 0 else -90.0
        jumps = np.flatnonzero(np.abs(np.diff(np.append(lon, lon[0]))) > 180.0)
        j = int(jumps[0]) + 1
        seq_lon = np.roll(lon, -j)
        seq_lat = np.roll(lat, -j)
        increasing = turn > 0
        e0 = -180.0 if increasing else 180.0
        # the crossing between the last vertex and the first, across the antimeridian
        x1, y1 = seq_lon[-1], seq_lat[-1]
        x2, y2 = seq_lon[0] + (360.0 if increasing else -360.0), seq_lat[0]
        y_c = y1 + ((-e0) - x1) / (x2 - x1) * (y2 - y1) if x2 != x1 else y1
        ring = [(e0, y_c), *zip(seq_lon.tolist(), seq_lat.tolist(), strict=True),
                (-e0, y_c), (-e0, pole), (e0, pole), (e0, y_c)]
        return [_ccw(ring)]
    ring = list(zip(unwrapped.tolist(), np.append(lat, lat[0]).tolist(), strict=True))
    lo, hi = float(unwrapped.min()), float(unwrapped.max())
    if hi > 180.0:
        near, far, shift = _clip_x(ring, 180.0, True), _clip_x(ring, 180.0, False), -360.0
    elif lo < -180.0:
        near, far, shift = _clip_x(ring, -180.0, False), _clip_x(ring, -180.0, True), 360.0
    else:
        return [_ccw(ring)]
    rings = [near] if near else []
    if far:
        rings.append([(x + shift, y) for x, y in far])
    return [_ccw(r) for r in rings]


def _polygon_geometry(lat: np.ndarray, lon: np.ndarray) -> dict[str, Any] | None:
    rings = footprint_rings(lat, lon)
    if not rings:
        return None
    polys = [[[[round(x, _COORD_DECIMALS), round(y, _COORD_DECIMALS)] for x, y in r]]
             for r in rings]
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}
    return {"type": "MultiPolygon", "coordinates": polys}


def track_to_geojson(track: GroundTrack) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (a ``dict``; ``json.dumps`` it) of the tracks.

    A satellite with no valid sample gets a feature with ``"geometry": null``.
    """
    features = []
    for i in range(track.n_satellites):
        start, stop = _span(track, i)
        features.append({
            "type": "Feature",
            "properties": {
                "kind": "track",
                "norad_id": int(track.norad_ids[i]),
                "name": track.names[i],
                "group": track.group(i) or None,
                "start_utc": start,
                "stop_utc": stop,
                "step_s": track.step_s,
            },
            "geometry": _geometry(track.lon_deg[i], track.lat_deg[i]),
        })
    for i, fp in enumerate(track.footprints):
        if fp is None:
            continue
        features.append({
            "type": "Feature",
            "properties": {
                "kind": "footprint",
                "norad_id": int(track.norad_ids[i]),
                "name": track.names[i],
                "time_utc": format_datetime64(track.footprint_time),
                "elevation_mask_deg": track.footprint_mask_deg,
            },
            "geometry": _polygon_geometry(fp[0], fp[1]),
        })
    return {"type": "FeatureCollection", "features": features}


def _kml_color(rgb: tuple[int, int, int], alpha: int = 255) -> str:
    r, g, b = rgb
    return f"{alpha:02x}{b:02x}{g:02x}{r:02x}"  # KML colours are aabbggrr


def track_to_kml(track: GroundTrack, *, clamp_to_ground: bool = True) -> str:
    """KML 2.2 text: a Document with one Placemark (a MultiGeometry of lines) per satellite.

    Parameters
    ----------
    clamp_to_ground
        Draw the track on the ground (a ground track); ``False`` draws it at the
        satellite's altitude (``absolute``, metres).
    """
    ns = "http://www.opengis.net/kml/2.2"
    ET.register_namespace("", ns)
    q = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731 - a tiny local helper reads best here
    kml = ET.Element(q("kml"))
    doc = ET.SubElement(kml, q("Document"))
    ET.SubElement(doc, q("name")).text = "orbitkit ground tracks"
    for i in range(track.n_satellites):
        style = ET.SubElement(doc, q("Style"), id=f"sat{i}")
        line_style = ET.SubElement(style, q("LineStyle"))
        ET.SubElement(line_style, q("color")).text = _kml_color(_color(track, i))
        ET.SubElement(line_style, q("width")).text = "2"
    for i in range(track.n_satellites):
        start, stop = _span(track, i)
        pm = ET.SubElement(doc, q("Placemark"), id=f"norad-{int(track.norad_ids[i])}")
        ET.SubElement(pm, q("name")).text = f"{track.names[i]} ({int(track.norad_ids[i])})"
        ET.SubElement(pm, q("description")).text = (
            f"NORAD {int(track.norad_ids[i])}; {start} to {stop}; step {track.step_s:g} s"
            if start else f"NORAD {int(track.norad_ids[i])}: no valid position"
        )
        if start:
            span = ET.SubElement(pm, q("TimeSpan"))
            ET.SubElement(span, q("begin")).text = start
            ET.SubElement(span, q("end")).text = stop
        ET.SubElement(pm, q("styleUrl")).text = f"#sat{i}"
        multi = ET.SubElement(pm, q("MultiGeometry"))
        for seg in split_at_antimeridian(track.lon_deg[i], track.lat_deg[i]):
            line = ET.SubElement(multi, q("LineString"))
            ET.SubElement(line, q("tessellate")).text = "1"
            if clamp_to_ground:
                ET.SubElement(line, q("altitudeMode")).text = "clampToGround"
                alt_m = np.zeros(len(seg.index))
            else:
                ET.SubElement(line, q("altitudeMode")).text = "absolute"
                alt_m = 1000.0 * np.interp(seg.index, np.arange(track.times.size),
                                           np.nan_to_num(track.alt_km[i]))
            ET.SubElement(line, q("coordinates")).text = " ".join(
                f"{x:.5f},{y:.5f},{a:.0f}"
                for x, y, a in zip(seg.lon_deg, seg.lat_deg, alt_m, strict=True)
            )
    for i, fp in enumerate(track.footprints):
        if fp is None:
            continue
        rings = footprint_rings(fp[0], fp[1])
        if not rings:
            continue
        nid = int(track.norad_ids[i])
        style = ET.SubElement(doc, q("Style"), id=f"footprint{i}")
        line_style = ET.SubElement(style, q("LineStyle"))
        ET.SubElement(line_style, q("color")).text = _kml_color(_color(track, i))
        poly_style = ET.SubElement(style, q("PolyStyle"))
        ET.SubElement(poly_style, q("color")).text = _kml_color(_color(track, i), 64)
        pm = ET.SubElement(doc, q("Placemark"), id=f"footprint-{nid}")
        ET.SubElement(pm, q("name")).text = f"{track.names[i]} ({nid}) footprint"
        ET.SubElement(pm, q("description")).text = (
            f"seen above {track.footprint_mask_deg:g} deg elevation at "
            f"{format_datetime64(track.footprint_time)}")
        stamp = ET.SubElement(pm, q("TimeStamp"))
        ET.SubElement(stamp, q("when")).text = format_datetime64(track.footprint_time)
        ET.SubElement(pm, q("styleUrl")).text = f"#footprint{i}"
        multi = ET.SubElement(pm, q("MultiGeometry"))
        for ring in rings:
            poly = ET.SubElement(multi, q("Polygon"))
            ET.SubElement(poly, q("tessellate")).text = "1"
            boundary = ET.SubElement(ET.SubElement(poly, q("outerBoundaryIs")),
                                     q("LinearRing"))
            ET.SubElement(boundary, q("coordinates")).text = " ".join(
                f"{x:.5f},{y:.5f},0" for x, y in ring)
    ET.indent(kml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode") + "\n"


def track_to_czml(track: GroundTrack, *, name: str = "orbitkit ground tracks") -> list[dict]:
    """CZML packets (a list; ``json.dumps`` it): ``document`` first, then one per satellite.

    Each satellite packet has ``availability`` (its first to last valid sample), a
    ``position`` with ``epoch`` (the track start), ``referenceFrame: "FIXED"`` and
    ``cartesian`` samples ``[t_s, x_m, y_m, z_m, ...]`` (seconds from the epoch, Earth-fixed
    metres, failed samples left out), Lagrange interpolation, and a ``path`` that trails
    one sample span behind.
    """
    if track.times.size == 0:
        raise UserError("an empty track has nothing to export")
    epoch = format_datetime64(track.times[0])
    end = format_datetime64(track.times[-1])
    packets: list[dict[str, Any]] = [{
        "id": "document",
        "name": name,
        "version": "1.0",
        "clock": {
            "interval": f"{epoch}/{end}",
            "currentTime": epoch,
            "multiplier": 60,
            "range": "LOOP_STOP",
            "step": "SYSTEM_CLOCK_MULTIPLIER",
        },
    }]
    t_s = (track.times - track.times[0]) / np.timedelta64(1, "s")
    span_s = float(t_s[-1]) if t_s.size else 0.0
    for i in range(track.n_satellites):
        start, stop = _span(track, i)
        rgba = [*_color(track, i), 255]
        packet: dict[str, Any] = {
            "id": f"norad-{int(track.norad_ids[i])}",
            "name": track.names[i],
            "description": f"NORAD {int(track.norad_ids[i])}",
        }
        if start is not None:
            good = track.ok[i]
            r_m = track.r_itrs_km[i, good] * 1000.0
            samples = np.column_stack([t_s[good], r_m]).round(3).ravel().tolist()
            packet.update({
                "availability": f"{start}/{stop}",
                "position": {
                    "epoch": epoch,
                    "referenceFrame": "FIXED",
                    "interpolationAlgorithm": "LAGRANGE",
                    "interpolationDegree": 5,
                    "cartesian": samples,
                },
                "point": {"pixelSize": 7, "color": {"rgba": rgba},
                          "outlineColor": {"rgba": [0, 0, 0, 255]}, "outlineWidth": 1},
                "label": {"text": track.names[i], "font": "11pt sans-serif",
                          "pixelOffset": {"cartesian2": [10, -10]},
                          "fillColor": {"rgba": rgba}},
                "path": {"material": {"solidColor": {"color": {"rgba": rgba}}},
                         "width": 1.5, "leadTime": 0, "trailTime": span_s,
                         "resolution": track.step_s or 60},
            })
        packets.append(packet)
    for i, fp in enumerate(track.footprints):
        if fp is None:
            continue
        lat, lon = np.asarray(fp[0], float), np.asarray(fp[1], float)
        good = np.isfinite(lat) & np.isfinite(lon)
        if good.sum() < 4:
            continue
        nid = int(track.norad_ids[i])
        rgba = [*_color(track, i), 255]
        degrees = np.column_stack([lon[good], lat[good], np.zeros(good.sum())])
        rings = footprint_rings(lat, lon)
        round_pole = len(rings) == 1 and any(abs(y) == 90.0 for _, y in rings[0])
        when = format_datetime64(track.footprint_time)
        packet = {
            "id": f"footprint-norad-{nid}",
            "name": f"{track.names[i]} footprint",
            "description": f"NORAD {nid}: seen above {track.footprint_mask_deg:g} deg "
                           f"elevation at {when}",
        }
        positions = {"cartographicDegrees": degrees.round(5).ravel().tolist()}
        if round_pole:  # a Cesium polygon cannot enclose a pole: draw the outline
            packet["polyline"] = {"positions": positions, "clampToGround": True,
                                  "width": 2, "material": {"solidColor": {"color": {
                                      "rgba": rgba}}}}
        else:
            packet["polygon"] = {"positions": positions, "height": 0,
                                 "material": {"solidColor": {"color": {
                                     "rgba": [*rgba[:3], 64]}}},
                                 "outline": True, "outlineColor": {"rgba": rgba}}
        packets.append(packet)
    return packets


def track_to_csv(track: GroundTrack) -> str:
    """CSV text ``time_utc,norad_id,name,lat_deg,lon_deg,alt_km,kind``.

    Track samples first (``kind`` track; failed samples omitted), then each footprint's
    outline vertices in order (``kind`` footprint, ``time_utc`` the footprint time,
    ``alt_km`` 0: the outline lies on the ground).
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["time_utc", "norad_id", "name", "lat_deg", "lon_deg", "alt_km", "kind"])
    times = [format_datetime64(t) for t in track.times]
    for i in range(track.n_satellites):
        nid, name = int(track.norad_ids[i]), track.names[i]
        for k in np.flatnonzero(track.ok[i]):
            writer.writerow([times[k], nid, name, f"{track.lat_deg[i, k]:.5f}",
                             f"{track.lon_deg[i, k]:.5f}", f"{track.alt_km[i, k]:.3f}",
                             "track"])
    for i, fp in enumerate(track.footprints):
        if fp is None:
            continue
        when = format_datetime64(track.footprint_time)
        nid, name = int(track.norad_ids[i]), track.names[i]
        for lat, lon in zip(fp[0].tolist(), fp[1].tolist(), strict=True):
            if math.isfinite(lat) and math.isfinite(lon):
                writer.writerow([when, nid, name, f"{lat:.5f}", f"{lon:.5f}", "0.000",
                                 "footprint"])
    return buf.getvalue()


def _json_text(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n"


#: Track writers by file extension: each turns a GroundTrack into the file's text.
TRACK_FORMATS: dict[str, Callable[[GroundTrack], str]] = {
    ".geojson": lambda t: _json_text(track_to_geojson(t)),
    ".kml": track_to_kml,
    ".czml": lambda t: _json_text(track_to_czml(t)),
    ".csv": track_to_csv,
}
#: Writers by result kind, then extension; other modules (passes -> .ics) add theirs.
WRITERS: dict[str, dict[str, Callable[[Any], str]]] = {"groundtrack": TRACK_FORMATS}


def write_track(track: GroundTrack, path: str | Path) -> Path:
    """Write a track to ``path`` in the format its extension names.

    Raises
    ------
    UserError
        For an extension not in :data:`TRACK_FORMATS`.
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext == ".json":
        text = _json_text(track.to_dict())
    elif ext in TRACK_FORMATS:
        text = TRACK_FORMATS[ext](track)
    else:
        raise UserError(
            f"{path}: cannot tell the format from {ext or 'no extension'!r}; use one of "
            f"{', '.join(sorted([*TRACK_FORMATS, '.json']))}"
        )
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- passes
# The CLI's `passes --format csv|json` and the web endpoints write passes through these two,
# so a file downloaded from the page is the file the command line writes.


def passes_json_records(search: Any) -> list[dict[str, Any]]:
    """What ``orbitkit passes --format json`` prints: the passes of a
    :class:`~orbitkit.passes.PassSearch` as records (``"kind": "pass"``), then its visibility
    intervals (``"kind": "visibility"``), then the element-set switches inside the window
    (``"kind": "element_switch"``)."""
    return ([{"kind": "pass", **r} for r in search.records()]
            + [v.to_dict() for v in search.intervals]
            + [sw.to_dict() for sw in getattr(search, "switches", ())])


def _csv_field(value: Any) -> str:
    """One CSV field as :mod:`csv` (QUOTE_MINIMAL) writes it."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else repr(value) if isinstance(value, float) \
        else str(value)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def passes_to_csv(search: Any) -> str:
    """The passes of a :class:`~orbitkit.passes.PassSearch` as CSV text, one row per pass
    then one per visibility interval, columns :data:`PASS_CSV_COLUMNS`."""
    return passes_csv_text(search.columns(), search.intervals)


#: CSV columns of passes: the pass keys, then the record kind ("pass" or "visibility") and
#: the lowest elevation of a visibility interval (empty for a pass).
PASS_CSV_COLUMNS = ("norad_id", "name", "station", "rise_utc", "rise_az_deg", "max_utc",
                    "max_elevation_deg", "max_az_deg", "set_utc", "set_az_deg", "duration_s",
                    "visible", "starts_before_window", "ends_after_window", "kind",
                    "min_elevation_deg")


def _interval_row(v: Any) -> str:
    """A GEO/IGSO visibility interval as a row of :data:`PASS_CSV_COLUMNS`."""
    d = v.to_dict()
    values = {"norad_id": d["norad_id"], "name": d["name"], "station": d["station"],
              "rise_utc": d["start_utc"], "rise_az_deg": d["start_az_deg"],
              "max_elevation_deg": d["max_elevation_deg"], "set_utc": d["end_utc"],
              "set_az_deg": d["end_az_deg"], "duration_s": d["duration_s"],
              "starts_before_window": d["starts_before_window"],
              "ends_after_window": d["ends_after_window"], "kind": "visibility",
              "min_elevation_deg": d["min_elevation_deg"]}
    return ",".join(_csv_field(values.get(k)) for k in PASS_CSV_COLUMNS)


def passes_csv_text(columns: dict[str, list[Any]], intervals: Any = ()) -> str:
    """CSV text of pass columns keyed by :data:`orbitkit.passes.PASS_KEYS`, then one row per
    visibility interval, under the header :data:`PASS_CSV_COLUMNS`.

    The text is what :mod:`csv` writes, built column by column: each distinct value is
    formatted once (``csv.writer`` formats ~30,000 rows of floats several times slower).
    """
    from orbitkit.passes import PASS_KEYS

    cells = []
    for name in PASS_KEYS:
        col = columns[name]
        if name.endswith(("_deg", "_s")):  # floats: repr, as csv.writer; never quoted
            cells.append(list(map(repr, map(float, col))))
        elif name.endswith("_utc"):  # ISO stamps: nothing to quote
            cells.append(list(col))
        else:  # names, station keys (may hold commas), ids, flags
            cache: dict[Any, str] = {}
            cells.append([cache[v] if v in cache else cache.setdefault(v, _csv_field(v))
                          for v in col])
    n_rows = len(columns[PASS_KEYS[0]])
    cells += [["pass"] * n_rows, [""] * n_rows]
    lines = [",".join(_csv_field(h) for h in PASS_CSV_COLUMNS)]
    lines += [",".join(row) for row in zip(*cells, strict=True)]
    lines += [_interval_row(v) for v in intervals]
    return "\n".join(lines) + "\n"
