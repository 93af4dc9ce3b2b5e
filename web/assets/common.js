// gpuplan web: helpers shared by the plan, inference, market and history
// pages (the offers page predates them and keeps its own). Loaded with
// defer before each page's script; no inline script (the CSP forbids it).
"use strict";
window.GP = (function () {
  // The form's non-empty fields as URL parameters (a checkbox: 1).
  function params(form) {
    const p = new URLSearchParams();
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.type === "checkbox") { if (el.checked) p.set(el.name, "1"); }
      else if (el.value.trim() !== "") p.set(el.name, el.value.trim());
    }
    return p;
  }
  function fill(form, p) {
    for (const el of form.elements) {
      if (!el.name || !p.has(el.name)) continue;
      if (el.type === "checkbox") el.checked = p.get(el.name) === "1";
      else el.value = p.get(el.name);
    }
  }
  // Resolves to [ok, body]: body is JSON, or text when asText.
  function get(url, asText) {
    return fetch(url).then(function (r) {
      const ct = r.headers.get("Content-Type") || "";
      const body = ct.indexOf("application/json") === 0 ? r.json() : r.text();
      return body.then(function (b) { return [r.ok, b]; });
    });
  }
  function say(el, text, isError) {
    el.className = isError ? "error" : "";
    el.textContent = text;
  }
  // FIXED: always that many decimals (money: cents)
  function num(v, digits, fixed) {
    if (v === null || v === undefined) return "-";
    if (typeof v !== "number") return String(v);
    if (Math.abs(v) >= 1e6) return v.toExponential(2);
    const d = digits === undefined ? 2 : digits;
    return v.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: fixed ? d : 0 });
  }
  function money(v) { return v === null || v === undefined ? "-" : "$" + num(v, 2, true); }
  function text(v) {
    if (v === null || v === undefined) return "-";
    if (typeof v === "number") return num(v, 4);
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (Array.isArray(v)) return v.map(text).join(", ");
    if (typeof v === "object") {
      return Object.keys(v).map(function (k) { return k + ": " + text(v[k]); }).join("; ");
    }
    return String(v);
  }
  // A table of rows (objects): columns [key, heading] or, when null, every
  // key of the first rows. Nested objects print as "k: v; ...".
  function table(rows, columns, id) {
    const t = document.createElement("table");
    if (id) t.id = id;
    if (!columns) {
      const seen = [];
      for (const r of rows.slice(0, 20)) for (const k of Object.keys(r)) if (seen.indexOf(k) < 0) seen.push(k);
      columns = seen.map(function (k) { return [k, k.replace(/_/g, " ")]; });
    }
    const tr = document.createElement("tr");
    for (const c of columns) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = c[1];
      tr.appendChild(th);
    }
    const thead = document.createElement("thead");
    thead.appendChild(tr);
    t.appendChild(thead);
    const tbody = document.createElement("tbody");
    for (const r of rows) {
      const row = document.createElement("tr");
      for (const c of columns) {
        const td = document.createElement("td");
        td.dataset.label = c[1];
        const v = typeof c[2] === "function" ? c[2](r) : r[c[0]];
        td.textContent = typeof c[2] === "function" ? v : text(v);
        if (typeof r[c[0]] === "number") td.className = "num";
        if (c[0] === "verdict") td.className = "verdict v-" + String(v).replace(/[^a-z]/g, "");
        row.appendChild(td);
      }
      tbody.appendChild(row);
    }
    t.appendChild(tbody);
    const wrap = document.createElement("div");
    wrap.className = "scroll";
    wrap.appendChild(t);
    return wrap;
  }
  // The page's form: values from the URL on load, into the URL on submit.
  function page(form, run) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      const p = params(form);
      history.replaceState(null, "", location.pathname + (p.toString() ? "?" + p : ""));
      run(p);
    });
    const start = new URLSearchParams(location.search);
    fill(form, start);
    return start;
  }
  return { params: params, fill: fill, get: get, say: say, num: num, money: money,
           text: text, table: table, page: page };
})();
