// orbitkit planning page: state in the URL, numbers from the JSON endpoints, drawing in SVG.
import { drawDop, drawVisible, indexAt, moveCursor } from "./charts.js";
import { drawPasses } from "./passes.js";
import { drawSky } from "./sky.js";
import { drawMap, lonLatAt, setLand } from "./worldmap.js";

const $ = (id) => document.getElementById(id);
const DEFAULT_PLACE = { lat: 39.9042, lon: 116.4074 }; // Beijing
const TRACK_REFRESH_MS = 10000;

const state = {
  lat: null, lon: null, date: null, gnss: "beidou-3", mask: 10, horizon: null,
  horizonName: "", sat: "tiangong", index: null, showPdop: true,
  planning: null, pdopMap: null, track: null, info: null,
};
const seq = { planning: 0, passes: 0, map: 0, track: 0 };
const errors = {};

// ------------------------------------------------------------------ messages

function showMessages(note) {
  const msg = $("message");
  const list = Object.entries(errors).filter(([, v]) => v).map(([k, v]) => `${k}: ${v}`);
  if (list.length) {
    msg.textContent = list.join(" · ");
    msg.className = "error";
    msg.setAttribute("role", "alert");
  } else {
    msg.textContent = note || "";
    msg.className = "";
    msg.setAttribute("role", "status");
  }
}

async function getJSON(url) {
  const r = await fetch(url);
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (!r.ok) {
    const text = body && body.error ? body.error : `${r.status} ${r.statusText}`;
    const err = new Error(text);
    err.status = r.status;
    throw err;
  }
  return { body, headers: r.headers };
}

// ------------------------------------------------------------------ URL state

function readUrl() {
  const p = new URLSearchParams(location.search);
  const num = (k) => (p.has(k) && p.get(k).trim() !== "" ? Number(p.get(k)) : null);
  state.lat = num("lat");
  state.lon = num("lon");
  if (state.lat === null || state.lon === null) Object.assign(state, DEFAULT_PLACE);
  state.date = p.get("date") || state.info.default_date;
  state.gnss = p.get("gnss") || "beidou-3";
  state.mask = num("mask") ?? 10;
  state.sat = p.get("sat") || "tiangong";
  state.index = num("t");
}

function writeUrl() {
  const p = new URLSearchParams();
  p.set("lat", String(state.lat));
  p.set("lon", String(state.lon));
  p.set("date", state.date);
  if (state.gnss !== "beidou-3") p.set("gnss", state.gnss);
  if (state.mask !== 10) p.set("mask", String(state.mask));
  if (state.sat !== "tiangong") p.set("sat", state.sat);
  if (state.index !== null) p.set("t", String(state.index));
  history.replaceState(null, "", `/?${p.toString()}`);
}

function syncInputs() {
  $("place").value = `${state.lat},${state.lon}`;
  $("date").value = state.date;
  $("gnss").value = state.gnss;
  $("mask").value = String(state.mask);
  $("station-target").value = state.sat;
}

// ------------------------------------------------------------------ loading

function placeQuery() {
  return `lat=${encodeURIComponent(state.lat)}&lon=${encodeURIComponent(state.lon)}`;
}

function maskQuery() {
  let q = `mask_deg=${encodeURIComponent(state.mask)}`;
  if (state.horizon) q += `&horizon=${encodeURIComponent(state.horizon)}`;
  return q;
}

