// The passes table: one row (tr[data-pass]) per pass, as /api/passes returns them.

function cell(tr, text) {
  const td = document.createElement("td");
  td.textContent = text;
  tr.appendChild(td);
}

function short(iso) {
  // 2026-02-24T01:59:51.921Z -> 02-24 01:59:52 (rounded to the second, as the CLI's table)
  const t = new Date(Date.parse(iso) + 500);
  const s = t.toISOString();
  return `${s.slice(5, 10)} ${s.slice(11, 19)}`;
}

export function drawPasses(table, records) {
  const body = table.tBodies[0];
  body.replaceChildren();
  const passes = records.filter((r) => r.kind !== "visibility");
  for (const p of passes) {
    const tr = document.createElement("tr");
    tr.dataset.pass = `${p.norad_id}-${p.rise_utc}`;
    tr.dataset.visible = p.visible ? "1" : "0";
    tr.dataset.rise = p.rise_utc;
    tr.dataset.maxEl = String(p.max_elevation_deg);
    if (p.visible) tr.classList.add("visible");
    if (p.starts_before_window || p.ends_after_window) tr.classList.add("cut");
    cell(tr, short(p.rise_utc) + (p.starts_before_window ? " <" : ""));
    cell(tr, p.rise_az_deg.toFixed(0));
    cell(tr, short(p.max_utc));
    cell(tr, p.max_elevation_deg.toFixed(1) + "°");
    cell(tr, p.max_az_deg.toFixed(0));
    cell(tr, short(p.set_utc) + (p.ends_after_window ? " >" : ""));
    cell(tr, p.set_az_deg.toFixed(0));
    cell(tr, (p.duration_s / 60).toFixed(1));
    cell(tr, p.visible ? "★ yes" : "");
    body.appendChild(tr);
  }
  const intervals = records.filter((r) => r.kind === "visibility");
  for (const v of intervals) {
    const tr = document.createElement("tr");
    tr.dataset.interval = String(v.norad_id);
    cell(tr, `${v.name}: above the mask ${short(v.start_utc)} .. ${short(v.end_utc)}`);
    tr.firstChild.colSpan = 9;
    body.appendChild(tr);
  }
  return passes.length;
}
