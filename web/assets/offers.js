// gpuplan web: the offers page. Reads the filters from the page's URL,
// fetches /api/v1/offers with them, and draws a table that sorts on a
// click of a column header. No inline script: the page's CSP forbids it.
"use strict";
(function () {
  const form = document.getElementById("filters");
  const tbody = document.querySelector("#offers tbody");
  const status = document.getElementById("status");
  const csv = document.getElementById("csv");
  let rows = [];
  let sortKey = null, sortDir = 1;

  function params() {
    const p = new URLSearchParams();
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.type === "checkbox") { if (el.checked) p.set(el.name, "1"); }
      else if (el.value.trim() !== "") p.set(el.name, el.value.trim());
    }
    return p;
  }
  function fillForm(p) {
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.type === "checkbox") el.checked = p.get(el.name) === "1";
      else el.value = p.get(el.name) || "";
    }
  }
  function money(v) { return v === null || v === undefined ? "-" : "$" + v.toFixed(2); }
  // Each cell carries its column's heading (data-label), shown beside the
  // value when a phone-width screen turns the rows into cards.
  const labels = Array.from(document.querySelectorAll("#offers thead th"), function (th) {
    return th.textContent;
  });
  function cell(tr, text, cls, title) {
    const td = document.createElement("td");
    td.textContent = text;
    td.dataset.label = labels[tr.cells.length];
    if (cls) td.className = cls;
    if (title) td.title = title;
    tr.appendChild(td);
  }
  function draw() {
    const sorted = rows.slice();
    if (sortKey) {
      sorted.sort(function (a, b) {
        const x = a[sortKey], y = b[sortKey];
        if (x === y) return 0;
        if (x === null || x === undefined) return 1; // missing values last
        if (y === null || y === undefined) return -1;
        return (x < y ? -1 : 1) * sortDir;
      });
    }
    tbody.textContent = "";
    for (const o of sorted) {
      const tr = document.createElement("tr");
      cell(tr, o.provider);
      cell(tr, o.kind);
      cell(tr, o.instance_type || "-", "long", o.instance_type);
      cell(tr, o.region || "-", "region");
      cell(tr, o.gpu || "-", "gpu");
      cell(tr, o.gpu_count === null ? "-" : String(o.gpu_count), "num");
      cell(tr, o.gpu_mem_gb === null ? "-" : Math.round(o.gpu_mem_gb) + " GB", "num");
      cell(tr, money(o.usd_per_hour), "num");
      cell(tr, money(o.usd_per_gpu_hour), "num");
      cell(tr, money(o.spot_usd_per_gpu_hour), "num");
      const where = (o.source_file || "") + (o.source_line ? ":" + o.source_line : "");
      cell(tr, o.source || "-", "src", (o.source || "-") + (where ? " (" + where + ")" : ""));
      cell(tr, o.as_of || "-");
      tbody.appendChild(tr);
    }
  }
  function load(p) {
    const q = p.toString();
    csv.href = "/api/v1/offers?" + (q ? q + "&" : "") + "format=csv";
    status.className = "";
    status.textContent = "Loading…";
    fetch("/api/v1/offers" + (q ? "?" + q : ""))
      .then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
      .then(function (res) {
        if (!res[0]) {
          status.className = "error";
          status.textContent = res[1].error || "error";
          rows = [];
        } else {
          rows = res[1];
          status.textContent = rows.length + (rows.length === 1 ? " offer" : " offers") +
            ". On-demand USD unless marked; hover a source for all of it, its file and line.";
        }
        draw();
      })
      .catch(function (e) { status.className = "error"; status.textContent = String(e); });
  }
  for (const th of document.querySelectorAll("#offers th")) {
    th.querySelector("button").addEventListener("click", function () {
      const key = th.dataset.key;
      sortDir = sortKey === key ? -sortDir : 1;
      sortKey = key;
      for (const h of document.querySelectorAll("#offers th")) h.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      draw();
    });
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    const p = params();
    history.replaceState(null, "", location.pathname + (p.toString() ? "?" + p : ""));
    load(p);
  });
  const start = new URLSearchParams(location.search);
  fillForm(start);
  load(params());
})();