async function loadPlanning() {
  const n = ++seq.planning;
  const t0 = performance.now();
  const url = `/api/planning?target=${encodeURIComponent(state.gnss)}&${placeQuery()}`
    + `&date=${encodeURIComponent(state.date)}&${maskQuery()}`;
  try {
    const { body } = await getJSON(url);
    if (n !== seq.planning) return;
    errors.Planning = null;
    state.planning = body;
    const last = body.times_utc.length - 1;
    if (state.index === null || state.index > last) state.index = nearestNowIndex(body);
    $("slider").max = String(last);
    $("slider").value = String(state.index);
    drawPlanning();
    const pdop = body.pdop.filter((v) => v !== null);
    const mean = pdop.length ? pdop.reduce((a, b) => a + b, 0) / pdop.length : null;
    $("planning-note").textContent = `${body.target}: ${body.satellites} satellites; `
      + `in view ${Math.min(...body.visible)}..${Math.max(...body.visible)}; `
      + (mean === null ? "no PDOP (fewer than 4 satellites)" : `mean PDOP ${mean.toFixed(2)}`)
      + ` · ${elementsNote(body.elements)}`
      + (body.warnings.length ? ` · ${body.warnings.length} warning(s): ${body.warnings[0]}` : "");
    document.body.dataset.planningMs = String(Math.round(performance.now() - t0));
    ["sky", "visible-chart", "dop-chart"].forEach((id) => { $(id).dataset.state = "ready"; });
  } catch (e) {
    if (n !== seq.planning) return;
    errors.Planning = e.message;
    state.planning = null;
    for (const id of ["sky", "visible-chart", "dop-chart"]) {
      $(id).replaceChildren();
      $(id).dataset.state = "error";
    }
    $("planning-note").textContent = "";
    $("sky-time").textContent = "";
  }
  showMessages();
}

function nearestNowIndex(body) {
  const now = Date.now();
  const t0 = Date.parse(body.times_utc[0]);
  if (now < t0 || now > t0 + 86400000) return 0;
  return Math.min(body.times_utc.length - 1, Math.floor((now - t0) / (body.step_min * 60000)));
}

function elementsNote(el) {
  if (!el) return "";
  if (el.illustrative) return "nominal design orbits: illustrative";
  return `elements ${String(el.epoch_min_utc).slice(0, 10)} .. ${String(el.epoch_max_utc).slice(0, 10)}`;
}

function drawPlanning() {
  const d = state.planning;
  if (!d) return;
  drawSky($("sky"), d, state.index);
  drawVisible($("visible-chart"), d, state.index);
  drawDop($("dop-chart"), d, state.index);
  skyLabel();
}

function skyLabel() {
  const d = state.planning;
  const i = state.index;
  const p = d.pdop[i];
  $("sky-time").textContent = `${d.times_utc[i].replace("T", " ").replace("Z", " UTC")} · `
    + `${d.visible[i]} in view · PDOP ${p === null ? "n/a" : p.toFixed(2)}`;
}

async function loadPasses() {
  const n = ++seq.passes;
  const q = `target=${encodeURIComponent(state.sat)}&station=${encodeURIComponent(`${state.lat},${state.lon}`)}`
    + `&start=${encodeURIComponent(`${state.date}T00:00:00Z`)}&days=3`;
  $("export-ics").href = `/api/passes.ics?${q}`;
  $("export-csv").href = `/api/passes.csv?${q}`;
  const table = $("passes");
  try {
    const { body, headers } = await getJSON(`/api/passes?${q}`);
    if (n !== seq.passes) return;
    errors.Passes = null;
    const count = drawPasses(table, body);
    const seen = body.filter((p) => p.visible).length;
    let warnings = [];
    try { warnings = JSON.parse(headers.get("X-Orbitkit-Warnings") || "[]"); } catch (e) { warnings = []; }
    const nominal = warnings.some((w) => w.includes("nominal"));
    $("passes-note").textContent = `${state.sat} over ${state.lat},${state.lon}, 3 days from `
      + `${state.date}: ${count} passes, ${seen} visible by eye`
      + (nominal ? " · ILLUSTRATIVE: nominal design orbits, not tracked elements" : "");
    table.dataset.state = "ready";
  } catch (e) {
    if (n !== seq.passes) return;
    errors.Passes = e.message;
    drawPasses(table, []);
    $("passes-note").textContent = "";
    table.dataset.state = "error";
  }
  showMessages();
}

