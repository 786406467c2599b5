// bench.js: the in-browser benchmark. Serves the built site and a TensorFlow.js page (tests/web/tfjs/) from one
// origin, opens them in one headless Chromium (the same flags as the end-to-end test) and measures training and
// inference samples/s of the book's MNIST model in each configuration:
//   ours:  window.convlens.benchmark() on index.html?epochs=1&subset=12000&threads=1 (single-threaded build) and on
//          index.html?epochs=1&subset=12000 (the build the page picks; it reports its threads and SIMD); then, on
//          the same page, the user's view of speed (lib.timedEpoch): benchmark({batch: 200, steps: 5, runs: 3})
//          predicts one epoch (9,600 training + 2,400 validation images) as 9600/train + 2400/infer seconds, and
//          train() is timed to state 'done' (page clock), 5 times: the median run's wall seconds, wall / predicted
//          (the efficiency) and 12000 / wall samples/s, beside the epoch's estimate the page showed before Start;
//   TF.js 4.22 (tfjs/tfjs_bench.html, the same model in tf.layers, trainOnBatch/predict on synthetic data):
//          'cpu' backend; 'wasm' SIMD on 1 thread as shipped (its training fails for want of a gradient kernel,
//          and the error is reported as it happens); the same with the conv gradient kernels supplied
//          (tfjs/tfjs_kernels.js, self-checked against 'cpu'); 'wasm' threaded build with TF.js's default
//          thread count (hardwareConcurrency / 2: 1 on 2 cores) + kernels; and with --tfjs-threads + kernels.
//   book (opt-in, minutes): the book's full recipe in the threaded build, index.html with its defaults (10 epochs
//          of 48,000 training images, batch 200, 12,000 validation images each epoch, then the test set): wall
//          seconds from train() to 'done' and to the test set evaluated, val_acc and test acc.
// Prints one markdown table with the ratios ours / TF.js, the timed epochs below it (and the book's line), and
// writes it all as JSON; with --history, appends the timed epochs (and the book's line) to that file, dated.
//
//   node tests/web/bench.js [--site build/site] [--batch 200] [--steps 5] [--runs 3] [--cpu-steps 1]
//        [--only ours,cpu,wasm1,wasmdef,wasmN,book|tfjs] [--book] [--out build/bench/bench-report.json]
//        [--tfjs-one-thread flag|count] [--tfjs-threads <cores>] [--keep-native] [--history FILE.md]
// --batch/--steps/--runs: the table's benchmark() and TF.js runs; the timed epoch's predictions always use batch
//   200, 5 steps, 3 runs (lib.EPOCH).
// --book: add the book recipe to the selection (default: everything but book); --only book runs it alone.
// --cpu-steps: steps per run for TF.js 'cpu' (about 8 training samples/s: keep it small).
// --tfjs-one-thread: how TF.js 'wasm' is held to one thread: 'flag' (default) sets WASM_HAS_MULTITHREAD_SUPPORT
//   false, so the single-threaded SIMD build loads; 'count' calls tf.wasm.setThreadsCount(1) on the threaded build.
// --tfjs-threads: threads for the wasmN row (default: the core count, at least 2); tf.wasm.setThreadsCount(n),
//   with navigator.hardwareConcurrency raised for TF.js if needed, as TF.js caps n at hardwareConcurrency / 2.
// --keep-native: keep TF.js's own Conv2DBackpropInput for 'wasm' (a plain loop, ~10x slower than the
//   replacement) instead of supplying it too; Conv2DBackpropFilter, which TF.js lacks, is always supplied.
// A measurement, not a test: it exits 0 unless a page cannot run (a timed training run that fails is printed, and
// exits 1 at the end); a TF.js configuration that fails is a table row saying so. Requests to any other origin are
// blocked (and listed). Server and browser are always stopped.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const lib = require('./lib');

