// convlens-embed.js: ConvLens inside a lesson on any site. Include this script, then write
//
//   <convlens-lab id="lab" src="https://host/convlens/" dataset="mnist" layer="2" epochs="3" height="560"></convlens-lab>
//
// The element makes an iframe of src's index.html with every other attribute as a URL parameter (embed=1 unless
// given), and drives it over postMessage, so it works from another origin than the app's:
//
//   const lab = document.getElementById('lab');
//   await lab.ready;                              // the data is loaded: {state: 'ready', ...}
//   await lab.train({epochs: 1});                 // every window.convlens call, as a method returning a promise
//   const maps = await lab.featureMaps(2);        // {name, title, shape, data: Float32Array}
//   lab.on('epoch', (e) => ...);                  // events the page posts: 'epoch' {epoch, loss, acc, valAcc, log}
//   lab.on('state', (e) => ...);                  //                          'state' {state, error}
//
// A call the page refuses rejects with its message. Not here: the calls themselves (web/convlens_web.js).
(function () {
  'use strict';

  const CALLS = ['status', 'history', 'train', 'reset', 'pause', 'step', 'featureMaps', 'probe', 'setProbe', 'setLayer',
    'predict', 'benchmark', 'saveModel', 'loadModel', 'gradCam', 'saliency', 'confusion', 'mistakes', 'shareLink',
    'historyCsv', 'confusionCsv', 'mapsPng', 'loadCifar', 'servedDatasets', 'keepModel', 'keptModel', 'restoreModel',
    'forgetModel'];
  const OWN_ATTRIBUTES = ['src', 'height', 'id', 'class', 'style'];  // not passed to the page
  const READY_POLL_MS = 250;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  class ConvLensLab extends HTMLElement {
    constructor() {
      super();
      this.pending = new Map();  // call id -> {resolve, reject}
      this.nextId = 1;
      this.handlers = {};        // event type -> [functions]
      this.ready = new Promise((resolve) => { this.resolveReady = resolve; });
    }

    connectedCallback() {
      if (this.iframe) return;
      const page = new URL('index.html', new URL(this.getAttribute('src') || './', document.baseURI));
      for (const a of this.attributes) if (!OWN_ATTRIBUTES.includes(a.name)) page.searchParams.set(a.name, a.value);
      if (!page.searchParams.has('embed')) page.searchParams.set('embed', '1');
      this.origin = page.origin;
      this.iframe = document.createElement('iframe');
      this.iframe.src = page.href;
      this.iframe.title = 'ConvLens';
      this.iframe.allow = 'cross-origin-isolated';
      this.iframe.style.cssText = `display:block;width:100%;border:0;height:${parseInt(this.getAttribute('height'), 10) || 560}px`;
      this.onMessage = (event) => this.receive(event);
      window.addEventListener('message', this.onMessage);
      this.loaded = new Promise((resolve) => this.iframe.addEventListener('load', resolve, { once: true }));
      this.appendChild(this.iframe);
      this.waitUntilReady();
    }

    disconnectedCallback() {
      window.removeEventListener('message', this.onMessage);
    }

    // Calls window.convlens[name](...args) in the page; resolves with its result, rejects with its error
    // ("ConvLens is still loading" until the page has started).
    async call(name, ...args) {
      await this.loaded;  // a message sent before the page is there would be lost
      return new Promise((resolve, reject) => {
        const id = this.nextId++;
        this.pending.set(id, { resolve, reject });
        this.iframe.contentWindow.postMessage({ target: 'convlens', id, call: name, args }, this.origin);
      });
    }

    on(type, fn) {
      (this.handlers[type] = this.handlers[type] || []).push(fn);
      return this;
    }

    receive(event) {
      const m = event.data;
      if (!this.iframe || event.source !== this.iframe.contentWindow || !m || m.source !== 'convlens') return;
      if (m.id !== undefined) {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if ('error' in m) p.reject(new Error(m.error));
        else p.resolve(m.result);
      } else if (m.type) {
        for (const fn of this.handlers[m.type] || []) fn(m);
      }
    }

    // Until the page answers status() with its data loaded.
    async waitUntilReady() {
      for (;;) {
        const s = await this.call('status').catch(() => null);
        if (s && s.state !== 'loading') {
          this.resolveReady(s);
          return;
        }
        await sleep(READY_POLL_MS);
      }
    }
  }

  for (const name of CALLS) ConvLensLab.prototype[name] = function (...args) { return this.call(name, ...args); };
  if (!customElements.get('convlens-lab')) customElements.define('convlens-lab', ConvLensLab);
})();
