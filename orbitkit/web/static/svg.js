// Small SVG helpers shared by the map, the sky plot and the charts (no library).
export const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element with attributes (and optional text), appended to `parent` if given. */
export function el(name, attrs = {}, parent = null, text = null) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined) node.setAttribute(k, String(v));
  }
  if (text !== null) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** "M x y L x y ..." from points, breaking the line at null points. */
export function pathData(points) {
  let d = "";
  let pen = false;
  for (const p of points) {
    if (!p) { pen = false; continue; }
    d += (pen ? "L" : "M") + p[0].toFixed(1) + " " + p[1].toFixed(1);
    pen = true;
  }
  return d;
}

/** Minutes since 00:00 UTC of an ISO time "YYYY-MM-DDTHH:MM:SSZ" on `day` (YYYY-MM-DD). */
export function minutesOfDay(iso, day) {
  const t = Date.parse(iso);
  const d0 = Date.parse(day + "T00:00:00Z");
  return (t - d0) / 60000;
}

export function hhmm(iso) {
  return iso.slice(11, 16);
}