const { VIEWPORT, EPOCH, sleep, fmt, startServer, stopServers, launchBrowser, pageStatus } = lib;
const REPO = path.join(__dirname, '..', '..');
const TFJS_PAGE = ['tfjs_bench.html', 'tfjs_kernels.js', 'tfjs_model.js'];  // from tests/web/tfjs/
const TFJS_NPM = {  // served name -> [npm package, file inside it]
  'tf.min.js': ['@tensorflow/tfjs', 'dist/tf.min.js'],
  'tf-backend-wasm.min.js': ['@tensorflow/tfjs-backend-wasm', 'dist/tf-backend-wasm.min.js'],
  'tfjs-backend-wasm.wasm': ['@tensorflow/tfjs-backend-wasm', 'dist/tfjs-backend-wasm.wasm'],
  'tfjs-backend-wasm-simd.wasm': ['@tensorflow/tfjs-backend-wasm', 'dist/tfjs-backend-wasm-simd.wasm'],
  'tfjs-backend-wasm-threaded-simd.wasm': ['@tensorflow/tfjs-backend-wasm', 'dist/tfjs-backend-wasm-threaded-simd.wasm'],
};
const CONFIGS = ['ours', 'cpu', 'wasm1', 'wasmdef', 'wasmN'];  // the default selection; 'book' is opt-in
const PAGE_TIMEOUT_MS = 120000;
// The timed epoch: index.html?epochs=1&subset=12000 trains on 9,600 images and validates on 2,400 (val_split 0.2).
const PROGRESS_MS = 10000;
const EPOCH_TIMEOUT_MS = 20 * 60000;
const BOOK_TIMEOUT_MS = 3 * 3600000;

