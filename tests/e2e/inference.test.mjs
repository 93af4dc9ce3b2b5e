// The inference page of `gpuplan web` in headless chromium: the serving
// question typed and sent with the keyboard, the offers against
// /api/v1/inference for the same query, the chart drawn, a bad rate
// showing the API's 400 message, one column at a phone's width, no console
// error, a screenshot. Run by ctest (`e2e.browser`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, newPage, screenshotPath, get, typeInto, settled,
         cells, headings, firstNumber, chartDrawn, expect400, fitsPhone } from "./server.mjs";

let server, browser, page, errors, context;
const QUERY = "model=llama-3-8b&rps=2&input-tokens=1000&output-tokens=200";

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ({ page, errors, context } = await newPage(browser));
});

after(async () => {
  if (context) await context.close();
  if (browser) await browser.close();
  if (server) assert.equal(await server.stop(), 0, "gpuplan web exits 0 on SIGTERM");
});

test("the form, typed and sent with the keyboard, gives /api/v1/inference's offers", async () => {
  const r = await get(`${server.url}/api/v1/inference?${QUERY}`);
  assert.equal(r.status, 200);
  const api = JSON.parse(r.text);
  assert.ok(api.offers.length > 1, `${api.offers.length} offers`);
  await page.goto(`${server.url}/inference`);
  assert.match(await settled(page), /Give a model/);
  await typeInto(page, "#infform", "model", "llama-3-8b");
  await typeInto(page, "#infform", "rps", "2");
  await typeInto(page, "#infform", "input-tokens", "1000");
  await typeInto(page, "#infform", "output-tokens", "200");
  await page.keyboard.press("Enter");
  await page.waitForURL((u) => u.search === `?${QUERY}`);
  assert.match(await settled(page), new RegExp(`^${api.offers.length} offers shown of .* for ${api.model.model} `));
  const head = await headings(page, "#inference");
  const col = (h) => { const i = head.indexOf(h); assert.ok(i >= 0, `column ${h}`); return i; };
  const rows = await cells(page, "#inference");
  assert.equal(rows.length, api.offers.length);
  rows.forEach((row, i) => {
    const o = api.offers[i];
    assert.equal(row[col("#")], String(o.rank));
    assert.equal(row[col("Provider")], o.provider);
    assert.equal(row[col("Instance")], o.instance_type);
    assert.equal(row[col("GPU")], o.gpu);
    assert.equal(row[col("Replicas")], `${o.replicas} × ${o.gpus_per_replica} GPU`);
    assert.ok(Math.abs(firstNumber(row[col("$/hour")]) - o.usd_per_hour) < 0.006);
    assert.ok(Math.abs(firstNumber(row[col("$/M output tok")]) - o.usd_per_m_output_tokens) < 0.006,
      `row ${i + 1}: ${row[col("$/M output tok")]} against ${o.usd_per_m_output_tokens}`);
    assert.ok(Math.abs(firstNumber(row[col("TTFT")]) - 1000 * o.ttft_s) < 0.51);
    assert.equal(row[col("Meets targets")], o.ok ? "yes" : "no");
  });
  const items = await page.$$eval("#assumptions li", (lis) => lis.length);
  assert.equal(items, (api.assumptions || []).length);
});

test("the chart is drawn", async () => {
  await chartDrawn(page, "#chart", "inference", QUERY);
});

test("a screenshot, and no console error", async () => {
  await page.screenshot({ path: screenshotPath("e2e-inference") });
  assert.deepEqual(errors, []);
});

test("a bad request rate shows the API's 400 message", async () => {
  const q = QUERY.replace("rps=2", "rps=x");
  const bad = await get(`${server.url}/api/v1/inference?${q}`);
  assert.equal(bad.status, 400);
  const msg = JSON.parse(bad.text).error;
  assert.match(msg, /--rps: 'x' is not a number/);
  await page.goto(`${server.url}/inference`);
  await typeInto(page, "#infform", "model", "llama-3-8b");
  await typeInto(page, "#infform", "rps", "x");
  await typeInto(page, "#infform", "input-tokens", "1000");
  await typeInto(page, "#infform", "output-tokens", "200");
  await page.keyboard.press("Enter");
  await page.waitForFunction((m) => document.getElementById("status").textContent === m, msg);
  assert.equal(await page.getAttribute("#status", "class"), "error");
  assert.equal(await page.isHidden("#result"), true);
  expect400(errors, /\/api\/v1\/inference\?model=llama-3-8b&rps=x&/);
});

test("at a phone's width the page is one column", async () => {
  await fitsPhone(browser, `${server.url}/inference?${QUERY}`,
    () => document.querySelectorAll("#inference tbody tr").length > 0 && document.getElementById("chart").complete,
    "e2e-inference");
});
