// gpuplan web: the history page. /api/v1/history?gpu=... as a table and
// the CLI's chart (/api/v1/history.svg); an empty history says how to
// fill it (`gpuplan history import`, `gpuplan catalog refresh`).
"use strict";
(function () {
  const form = document.getElementById("histform");
  const status = document.getElementById("status");
  const result = document.getElementById("result");
  const COLUMNS = [
    ["day", "Day"],
    ["provider", "Provider"],
    ["kind", "Pricing kind"],
    ["min_usd_per_gpu_hour", "Cheapest $/GPU-h", function (r) { return GP.money(r.min_usd_per_gpu_hour); }],
    ["median_usd_per_gpu_hour", "Median $/GPU-h", function (r) { return GP.money(r.median_usd_per_gpu_hour); }],
    ["prices", "Prices"],
    ["cheapest_instance_type", "Cheapest instance"],
    ["cheapest_region", "Region"],
    ["cheapest_source", "Source"],
  ];
  function run(p) {
    if (!p.get("gpu")) { GP.say(status, "Give a GPU, then Show."); result.hidden = true; return; }
    const q = p.toString();
    GP.say(status, "Loading…");
    GP.get("/api/v1/history?" + q).then(function (res) {
      const j = res[1];
      if (!res[0]) {
        const msg = (j && j.error) || "error";
        // a bad parameter (400) is the CLI's message alone; any other
        // failure may be an empty history, so it says how to fill one
        GP.say(status, msg + (j && j.status !== 400 && msg.indexOf("gpuplan history import") < 0 ?
          " (an empty history fills with `gpuplan history import` or `gpuplan catalog refresh`)" : ""), true);
        result.hidden = true;
        return;
      }
      result.hidden = false;
      const cols = COLUMNS.filter(function (c) { return j.length && c[0] in j[0]; });
      GP.say(status, j.length + " points (one per day and series).");
      const wrap = document.getElementById("history-wrap");
      wrap.textContent = "";
      wrap.appendChild(GP.table(j, cols, "history"));
      document.getElementById("chart").src = "/api/v1/history.svg?" + q;
    }).catch(function (e) { GP.say(status, String(e), true); });
  }
  GP.page(form, run);
  run(GP.params(form));
})();
