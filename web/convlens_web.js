// convlens_web.js: the page's JavaScript around the WASM app.
//   - configures the Emscripten Module (canvas, location.search as argv[1], navigator.language as argv[2],
//     errors shown on the page);
//   - fetches data sets when the app asks (gzip'd files from data/<id>/, with progress, gunzipped by the
//     browser's DecompressionStream) and hands them to the app one file at a time;
//   - reads a data set from the user's disk (loadCifar, the menu's file picker, a drop on the page): a .tar.gz
//     streamed through DecompressionStream and a small tar reader, so only one file of it is in memory at once;
//   - defines window.convlens, the automation and embedding API, over the app's exported C functions;
//   - posts {source: 'convlens', type: 'epoch' | 'state', ...} to the parent window when embedded;
//   - wakes the app's main loop, which sleeps while nothing on screen changes, on every input event;
//   - loads the app: the threaded build (convlens-mt.js) on a cross-origin isolated page, else convlens.js.
// Everything is fetched from this page's own origin; files from the user's disk never leave the page.
'use strict';

(function () {
  const messageBox = () => document.getElementById('message');

  function showMessage(text, isError) {
    const box = messageBox();
    if (!box) return;
    box.textContent = text;
    box.className = isError ? 'error' : '';
    box.style.display = text ? 'block' : 'none';
  }

  // Called by the app (main_web.cpp) when it cannot start.
  window.convlensFatal = function (text) { showMessage(text, true); };

  // The app draws a 2D UI: ask for a WebGL2 context without antialiasing, depth or stencil. Not desynchronized:
  // drawn without a GPU (SwiftShader), a desynchronized frame cost the browser more, not less (36 against 31 ms).
  const canvas = document.getElementById('canvas');
  const getContext = canvas.getContext.bind(canvas);
  canvas.getContext = (type, attributes) => getContext(type, type === 'webgl2'
    ? Object.assign({}, attributes, { antialias: false, depth: false, stencil: false, desynchronized: false })
    : attributes);

  const REMEMBER_KEY = 'convlens.settings';  // localStorage: the last run's settings (convlensRemember)
  window.Module = {
    canvas,
    arguments: [rememberedQuery(), navigator.language || ''],  // the browser's language: the UI's unless ?lang=
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    onAbort: (what) => showMessage('ConvLens stopped: ' + what, true),
    onRuntimeInitialized: () => { showMessage(''); defineApi(); wakeOnInput(); keptModel(); },
  };

  // A view of the WASM heap as it is now. In the threaded build memory can grow while another thread allocates,
  // which leaves Module's views short; Module.wasmMemory (set by that build) always has the current buffer.
  function heap(View) {
    return new View(Module.wasmMemory ? Module.wasmMemory.buffer : Module.HEAPU8.buffer);
  }

  // ---- data sets --------------------------------------------------------------------------------------------

  // Fetches url into a Uint8Array, reporting bytes received (and the total from Content-Length, if sent).
  async function fetchBytes(url, onProgress) {
    const response = await fetch(url);
    if (!response.ok) throw new Error('could not download ' + url + ': HTTP ' + response.status);
    const total = Number(response.headers.get('Content-Length')) || 0;
    const reader = response.body.getReader();
    const chunks = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      onProgress(received, total);
    }
    const bytes = new Uint8Array(received);
    let at = 0;
    for (const c of chunks) { bytes.set(c, at); at += c.length; }
    return bytes;
  }

  async function gunzip(bytes, url) {
    try {
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
      return new Uint8Array(await new Response(stream).arrayBuffer());
    } catch (e) {
      throw new Error(url + ' is not a valid gzip file (' + e.message + ')');
    }
  }

  // The data sets this site serves: data/index.json, written by build_wasm.sh (bundled sets, and CIFAR-10 when it
  // was in data/cifar10/ at build time). The app's menu offers the others from the user's disk.
  const servedSets = fetch('data/index.json').then((r) => (r.ok ? r.json() : [])).catch(() => []);

  // A data set's files, one at a time, to the app's import (web_bridge.cpp: cl_data_begin, cl_data_file,
  // cl_data_end): each is copied into the WASM heap only for the call that parses it.
  function dataImport(id, upload) {
    const error = Module.ccall('cl_data_begin', 'string', ['string', 'number'], [id, upload ? 1 : 0]);
    if (error) throw new Error(error);
    return {
      wants: (name) => Module.ccall('cl_data_wants', 'number', ['string'], [name]) === 1,
      limit: Module.ccall('cl_data_file_limit', 'number', [], []),
      add(name, bytes) {
        const p = Module._malloc(Math.max(bytes.length, 1));
        heap(Uint8Array).set(bytes, p);
        let e;
        try { e = Module.ccall('cl_data_file', 'string', ['string', 'number', 'number'], [name, p, bytes.length]); } finally { Module._free(p); }
        if (e) throw Object.assign(new Error(e), { reported: true });
      },
      end() {
        const e = Module.ccall('cl_data_end', 'string', [], []);
        if (e) throw Object.assign(new Error(e), { reported: true });
      },
      progress: (text, fraction) => Module.ccall('cl_data_progress', null, ['string', 'number'], [text, fraction]),
      fail: (e) => { if (!e.reported) Module.ccall('cl_data_error', null, ['string'], [String(e.message || e)]); },
    };
  }

  let loadingName = null;
  // A data set the app asked for (its id, title and files come from assets/datasets.json through the app),
  // fetched gzip'd from data/<id>/ on this site.
  window.convlensFetchDataset = async function (name, title, dataFiles) {
    if (loadingName === name) return;
    loadingName = name;
    let load = null;
    try {
      load = dataImport(name, false);
      if (!(await servedSets).includes(name)) {
        throw new Error(title + ' is not on this site: choose it in the data-set menu to read it from your disk, or drop its archive on the page');
      }
      const sizes = dataFiles.map(() => 0);
      const totals = dataFiles.map(() => 0);
      for (let i = 0; i < dataFiles.length; ++i) {
        const url = 'data/' + name + '/' + dataFiles[i] + '.gz';
        const gz = await fetchBytes(url, (got, total) => {
          sizes[i] = got;
          totals[i] = total;
          const all = totals.reduce((a, b) => a + b, 0) || 1;
          // Before every file's size is known, count each file as an equal share.
          const known = totals.every((t) => t > 0);
          const fraction = known ? sizes.reduce((a, b) => a + b, 0) / all : (i + (total ? got / total : 0)) / dataFiles.length;
          load.progress('Downloading ' + title + ' (' + (sizes.reduce((a, b) => a + b, 0) / 1e6).toFixed(1) + ' MB)', 0.95 * fraction);
        });
        load.add(dataFiles[i], await gunzip(gz, url));
      }
      load.progress('Unpacking ' + title, 0.97);
      load.end();
    } catch (e) {
      if (load) load.fail(e); else Module.ccall('cl_data_error', null, ['string'], [String(e.message || e)]);
    } finally {
      loadingName = null;
    }
  };

  // ---- a data set from the user's disk: its archive (cifar-10-binary.tar.gz) or its files -------------------

  // Reads a stream of bytes in pieces of the caller's size: take(n, out) copies the next n bytes into out (a
  // Uint8Array), or skips them if out is null, and returns how many there were.
  function byteReader(stream) {
    const reader = stream.getReader();
    let chunk = new Uint8Array(0);
    let at = 0;
    return {
      async take(n, out) {
        let got = 0;
        while (got < n) {
          if (at === chunk.length) {
            const { done, value } = await reader.read();
            if (done) break;
            chunk = value;
            at = 0;
            continue;
          }
          const k = Math.min(n - got, chunk.length - at);
          if (out) out.set(chunk.subarray(at, at + k), got);
          at += k;
          got += k;
        }
        return got;
      },
      cancel: () => reader.cancel().catch(() => {}),
    };
  }

  const ascii = (bytes, from, length) => {
    let text = '';
    for (let i = from; i < from + length && bytes[i]; ++i) text += String.fromCharCode(bytes[i]);
    return text;
  };

  // A tar header block (POSIX ustar or GNU), or null if the 512 bytes are not one (its checksum disagrees).
  function tarHeader(block) {
    let sum = 0;
    for (let i = 0; i < 512; ++i) sum += i >= 148 && i < 156 ? 32 : block[i];
    if (parseInt(ascii(block, 148, 8).trim(), 8) !== sum) return null;
    const prefix = ascii(block, 257, 5) === 'ustar' ? ascii(block, 345, 155) : '';
    const name = ascii(block, 0, 100);
    // Sizes above 8 GB use base-256 (the first byte's high bit): no file of a data set is near that.
    const size = block[124] & 0x80 ? Infinity : parseInt(ascii(block, 124, 12).trim() || '0', 8);
    return { name: prefix ? prefix + '/' + name : name, size, type: String.fromCharCode(block[156] || 48) };
  }

  // What a wrong archive probably is, for the message.
  function notThisSet(name, title) {
    if (/cifar-100/.test(name)) return 'it holds CIFAR-100 (' + name + '), not ' + title;
    if (/cifar-10-batches-py|data_batch_\d$/.test(name)) return 'it is the Python version of CIFAR-10 (' + name + '); ConvLens reads the binary version';
    return null;
  }

  // Feeds one file or archive to the import. A gzip'd input is gunzipped as it streams; a tar archive gives
  // the entries the set wants (the others are skipped unread); anything else must be one of the set's files.
  async function importInput(input, load, title, onBytes) {
    const name = input.name || 'the data';
    const head = new Uint8Array(await input.slice(0, 4).arrayBuffer());
    if (head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) {
      throw new Error(name + ' is a PNG image; ConvLens reads ' + title + "'s binary files, not pictures");
    }
    const gzipped = head[0] === 0x1f && head[1] === 0x8b;
    let stream = input.stream();
    let counted = 0;
    stream = stream.pipeThrough(new TransformStream({ transform(c, ctl) { counted += c.length; onBytes(counted); ctl.enqueue(c); } }));
    if (gzipped) stream = stream.pipeThrough(new DecompressionStream('gzip'));
    const r = byteReader(stream);
    const damaged = (e) => new Error(name + ' is damaged or cut short (' + (e.message || e) + ')');
    try {
      const block = new Uint8Array(512);
      let got = await r.take(512, block).catch((e) => { throw damaged(e); });
      if (got === 512 && tarHeader(block)) {
        let taken = 0;
        let longName = null;
        for (;;) {
          const h = tarHeader(block);
          if (!h) {
            if (block.every((b) => b === 0)) break;  // the end of the archive
            throw new Error(name + ' is damaged: a tar header is wrong');
          }
          const entry = longName || h.name;
          longName = null;
          const padded = Math.ceil(h.size / 512) * 512;
          const wrong = notThisSet(entry, title);
          if (wrong) throw new Error(name + ': ' + wrong);
          if (h.type === 'L') {  // GNU: the next entry's long name
            const bytes = new Uint8Array(Math.min(h.size, 4096));
            await r.take(bytes.length, bytes);
            await r.take(padded - bytes.length, null);
            longName = ascii(bytes, 0, bytes.length);
          } else if ((h.type === '0' || h.type === '7') && load.wants(entry)) {
            if (h.size > load.limit) throw new Error(entry + ' in ' + name + ' is ' + (h.size / 1e6).toFixed(0) + ' MB, larger than any file of ' + title);
            const bytes = new Uint8Array(h.size);
            if ((await r.take(h.size, bytes).catch((e) => { throw damaged(e); })) < h.size) throw damaged('the archive ends inside ' + entry);
            load.add(entry, bytes);
            ++taken;
            await r.take(padded - h.size, null);
          } else if ((await r.take(padded, null).catch((e) => { throw damaged(e); })) < padded) {
            throw damaged('the archive ends inside ' + entry);
          }
          got = await r.take(512, block).catch((e) => { throw damaged(e); });
          if (got < 512) break;  // some writers leave out the end blocks
        }
        if (!taken) throw new Error(name + ' holds none of the files of ' + title);
        return;
      }
      // Not an archive: one of the set's files, named as the set names it (maybe with .gz).
      const file = name.replace(/\.gz$/, '');
      const wrong = notThisSet(file, title);
      if (wrong) throw new Error(name + ': ' + wrong);
      if (!load.wants(file)) throw new Error(name + ' is neither ' + title + "'s archive nor one of its files");
      const chunks = [block.subarray(0, got)];
      let size = got;
      for (;;) {
        const piece = new Uint8Array(1 << 20);
        const n = await r.take(piece.length, piece).catch((e) => { throw damaged(e); });
        size += n;
        if (size > load.limit) throw new Error(name + ' is larger than any file of ' + title);
        chunks.push(piece.subarray(0, n));
        if (n < piece.length) break;
      }
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) { bytes.set(c, at); at += c.length; }
      load.add(file, bytes);
    } finally {
      r.cancel();
    }
  }

  // loadData(id, inputs): a data set from Files, Blobs or ArrayBuffers: its archive, or its files (a list).
  // Resolves {ok, train, test} or {ok: false, error}; the error is also shown in the page, whose run goes on.
  async function loadData(id, inputs, title) {
    const list = (inputs instanceof FileList || Array.isArray(inputs) ? Array.from(inputs) : [inputs])
      .map((x) => (x instanceof Blob ? x : x instanceof ArrayBuffer || ArrayBuffer.isView(x) ? new Blob([x]) : null));
    let load = null;
    try {
      if (!list.length || list.includes(null)) throw new TypeError('give a File, a Blob or an ArrayBuffer (or a list of them)');
      load = dataImport(id, true);
      const total = list.reduce((a, b) => a + b.size, 0) || 1;
      let before = 0;
      for (const input of list) {
        await importInput(input, load, title, (n) => load.progress('Reading ' + (input.name || title), 0.95 * (before + n) / total));
        before += input.size;
      }
      load.progress('Preparing ' + title, 0.97);
      load.end();
      const s = window.convlens.status();
      return { ok: true, train: s.trainSize, test: s.testSize };
    } catch (e) {
      if (load) load.fail(e);
      return { ok: false, error: String(e.message || e) };
    }
  }
  const datasetTitle = (id) => JSON.parse(Module.ccall('cl_dataset_title', 'string', ['string'], [id]));

  window.convlensPickDataFiles = function (id) {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.accept = '.gz,.tgz,.tar,.bin';
    input.onchange = () => { if (input.files.length) loadData(id, input.files, datasetTitle(id)); };
    input.click();
  };

  // Dropping an archive or batch files on the page loads CIFAR-10 (the one set the page reads from disk).
  window.addEventListener('dragover', (e) => { e.preventDefault(); });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    if (window.convlens && e.dataTransfer && e.dataTransfer.files.length) window.convlens.loadCifar(e.dataTransfer.files);
  });

  // ---- an embedding page: events out, commands in (postMessage) ---------------------------------------------
  // Commands: {target: 'convlens', id, call, args: [...]}, answered with {source: 'convlens', id, result} or
  // {source: 'convlens', id, error}; every window.convlens call may be sent (web/convlens-embed.js wraps them as
  // promises). Any parent may send them (the page trains locally and holds no user data) unless
  // ?allow_origin=https://a.example,... names the ones that may; events go only to those too.
  const allowedOrigins = () => (window.convlens ? JSON.parse(Module.ccall('cl_allow_origins', 'string', [], [])) : []);

  window.convlensPostEvent = function (json) {
    if (window.parent === window) return;
    const event = Object.assign(JSON.parse(json), { source: 'convlens' });
    const origins = allowedOrigins();
    for (const origin of origins.length ? origins : ['*']) window.parent.postMessage(event, origin);
  };

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || typeof m !== 'object' || m.target !== 'convlens' || !event.source) return;
    const post = (body) => event.source.postMessage(Object.assign({ source: 'convlens', id: m.id }, body),
      event.origin && event.origin !== 'null' ? event.origin : '*');
    const fail = (e) => post({ error: String((e && e.message) || e) });
    const reply = (body) => { try { post(body); } catch (e) { fail(e); } };  // e.g. a result that cannot be cloned
    try {
      if (!window.convlens) throw new Error('ConvLens is still loading');
      const origins = allowedOrigins();
      if (origins.length && !origins.includes(event.origin)) throw new Error('origin ' + event.origin + ' may not drive this page (allow_origin)');
      if (typeof m.call !== 'string' || !Object.prototype.hasOwnProperty.call(window.convlens, m.call)) {
        throw new Error('unknown call ' + JSON.stringify(m.call) + '; calls: ' + Object.keys(window.convlens).join(', '));
      }
      const args = m.args === undefined ? [] : Array.isArray(m.args) ? m.args : [m.args];
      // Calls that return a promise (mapsPng, restoreModel, ...) are answered when it settles.
      Promise.resolve(window.convlens[m.call](...args)).then((result) => reply({ result }), fail);
    } catch (e) {
      fail(e);
    }
  });

  // ---- keeping the model (the UI's Save model / Load model buttons) ------------------------------------------
  window.convlensSaveModel = () => download('convlens-model.bin', new Blob([window.convlens.saveModel()], { type: 'application/octet-stream' }));
  function download(name, blob) {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }
  window.convlensSaveText = (name, text) => download(name, new Blob([text], { type: 'text/csv' }));
  // RGBA pixels as a PNG file, encoded by a canvas.
  function pngOf(rgba, width, height) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length), width, height), 0, 0);
    return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
  }
  window.convlensSaveImage = (name, rgba, width, height) => pngOf(rgba, width, height).then((png) => download(name, png))
    .catch((e) => console.warn('ConvLens: ' + e.message));

  window.convlensShareLink = function () {
    const link = window.convlens.shareLink();
    if (navigator.clipboard) navigator.clipboard.writeText(link).catch(() => {});
    console.log('ConvLens: ' + link);
  };
  // A run's settings, for the next visit without a query (not for embedded pages: their lesson decides).
  window.convlensRemember = function (query) {
    try { localStorage.setItem(REMEMBER_KEY, query); } catch (e) { /* storage may be off */ }
  };
  function rememberedQuery() {
    if (window.location.search || window.parent !== window) return window.location.search;
    try { const q = localStorage.getItem(REMEMBER_KEY); return q ? '?' + q : ''; } catch (e) { return ''; }
  }

  window.convlensPickModel = function () {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.bin,application/octet-stream';
    input.onchange = async () => {
      const file = input.files[0];
      if (file) loadModel(new Uint8Array(await file.slice(0, headBytes(file.size)).arrayBuffer()), file.size);
    };
    input.click();
  };

  // ---- keeping the trained model in this browser (opt-in) ----------------------------------------------------
  // IndexedDB 'convlens', store 'models', key 'last': the last finished run's weights file with its settings
  // (the share link's query) and what the offer shows. Whether to keep it is a localStorage flag. Nothing
  // leaves the browser.
  const KEEP_KEY = 'convlens.keepModel';
  function modelStore(mode, use) {
    return new Promise((resolve, reject) => {
      if (!window.indexedDB) { reject(new Error('this browser has no IndexedDB')); return; }
      const open = indexedDB.open('convlens', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('models');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        const tx = db.transaction('models', mode);
        const request = use(tx.objectStore('models'));
        tx.oncomplete = () => { db.close(); resolve(request.result); };
        tx.onerror = tx.onabort = () => { db.close(); reject(tx.error || new Error('the browser refused the storage')); };
      };
    });
  }
  function keeping() {
    try { return localStorage.getItem(KEEP_KEY) === '1'; } catch (e) { return false; }
  }
  // The kept record, or null (also for one this page did not write: no weights file in it).
  async function keptRecord() {
    let k = null;
    try { k = await modelStore('readonly', (store) => store.get('last')); } catch (e) { /* no storage: none kept */ }
    return k && k.bytes instanceof Uint8Array && typeof k.query === 'string' ? k : null;
  }
  // What is kept, without the weights ({when, model, dataset, epochs, accuracy, bytes}), or null; the app's offer
  // is told at the same time.
  async function keptModel() {
    const k = await keptRecord();
    const info = k ? { when: k.when, model: k.model, dataset: k.dataset, epochs: k.epochs, accuracy: k.accuracy, bytes: k.bytes.length } : null;
    Module.ccall('cl_kept_model', null, ['number', 'number', 'string', 'string', 'string', 'number', 'number', 'number'],
      [keeping() ? 1 : 0, info ? 1 : 0, info ? new Date(info.when).toLocaleString() : '', info ? info.model : '',
        info ? datasetTitle(info.dataset) : '', info ? info.epochs : 0, info ? info.accuracy : 0, info ? info.bytes / 1048576 : 0]);
    return info;
  }
  async function storeModel() {
    const s = window.convlens.status();
    const record = { bytes: window.convlens.saveModel(), query: Module.ccall('cl_share_query', 'string', [], []), when: Date.now(),
      model: s.model, dataset: s.dataset, epochs: window.convlens.history().length, accuracy: s.valAcc };
    await modelStore('readwrite', (store) => store.put(record, 'last'));
    return keptModel();
  }
  // When a run finishes and the learner keeps models (main_web.cpp).
  window.convlensStoreModel = () => storeModel().catch((e) => console.warn('ConvLens: the model was not kept: ' + e.message));
  async function keepModel(on) {
    try { localStorage.setItem(KEEP_KEY, on ? '1' : '0'); } catch (e) { /* storage may be off */ }
    return on && window.convlens.status().state === 'done' ? storeModel() : keptModel();
  }
  // The kept run's settings (a reset to them if its model or data set differ), then its weights: {ok, error}.
  async function restoreModel() {
    const k = await keptRecord();
    if (!k) return { ok: false, error: 'no model is kept in this browser' };
    const s = window.convlens.status();
    if (s.model !== k.model || s.dataset !== k.dataset) {
      const r = callJson('cl_reset', ['string'], [k.query]);
      if (r.ok === false) return r;
    }
    for (let waited = 0; window.convlens.status().state === 'loading'; waited += 100) {
      if (waited > 300000) return { ok: false, error: 'the data set of the kept model did not load' };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return window.convlens.loadModel(k.bytes);
  }
  async function forgetModel() {
    try { await modelStore('readwrite', (store) => store.delete('last')); } catch (e) { /* nothing to forget */ }
    return keptModel();
  }

  // ---- waking the main loop ------------------------------------------------------------------------------
  // The app stops drawing while nothing changes (no CPU when idle); any input may change what it shows, so
  // each event wakes it before SDL's own listeners queue the event for the next frame.
  function wakeOnInput() {
    const wake = () => Module._cl_wake();
    const options = { capture: true, passive: true };
    for (const type of ['pointerdown', 'pointermove', 'pointerup', 'mousedown', 'mousemove', 'mouseup', 'wheel',
      'touchstart', 'touchmove', 'touchend', 'keydown', 'keyup', 'focus', 'blur', 'resize']) {
      window.addEventListener(type, wake, options);
    }
    document.addEventListener('visibilitychange', wake, options);
  }

  // ---- window.convlens --------------------------------------------------------------------------------------
  // Options objects become query strings, parsed by the same code as the page's URL.
  function toQuery(options) {
    if (!options) return '';
    if (typeof options !== 'object') throw new TypeError('options must be an object like {epochs: 3}');
    const keys = { valSplit: 'val_split' };
    return Object.entries(options).map(([k, v]) => encodeURIComponent(keys[k] || k) + '=' + encodeURIComponent(String(v))).join('&');
  }

  function callJson(name, types, args) {
    return JSON.parse(Module.ccall(name, 'string', types, args));
  }

  function toPixels(pixels) {
    const n = pixels && pixels.length;
    if (!n) throw new TypeError('pixels must be an array of numbers in [0, 1]');
    const p = Module._malloc(n * 4);
    heap(Float32Array).set(Float32Array.from(pixels, Number), p >> 2);
    return [p, n];
  }

  // Of a weights file larger than the current model's own, only the first bytes enter the heap: enough to name
  // what it holds.
  function headBytes(fileSize) {
    return fileSize > Module.ccall('cl_model_file_bytes', 'number', [], []) ? Math.min(fileSize, 65600) : fileSize;
  }

  function loadModel(head, fileSize) {
    const p = Module._malloc(Math.max(head.length, 1));
    heap(Uint8Array).set(head, p);
    try { return callJson('cl_load_model', ['number', 'number', 'number'], [p, head.length, fileSize]); } finally { Module._free(p); }
  }

  // gradCam / saliency: kind 0 / 1; a missing layer, classIndex or epoch is -1 (the last conv layer, the predicted
  // class, the current weights). The result names the layer Grad-CAM weighed (-1 for saliency).
  function explain(kind, layer, classIndex, epoch) {
    const whole = (v) => (v === undefined || v === null ? -1 : Math.floor(Number(v)));
    const meta = callJson('cl_explain', ['number', 'number', 'number', 'number'], [kind, whole(layer), whole(classIndex), whole(epoch)]);
    if (meta.ok === false) throw new Error(meta.error);
    return { shape: meta.shape, classIndex: meta.classIndex, layer: meta.layer, data: heap(Float32Array).slice(meta.ptr >> 2, (meta.ptr >> 2) + meta.count) };
  }

  function defineApi() {
    window.convlens = {
      status: () => Object.assign(callJson('cl_status', [], []), {
        heapMB: heap(Uint8Array).length / 1048576, build: window.convlensBuild, threads: Module.ccall('cl_threads', 'number', [], []),
      }),
      history: () => callJson('cl_history', [], []),
      train: (options) => callJson('cl_train', ['string'], [toQuery(options)]),
      reset: (options) => callJson('cl_reset', ['string'], [toQuery(options)]),
      pause: () => { Module.ccall('cl_pause', null, [], []); },
      step: (n) => callJson('cl_step', ['number'], [n === undefined ? 1 : Math.floor(Number(n)) || 0]),
      featureMaps: (layerIndex, epoch) => {
        const meta = callJson('cl_feature_maps', ['number', 'number'],
          [Math.floor(Number(layerIndex)), epoch === undefined || epoch === null ? -1 : Math.floor(Number(epoch))]);
        if (!meta) return null;
        const data = heap(Float32Array).slice(meta.ptr >> 2, (meta.ptr >> 2) + meta.count);
        return { name: meta.name, title: meta.title, shape: meta.shape, data };
      },
      // The probe image: {shape: [h, w, c], index (-1: drawn), data} with values in [0, 1].
      probe: () => {
        const m = callJson('cl_probe', [], []);
        return { shape: m.shape, index: m.index, data: heap(Float32Array).slice(m.ptr >> 2, (m.ptr >> 2) + m.count) };
      },
      setProbe: (indexOrPixels) => {
        if (typeof indexOrPixels === 'number') return Module.ccall('cl_set_probe_index', 'number', ['number'], [indexOrPixels]);
        const [p, n] = toPixels(indexOrPixels);
        try { return callJson('cl_set_probe_pixels', ['number', 'number'], [p, n]); } finally { Module._free(p); }
      },
      // Training and inference samples/s of the current model on synthetic data (blocks the page meanwhile).
      benchmark: (options) => {
        const o = Object.assign({ batch: 200, steps: 5, runs: 3 }, options);
        return callJson('cl_benchmark', ['number', 'number', 'number'], [o.batch | 0, o.steps | 0, o.runs | 0]);
      },
      // The weights file of the current weights (what `convlens train --save` writes; `convlens eval --load` reads it).
      saveModel: () => {
        const m = callJson('cl_save_model', [], []);
        return heap(Uint8Array).slice(m.ptr, m.ptr + m.count);
      },
      // Starts a new run from a weights file of the current model: {ok, error}. Of a file larger than the model's
      // own, only its first bytes enter the page's memory, enough to name what it holds.
      loadModel: (bytes) => {
        if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
        if (!(bytes instanceof Uint8Array)) throw new TypeError('loadModel needs a weights file as a Uint8Array or ArrayBuffer');
        return loadModel(bytes.subarray(0, headBytes(bytes.length)), bytes.length);
      },
      gradCam: (layer, classIndex, epoch) => explain(0, layer, classIndex, epoch),
      saliency: (classIndex, epoch) => explain(1, 0, classIndex, epoch),
      confusion: (epoch) => callJson('cl_confusion', ['number'], [epoch === undefined || epoch === null ? -1 : Math.floor(Number(epoch)) || 0]),
      mistakes: (options) => callJson('cl_mistakes', ['number'], [Math.max(0, Math.floor(Number((options && options.limit) || 20)) || 0)]),
      shareLink: () => {
        const q = Module.ccall('cl_share_query', 'string', [], []);
        return window.location.origin + window.location.pathname + (q ? '?' + q : '');
      },
      // The trained model kept in this browser (opt-in): keepModel(on) and forgetModel() promise what is kept
      // ({when, model, dataset, epochs, accuracy, bytes} or null), as keptModel() does; restoreModel() {ok, error}.
      keepModel: (on) => keepModel(on !== false),
      keptModel,
      restoreModel,
      forgetModel,
      // Where the last frame put things, in CSS pixels: {width, height, windows: [{name, x, y, w, h}], clipped:
      // windows that cut off their content, marks: named items (e.g. 'feature maps')}. For layout tests.
      layout: () => callJson('cl_layout', [], []),
      setLayer: (layerIndex) => Module.ccall('cl_set_layer', 'number', ['number'], [Math.floor(Number(layerIndex)) || 0]),
      // Exports: the history and a confusion matrix as CSV text; a layer's maps as a PNG (a promise of
      // {name, width, height, png: Blob}), optionally before training beside after (the book's before/after pair).
      historyCsv: () => Module.ccall('cl_history_csv', 'string', [], []),
      confusionCsv: (epoch) => Module.ccall('cl_confusion_csv', 'string', ['number'], [epoch === undefined || epoch === null ? -1 : Math.floor(Number(epoch)) || 0]),
      mapsPng: (options) => {
        const o = Object.assign({ layer: 0, epoch: -1, beforeAfter: false, cols: 8, colormap: 'gray' }, options);
        const m = callJson('cl_maps_image', ['number', 'number', 'number', 'number', 'number'],
          [Math.floor(Number(o.layer)) || 0, Math.floor(Number(o.epoch)), o.beforeAfter ? 1 : 0, Math.floor(Number(o.cols)) || 8, o.colormap === 'viridis' ? 1 : 0]);
        if (m.ok === false) return Promise.reject(new Error(m.error));
        const rgba = heap(Uint8Array).slice(m.ptr, m.ptr + m.count);
        return pngOf(rgba, m.width, m.height).then((png) => ({ name: m.name + '.png', width: m.width, height: m.height, png }));
      },
      // The data sets this site serves (a promise of ids, from data/index.json); loadCifar reads the others.
      servedDatasets: () => servedSets,
      // CIFAR-10 from the user's disk: cifar-10-binary.tar.gz, or its data_batch_N.bin / test_batch.bin files.
      loadCifar: (files) => loadData('cifar10', files, datasetTitle('cifar10')),
      predict: (pixels) => {
        const [p, n] = toPixels(pixels);
        try {
          const out = Module.ccall('cl_predict', 'number', ['number', 'number'], [p, n]);
          if (!out) throw new RangeError('predict needs one value per input pixel (784 for MNIST), got ' + n);
          return Array.from(heap(Float32Array).subarray(out >> 2, (out >> 2) + Module.ccall('cl_num_classes', 'number', [], [])));
        } finally { Module._free(p); }
      },
    };
  }

  // ---- which build ------------------------------------------------------------------------------------------
  // The threaded build needs SharedArrayBuffer, which browsers give only to cross-origin isolated pages (COOP and
  // COEP headers, as web/serve.js sends). Embedded in another site's lesson the page usually is not; ?threads=1
  // asks for the single-threaded build anyway. If the threaded build cannot be fetched, the single one runs.
  function loadScript(src, onError) {
    const script = document.createElement('script');
    script.src = src;
    script.onerror = onError;
    document.body.appendChild(script);
  }
  const single = () => {
    window.convlensBuild = 'single';
    loadScript('convlens.js', () => showMessage('ConvLens could not load convlens.js from this site.', true));
  };
  const threadsParam = new URLSearchParams(window.location.search).get('threads');
  if (window.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function' && threadsParam !== '1') {
    window.convlensBuild = 'threaded';
    Module.mainScriptUrlOrBlob = 'convlens-mt.js';  // what its Web Workers load
    loadScript('convlens-mt.js', single);
  } else {
    single();
  }
})();
