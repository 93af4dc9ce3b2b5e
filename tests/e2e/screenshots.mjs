// Re-makes the screenshots of docs/web.md (and the one in the README):
// each page of `gpuplan web` at 1280x800 in Debian's headless chromium,
// plus the offers page at a phone's 390 px, as PNG files in docs/img/.
//
//   cd tests/e2e && GPUPLAN_BIN=/tmp/build/gpuplan node screenshots.mjs [OUTDIR]
//
// The history page runs on a history of its own (`gpuplan history import`
// into a temporary GPUPLAN_HOME). Not a test (node --test does not pick it
// up): the browser tests save their own screenshots under the build folder.
import path from "node:path";
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer, launchBrowser, newPage, historyHome, settled } from "./server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || path.join(here, "..", "..", "docs", "img");

// name, URL, width, what to wait for, what to do before the shot
const SHOTS = [
  ["web-offers", "/?gpu=H100&per-provider=1", 1280, "#offers tbody tr",
    async (page) => { await page.click('#offers thead th[data-key="usd_per_gpu_hour"] button'); }],
  ["web-plan", "/plan?model=llama-3-8b&tokens=1T&deadline=14d", 1280, "#plans tbody tr", null],
  ["web-plan-chart", "/plan?model=llama-3-8b&tokens=1T&deadline=14d", 1280, "#plans tbody tr",
    async (page) => { await page.$eval("#chart", (img) => img.closest("figure").previousElementSibling.scrollIntoView()); }],
  ["web-inference", "/inference?model=llama-3-70b&rps=5&input-tokens=1000&output-tokens=200&top=8", 1280,
    "#inference tbody tr", null],
  ["web-market", "/market?view=prices&gpu=H100", 1280, "#market-groups tbody tr", null],
  ["web-history", "/history?gpu=H100&provider=aws,azure,gcp,lambda,runpod", 1280, "#history tbody tr", null],
  ["web-phone", "/?gpu=H100&per-provider=1", 390, "#offers tbody tr",
    async (page) => { await page.$eval("#status", (el) => el.scrollIntoView()); }],
];

const server = await startServer([], { GPUPLAN_HOME: historyHome() });
const browser = await launchBrowser();
let failed = false;
try {
  for (const [name, url, width, ready, before] of SHOTS) {
    const { context, page, errors } = await newPage(browser, width, width === 390 ? 844 : 800);
    await page.goto(server.url + url);
    await page.waitForSelector(ready);
    await settled(page);
    await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
    if (before) await before(page);
    const file = path.join(out, `${name}.png`);
    await page.screenshot({ path: file });
    console.log(`${file}: ${Math.round(statSync(file).size / 1024)} KB`);
    if (errors.length) { console.error(`${name}: ${errors.join("; ")}`); failed = true; }
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
process.exit(failed ? 1 : 0);