async function loadPdopMap() {
  const n = ++seq.map;
  const url = `/api/pdopmap?target=${encodeURIComponent(state.gnss)}&date=${encodeURIComponent(state.date)}`
    + `&mask_deg=${encodeURIComponent(state.mask)}`;
  try {
    const { body } = await getJSON(url);
    if (n !== seq.map) return;
    errors["World PDOP map"] = null;
    state.pdopMap = body;
    $("map-note").textContent = `${body.label} on ${state.date} (${body.resolution_deg}° grid, `
      + `every ${body.step_s / 60} min, mask ${body.mask_deg}°): mean PDOP over the world `
      + `${body.mean_pdop === null ? "n/a" : body.mean_pdop.toFixed(2)}, PDOP <= `
      + `${body.pdop_threshold} for ${(100 * body.pdop_availability).toFixed(1)} % of point-epochs`;
  } catch (e) {
    if (n !== seq.map) return;
    errors["World PDOP map"] = e.message;
    state.pdopMap = null;
  }
  drawMap($("world"), state);
  showMessages();
}

function trackClock() {
  // now, on the chosen day: the real now when the chosen day is today, else the same time
  // of day on that day (the element sets given may be for another day)
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  if (state.date === today) return now.toISOString().slice(0, 19) + "Z";
  return `${state.date}T${now.toISOString().slice(11, 19)}Z`;
}

async function loadTrack() {
  const n = ++seq.track;
  const t = trackClock();
  try {
    const { body } = await getJSON(`/api/groundtrack?target=${encodeURIComponent(state.sat)}`
      + `&time=${encodeURIComponent(t)}`);
    if (n !== seq.track) return;
    errors["Ground track"] = null;
    state.track = body;
    const s = body.satellites[0];
    const today = new Date().toISOString().slice(0, 10) === state.date;
    $("track-note").textContent = s && s.now
      ? `${s.name} at ${body.time_utc.replace("T", " ").replace("Z", " UTC")}`
        + `${today ? " (now)" : " (the time of day now, on the chosen day)"}: `
        + `${s.now.lat_deg.toFixed(1)}°, ${s.now.lon_deg.toFixed(1)}°, ${s.now.alt_km.toFixed(0)} km`
      : "";
  } catch (e) {
    if (n !== seq.track) return;
    errors["Ground track"] = e.message;
    state.track = null;
    $("track-note").textContent = "";
  }
  drawMap($("world"), state);
  showMessages();
}

// ------------------------------------------------------------------ changes

async function refresh({ planning = true, passes = true, map = true, track = true } = {}) {
  writeUrl();
  syncInputs();
  drawMap($("world"), state);
  document.body.dataset.state = "loading";
  const t0 = performance.now();
  const jobs = [];
  if (planning) jobs.push(loadPlanning());
  if (passes) jobs.push(loadPasses());
  if (map) jobs.push(loadPdopMap());
  if (track) jobs.push(loadTrack());
  await Promise.all(jobs);
  document.body.dataset.renderMs = String(Math.round(performance.now() - t0));
  document.body.dataset.state = Object.values(errors).some((v) => v) ? "error" : "ready";
}

function parsePlace(text) {
  const m = /^\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*[, ]\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*$/.exec(text);
  if (!m) return null;
  return { lat: Number(m[1]), lon: Number(m[2]) };
}

function onSubmit(ev) {
  ev.preventDefault();
  const place = parsePlace($("place").value);
  if (!place) {
    errors.Place = `expected LAT,LON in degrees (e.g. 39.9042,116.4074), got "${$("place").value}"`;
    showMessages();
    document.body.dataset.state = "error";
    return;
  }
  errors.Place = null;
  const moved = place.lat !== state.lat || place.lon !== state.lon;
  const date = $("date").value || state.date;
  const dayChanged = date !== state.date;
  const mask = $("mask").value === "" ? 10 : Number($("mask").value);
  const gnss = $("gnss").value;
  const sat = $("station-target").value.trim() || "tiangong";
  const gnssChanged = gnss !== state.gnss || mask !== state.mask;
  const satChanged = sat !== state.sat;
  Object.assign(state, place, { date, mask, gnss, sat });
  refresh({
    planning: true,
    passes: moved || dayChanged || satChanged || Boolean(errors.Passes),
    map: dayChanged || gnssChanged || !state.pdopMap,
    track: dayChanged || satChanged || !state.track,
  });
}

