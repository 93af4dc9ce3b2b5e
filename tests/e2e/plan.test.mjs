// The plan page of `gpuplan web` in headless chromium: the form filled and
// submitted with the keyboard, the ranked plans against /api/v1/plan for
// the same query, the cost–time chart drawn, the best plan's breakdown and
// launch object, both YAML buttons against the API's export, a bad
// parameter showing the API's 400 message, one column at a phone's width,
// no console error, a screenshot. Run by ctest (`e2e.browser`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, newPage, screenshotPath, get, typeInto, tabTo, settled,
         cells, headings, firstNumber, chartDrawn, expect400, fitsPhone } from "./server.mjs";

let server, browser, page, errors, context;
// A small job, so each plan request stays short; H100s at AWS, whose best
// plan both launch formats can write (dstack has no name for Trainium).
const QUERY = "params=1B&tokens=10B&gpu=H100&provider=aws";

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

let api;

test("the form, typed and sent with the keyboard, gives /api/v1/plan's plans", async () => {
  const r = await get(`${server.url}/api/v1/plan?${QUERY}`);
  assert.equal(r.status, 200);
  api = JSON.parse(r.text);
  assert.ok(api.plans.length > 1, `${api.plans.length} plans`);
  await page.goto(`${server.url}/plan`);
  assert.match(await settled(page), /Give a preset/);
  assert.equal(await page.isHidden("#result"), true);
  await typeInto(page, "#planform", "params", "1B");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.name), "tokens", "Tab goes from parameters to tokens");
  await page.keyboard.type("10B");
  await typeInto(page, "#planform", "gpu", "H100");
  await page.keyboard.press("Tab");
  await page.keyboard.type("aws");
  await page.keyboard.press("Enter");
  await page.waitForURL((u) => u.search === `?${QUERY}`);
  assert.match(await settled(page), new RegExp(`^${api.plans.length} plans shown of `));
  const head = await headings(page, "#plans");
  const col = (h) => { const i = head.indexOf(h); assert.ok(i >= 0, `column ${h}`); return i; };
  const rows = await cells(page, "#plans");
  assert.equal(rows.length, api.plans.length);
  rows.forEach((row, i) => {
    const p = api.plans[i];
    assert.equal(row[col("#")], String(p.rank));
    assert.equal(row[col("Provider")], p.provider);
    assert.equal(row[col("Instance")], p.instance_type);
    assert.equal(row[col("Region")], p.region);
    assert.equal(row[col("GPU")], p.gpu);
    assert.match(row[col("GPUs")], new RegExp(`= ${p.gpus}$`));
    assert.ok(Math.abs(firstNumber(row[col("Cost")]) - p.cost_usd) < 0.006, `row ${i + 1} cost ${row[col("Cost")]} against ${p.cost_usd}`);
    assert.ok(Math.abs(firstNumber(row[col("$/GPU-h")]) - p.usd_per_gpu_hour) < 0.006);
    assert.equal(row[col("Frontier")], p.pareto ? "on frontier" : "");
  });
});

test("the cost–time chart is drawn", async () => {
  const marks = await chartDrawn(page, "#chart", "plan", QUERY);
  assert.ok(marks.circle + marks.path >= 2, JSON.stringify(marks));
});

test("the best plan's breakdown and launch object are the API's", async () => {
  const best = api.plans[0];
  const rows = await cells(page, "#breakdown-table");
  const keys = Object.keys(best.breakdown);
  assert.equal(rows.length, keys.length + 1);
  keys.forEach((k, i) => {
    assert.equal(rows[i][0], k.replace(/_usd$/, "").replace(/_/g, " "));
    assert.ok(Math.abs(firstNumber(rows[i][1]) - best.breakdown[k]) < 0.006, `${k}: ${rows[i][1]}`);
  });
  assert.equal(rows[keys.length][0], "total");
  assert.ok(Math.abs(firstNumber(rows[keys.length][1]) - best.cost_usd) < 0.006);
  const sum = keys.reduce((s, k) => s + best.breakdown[k], 0);
  assert.ok(Math.abs(sum - best.cost_usd) < 0.01 * best.cost_usd, `items sum to ${sum}, total ${best.cost_usd}`);
  assert.deepEqual(JSON.parse(await page.textContent("#launch")), api.launch);
  const items = await page.$$eval("#assumptions li", (lis) => lis.length);
  assert.equal(items, (api.job.assumptions || []).length + (api.assumptions || []).length);
});

test("the SkyPilot and dstack buttons show the API's launch YAML", async () => {
  for (const kind of ["skypilot", "dstack"]) {
    const want = await get(`${server.url}/api/v1/plan?${QUERY}&export=${kind}`);
    assert.equal(want.status, 200);
    assert.match(want.type, /^text\/yaml/);
    assert.ok(want.text.length > 20);
    await tabTo(page, `#yaml-${kind}`);
    await page.keyboard.press("Enter");
    await page.waitForFunction((t) => document.getElementById("yaml").textContent === t, want.text);
    assert.equal(await page.isVisible("#yaml"), true);
  }
});

test("a screenshot, and no console error", async () => {
  await page.screenshot({ path: screenshotPath("e2e-plan") });
  assert.deepEqual(errors, []);
});

test("a bad parameter count shows the API's 400 message", async () => {
  const bad = await get(`${server.url}/api/v1/plan?${QUERY.replace("params=1B", "params=abc")}`);
  assert.equal(bad.status, 400);
  const msg = JSON.parse(bad.text).error;
  assert.match(msg, /--params: 'abc' is not a number/);
  await typeInto(page, "#planform", "params", "abc");
  await page.keyboard.press("Enter");
  await page.waitForFunction((m) => document.getElementById("status").textContent === m, msg);
  assert.equal(await page.getAttribute("#status", "class"), "error");
  assert.equal(await page.isHidden("#result"), true);
  expect400(errors, /\/api\/v1\/plan\?params=abc&tokens=10B&/);
});

test("at a phone's width the page is one column", async () => {
  await fitsPhone(browser, `${server.url}/plan?${QUERY}`,
    () => document.querySelectorAll("#plans tbody tr").length > 0 && document.getElementById("chart").complete,
    "e2e-plan");
});
