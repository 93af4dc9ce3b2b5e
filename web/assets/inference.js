// gpuplan web: the inference page. The form becomes the URL and the query
// of /api/v1/inference; the table shows each offer's replicas, latency and
// dollars per million tokens; the chart is /api/v1/inference.svg.
"use strict";
(function () {
  const form = document.getElementById("infform");
  const status = document.getElementById("status");
  const result = document.getElementById("result");
  function ms(s) { return s === null || s === undefined ? "-" : GP.num(1000 * s, 0) + " ms"; }
  const COLUMNS = [
    ["rank", "#"],
    ["provider", "Provider"],
    ["instance_type", "Instance"],
    ["gpu", "GPU"],
    ["replicas", "Replicas", function (o) { return o.replicas + " × " + o.gpus_per_replica + " GPU"; }],
    ["ttft_s", "TTFT", function (o) { return ms(o.ttft_s); }],
    ["tpot_s", "TPOT", function (o) { return ms(o.tpot_s); }],
    ["binding", "Limit"],
    ["usd_per_hour", "$/hour", function (o) { return GP.money(o.usd_per_hour); }],
    ["usd_per_m_output_tokens", "$/M output tok", function (o) { return GP.money(o.usd_per_m_output_tokens); }],
    ["usd_per_m_input_tokens", "$/M input tok", function (o) { return GP.money(o.usd_per_m_input_tokens); }],
    ["monthly", "$/month", function (o) { return GP.money(o.monthly && o.monthly.on_demand_usd); }],
    ["ok", "Meets targets", function (o) { return o.ok ? "yes" : "no"; }],
  ];
  function run(p) {
    if (!p.get("model") && !p.get("params")) {
      GP.say(status, "Give a model, requests/s and token counts, then Size it.");
      result.hidden = true;
      return;
    }
    const q = p.toString();
    GP.say(status, "Sizing…");
    GP.get("/api/v1/inference?" + q).then(function (res) {
      const j = res[1];
      if (!res[0]) { GP.say(status, (j && j.error) || "error", true); result.hidden = true; return; }
      result.hidden = false;
      GP.say(status, j.offers.length + " offers shown of " + GP.num(j.considered, 0) +
        " considered for " + j.model.model + " (" + j.model.precision + ", " +
        GP.num(j.model.weights_gb, 1) + " GB of weights).");
      const wrap = document.getElementById("offers-wrap");
      wrap.textContent = "";
      wrap.appendChild(GP.table(j.offers, COLUMNS, "inference"));
      document.getElementById("chart").src = "/api/v1/inference.svg?" + q;
      const ul = document.getElementById("assumptions");
      ul.textContent = "";
      for (const a of j.assumptions || []) {
        const li = document.createElement("li");
        li.textContent = GP.text(a);
        ul.appendChild(li);
      }
    }).catch(function (e) { GP.say(status, String(e), true); });
  }
  GP.page(form, run);
  run(GP.params(form));
})();