function option(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function selectedConfigs() {
  const only = option('only', CONFIGS.join(',')).split(',').flatMap((c) => (c === 'tfjs' ? CONFIGS.slice(1) : [c]));
  const bad = only.filter((c) => !CONFIGS.includes(c) && c !== 'book');
  if (bad.length) throw new Error(`--only: unknown '${bad.join(',')}' (use ${CONFIGS.join(', ')}, book or tfjs)`);
  if (process.argv.includes('--book')) only.push('book');
  return new Set(only);
}


// ---------- the served folder: the site and tfjs/, one origin ----------

function npmFile(pkg, file) {
  try {
    return path.join(path.dirname(require.resolve(pkg + '/package.json')), file);
  } catch (err) {
    throw new Error(`${pkg} is missing: run \`npm ci\` in tests/web (or pass --only ours)`);
  }
}

// A temporary folder of symlinks: every entry of the site, and tfjs/ with the TF.js page and files from npm.
function makeRoot(site, withTfjs) {
  if (!fs.existsSync(path.join(site, 'index.html'))) throw new Error(`no index.html in the site folder '${site}' (--site)`);
  if (withTfjs && fs.existsSync(path.join(site, 'tfjs'))) throw new Error(`the site already has a tfjs entry: ${site}`);
  const files = withTfjs ? Object.entries(TFJS_NPM).map(([name, [pkg, file]]) => [name, npmFile(pkg, file)]) : [];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-bench-'));
  for (const name of fs.readdirSync(site)) fs.symlinkSync(path.resolve(site, name), path.join(root, name));
  if (withTfjs) {
    fs.mkdirSync(path.join(root, 'tfjs'));
    for (const name of TFJS_PAGE) fs.symlinkSync(path.join(__dirname, 'tfjs', name), path.join(root, 'tfjs', name));
    for (const [name, target] of files) fs.symlinkSync(target, path.join(root, 'tfjs', name));
  }
  return root;
}


// ---------- pages ----------

// A fresh page that may only talk to `origin`; other requests are aborted and recorded in `blocked`.
async function openPage(browser, origin, label, blocked) {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin)) return route.continue();
    blocked.push(`${label}: ${url}`);
    return route.abort();
  });
  page.on('pageerror', (err) => console.error(`  [${label}] page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') console.error(`  [${label}] console: ${msg.text()}`); });
  return page;
}

async function waitReady(page) {
  await page.waitForFunction(() => window.convlens && window.convlens.status().state === 'ready', null, { timeout: PAGE_TIMEOUT_MS });
}

// The seconds of an epoch that the page shows before Start (from its timed first passes).
async function epochEstimate(page) {
  await page.waitForFunction(() => window.convlens.status().epochEstimateSeconds > 0, null, { timeout: PAGE_TIMEOUT_MS });
  return page.evaluate(() => window.convlens.status().epochEstimateSeconds);
}

function progressLine(label, s, seconds) {
  return `  [${label}] ${fmt(seconds, 0)} s: ${s.state} epoch ${s.epoch}/${s.epochs} batch ${s.batch}/${s.batchesPerEpoch}` +
    ` loss ${fmt(s.loss, 3)} acc ${fmt(s.acc, 3)} val_acc ${fmt(s.valAcc, 3)}, wall ${fmt(s.throughput, 0)} samples/s`;
}

// An onStatus for lib.timedTraining and lib.timedEpoch: prints progress every PROGRESS_MS.
function printProgress(label) {
  let lastLog = Date.now();
  return (s, seconds) => {
    if (Date.now() - lastLog >= PROGRESS_MS) {
      console.log(progressLine(label, s, seconds));
      lastLog = Date.now();
    }
  };
}

// lib.timedTraining, printing progress.
function timedTraining(page, label, { untilTest = false, timeoutMs }) {
  return lib.timedTraining(page, { untilTest, timeoutMs, onStatus: printProgress(label) });
}

// The timed epoch (lib.timedEpoch) on a page that is 'ready'. A failure is recorded (and makes the exit code 1),
// not thrown.
async function timedEpoch(page, label) {
  try {
    const run = await lib.timedEpoch(page, { timeoutMs: EPOCH_TIMEOUT_MS,
      log: (line) => console.log(`  [${label}] ${line}`), onStatus: printProgress(label) });
    const s = run.status;
    return { query: EPOCH.query, benchmark: run.benchmark, runs: run.runs, predictedSeconds: run.predictedSeconds,
      wallSeconds: run.seconds, efficiency: run.efficiency, wallSamplesPerSec: (EPOCH.train + EPOCH.val) / run.seconds,
      statusThroughput: s.throughput, valAcc: s.valAcc, trainer: s.trainer, build: s.build, threads: s.threads,
      fps: s.fps, uiMs: s.uiMs };
  } catch (err) {
    process.exitCode = 1;
    console.error(`  [${label}] timed epoch failed: ${err.message.split('\n')[0]}`);
    return { query: EPOCH.query, error: err.message.split('\n')[0] };
  }
}

// One build of ours on index.html?epochs=1&subset=12000 (+ &threads=1 when `single`): benchmark() for the table,
// then the timed epoch on the same page.
async function benchOurs(browser, url, single, config, blocked) {
  const label = `ConvLens index.html${single ? '?threads=1' : ''}`;
  const query = EPOCH.query + (single ? '&threads=1' : '');
  const page = await openPage(browser, url, label, blocked);
  try {
    await page.goto(url + 'index.html' + query);
    await waitReady(page);
    const estimateSeconds = await epochEstimate(page);
    const r = await page.evaluate((c) => window.convlens.benchmark(c), config);
    if (!r) throw new Error(`${label}: benchmark() returned nothing`);
    return { label, kind: 'ours', single, url: 'index.html' + query, threads: r.threads, simd: r.simd,
      train: r.trainSamplesPerSec, infer: r.inferSamplesPerSec, steps: r.steps, detail: r,
      epoch: { ...(await timedEpoch(page, label)), estimateSeconds } };
  } finally {
    await page.close();
  }
}

// The book's recipe in the threaded build: index.html with its defaults, train() timed to 'done' and to the test
// set evaluated. A failure is recorded (and makes the exit code 1), not thrown.
async function bookRecipe(browser, url, blocked) {
  const label = 'book recipe';
  const page = await openPage(browser, url, label, blocked);
  try {
    await page.goto(url + 'index.html');
    await waitReady(page);
    const run = await timedTraining(page, label, { untilTest: true, timeoutMs: BOOK_TIMEOUT_MS });
    const s = run.status;
    const history = await page.evaluate(() => JSON.parse(JSON.stringify(window.convlens.history())));
    return { url: 'index.html', build: s.build, threads: s.threads, trainer: s.trainer, epochs: s.epochs,
      batchesPerEpoch: s.batchesPerEpoch, doneSeconds: run.seconds, testSeconds: run.testSeconds,
      valAcc: s.valAcc, testAcc: run.last.testAcc, testLoss: run.last.testLoss, history };
  } catch (err) {
    process.exitCode = 1;
    return { url: 'index.html', error: err.message.split('\n')[0] };
  } finally {
    await page.close();
  }
}

// Runs one tfjs_bench.html page; returns its rows, labelled "<name> <row name>" and carrying the page's info.
async function benchTfjs(browser, url, key, name, options, blocked) {
  const prefix = 'TF.js ' + key;
  const page = await openPage(browser, url, prefix, blocked);
  try {
    await page.goto(url + 'tfjs/tfjs_bench.html');
    await page.waitForFunction(() => window.tfjsBench, null, { timeout: PAGE_TIMEOUT_MS });
    const { info, rows } = await page.evaluate((o) => window.tfjsBench.run(o), options);
    if (info.selfCheck) {
      for (const line of info.selfCheck.lines) console.log(`  [${prefix}] gradient self-check: ${line}`);
      if (!info.selfCheck.ok) console.log(`  [${prefix}] GRADIENT SELF-CHECK FAILED: its training rows are not measured`);
    }
    return rows.map((row) => ({ label: `${name(info)} ${row.name}`, key, kind: 'tfjs', threads: info.threads, simd: info.simd,
      train: row.train, infer: row.infer, steps: options.steps, info }));
  } finally {
    await page.close();
  }
}

// The TF.js pages to run: [config key, label from the page's info, run() options].
function tfjsPlan(o) {
  const common = { batch: o.batch, steps: o.steps, runs: o.runs, keepNative: o.keepNative };
  const wasm = (i) => `TF.js wasm${i.simd ? ' SIMD' : ''} ${i.threads} thread${i.threads === 1 ? '' : 's'}`;
  const wasmDefault = (i) => `TF.js wasm${i.simd ? ' SIMD' : ''} default (${i.threads}T)`;
  return [
    ['cpu', () => 'TF.js cpu', { ...common, backend: 'cpu', steps: o.cpuSteps }],
    ['wasm1', wasm, { ...common, backend: 'wasm', threads: o.oneThread === 'flag' ? 'single' : 1, tryUnpatched: true, supply: true }],
    ['wasmdef', wasmDefault, { ...common, backend: 'wasm', threads: 'default', supply: true }],
    ['wasmN', wasm, { ...common, backend: 'wasm', threads: o.tfjsThreads, supply: true }],
  ];
}

// ---------- report ----------

function machine() {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))[1];
  } catch (err) { /* not Linux */ }
  return { cpu, cores: os.cpus().length, node: process.version, platform: `${os.type()} ${os.release()}` };
}

const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);
const cell = (v) => (isNumber(v) ? v.toFixed(0) : 'fails');
const ratio = (a, b) => (isNumber(a) && isNumber(b) && b > 0 ? a / b : null);
const times = (v) => (isNumber(v) ? v.toFixed(v >= 10 ? 1 : 2) + 'x' : '-');

// The ratios ours / this for each row, against ours on one thread and ours threaded.
function addRatios(rows) {
  const ours1 = rows.find((r) => r.kind === 'ours' && r.single);
  const oursN = rows.find((r) => r.kind === 'ours' && !r.single);
  for (const r of rows) {
    r.ratioOurs1 = ours1 ? { train: ratio(ours1.train, r.train), infer: ratio(ours1.infer, r.infer) } : null;
    r.ratioOursN = oursN ? { train: ratio(oursN.train, r.train), infer: ratio(oursN.infer, r.infer) } : null;
  }
  return { ours1, oursN };
}

// Table columns: [header, width, value of a row]; the first is left-aligned.
function tableColumns() {
  const r1 = (what) => (r) => times(r.ratioOurs1 && r.ratioOurs1[what]);
  const rN = (what) => (r) => times(r.ratioOursN && r.ratioOursN[what]);
  return [['configuration', 50, (r) => r.label], ['thr', 3, (r) => r.threads], ['SIMD', 4, (r) => (r.simd ? 'yes' : 'no')],
    ['steps', 5, (r) => r.steps], ['train/s', 8, (r) => cell(r.train)], ['infer/s', 8, (r) => cell(r.infer)],
    ['ours(threads=1)/this: train', 27, r1('train')], ['infer', 7, r1('infer')],
    ['ours(default)/this: train', 25, rN('train')], ['infer', 7, rN('infer')]];
}

// The timed epoch's columns, for the ours rows: the prediction from benchmark() at batch 200 on the same page,
// the estimate the page showed before Start, the wall seconds from train() to 'done', wall / predicted, and
// 12,000 images / wall.
function epochColumns() {
  const e = (f) => (r) => (r.epoch.error ? '-' : f(r.epoch));
  return [[`one epoch, ${EPOCH.query}`, 50, (r) => r.label], ['thr', 3, (r) => r.threads],
    ['trainer', 7, e((x) => x.trainer)], ['bench200 train/s', 16, e((x) => cell(x.benchmark.trainSamplesPerSec))],
    ['infer/s', 8, e((x) => cell(x.benchmark.inferSamplesPerSec))], ['predicted s', 11, e((x) => fmt(x.predictedSeconds))],
    ['shown before Start s', 20, e((x) => fmt(x.estimateSeconds))],
    ['train()->done s', 15, e((x) => fmt(x.wallSeconds))], ['wall/predicted', 14, e((x) => fmt(x.efficiency))],
    ['wall samples/s', 14, e((x) => cell(x.wallSamplesPerSec))], ['val_acc', 7, e((x) => fmt(x.valAcc, 4))]];
}

// A markdown table (padded, so that it also reads as text): the header, the alignment row (the first column to
// the left, the others to the right), a row per item.
function markdownTable(columns, rows) {
  const line = (values) => '| ' + values.map((v, i) => (i ? String(v).padStart(columns[i][1]) : String(v).padEnd(columns[i][1])))
    .join(' | ') + ' |';
  const align = '|' + columns.map((c, i) => (i ? '-'.repeat(c[1] + 1) + ':' : ':' + '-'.repeat(c[1] + 1))).join('|') + '|';
  return [line(columns.map((c) => c[0])), align, ...rows.map((r) => line(columns.map((c) => c[2](r))))].join('\n');
}

function printTable(report) {
  const { rows } = report;
  const { oursN } = addRatios(rows);
  console.log('\n' + markdownTable(tableColumns(), rows) + '\n');
  for (const r of rows) {
    const trainError = r.train && r.train.error, inferError = r.infer && r.infer.error;
    if (trainError && trainError === inferError) console.log(`- ${r.label} fails: ${trainError}`);
    else {
      if (trainError) console.log(`- ${r.label}: training fails: ${trainError}`);
      if (inferError) console.log(`- ${r.label}: inference fails: ${inferError}`);
    }
  }
  if (oursN) console.log(`ours(default) = ConvLens index.html: ${oursN.threads} thread(s), SIMD ${oursN.simd ? 'yes' : 'no'}`);
  const wasmN = rows.find((r) => r.key === 'wasmN' && isNumber(r.train));
  if (oursN && wasmN) {
    console.log(`ours threaded (${oursN.threads} threads) / TF.js wasm threaded (${wasmN.threads} threads): ` +
      `train ${times(ratio(oursN.train, wasmN.train))}, infer ${times(ratio(oursN.infer, wasmN.infer))}`);
  }
  const ours = rows.filter((r) => r.kind === 'ours');
  if (ours.length) {
    console.log(`\n${usersView(ours)}`);
    for (const r of ours) if (r.epoch.error) console.log(`- ${r.label}: timed epoch fails: ${r.epoch.error}`);
  }
}

// The user's view of speed: the page's training timed against its own benchmark, as markdown.
function usersView(ours) {
  return `The user's view: on the same page, benchmark(${JSON.stringify(EPOCH.bench)}) predicts ` +
    `${EPOCH.train}/train + ${EPOCH.val}/infer s for one epoch, and the page shows an estimate before Start (its ` +
    `timed first passes); train() is timed to 'done' (page clock); the median ` +
    `of ${EPOCH.runs} runs, each against the mean of the benchmarks just before and after it\n\n` +
    markdownTable(epochColumns(), ours);
}

// Appends this run's user's view (and the book's recipe, if timed) to the history file, under its date and
// machine: the record of measurements, written by the benchmark, never retyped.
function appendHistory(file, report) {
  const ours = report.rows.filter((r) => r.kind === 'ours');
  if (!ours.length && !report.book) return;
  const m = report.machine;
  let text = `\n## ${report.date.slice(0, 16).replace('T', ' ')} UTC: ${m.cpu}, ${m.cores} cores, Chromium ${report.chromium}\n\n`;
  if (ours.length) text += usersView(ours) + '\n';
  if (report.book && !report.book.error) {
    const b = report.book;
    text += `\nThe book's recipe in the tab (${b.build}, ${b.threads} threads): ${b.epochs} epochs in ${fmt(b.doneSeconds, 0)} s ` +
      `(train() -> done), val_acc ${fmt(b.valAcc, 3)}, test acc ${fmt(b.testAcc, 3)}\n`;
  }
  fs.appendFileSync(file, text);
  console.log(`history: ${file}`);
}

function printBook(book) {
  if (book.error) {
    console.log(`\nbook recipe in the tab: fails: ${book.error}`);
    return;
  }
  console.log(`\nbook recipe in the tab (${book.build}, ${book.threads} thread${book.threads === 1 ? '' : 's'}): ` +
    `${book.epochs} epochs in ${fmt(book.doneSeconds, 0)} s (train() -> done), test set +${fmt(book.testSeconds - book.doneSeconds, 0)} s, ` +
    `val_acc ${fmt(book.valAcc, 3)}, test acc ${fmt(book.testAcc, 3)}`);
  const images = book.epochs * book.batchesPerEpoch * 200 * 1.25;  // training images (batch 200) + 25% for validation
  console.log(`  (${book.epochs} epochs x ${book.batchesPerEpoch} batches; about ${fmt(images / book.doneSeconds, 0)} ` +
    `train + validation samples/s on the wall clock)`);
  if (book.epochs !== 10 || book.batchesPerEpoch !== 240) {
    console.log('  NOTE: the page\'s defaults are not the book\'s 10 epochs x 240 batches of 200');
  }
}

function printHeader(report) {
  const { machine: m, config: c } = report;
  if (!report.rows.length) {
    console.log(`\nConvLens: Chromium ${report.chromium}, ${report.date}; CPU ${m.cpu}, ${m.cores} cores`);
    return;
  }
  console.log(`ConvLens vs TensorFlow.js ${report.tfjsVersion || '(not run)'}: Chromium ${report.chromium}, ${report.date}`);
  console.log(`CPU ${m.cpu}, ${m.cores} cores; batch ${c.batch}, median of ${c.runs} runs x ${c.steps} steps ` +
    `(TF.js cpu: ${c.cpuSteps} steps) after a warm-up run; synthetic data`);
}

function printNotes(report) {
  const seen = new Set();
  for (const r of report.rows.filter((row) => row.info && row.info.backend === 'wasm')) {
    if (seen.has(r.key)) continue;
    seen.add(r.key);
    const i = r.info, k = i.kernels;
    console.log(`TF.js ${r.key}: tf.wasm.getThreadsCount() ${i.threads}, loaded ${i.wasmFiles.join(' ')}, workers created ` +
      `${i.workers}, crossOriginIsolated ${i.crossOriginIsolated}` + (k ? `; kernels supplied: ${k.supplied.join(' ') || 'none'}, ` +
      `replaced: ${k.replaced.join(' ') || 'none'}, TF.js's kept: ${k.kept.join(' ') || 'none'}` : ''));
  }
  for (const r of report.rows.filter((row) => row.kind === 'ours')) {
    const d = r.detail;
    console.log(`${r.label}: model ${d.model}; train ${d.gflops.toFixed(2)} GFLOP/s, infer ${d.inferGflops.toFixed(2)} ` +
      `GFLOP/s, GEMM 512^3 ${d.gemmGflops.toFixed(2)} GFLOP/s`);
  }
  console.log('(ConvLens GFLOP/s count the model\'s FLOPs; its 5x5 convolutions run as Winograd F(2x2,5x5) and its ' +
    'backward pass skips the zero terms max-pooling leaves in the conv gradients, so it executes fewer and can pass ' +
    'the GEMM rate)');
  if (report.blockedRequests.length) console.log(`requests to other origins blocked: ${report.blockedRequests.join(', ')}`);
}

function writeReport(file, report) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nreport: ${file}`);
}

// ---------- main ----------

async function runAll(browser, url, o, only, report) {
  const config = { batch: o.batch, steps: o.steps, runs: o.runs };
  if (only.has('ours')) {
    for (const single of [true, false]) {
      console.log(`measuring ours: index.html${EPOCH.query}${single ? '&threads=1' : ''} ...`);
      report.rows.push(await benchOurs(browser, url, single, config, report.blockedRequests));
    }
  }
  for (const [key, name, options] of tfjsPlan(o)) {
    if (!only.has(key)) continue;
    console.log(`measuring TF.js ${key} ...`);
    try {
      const rows = await benchTfjs(browser, url, key, name, options, report.blockedRequests);
      report.tfjsVersion = rows[0].info.tfVersion;
      report.rows.push(...rows);
    } catch (err) {  // the page itself failed: a row that says so, and on with the rest
      const error = { error: err.message.split('\n')[0] };
      report.rows.push({ label: `TF.js ${key}`, key, kind: 'tfjs', threads: '-', simd: false, train: error, infer: error,
        steps: options.steps, info: null });
    }
  }
  if (only.has('book')) {
    console.log('measuring the book recipe: index.html (its defaults), train() to the test set; takes minutes ...');
    report.book = await bookRecipe(browser, url, report.blockedRequests);
  }
}

async function main() {
  const only = selectedConfigs();
  const site = option('site', path.join(REPO, 'build', 'site'));
  const o = { batch: Number(option('batch', 200)), steps: Number(option('steps', 5)), runs: Number(option('runs', 3)),
    cpuSteps: Number(option('cpu-steps', 1)), oneThread: option('tfjs-one-thread', 'flag'),
    tfjsThreads: Number(option('tfjs-threads', Math.max(2, os.cpus().length))),
    keepNative: process.argv.includes('--keep-native') };
  if (!['flag', 'count'].includes(o.oneThread)) throw new Error('--tfjs-one-thread must be flag or count');
  for (const k of ['batch', 'steps', 'runs', 'cpuSteps', 'tfjsThreads']) {
    if (!(Number.isInteger(o[k]) && o[k] >= 1)) throw new Error(`--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} must be a positive integer`);
  }
  const out = path.resolve(option('out', path.join(REPO, 'build', 'bench', 'bench-report.json')));
  const history = option('history', null);
  const root = makeRoot(site, [...only].some((c) => c !== 'ours' && c !== 'book'));
  let browser = null;
  try {
    const url = await startServer(root);
    browser = await launchBrowser();
    const report = { date: new Date().toISOString(), chromium: browser.version(), machine: machine(), config: o,
      rows: [], blockedRequests: [] };
    await runAll(browser, url, o, only, report);
    printHeader(report);
    if (report.rows.length) {
      printTable(report);
      console.log('');
      printNotes(report);
    }
    if (report.book) printBook(report.book);
    writeReport(out, report);
    if (history) appendHistory(history, report);
  } finally {
    if (browser) await browser.close();
    await stopServers();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error('bench.js: ' + err.message); process.exit(1); });
