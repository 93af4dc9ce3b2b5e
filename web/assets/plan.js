// gpuplan web: the plan page. The form's values become the URL and the
// query of /api/v1/plan; the table, breakdown, assumptions and launch
// object come from its JSON, the chart from /api/v1/plan.svg and the YAML
// from /api/v1/plan?...&export=skypilot|dstack.
"use strict";

(function () {
  // Tokens as the CLI writes them: 1.4T, 100M, 20B.
  function tokensText(t) {
    if (t >= 1e12) return GP.num(t / 1e12, 2) + "T";
    if (t >= 1e9) return GP.num(t / 1e9, 2) + "B";
    if (t >= 1e6) return GP.num(t / 1e6, 2) + "M";
    return GP.num(t, 0);
  }
  const form = document.getElementById("planform");
  const status = document.getElementById("status");
  const result = document.getElementById("result");
  const yaml = document.getElementById("yaml");
  let query = "";

  GP.get("/api/v1/models").then(function (res) {
    if (!res[0] || !Array.isArray(res[1])) return;
    const dl = document.getElementById("models");
    for (const m of res[1]) {
      const o = document.createElement("option");
      o.value = m.name;
      dl.appendChild(o);
    }
  }).catch(function () {});

  function withP90(shown, p90) { return p90 && p90 !== shown ? shown + " (P90 " + p90 + ")" : shown; }
  function days(h) { return h === null || h === undefined ? "-" : GP.num(h / 24, 1) + " d"; }
  const COLUMNS = [
    ["rank", "#"],
    ["provider", "Provider"],
    ["instance_type", "Instance"],
    ["region", "Region"],
    ["gpu", "GPU"],
    ["gpus", "GPUs", function (p) { return p.instances + " × " + (p.gpus / p.instances) + " = " + p.gpus; }],
    ["pricing_kind", "Pricing"],
    // the P90 where it differs from the expected value as shown (spot)
    ["hours", "Time", function (p) { return withP90(days(p.hours), p.hours_p90 && days(p.hours_p90)); }],
    ["cost_usd", "Cost", function (p) { return withP90(GP.money(p.cost_usd), p.cost_p90_usd && GP.money(p.cost_p90_usd)); }],
    ["usd_per_gpu_hour", "$/GPU-h", function (p) { return GP.money(p.usd_per_gpu_hour); }],
    ["mfu", "MFU", function (p) { return p.mfu === null ? "-" : GP.num(100 * p.mfu, 1) + "%"; }],
    ["capacity", "Capacity", function (p) { return p.capacity && p.capacity.status ? p.capacity.status : GP.text(p.capacity); }],
    ["pareto", "Frontier", function (p) { return p.pareto ? "on frontier" : ""; }],
  ];

  function run(p) {
    if (!p.get("model") && !p.get("params")) {
      GP.say(status, "Give a preset or a parameter count, then Plan.");
      result.hidden = true;
      return;
    }
    query = p.toString();
    GP.say(status, "Planning…");
    yaml.hidden = true;
    GP.get("/api/v1/plan?" + query).then(function (res) {
      const j = res[1];
      if (!res[0]) {
        GP.say(status, (j && j.error) || "error", true);
        result.hidden = true;
        return;
      }
      result.hidden = false;
      GP.say(status, j.plans.length + " plans shown of " + GP.num(j.candidates, 0) +
        " candidates for " + j.job.model + ", " + tokensText(j.job.tokens) + " tokens (" +
        j.job.tokens_basis + ").");
      const wrap = document.getElementById("plans-wrap");
      wrap.textContent = "";
      wrap.appendChild(GP.table(j.plans, COLUMNS, "plans"));
      document.getElementById("binding").textContent =
        j.feasible ? "" : "Nothing meets the constraints: " + GP.text(j.binding);
      document.getElementById("chart").src = "/api/v1/plan.svg?" + query;
      const bd = document.getElementById("breakdown");
      bd.textContent = "";
      const best = j.plans[0];
      if (best) {
        const rows = Object.keys(best.breakdown).map(function (k) {
          return { item: k.replace(/_usd$/, "").replace(/_/g, " "), usd: best.breakdown[k] };
        });
        rows.push({ item: "total", usd: best.cost_usd });
        bd.appendChild(GP.table(rows, [["item", "Item"], ["usd", "USD", function (r) { return GP.money(r.usd); }]], "breakdown-table"));
        const src = document.createElement("p");
        src.className = "src";
        src.textContent = "Price: " + (best.source || "-") + (best.as_of ? ", as of " + best.as_of : "");
        bd.appendChild(src);
      }
      const ul = document.getElementById("assumptions");
      ul.textContent = "";
      for (const a of (j.job.assumptions || []).concat(j.assumptions || [])) {
        const li = document.createElement("li");
        li.textContent = GP.text(a);
        ul.appendChild(li);
      }
      document.getElementById("launch").textContent = JSON.stringify(j.launch, null, 2);
    }).catch(function (e) { GP.say(status, String(e), true); });
  }
  function showYaml(kind) {
    yaml.hidden = false;
    yaml.textContent = "Loading…";
    GP.get("/api/v1/plan?" + query + "&export=" + kind).then(function (res) {
      yaml.textContent = res[0] ? res[1] : ((res[1] && res[1].error) || "error");
    }).catch(function (e) { yaml.textContent = String(e); });
  }
  document.getElementById("yaml-skypilot").addEventListener("click", function () { showYaml("skypilot"); });
  document.getElementById("yaml-dstack").addEventListener("click", function () { showYaml("dstack"); });
  GP.page(form, run);
  run(GP.params(form));
})();
