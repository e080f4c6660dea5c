// World map in the equirectangular projection (2 px per degree): bundled Natural Earth land,
// the world PDOP map, the chosen place, and the station's ground track with its footprint.
import { clear, el, pathData } from "./svg.js";

const MAP_H = 360;
export const px = (lon) => (lon + 180) * 2;
export const py = (lat) => (90 - lat) * 2;

let landPath = null;

function ringPath(ring) {
  return pathData(ring.map(([lon, lat]) => [px(lon), py(lat)])) + "Z";
}

export function setLand(geojson) {
  let d = "";
  for (const f of geojson.features || []) {
    const g = f.geometry || {};
    const polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    for (const poly of polys) for (const ring of poly) d += ringPath(ring);
  }
  landPath = d;
}

// PDOP colours: 1 (excellent) blue-green .. 6 and above (poor) red
const STOPS = [[1, [26, 152, 80]], [2, [145, 207, 96]], [3, [254, 224, 139]], [4, [252, 141, 89]],
               [6, [215, 48, 39]]];
export function pdopColour(v) {
  if (v <= STOPS[0][0]) return `rgb(${STOPS[0][1]})`;
  for (let i = 1; i < STOPS.length; i += 1) {
    const [v1, c1] = STOPS[i];
    const [v0, c0] = STOPS[i - 1];
    if (v <= v1) {
      const f = (v - v0) / (v1 - v0);
      return `rgb(${c0.map((c, k) => Math.round(c + f * (c1[k] - c))).join(",")})`;
    }
  }
  return `rgb(${STOPS[STOPS.length - 1][1]})`;
}

/** Break a lon/lat line where it jumps across the antimeridian. */
function wrapLine(points) {
  const out = [];
  let prev = null;
  for (const [lon, lat] of points) {
    if (prev && Math.abs(lon - prev) > 180) out.push(null);
    out.push([px(lon), py(lat)]);
    prev = lon;
  }
  return out;
}

export function drawMap(svg, state) {
  clear(svg);
  el("rect", { x: 0, y: 0, width: 720, height: MAP_H, class: "ocean" }, svg);
  const pd = state.pdopMap;
  if (pd && state.showPdop) {
    const g = el("g", { "data-role": "pdop-map", opacity: 0.75 }, svg);
    const res = pd.resolution_deg;
    pd.lat_deg.forEach((lat, i) => {
      pd.lon_deg.forEach((lon, j) => {
        const v = pd.map_mean_pdop[i][j];
        if (v === null) return;
        const y0 = py(Math.min(90, lat + res / 2)), y1 = py(Math.max(-90, lat - res / 2));
        el("rect", { x: px(lon - res / 2), y: y0, width: res * 2 + 0.3, height: y1 - y0 + 0.3,
                     fill: pdopColour(v) }, g);
      });
    });
  }
  if (landPath) el("path", { d: landPath, class: "land", "fill-opacity": state.showPdop ? 0.45 : 1 }, svg);
  for (let lon = -150; lon <= 150; lon += 30) {
    el("line", { x1: px(lon), x2: px(lon), y1: 0, y2: MAP_H, class: "graticule" }, svg);
  }
  for (let lat = -60; lat <= 60; lat += 30) {
    el("line", { x1: 0, x2: 720, y1: py(lat), y2: py(lat), class: "graticule" }, svg);
  }
  const gt = state.track;
  if (gt) {
    const g = el("g", { "data-role": "ground-track" }, svg);
    for (const sat of gt.satellites) {
      if (sat.footprint) {
        el("path", { d: pathData(wrapLine(sat.footprint)), class: "footprint" }, g);
      }
      for (const seg of sat.segments) {
        el("path", { d: pathData(seg.map(([lon, lat]) => [px(lon), py(lat)])), class: "track" }, g);
      }
      if (sat.now) {
        const c = el("circle", { cx: px(sat.now.lon_deg), cy: py(sat.now.lat_deg), r: 5,
                                 class: "station-now", "data-role": "station-now" }, g);
        el("title", {}, c, `${sat.name} at ${gt.time_utc}: ${sat.now.lat_deg.toFixed(2)}°, `
           + `${sat.now.lon_deg.toFixed(2)}°, ${sat.now.alt_km.toFixed(0)} km`);
      }
    }
  }
  if (state.lat !== null && state.lon !== null) {
    const lon = state.lon > 180 ? state.lon - 360 : state.lon;
    el("circle", { cx: px(lon), cy: py(state.lat), r: 5, class: "place", "data-role": "place" }, svg);
  }
  // colour bar
  const bar = el("g", { class: "legend" }, svg);
  for (let i = 0; i < 50; i += 1) {
    el("rect", { x: 440 + i * 4, y: MAP_H + 6, width: 4.2, height: 8,
                 fill: pdopColour(1 + (i / 49) * 5) }, bar);
  }
  el("text", { x: 434, y: MAP_H + 14, "text-anchor": "end" }, bar, "mean PDOP 1");
  el("text", { x: 644, y: MAP_H + 14 }, bar, "6+");
}

/** Latitude/longitude [deg] under a click on the map, or null outside it. */
export function lonLatAt(svg, event) {
  const pt = svg.createSVGPoint();
  pt.x = event.clientX;
  pt.y = event.clientY;
  const p = pt.matrixTransform(svg.getScreenCTM().inverse());
  if (p.x < 0 || p.x > 720 || p.y < 0 || p.y > MAP_H) return null;
  return { lat: 90 - p.y / 2, lon: p.x / 2 - 180 };
}
