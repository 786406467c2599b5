// lib.js: what the browser end-to-end test (e2e.js) and the browser benchmark (bench.js) share: the local
// server (web/serve.js on a free 127.0.0.1 port, always stopped), headless Chromium with the flags this machine
// needs (WebGL2 on the CPU through SwiftShader), status() with the page's clock, and a training run timed from
// train() to state 'done' on that clock. Not here: what each of them checks or prints.
'use strict';

const path = require('path');
const { spawn } = require('child_process');
const { chromium } = require('playwright-core');

const SERVE_JS = path.resolve(__dirname, '..', '..', 'web', 'serve.js');
const CHROMIUM = '/usr/bin/chromium';  // Debian's; playwright downloads no browser
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader', '--ignore-gpu-blocklist',
];
const VIEWPORT = { width: 1280, height: 800 };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

// ---------- the local server ----------

const servers = [];
const running = (child) => child.exitCode === null && child.signalCode === null;

// Starts web/serve.js on `root` (extraArgs e.g. ['--isolation', 'off']); resolves its URL, ending in '/'.
function startServer(root, extraArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVE_JS, '--root', root, '--port', '0', ...extraArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    servers.push(child);
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error('server printed no URL within 10 s')), 10000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = stdout.match(/^ConvLens: serving .* at (http:\/\/\S+?)\/?\r?\n/m);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] + '/');
      }
    });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${signal || code}) before it was ready: ${stderr.trim()}`));
    });
  });
}

const serverPids = () => servers.map((child) => child.pid);

// Stops every server started here: SIGTERM, then SIGKILL after 3 s.
async function stopServers() {
  for (const child of servers.filter(running)) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
// Last resort if the process exits some other way: never leave a server running.
process.on('exit', () => servers.filter(running).forEach((child) => child.kill('SIGKILL')));

// ---------- the browser and the page ----------

function launchBrowser(executablePath = CHROMIUM, options = {}) {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60000, ...options });
}

// status() plus the page's clock (performance.now(), ms) as pageMs; null while window.convlens is missing.
// A reading call: it does not wake a sleeping page.
function pageStatus(page) {
  return page.evaluate(() => {
    const api = window.convlens;
    if (!api || typeof api.status !== 'function') return null;
    const status = api.status();
    return JSON.parse(JSON.stringify({ ...status, warnings: Array.from(status.warnings || []), pageMs: performance.now() }));
  });
}

// Calls train() and polls status() every pollMs until 'done' (with untilTest, on until testAcc is set: the test
// set is evaluated after 'done'); onStatus(s, seconds) sees every status on the way. Returns {seconds (train()
// to 'done', on the page's clock), status (at 'done'), testSeconds, last}.
async function timedTraining(page, { untilTest = false, timeoutMs, pollMs = 100, onStatus = async () => {} }) {
  const started = await page.evaluate(() => ({ r: window.convlens.train(), t: performance.now() }));
  if (!started.r.ok) throw new Error(`train() failed: ${started.r.error}`);
  let done = null;
  for (;;) {
    const s = await pageStatus(page);
    if (!s) throw new Error('window.convlens disappeared during training');
    if (s.state === 'error') throw new Error(`the page reports state 'error': ${s.error}`);
    const seconds = (s.pageMs - started.t) / 1000;
    if (!done && s.state === 'done') done = { seconds, status: s };
    if (done && (!untilTest || s.testAcc !== null)) return { seconds: done.seconds, status: done.status, testSeconds: seconds, last: s };
    if (seconds * 1000 > timeoutMs) throw new Error(`not ${done ? 'tested' : 'done'} after ${fmt(seconds, 0)} s (state '${s.state}')`);
    await onStatus(s, seconds);
    await sleep(pollMs);
  }
}

module.exports = { CHROMIUM, VIEWPORT, sleep, fmt, startServer, stopServers, serverPids, launchBrowser, pageStatus,
  timedTraining };
