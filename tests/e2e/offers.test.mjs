// The offers page of `gpuplan web` in headless chromium (playwright-core):
// the table against /api/v1/offers, a filter and the URL it writes, sorting
// on a column header, the CSV link against the CLI, no console error, and a
// screenshot. Run by ctest (`e2e.browser`) as `node --test` in this folder.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, newPage, screenshotPath, get, cli, fitsPhone } from "./server.mjs";

let server, browser, page, errors, context;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ({ page, errors, context } = await newPage(browser));
});

after(async () => {
  if (context) await context.close();
  if (browser) await browser.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, "gpuplan web exits 0 on SIGTERM");
    assert.match(server.output(), /stopped \(SIGTERM\)/);
  }
});

// The column index of each data-key of the table's header.
async function columns() {
  const keys = await page.$$eval("#offers thead th", (ths) => ths.map((th) => th.dataset.key));
  return Object.fromEntries(keys.map((k, i) => [k, i]));
}

// Waits until the table has drawn N rows and the status is no longer
// "Loading".
async function waitRows(n) {
  await page.waitForFunction(
    (want) => document.querySelectorAll("#offers tbody tr").length === want &&
      !/Loading/.test(document.getElementById("status").textContent),
    n);
}

async function column(i) {
  return page.$$eval("#offers tbody tr", (trs, i) => trs.map((tr) => tr.cells[i].textContent), i);
}

const money = (v) => (v === null || v === undefined ? "-" : "$" + v.toFixed(2));
const num = (s) => (s === "-" ? null : Number(s.replace(/^\$/, "")));

test("the table is /api/v1/offers", async () => {
  const api = JSON.parse((await get(`${server.url}/api/v1/offers`)).text);
  assert.ok(api.length > 100, `the catalog has ${api.length} offers`);
  await page.goto(`${server.url}/`);
  await waitRows(api.length);
  const col = await columns();
  const first = await page.$$eval("#offers tbody tr:first-child td", (tds) => tds.map((td) => td.textContent));
  assert.equal(first[col.provider], api[0].provider);
  assert.equal(first[col.usd_per_gpu_hour], money(api[0].usd_per_gpu_hour));
  assert.match(await page.textContent("#status"), new RegExp(`^${api.length} offers`));
});

test("at 1280 px the whole table fits: no sideways scroll", async () => {
  const fit = await page.evaluate(() => {
    const wrap = document.querySelector("#offers").closest(".scroll");
    return { scroll: wrap.scrollWidth, client: wrap.clientWidth, page: document.documentElement.scrollWidth,
             view: document.documentElement.clientWidth };
  });
  assert.equal(fit.view, 1280);
  assert.ok(fit.scroll <= fit.client, `the offers table is ${fit.scroll} px in ${fit.client} px`);
  assert.ok(fit.page <= fit.view, `the page is ${fit.page} px wide`);
});

test("a GPU filter goes into the URL and the rows follow it", async () => {
  const api = JSON.parse((await get(`${server.url}/api/v1/offers?gpu=H100`)).text);
  assert.ok(api.length > 0);
  await page.fill('#filters [name="gpu"]', "H100");
  await page.click('#filters [type="submit"]');
  await page.waitForURL(/[?&]gpu=H100(&|$)/);
  await waitRows(api.length);
  const col = await columns();
  assert.deepEqual(await column(col.provider), api.map((o) => o.provider));
  assert.deepEqual(await column(col.usd_per_gpu_hour), api.map((o) => money(o.usd_per_gpu_hour)));
  assert.deepEqual([...new Set(await column(col.gpu))].sort(), [...new Set(api.map((o) => o.gpu))].sort());
  // The URL reloads to the same view.
  await page.reload();
  await waitRows(api.length);
  assert.equal(await page.inputValue('#filters [name="gpu"]'), "H100");
});

test("a click on a column header sorts by it, a second reverses", async () => {
  const col = await columns();
  const ordered = (xs, dir) => {
    const vals = xs.map(num);
    const present = vals.filter((v) => v !== null);
    // missing values ("-") come last either way
    assert.deepEqual(vals.slice(0, present.length), present, "missing prices last");
    for (let i = 1; i < present.length; i++)
      assert.ok(dir * (present[i] - present[i - 1]) >= 0, `row ${i}: ${present[i - 1]} then ${present[i]}`);
  };
  const button = `#offers thead th[data-key="usd_per_hour"] button`;
  await page.click(button);
  assert.equal(await page.getAttribute('#offers thead th[data-key="usd_per_hour"]', "aria-sort"), "ascending");
  ordered(await column(col.usd_per_hour), 1);
  await page.click(button);
  assert.equal(await page.getAttribute('#offers thead th[data-key="usd_per_hour"]', "aria-sort"), "descending");
  ordered(await column(col.usd_per_hour), -1);
  const providers = await column(col.provider);
  await page.click(`#offers thead th[data-key="provider"] button`);
  assert.deepEqual(await column(col.provider), [...providers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
});

test("the CSV link is the CLI's CSV for the same filter", async () => {
  const href = await page.getAttribute("#csv", "href");
  assert.match(href, /gpu=H100/);
  assert.match(href, /format=csv/);
  const r = await get(new URL(href, server.url).href);
  assert.equal(r.status, 200);
  assert.match(r.type, /^text\/csv/);
  assert.equal(r.text, cli(["offers", "--gpu", "H100", "--format", "csv"]));
});

test("a screenshot, and no console error", async () => {
  await page.screenshot({ path: screenshotPath("e2e-offers"), fullPage: false });
  // The pages link their icon (/assets/favicon.svg): nothing 404s.
  assert.deepEqual(errors, []);
});

test("at a phone's width the page is one column, every offer a card", async () => {
  const n = JSON.parse((await get(`${server.url}/api/v1/offers`)).text).length;
  await fitsPhone(browser, `${server.url}/`, (want) => document.querySelectorAll("#offers tbody tr").length === want, "e2e-offers", n);
});
