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

// Calls train() and polls status() every pollMs (default EPOCH.pollMs) until 'done' (with untilTest, on until
// testAcc is set: the test set is evaluated after 'done'); onStatus(s, seconds) sees every status on the way.
// Returns {seconds (train() to 'done', on the page's clock), status (at 'done'), testSeconds, last}.
async function timedTraining(page, { untilTest = false, timeoutMs, pollMs = EPOCH.pollMs, onStatus = async () => {} }) {
  const started = await page.evaluate(() => ({ r: window.convlens.train(), t: performance.now() }));
  if (!started.r.ok) throw new Error(`train() failed: ${started.r.error}`);
  let done = null;
  for (;;) {
    const s = await pageStatus(page);
    if (!s) throw new Error('window.convlens disappeared during training');
    if (s.state === 'error') throw new Error(`the page reports state 'error': ${s.error}`);
    const seconds = (s.pageMs - started.t) / 1000;
    // 'done' since stateSeconds: when training ended, not when this poll saw it.
    if (!done && s.state === 'done') done = { seconds: seconds - s.stateSeconds, status: s };
    if (done && (!untilTest || s.testAcc !== null)) return { seconds: done.seconds, status: done.status, testSeconds: seconds, last: s };
    if (seconds * 1000 > timeoutMs) throw new Error(`not ${done ? 'tested' : 'done'} after ${fmt(seconds, 0)} s (state '${s.state}')`);
    await onStatus(s, seconds);
    await sleep(pollMs);
  }
}

// The timed epoch, the user's view of speed: on a 'ready' page opened with EPOCH.query (+ a build's own), train()
// timed to 'done' against what benchmark() at the book's batch predicts for the epoch (9,600 training + 2,400
// validation images: 9600/train + 2400/infer seconds). EPOCH.runs runs, each from a fresh model (train() after
// 'done' starts afresh, with the same seed) once the last one's test set is evaluated; each run's prediction is
// the mean of the benchmark() calls just before and just after it, since a shared machine's speed drifts between
// the two. Returns every run and, as `efficiency` (wall / predicted), `seconds` and `predictedSeconds`, the
// median run's; `status` is the last run's at 'done'. onStatus as in timedTraining.
// status() is polled every EPOCH.pollMs. Each poll (a DevTools round trip, status() in the page, JSON both ways)
// costs the two cores a few ms: polled every 10 ms, a run took 1.6-2.1x its prediction instead of 1.3x. 'done' is
// dated by stateSeconds, so a slower poll loses no precision.
const EPOCH = { query: '?epochs=1&subset=12000', train: 9600, val: 2400, bench: { batch: 200, steps: 5, runs: 3 }, runs: 5,
  pollMs: 250 };

async function timedEpoch(page, { runs = EPOCH.runs, timeoutMs, pollMs, onStatus, log = () => {} }) {
  const bench = async () => {
    const b = await page.evaluate((c) => window.convlens.benchmark(c), EPOCH.bench);
    if (!b || !(b.trainSamplesPerSec > 0)) throw new Error(`benchmark() returned ${JSON.stringify(b)}`);
    return { ...b, predictedSeconds: EPOCH.train / b.trainSamplesPerSec + EPOCH.val / b.inferSamplesPerSec };
  };
  const results = [];
  let before = await bench();
  let run = null;
  for (let i = 0; i < runs; ++i) {
    run = await timedTraining(page, { untilTest: true, timeoutMs, pollMs, onStatus });
    const after = await bench();
    const predictedSeconds = (before.predictedSeconds + after.predictedSeconds) / 2;
    results.push({ seconds: run.seconds, predictedSeconds, efficiency: run.seconds / predictedSeconds, before, after });
    log(`run ${i + 1}/${runs}: train() -> 'done' in ${fmt(run.seconds)} s; benchmark() before/after ` +
      `${fmt(before.trainSamplesPerSec, 0)}/${fmt(after.trainSamplesPerSec, 0)} train samples/s predict ` +
      `${fmt(predictedSeconds)} s: ${fmt(run.seconds / predictedSeconds)}x`);
    before = after;
  }
  const median = [...results].sort((a, b) => a.efficiency - b.efficiency)[Math.floor(results.length / 2)];
  return { runs: results, efficiency: median.efficiency, seconds: median.seconds, predictedSeconds: median.predictedSeconds,
    benchmark: results[0].before, status: run.status, last: run.last };
}

module.exports = { CHROMIUM, VIEWPORT, EPOCH, sleep, fmt, startServer, stopServers, serverPids, launchBrowser, pageStatus,
  timedTraining, timedEpoch };
