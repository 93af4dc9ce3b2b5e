// The market page of `gpuplan web` in headless chromium: a view chosen and
// filtered with the keyboard, its tables against /api/v1/market/VIEW for
// the same query, the chart drawn, the claims with their verdict words, a
// bad GPU showing the API's 400 message, one column at a phone's width, no
// console error, a screenshot. Run by ctest (`e2e.browser`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, newPage, screenshotPath, get, tabTo, submit, typeInto, settled,
         cells, headings, firstNumber, chartDrawn, expect400, fitsPhone } from "./server.mjs";

let server, browser, page, errors, context;

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

// Tabs to the view menu and picks the option whose text starts with TEXT
// by typing it, as a keyboard user does.
async function chooseView(text, value) {
  await tabTo(page, '#marketform [name="view"]');
  await page.keyboard.type(text);
  assert.equal(await page.inputValue('#marketform [name="view"]'), value);
}

test("the default view (shares) is drawn with its chart", async () => {
  const api = JSON.parse((await get(`${server.url}/api/v1/market/share`)).text);
  await page.goto(`${server.url}/market`);
  assert.match(await settled(page), /^gpuplan market share/);
  const rows = await cells(page, "#market-periods");
  assert.equal(rows.length, api.periods.length);
  await chartDrawn(page, "#chart", "market/share", "");
});

test("price dispersion for H100, chosen with the keyboard, is /api/v1/market/prices?gpu=H100", async () => {
  const r = await get(`${server.url}/api/v1/market/prices?gpu=H100`);
  assert.equal(r.status, 200);
  const api = JSON.parse(r.text);
  assert.ok(api.groups.length > 1);
  await chooseView("price", "prices");
  await typeInto(page, "#marketform", "gpu", "H100");
  await page.keyboard.press("Enter");
  await page.waitForURL((u) => u.search === "?view=prices&gpu=H100");
  assert.match(await settled(page), /^gpuplan market prices/);
  const head = await headings(page, "#market-groups");
  const rows = await cells(page, "#market-groups");
  assert.equal(rows.length, api.groups.length);
  const kind = head.indexOf("kind"), median = head.indexOf("on demand usd per gpu hour.median");
  assert.ok(kind >= 0 && median >= 0, head.join(" | "));
  rows.forEach((row, i) => {
    const g = api.groups[i];
    assert.equal(row[kind], g.kind);
    const want = g.on_demand_usd_per_gpu_hour.median;
    if (want === null) assert.equal(row[median], "-");
    else assert.ok(Math.abs(firstNumber(row[median]) - want) < 6e-5, `${row[median]} against ${want}`);
  });
  await chartDrawn(page, "#chart", "market/prices", "gpu=H100");
});

test("the claims show each verdict's word and colour class", async () => {
  const api = JSON.parse((await get(`${server.url}/api/v1/market/claims`)).text);
  assert.ok(api.length > 0);
  // the GPU field stays filled but is not sent to a view that takes none
  await chooseView("claims", "claims");
  await submit(page, "#marketform");
  await page.waitForURL((u) => u.searchParams.get("view") === "claims");
  await settled(page);
  const head = await headings(page, "#market-claims");
  const rows = await cells(page, "#market-claims");
  assert.equal(rows.length, api.length);
  const claim = head.indexOf("claim"), verdict = head.indexOf("verdict");
  rows.forEach((row, i) => {
    assert.equal(row[claim], api[i].claim);
    assert.equal(row[verdict], api[i].verdict);
  });
  const classes = await page.$$eval("#market-claims td.verdict", (tds) => tds.map((td) => td.className));
  assert.deepEqual(classes, api.map((c) => "verdict v-" + c.verdict.replace(/[^a-z]/g, "")));
  assert.equal(await page.isHidden("#chart-fig"), true, "claims have no chart");
  await page.screenshot({ path: screenshotPath("e2e-market") });
  assert.deepEqual(errors, []);
});

test("a bad GPU shows the API's 400 message", async () => {
  const bad = await get(`${server.url}/api/v1/market/prices?gpu=H10O`);
  assert.equal(bad.status, 400);
  const msg = JSON.parse(bad.text).error;
  assert.match(msg, /unknown GPU 'H10O'/);
  await page.goto(`${server.url}/market`);
  await settled(page);
  await chooseView("price", "prices");
  await typeInto(page, "#marketform", "gpu", "H10O");
  await page.keyboard.press("Enter");
  await page.waitForFunction((m) => document.getElementById("status").textContent === m, msg);
  assert.equal(await page.getAttribute("#status", "class"), "error");
  expect400(errors, /\/api\/v1\/market\/prices\?gpu=H10O/);
});

test("at a phone's width the page is one column", async () => {
  for (const view of ["prices&gpu=H100", "claims"])
    await fitsPhone(browser, `${server.url}/market?view=${view}`,
      () => document.querySelectorAll("#tables tbody tr").length > 0, `e2e-market-${view.replace(/&.*/, "")}`);
});