function setPlace(lat, lon) {
  const r = (v) => Math.round(v * 10000) / 10000;
  $("place").value = `${r(lat)},${r(lon)}`;
  $("controls").requestSubmit();
}

async function onHorizon() {
  const file = $("horizon").files[0];
  if (!file) { state.horizon = null; $("controls").requestSubmit(); return; }
  if (file.size > state.info.limits.horizon_chars_max) {
    errors.Horizon = `${file.name}: larger than ${state.info.limits.horizon_chars_max} bytes`;
    showMessages();
    return;
  }
  errors.Horizon = null;
  state.horizon = await file.text();
  state.horizonName = file.name;
  $("controls").requestSubmit();
}

function onSlider() {
  if (!state.planning) return;
  state.index = Number($("slider").value);
  drawSky($("sky"), state.planning, state.index);
  moveCursor([$("visible-chart"), $("dop-chart")], state.planning, state.index);
  skyLabel();
  writeUrl();
}

// ------------------------------------------------------------------ start

async function start() {
  document.body.dataset.state = "loading";
  try {
    const [info, sites, land] = await Promise.all([
      getJSON("/api/info"), getJSON("/api/sites"), getJSON("/api/land")]);
    state.info = info.body;
    setLand(land.body);
    const select = $("site");
    for (const s of sites.body) {
      const o = document.createElement("option");
      o.value = `${s.lat_deg},${s.lon_deg}`;
      o.textContent = `${s.name} (${s.kind})`;
      o.dataset.key = s.key;
      select.appendChild(o);
    }
    const gnss = $("gnss");
    const have = state.info.constellations;
    const add = (value, text) => {
      const o = document.createElement("option");
      o.value = value;
      o.textContent = text;
      gnss.appendChild(o);
    };
    // BeiDou-3 from the catalogue, with the other constellations the element files hold
    const others = [["gps", "GPS"], ["galileo", "Galileo"], ["glonass", "GLONASS"]]
      .filter(([, name]) => have.includes(name));
    if (others.length > 1) {
      add(`beidou-3,${others.map(([w]) => w).join(",")}`,
          `BeiDou-3 + ${others.map(([, n]) => n).join(" + ")}`);
    }
    for (const [word, name] of others) add(`beidou-3,${word}`, `BeiDou-3 + ${name}`);
    if (have.length > 1) add("gnss", `All in the files: ${have.join(" + ")} (BeiDou-2 too)`);
    for (const [word, name] of others) add(word, `${name} alone`);
  } catch (e) {
    errors.Start = e.message;
    showMessages();
    document.body.dataset.state = "error";
    return;
  }
  readUrl();
  if (![...$("gnss").options].some((o) => o.value === state.gnss)) {
    const o = document.createElement("option");
    o.value = state.gnss;
    o.textContent = state.gnss;
    $("gnss").appendChild(o);
  }
  $("controls").addEventListener("submit", onSubmit);
  $("site").addEventListener("change", () => {
    if ($("site").value) {
      const [lat, lon] = $("site").value.split(",").map(Number);
      setPlace(lat, lon);
    }
  });
  for (const id of ["date", "gnss", "mask"]) {
    $(id).addEventListener("change", () => $("controls").requestSubmit());
  }
  $("horizon").addEventListener("change", onHorizon);
  $("slider").addEventListener("input", onSlider);
  $("world").addEventListener("click", (ev) => {
    const p = lonLatAt($("world"), ev);
    if (p) setPlace(p.lat, p.lon);
  });
  for (const id of ["visible-chart", "dop-chart"]) {
    $(id).addEventListener("click", (ev) => {
      if (!state.planning) return;
      $("slider").value = String(indexAt($(id), ev, state.planning));
      onSlider();
    });
  }
  $("show-pdop").addEventListener("change", () => {
    state.showPdop = $("show-pdop").checked;
    drawMap($("world"), state);
  });
  await refresh();
  setInterval(() => { if (!document.hidden) loadTrack(); }, TRACK_REFRESH_MS);
}

start();
