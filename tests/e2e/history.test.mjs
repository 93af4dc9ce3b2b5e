// The history page of `gpuplan web` in headless chromium, on a history of
// its own (`gpuplan history import` into a temporary GPUPLAN_HOME): a GPU
// typed and sent with the keyboard, the points against /api/v1/history for
// the same query, the chart drawn, a bad date showing the API's 400
// message, one column at a phone's width, no console error, a screenshot.
// Run by ctest (`e2e.browser`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, newPage, screenshotPath, get, typeInto, settled, historyHome,
         cells, headings, firstNumber, chartDrawn, expect400, fitsPhone } from "./server.mjs";

let server, browser, page, errors, context;
const QUERY = "gpu=H100&provider=aws%2Cazure%2Clambda";

before(async () => {
  server = await startServer([], { GPUPLAN_HOME: historyHome() });
  browser = await launchBrowser();
  ({ page, errors, context } = await newPage(browser));
});

after(async () => {
  if (context) await context.close();
  if (browser) await browser.close();
  if (server) assert.equal(await server.stop(), 0, "gpuplan web exits 0 on SIGTERM");
});

test("a GPU and providers, typed and sent with the keyboard, give /api/v1/history's points", async () => {
  const r = await get(`${server.url}/api/v1/history?${QUERY}`);
  assert.equal(r.status, 200);
  const api = JSON.parse(r.text);
  assert.ok(api.length > 1, `${api.length} points`);
  assert.ok(new Set(api.map((p) => p.provider)).size > 1, "more than one series");
  await page.goto(`${server.url}/history`);
  assert.match(await settled(page), /Give a GPU/);
  await typeInto(page, "#histform", "gpu", "H100");
  await page.keyboard.press("Tab");
  await page.keyboard.type("aws,azure,lambda");
  await page.keyboard.press("Enter");
  await page.waitForURL((u) => u.search === `?${QUERY}`);
  assert.equal(await settled(page), `${api.length} points (one per day and series).`);
  const head = await headings(page, "#history");
  const col = (h) => { const i = head.indexOf(h); assert.ok(i >= 0, `column ${h}`); return i; };
  const rows = await cells(page, "#history");
  assert.equal(rows.length, api.length);
  rows.forEach((row, i) => {
    const p = api[i];
    assert.equal(row[col("Day")], p.day);
    assert.equal(row[col("Provider")], p.provider);
    assert.ok(Math.abs(firstNumber(row[col("Cheapest $/GPU-h")]) - p.min_usd_per_gpu_hour) < 0.006);
    assert.equal(row[col("Prices")], String(p.prices));
    assert.equal(row[col("Cheapest instance")], p.cheapest_instance_type);
  });
});

test("the chart is drawn", async () => {
  await chartDrawn(page, "#chart", "history", QUERY);
});

test("a screenshot, and no console error", async () => {
  await page.screenshot({ path: screenshotPath("e2e-history") });
  assert.deepEqual(errors, []);
});

test("a bad date shows the API's 400 message", async () => {
  const bad = await get(`${server.url}/api/v1/history?gpu=H100&since=yesterday`);
  assert.equal(bad.status, 400);
  const msg = JSON.parse(bad.text).error;
  assert.match(msg, /--since: 'yesterday' is not a date/);
  await typeInto(page, "#histform", "provider", "");
  await typeInto(page, "#histform", "since", "yesterday");
  await page.keyboard.press("Enter");
  await page.waitForFunction((m) => document.getElementById("status").textContent === m, msg);
  assert.equal(await page.getAttribute("#status", "class"), "error");
  assert.equal(await page.isHidden("#result"), true);
  expect400(errors, /\/api\/v1\/history\?gpu=H100&since=yesterday/);
});

test("at a phone's width the page is one column", async () => {
  await fitsPhone(browser, `${server.url}/history?${QUERY}`,
    () => document.querySelectorAll("#history tbody tr").length > 0 && document.getElementById("chart").complete,
    "e2e-history");
});
