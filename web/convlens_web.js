// convlens_web.js: the page's JavaScript around the WASM app.
//   - configures the Emscripten Module (canvas, location.search as argv[1], errors shown on the page);
//   - fetches data sets when the app asks (gzip'd IDX files from data/<name>/, with progress, gunzipped by the
//     browser's DecompressionStream) and hands the bytes to the app;
//   - defines window.convlens, the automation and embedding API, over the app's exported C functions;
//   - posts {source: 'convlens', type: 'epoch' | 'state', ...} to the parent window when embedded;
//   - wakes the app's main loop, which sleeps while nothing on screen changes, on every input event;
//   - loads the app: the threaded build (convlens-mt.js) on a cross-origin isolated page, else convlens.js.
// Everything is fetched from this page's own origin.
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
    arguments: [rememberedQuery()],
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    onAbort: (what) => showMessage('ConvLens stopped: ' + what, true),
    onRuntimeInitialized: () => { showMessage(''); defineApi(); wakeOnInput(); },
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

  let loadingName = null;
  // name, title and the four IDX files (train images, train labels, test images, test labels) come from the
  // app's table of data sets (assets/datasets.json); each is served gzip'd under data/<name>/.
  window.convlensFetchDataset = async function (name, title, dataFiles) {
    if (loadingName === name) return;
    loadingName = name;
    const progress = (text, fraction) => Module.ccall('cl_data_progress', null, ['string', 'number'], [text, fraction]);
    try {
      const files = [];
      const sizes = dataFiles.map(() => 0);
      const totals = dataFiles.map(() => 0);
      for (let i = 0; i < dataFiles.length; ++i) {
        const url = 'data/' + name + '/' + dataFiles[i] + '.gz';
        const gz = await fetchBytes(url, (got, total) => {
          sizes[i] = got;
          totals[i] = total;
          const all = totals.reduce((a, b) => a + b, 0) || 1;
          // The two image files dominate; before their sizes are known, count each file as a quarter.
          const known = totals.every((t) => t > 0);
          const fraction = known ? sizes.reduce((a, b) => a + b, 0) / all : (i + (total ? got / total : 0)) / dataFiles.length;
          progress('Downloading ' + title + ' (' + (sizes.reduce((a, b) => a + b, 0) / 1e6).toFixed(1) + ' MB)', 0.95 * fraction);
        });
        files.push(await gunzip(gz, url));
      }
      progress('Unpacking ' + title, 0.97);
      const pointers = files.map((bytes) => {
        const p = Module._malloc(bytes.length);
        heap(Uint8Array).set(bytes, p);
        return p;
      });
      const error = Module.ccall('cl_data_load', 'string',
        ['string', 'number', 'number', 'number', 'number', 'number', 'number', 'number', 'number'],
        [name, pointers[0], files[0].length, pointers[1], files[1].length, pointers[2], files[2].length, pointers[3], files[3].length]);
      pointers.forEach((p) => Module._free(p));
      if (error) console.warn('ConvLens: ' + error);
    } catch (e) {
      Module.ccall('cl_data_error', null, ['string'], [String(e.message || e)]);
    } finally {
      loadingName = null;
    }
  };

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
    const reply = (body) => event.source.postMessage(Object.assign({ source: 'convlens', id: m.id }, body),
      event.origin && event.origin !== 'null' ? event.origin : '*');
    try {
      if (!window.convlens) throw new Error('ConvLens is still loading');
      const origins = allowedOrigins();
      if (origins.length && !origins.includes(event.origin)) throw new Error('origin ' + event.origin + ' may not drive this page (allow_origin)');
      if (typeof m.call !== 'string' || !Object.prototype.hasOwnProperty.call(window.convlens, m.call)) {
        throw new Error('unknown call ' + JSON.stringify(m.call) + '; calls: ' + Object.keys(window.convlens).join(', '));
      }
      const args = m.args === undefined ? [] : Array.isArray(m.args) ? m.args : [m.args];
      reply({ result: window.convlens[m.call](...args) });
    } catch (e) {
      reply({ error: String((e && e.message) || e) });
    }
  });

  // ---- keeping the model (the UI's Save model / Load model buttons) ------------------------------------------
  window.convlensSaveModel = function () {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([window.convlens.saveModel()], { type: 'application/octet-stream' }));
    link.download = 'convlens-model.bin';
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  };
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

  // gradCam / saliency: kind 0 / 1; a missing classIndex or epoch is -1 (the predicted class, the current weights).
  function explain(kind, layer, classIndex, epoch) {
    const whole = (v) => (v === undefined || v === null ? -1 : Math.floor(Number(v)));
    const meta = callJson('cl_explain', ['number', 'number', 'number', 'number'], [kind, whole(layer), whole(classIndex), whole(epoch)]);
    if (meta.ok === false) throw new Error(meta.error);
    return { shape: meta.shape, classIndex: meta.classIndex, data: heap(Float32Array).slice(meta.ptr >> 2, (meta.ptr >> 2) + meta.count) };
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
      setLayer: (layerIndex) => Module.ccall('cl_set_layer', 'number', ['number'], [Math.floor(Number(layerIndex)) || 0]),
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
