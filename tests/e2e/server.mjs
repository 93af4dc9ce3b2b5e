// Helpers for the browser tests of `gpuplan web` (tests/e2e/*.test.mjs):
// start and stop the server on 127.0.0.1, launch Debian's chromium through
// playwright-core, and record a page's console errors. A new page's test
// imports these and adds its own checks.
//
// Environment (CTest sets both, see tests/CMakeLists.txt):
//   GPUPLAN_BIN      the gpuplan binary (default ../../build/gpuplan)
//   GPUPLAN_E2E_OUT  the folder screenshots go to (default $TMPDIR)
// Every wait is bounded; nothing reaches beyond 127.0.0.1.
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.GPUPLAN_BIN || path.join(here, "..", "..", "build", "gpuplan");
export const OUT = process.env.GPUPLAN_E2E_OUT || os.tmpdir();
export const CHROMIUM = "/usr/bin/chromium";

// The environment of every gpuplan run: no colour, C locale, no proxy,
// the embedded catalog only.
export function cleanEnv() {
  const env = { ...process.env, NO_COLOR: "1", LC_ALL: "C" };
  for (const k of ["GPUPLAN_CATALOG", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"])
    delete env[k];
  return env;
}

// Runs `gpuplan ARGS...` (ENV added to the clean environment) and returns
// its stdout (throws on a non-zero exit).
export function cli(args, env = {}) {
  return execFileSync(BIN, args, { env: { ...cleanEnv(), ...env }, encoding: "utf8", maxBuffer: 64 << 20 });
}

// A fresh GPUPLAN_HOME (a temporary folder, removed when the test process
// exits) holding the history of `gpuplan history import`.
export function historyHome() {
  const home = mkdtempSync(path.join(os.tmpdir(), "gpuplan-e2e-"));
  process.on("exit", () => rmSync(home, { recursive: true, force: true }));
  cli(["history", "import"], { GPUPLAN_HOME: home });
  return home;
}

// Starts `gpuplan web --port 0 EXTRA...` (ENV added to the clean
// environment) and resolves to { url, port, proc, stop } once it has
// printed its port (at most 10 s).
export function startServer(extra = [], env = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BIN, ["web", "--port", "0", ...extra], {
      env: { ...cleanEnv(), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "", err = "";
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`gpuplan web printed no port in 10 s: ${out}${err}`));
    }, 10000);
    proc.stderr.on("data", (d) => { err += d; });
    proc.stdout.on("data", (d) => {
      out += d;
      const m = /^gpuplan web: serving (http:\/\/127\.0\.0\.1:(\d+)\/) on port \d+/m.exec(out);
      if (m) {
        clearTimeout(timer);
        const port = Number(m[2]);
        resolve({ url: m[1].replace(/\/$/, ""), port, proc, output: () => out, stop: () => stopServer(proc) });
      }
    });
    proc.on("error", (e) => { clearTimeout(timer); reject(e); });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`gpuplan web exited (${code}) before printing its port: ${out}${err}`));
    });
  });
}

// SIGTERM, then waits (at most 10 s) and resolves to the exit code; a
// server that is still running is killed and the promise rejects.
export function stopServer(proc) {
  return new Promise((resolve, reject) => {
    if (proc.exitCode !== null) return resolve(proc.exitCode);
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error("gpuplan web still running 10 s after SIGTERM"));
    }, 10000);
    proc.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code === null ? signal : code);
    });
    proc.kill("SIGTERM");
  });
}

// Debian's chromium, headless, with the network features that would reach
// beyond this machine switched off.
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30000,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--no-proxy-server",
    ],
  });
}

