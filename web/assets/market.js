// gpuplan web: the market page. One view at a time from
// /api/v1/market/VIEW: its text fields as notes, every list in it as a
// table, and (share, forecast, prices) the chart from VIEW.svg.
"use strict";
(function () {
  const form = document.getElementById("marketform");
  const status = document.getElementById("status");
  const notes = document.getElementById("notes");
  const tables = document.getElementById("tables");
  const fig = document.getElementById("chart-fig");
  const CHARTS = { share: 1, forecast: 1, prices: 1 };
  // Options of one view only: the others are left out of its query.
  const ONLY = { gpu: ["prices"], by: ["prices"],
                 provider: ["share", "neoclouds", "prices", "providers"],
                 from: ["share", "forecast"], to: ["share", "forecast"] };

  function flat(r) {
    // One level of nesting as "key.sub" columns (prices' min/median/P90).
    const o = {};
    for (const k of Object.keys(r)) {
      const v = r[k];
      if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length <= 6) {
        for (const s of Object.keys(v)) o[k + "." + s] = v[s];
      } else o[k] = v;
    }
    return o;
  }
  function show(name, v) {
    if (Array.isArray(v) && v.length && typeof v[0] === "object") {
      // Lists inside the rows (share's periods: shares, summaries) become
      // tables of their own, each row keyed by its parent's first field.
      const key = Object.keys(v[0])[0];
      const inner = Object.keys(v[0]).filter(function (k) {
        return Array.isArray(v[0][k]) && v[0][k].length && typeof v[0][k][0] === "object";
      });
      const h = document.createElement("h2");
      h.textContent = name.replace(/_/g, " ");
      tables.appendChild(h);
      tables.appendChild(GP.table(v.map(function (r) {
        const o = {};
        for (const k of Object.keys(r)) if (inner.indexOf(k) < 0) o[k] = r[k];
        return flat(o);
      }), null, "market-" + name));
      for (const k of inner) {
        const rows = [];
        for (const r of v) for (const x of r[k] || []) {
          const o = {};
          o[key] = r[key];
          rows.push(Object.assign(o, x));
        }
        show(name + " " + k, rows);
      }
    } else if (typeof v === "string") {
      const li = document.createElement("li");
      li.textContent = name.replace(/_/g, " ") + ": " + v;
      notes.appendChild(li);
    } else if (v && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length && keys.every(function (k) { return Array.isArray(v[k]) || (v[k] && typeof v[k] === "object"); })) {
        for (const k of keys) show(name + " " + k, Array.isArray(v[k]) ? v[k] : [v[k]]);
      } else show(name, [v]);
    } else if (v !== null && v !== undefined) {
      const li = document.createElement("li");
      li.textContent = name.replace(/_/g, " ") + ": " + GP.text(v);
      notes.appendChild(li);
    }
  }
  function run(p) {
    const view = p.get("view") || "share";
    const q = new URLSearchParams();
    for (const [k, v] of p) if (k !== "view" && (!ONLY[k] || ONLY[k].indexOf(view) >= 0)) q.append(k, v);
    const qs = q.toString() ? "?" + q : "";
    GP.say(status, "Loading…");
    notes.textContent = "";
    tables.textContent = "";
    fig.hidden = true;
    GP.get("/api/v1/market/" + view + qs).then(function (res) {
      const j = res[1];
      if (!res[0]) { GP.say(status, (j && j.error) || "error", true); return; }
      GP.say(status, "gpuplan market " + view + ": every figure with its source.");
      if (Array.isArray(j)) show(view, j);
      else for (const k of Object.keys(j)) show(k, j[k]);
      if (CHARTS[view]) {
        document.getElementById("chart").src = "/api/v1/market/" + view + ".svg" + qs;
        fig.hidden = false;
      }
    }).catch(function (e) { GP.say(status, String(e), true); });
  }
  GP.page(form, run);
  run(GP.params(form));
})();
