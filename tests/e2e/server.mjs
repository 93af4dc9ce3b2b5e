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
import { mkdirSync } from "node:fs";
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

// Runs `gpuplan ARGS...` and returns its stdout (throws on a non-zero exit).
export function cli(args) {
  return execFileSync(BIN, args, { env: cleanEnv(), encoding: "utf8", maxBuffer: 64 << 20 });
}

// Starts `gpuplan web --port 0 EXTRA...` and resolves to { url, port, proc,
// stop } once it has printed its port (at most 10 s).
export function startServer(extra = []) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BIN, ["web", "--port", "0", ...extra], {
      env: cleanEnv(),
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
