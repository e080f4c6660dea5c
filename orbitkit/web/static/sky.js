// Polar sky plot: north up, east to the right as seen from below (azimuth clockwise on the
// screen like a compass), zenith at the centre, horizon on the outer ring.
import { clear, el, pathData } from "./svg.js";

const C = 200, RAD = 175;

function xy(azDeg, elDeg) {
  const r = ((90 - elDeg) / 90) * RAD;
  const a = (azDeg * Math.PI) / 180;
  return [C + r * Math.sin(a), C - r * Math.cos(a)];
}

function classOf(sat) {
  const c = sat.orbit_class || "other";
  return ["MEO", "IGSO", "GEO", "GPS", "Galileo", "GLONASS", "BeiDou"].includes(c) ? c : "other";
}

const LETTER = { GPS: "G", GLONASS: "R", Galileo: "E", BeiDou: "C" };

function label(sat) {
  if (sat.prn) return sat.prn;
  const prn = /\(([CGERJ]\d{2})\)\s*$/.exec(sat.name); // "BEIDOU-3 M1 (C19)"
  if (prn) return prn[1];
  const bds = /^BEIDOU(?:-\d)?\s+(\S+)/i.exec(sat.name); // "BEIDOU-3 M25" -> M25
  if (bds) return bds[1];
  const number = /(\d+)/.exec(sat.name);
  const letter = LETTER[sat.orbit_class] || "";
  return number ? letter + number[1] : sat.name.slice(0, 8);
}

/**
 * Draw the sky at epoch `index`: faint tracks over the day, every satellite above the
 * horizon as a dot (hollow-looking when below the mask or horizon file), the mask ring.
 * Returns the number of satellites drawn above the mask.
 */
export function drawSky(svg, data, index) {
  clear(svg);
  el("circle", { cx: C, cy: C, r: RAD, class: "ring" }, svg);
  for (const e of [30, 60]) {
    el("circle", { cx: C, cy: C, r: ((90 - e) / 90) * RAD, class: "ring" }, svg);
    el("text", { x: C + 3, y: C - ((90 - e) / 90) * RAD - 2, class: "tick" }, svg, `${e}°`);
  }
  if (data.horizon) {
    const pts = [];
    for (let az = 0; az <= 360; az += 2) pts.push(xy(az, horizonAt(data.horizon, az)));
    const outer = [];
    for (let az = 360; az >= 0; az -= 2) outer.push(xy(az, 0));
    el("path", { d: pathData(pts) + pathData(outer).replace(/^M/, "L") + "Z",
                 class: "horizon", "data-role": "horizon" }, svg);
  } else if (data.mask_deg > 0) {
    el("circle", { cx: C, cy: C, r: ((90 - data.mask_deg) / 90) * RAD, class: "ring mask" }, svg);
  }
  for (const [t, az] of [["N", 0], ["E", 90], ["S", 180], ["W", 270]]) {
    const [x, y] = xy(az, -7);
    el("text", { x, y: y + 4, "text-anchor": "middle", class: "tick" }, svg, t);
  }
  const tracks = el("g", {}, svg);
  const dots = el("g", { "data-role": "satellites" }, svg);
  let above = 0;
  for (const sat of data.sky.satellites) {
    const cls = classOf(sat);
    const pts = sat.el_deg.map((e, i) => (e === null ? null : xy(sat.az_deg[i], e)));
    el("path", { d: pathData(pts), class: `skytrack cls-${cls}` }, tracks);
    const e = sat.el_deg[index];
    if (e === null) continue;
    const az = sat.az_deg[index];
    const minEl = data.horizon ? horizonAt(data.horizon, az) : data.mask_deg;
    const masked = e < minEl;
    if (!masked) above += 1;
    const [x, y] = xy(az, e);
    const g = el("g", { class: "sat-at", "data-norad": sat.norad_id }, dots);
    el("circle", { cx: x, cy: y, r: 6, class: `sat cls-${cls}${masked ? " masked" : ""}`,
                   "data-norad": sat.norad_id, "data-el": e, "data-az": az,
                   "data-masked": masked ? "1" : "0" }, g);
    el("title", {}, g, `${sat.name}: az ${az.toFixed(1)}°, el ${e.toFixed(1)}°`);
    el("text", { x: x + 8, y: y + 4, class: "satlabel" }, g, label(sat));
  }
  // legend: the classes drawn
  const present = [...new Set(data.sky.satellites.map(classOf))];
  present.forEach((cls, k) => {
    const y = 392 - (present.length - 1 - k) * 13;
    el("circle", { cx: 8, cy: y - 4, r: 4, class: `sat cls-${cls}` }, svg);
    el("text", { x: 16, y, class: "legend" }, svg, cls === "other" ? "other" : cls);
  });
  svg.dataset.classes = present.join(",");
  svg.dataset.above = String(above);
  svg.dataset.time = data.times_utc[index];
  return above;
}

/** Elevation of a horizon mask {az_deg, el_deg} at an azimuth, linear and periodic. */
export function horizonAt(h, az) {
  const n = h.az_deg.length;
  if (n === 1) return h.el_deg[0];
  const a = ((az % 360) + 360) % 360;
  for (let i = 0; i < n; i += 1) {
    const a0 = i === 0 ? h.az_deg[n - 1] - 360 : h.az_deg[i - 1];
    const e0 = i === 0 ? h.el_deg[n - 1] : h.el_deg[i - 1];
    if (a <= h.az_deg[i]) {
      const f = h.az_deg[i] === a0 ? 1 : (a - a0) / (h.az_deg[i] - a0);
      return e0 + f * (h.el_deg[i] - e0);
    }
  }
  const a0 = h.az_deg[n - 1], e0 = h.el_deg[n - 1];
  const a1 = h.az_deg[0] + 360, e1 = h.el_deg[0];
  return e0 + ((a - a0) / (a1 - a0)) * (e1 - e0);
}