// A new page at WIDTH x HEIGHT whose console errors, uncaught exceptions
// failed requests and answers of status 400 and more are collected in the returned `errors` array.
export async function newPage(browser, width = 1280, height = 900) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()} (${m.location().url})`); });
  page.on("pageerror", (e) => errors.push(`exception: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  // chromium's console message for a 4xx/5xx does not name the URL: this does
  page.on("response", (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`); });
  return { context, page, errors };
}

// The path of screenshot NAME.png under GPUPLAN_E2E_OUT.
export function screenshotPath(name) {
  mkdirSync(OUT, { recursive: true });
  return path.join(OUT, `${name}.png`);
}

// GET URL over loopback; resolves to { status, type, text }.
export async function get(url) {
  const r = await fetch(url, { signal: AbortSignal.timeout(20000) });
  return { status: r.status, type: r.headers.get("content-type") || "", text: await r.text() };
}

// Presses Tab (Shift+Tab when SELECTOR comes before the focused element),
// at most 60 times, until the focus is on SELECTOR: the form is reached
// with the keyboard as a user without a mouse reaches it.
export async function tabTo(page, selector) {
  for (let i = 0; i < 60; i++) {
    const where = await page.evaluate((sel) => {
      const a = document.activeElement, t = document.querySelector(sel);
      if (!t) return "missing";
      if (a === t) return "here";
      return a && a !== document.body && (t.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING)
        ? "before" : "after";
    }, selector);
    if (where === "here") return;
    assert.notEqual(where, "missing", `no ${selector} on the page`);
    await page.keyboard.press(where === "before" ? "Shift+Tab" : "Tab");
  }
  assert.fail(`Tab never reached ${selector}`);
}

// Tabs to FORM's submit button and presses Enter.
export async function submit(page, form) {
  await tabTo(page, `${form} [type="submit"]`);
  await page.keyboard.press("Enter");
}

// Tabs to the field NAME of the form, clears it and types VALUE.
export async function typeInto(page, form, name, value) {
  await tabTo(page, `${form} [name="${name}"]`);
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  if (value) await page.keyboard.type(value);
}

// Waits until the status line has left "Loading"/"…ing…" and returns it.
export async function settled(page) {
  await page.waitForFunction(() => !/…/.test(document.getElementById("status").textContent));
  return page.textContent("#status");
}

// The cells of every body row of TABLE, as text.
export function cells(page, table) {
  return page.$$eval(`${table} tbody tr`, (trs) => trs.map((tr) => Array.from(tr.cells, (td) => td.textContent)));
}

// The headings of TABLE's columns.
export function headings(page, table) {
  return page.$$eval(`${table} thead th`, (ths) => ths.map((th) => th.textContent));
}

// The first number of a cell such as "$1,234.56 (P90 $1,300)" or "12 ms".
export function firstNumber(text) {
  const m = /-?[\d,]*\.?\d+(e[+-]?\d+)?/i.exec(text);
  return m ? Number(m[0].replace(/,/g, "")) : null;
}

// Checks that the chart <img> SELECTOR has loaded the SVG at
// /api/v1/NAME.svg?QUERY and that the SVG draws marks (path or circle
// elements). Returns the counts.
export async function chartDrawn(page, selector, name, query) {
  await page.waitForFunction((sel) => {
    const img = document.querySelector(sel);
    return img && img.complete && img.naturalWidth > 0 && !img.closest("[hidden]");
  }, selector);
  const src = await page.$eval(selector, (img) => img.src);
  const u = new URL(src);
  assert.equal(u.pathname, `/api/v1/${name}.svg`);
  assert.equal(u.searchParams.toString(), new URLSearchParams(query).toString());
  const marks = await page.evaluate(async (url) => {
    const r = await fetch(url);
    const doc = new DOMParser().parseFromString(await r.text(), "image/svg+xml");
    return { type: r.headers.get("Content-Type"), svg: doc.documentElement.localName,
             path: doc.querySelectorAll("path").length, circle: doc.querySelectorAll("circle").length,
             polyline: doc.querySelectorAll("polyline").length };
  }, src);
  assert.match(marks.type, /^image\/svg\+xml/);
  assert.equal(marks.svg, "svg");
  assert.ok(marks.path + marks.circle > 0, `the chart draws no path or circle: ${JSON.stringify(marks)}`);
  return marks;
}

// Removes from ERRORS the two messages one expected 400 answer of a URL
// matching RE leaves (the response, and chromium's "Failed to load
// resource"), and asserts that the response was seen and nothing else was
// logged.
export function expect400(errors, re) {
  const seen = errors.filter((e) => e.startsWith("HTTP 400: ") && re.test(e));
  const rest = errors.filter((e) => !(re.test(e) && (e.startsWith("HTTP 400: ") ||
    /^console: Failed to load resource: the server responded with a status of 400/.test(e))));
  assert.equal(seen.length, 1, `one 400 answer of ${re}: ${JSON.stringify(errors)}`);
  assert.deepEqual(rest, []);
  errors.length = 0;
}

// Opens URL at a phone's 390x844 and, once READY (a function run in the
// page, given ARG) is true, asserts that no element reaches past the
// screen's edges (one column, nothing to scroll sideways), saves a
// screenshot NAME-390, and asserts no console error.
export async function fitsPhone(browser, url, ready, name, arg) {
  const { context, page, errors } = await newPage(browser, 390, 844);
  try {
    await page.goto(url);
    await page.waitForFunction(ready, arg);
    const wide = await page.evaluate(() => {
      const w = document.documentElement.clientWidth;
      const out = [];
      for (const el of document.querySelectorAll("body *")) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue; // not drawn
        if (r.right > w + 0.5 || r.left < -0.5)
          out.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} ${Math.round(r.left)}..${Math.round(r.right)}`);
      }
      return { w, scroll: document.documentElement.scrollWidth, out: out.slice(0, 10) };
    });
    assert.equal(wide.w, 390);
    assert.deepEqual(wide.out, [], `elements wider than the 390 px screen at ${url}`);
    assert.ok(wide.scroll <= wide.w, `the page scrolls sideways: ${wide.scroll} px`);
    await page.screenshot({ path: screenshotPath(`${name}-390`) });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
}
