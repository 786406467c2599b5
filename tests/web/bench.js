// bench.js: the in-browser benchmark. Serves the built site, opens it in headless Chromium (the same flags as
// the end-to-end test) and prints window.convlens.benchmark() for the book's MNIST model: training and
// inference samples/s of the WASM SIMD build on one thread, and a GEMM in the same runtime for reference.
//
//   node tests/web/bench.js --site build/site [--batch 200] [--steps 5] [--runs 3]
// A measurement, not a test: it prints a table and exits 0 unless the page cannot run.
'use strict';

const path = require('path');
const { spawn } = require('child_process');
const { chromium } = require('playwright-core');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
  '--ignore-gpu-blocklist'];

function option(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function startServer(site) {
  const server = spawn(process.execPath, [path.join(__dirname, '..', '..', 'web', 'serve.js'), '--root', site, '--port', '0']);
  return new Promise((resolve, reject) => {
    server.stdout.on('data', (chunk) => {
      const m = /at (http:\/\/\S+)/.exec(String(chunk));
      if (m) resolve({ server, url: m[1] });
    });
    server.on('exit', (code) => reject(new Error('server exited with ' + code)));
  });
}

async function main() {
  const site = option('site', 'build/site');
  const config = { batch: Number(option('batch', 200)), steps: Number(option('steps', 5)), runs: Number(option('runs', 3)) };
  const { server, url } = await startServer(site);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url + 'index.html');
    await page.waitForFunction(() => window.convlens && window.convlens.status().state === 'ready', null, { timeout: 120000 });
    const r = await page.evaluate((c) => window.convlens.benchmark(c), config);
    const version = browser.version();
    console.log(`ConvLens in-browser benchmark: Chromium ${version}, model ${r.model}`);
    console.log(`batch ${r.batch}, median of ${r.runs} runs x ${r.steps} steps after a warm-up run; threads ${r.threads}, SIMD ${r.simd}\n`);
    console.log('train samples/s  train GFLOP/s  infer samples/s  infer GFLOP/s  GEMM 512^3 GFLOP/s  train/GEMM');
    const f = (v, w, d = 0) => v.toFixed(d).padStart(w);
    console.log(`${f(r.trainSamplesPerSec, 15)}  ${f(r.gflops, 13, 2)}  ${f(r.inferSamplesPerSec, 15)}  ${f(r.inferGflops, 13, 2)}` +
      `  ${f(r.gemmGflops, 18, 2)}  ${f(100 * r.gflops / r.gemmGflops, 9)}%`);
  } finally {
    await browser.close();
    server.kill();
  }
}

main().catch((err) => { console.error('bench.js: ' + err.message); process.exit(1); });
