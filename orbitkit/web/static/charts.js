// Time-series charts over one UTC day: satellites in view, and PDOP/HDOP/VDOP.
import { clear, el, minutesOfDay, pathData } from "./svg.js";

const W = 560, H = 200, L = 40, R = 22, T = 10, B = 26;

function frame(svg, yMax, yStep, yLabel) {
  clear(svg);
  const x = (m) => L + (m / 1440) * (W - L - R);
  const y = (v) => H - B - (v / yMax) * (H - T - B);
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    el("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" }, svg);
    el("text", { x: L - 5, y: y(v) + 4, "text-anchor": "end", class: "tick" }, svg,
       Number.isInteger(v) ? String(v) : v.toFixed(1));
  }
  for (let h = 0; h <= 24; h += 3) {
    el("line", { x1: x(h * 60), x2: x(h * 60), y1: H - B, y2: H - B + 4, class: "axis" }, svg);
    el("text", { x: x(h * 60), y: H - 6, "text-anchor": "middle", class: "tick" }, svg,
       String(h).padStart(2, "0") + ":00");
  }
  el("path", { d: `M${L} ${T}V${H - B}H${W - R}`, class: "axis" }, svg);
  el("text", { x: L + 6, y: T + 10, class: "tick" }, svg, yLabel);
  return { x, y };
}

function cursor(svg, x, m) {
  const line = el("line", { x1: x(m), x2: x(m), y1: T, y2: H - B, class: "cursor",
                            "data-role": "cursor" }, svg);
  return line;
}

/** Mark the chart with what it holds, for people (title) and for tests (data-*). */
function stamp(svg, data) {
  const times = data.times_utc;
  svg.dataset.points = String(times.length);
  svg.dataset.first = times[0];
  svg.dataset.last = times[times.length - 1];
  svg.dataset.stepMin = String(data.step_min);
  // the span covered: the last epoch plus one step (the day is [00:00, 24:00))
  svg.dataset.hours = String(((minutesOfDay(times[times.length - 1], data.date)
                              + data.step_min) / 60).toFixed(3));
}

export function drawVisible(svg, data, index) {
  const max = Math.max(4, ...data.visible);
  const yMax = Math.ceil((max + 1) / 4) * 4;
  const { x, y } = frame(svg, yMax, yMax / 4, "sats");
  const pts = data.times_utc.map((t, i) => [x(minutesOfDay(t, data.date)), y(data.visible[i])]);
  // a step line: the count holds until the next epoch
  const step = [];
  pts.forEach((p, i) => {
    const nextX = i + 1 < pts.length ? pts[i + 1][0] : x(minutesOfDay(data.times_utc[i], data.date)
                                                          + data.step_min);
    step.push(p, [nextX, p[1]]);
  });
  el("path", { d: pathData(step) + `L${step[step.length - 1][0]} ${y(0)}L${step[0][0]} ${y(0)}Z`,
               class: "area visible" }, svg);
  el("path", { d: pathData(step), class: "series visible", "data-series": "visible" }, svg);
  stamp(svg, data);
  svg.dataset.min = String(Math.min(...data.visible));
  svg.dataset.max = String(max);
  cursor(svg, x, minutesOfDay(data.times_utc[index], data.date));
}

export function drawDop(svg, data, index) {
  const finite = [...data.pdop, ...data.hdop, ...data.vdop].filter((v) => v !== null);
  const top = finite.length ? Math.max(...finite) : 1;
  const yMax = top <= 3 ? 3 : top <= 6 ? 6 : top <= 10 ? 10 : 20;
  const { x, y } = frame(svg, yMax, yMax <= 3 ? 0.5 : yMax / 5, "DOP");
  for (const key of ["vdop", "hdop", "pdop"]) {
    const pts = data.times_utc.map((t, i) => {
      const v = data[key][i];
      return v === null ? null : [x(minutesOfDay(t, data.date)), y(Math.min(v, yMax))];
    });
    el("path", { d: pathData(pts), class: `series ${key}`, "data-series": key }, svg);
  }
  stamp(svg, data);
  svg.dataset.pdopPoints = String(data.pdop.filter((v) => v !== null).length);
  cursor(svg, x, minutesOfDay(data.times_utc[index], data.date));
}

/** Move the cursors of both charts to epoch `index` without redrawing them. */
export function moveCursor(svgs, data, index) {
  for (const svg of svgs) {
    const line = svg.querySelector('[data-role="cursor"]');
    if (!line) continue;
    const m = minutesOfDay(data.times_utc[index], data.date);
    const xx = L + (m / 1440) * (W - L - R);
    line.setAttribute("x1", xx);
    line.setAttribute("x2", xx);
  }
}

/** The epoch index under a click on a chart (for scrubbing the sky plot from the charts). */
export function indexAt(svg, event, data) {
  const box = svg.getBoundingClientRect();
  const px = ((event.clientX - box.left) / box.width) * W;
  const m = ((px - L) / (W - L - R)) * 1440;
  const i = Math.round(m / data.step_min);
  return Math.max(0, Math.min(data.times_utc.length - 1, i));
}
