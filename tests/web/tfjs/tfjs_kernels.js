// tfjs_kernels.js: the gradient kernels TensorFlow.js 4.22's 'wasm' backend lacks for training a CNN, built from
// kernels that backend has, and a numerical self-check of them against the 'cpu' backend. Loaded by
// tfjs_bench.html after tf.min.js and tf-backend-wasm.min.js; defines window.tfjsKernels.
//
// In 4.22 the wasm backend has Conv2D, Conv2DBackpropInput and MaxPoolGrad but no Conv2DBackpropFilter, so
// training a conv net stops at its first backward pass. supply() registers the two kernels below for 'wasm',
// in place of TF.js's own Conv2DBackpropInput too unless told to keep it (a plain loop, ~10x slower here):
//   Conv2DBackpropFilter: dW[i,j,c,o] = sum over n,y,x of xpad[n,y+i,x+j,c] * dy[n,y,x,o], which is a
//     convolution of x with dy as the filter once batch and channels swap places: input x^T [C,H,W,N],
//     filter dy^T [Ho,Wo,N,O], the forward padding, giving [C,kh,kw,O]; transposed to [kh,kw,C,O].
//   Conv2DBackpropInput: dx = conv2d(dy, filter rotated 180 degrees with in/out channels swapped), padded by
//     k-1-pad on each side.
// Both for NHWC, stride 1 and dilation 1 (all this model uses); anything else throws.
// selfCheck() compares the wasm gradients of conv2d -> relu -> maxPool with the cpu backend's on small cases.
'use strict';

(function () {
  // Runs the wasm backend's own kernel `name` on TensorInfos (not tensors: this is inside a kernel).
  function run(backend, name, inputs, attrs) {
    return tf.getKernel(name, 'wasm').kernelFunc({ inputs, attrs, backend });
  }

  function convInfo(xShape, filterShape, strides, pad, dimRoundingMode, dataFormat) {
    if (dataFormat && dataFormat !== 'NHWC') throw new Error(`replacement kernel: dataFormat ${dataFormat} unsupported`);
    const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, dimRoundingMode);
    if (info.strideHeight !== 1 || info.strideWidth !== 1) throw new Error('replacement kernel: only stride 1 supported');
    return info;
  }

  function conv2DBackpropFilter({ inputs, backend, attrs }) {
    const { x, dy } = inputs;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
    const p = convInfo(x.shape, filterShape, strides, pad, dimRoundingMode, dataFormat).padInfo;
    const xT = run(backend, 'Transpose', { x }, { perm: [3, 1, 2, 0] });        // [C,H,W,N]
    const dyT = run(backend, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] });   // [Ho,Wo,N,O]
    const explicit = [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]];
    const dw = run(backend, 'Conv2D', { x: xT, filter: dyT },
      { strides: 1, pad: explicit, dataFormat: 'NHWC', dilations: 1 });          // [C,kh,kw,O]
    const out = run(backend, 'Transpose', { x: dw }, { perm: [1, 2, 0, 3] });   // [kh,kw,C,O]
    for (const t of [xT, dyT, dw]) backend.disposeData(t.dataId);
    return out;
  }

  function conv2DBackpropInput({ inputs, backend, attrs }) {
    const { dy, filter } = inputs;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
    const info = convInfo(inputShape, filter.shape, strides, pad, dimRoundingMode, dataFormat);
    const p = info.padInfo, kh = info.filterHeight, kw = info.filterWidth;
    const flipped = run(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = run(backend, 'Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }); // [kh,kw,O,C]
    const explicit = [[0, 0], [kh - 1 - p.top, kh - 1 - p.bottom], [kw - 1 - p.left, kw - 1 - p.right], [0, 0]];
    const out = run(backend, 'Conv2D', { x: dy, filter: swapped },
      { strides: 1, pad: explicit, dataFormat: 'NHWC', dilations: 1 });
    for (const t of [flipped, swapped]) backend.disposeData(t.dataId);
    return out;
  }

  const REPLACEMENTS = { Conv2DBackpropFilter: conv2DBackpropFilter, Conv2DBackpropInput: conv2DBackpropInput };

  // Registers the replacements: those the wasm backend lacks, and (unless keepNative) those it has, whose
  // versions may be slower (4.22's Conv2DBackpropInput is a plain loop, about 10x slower than its Conv2D here).
  // Returns {supplied, replaced, kept}: kernel names registered where missing, registered over TF.js's own, and
  // left as TF.js has them.
  function supply(keepNative = false) {
    const result = { supplied: [], replaced: [], kept: [] };
    for (const [kernelName, kernelFunc] of Object.entries(REPLACEMENTS)) {
      const native = Boolean(tf.getKernel(kernelName, 'wasm'));
      if (native && keepNative) {
        result.kept.push(kernelName);
        continue;
      }
      if (native) tf.unregisterKernel(kernelName, 'wasm');
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
      result[native ? 'replaced' : 'supplied'].push(kernelName);
    }
    return result;
  }

  // Deterministic values in [-1, 1) (a small LCG), so both backends see the same numbers.
  function randomArray(n, seed) {
    const a = new Float32Array(n);
    let s = seed >>> 0;
    for (let i = 0; i < n; ++i) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      a[i] = s / 2147483648 - 1;
    }
    return a;
  }

  // Gradients of sum(maxPool(relu(conv2d(x, w, 'same'))) * r) with respect to x and w on `backend`.
  async function gradients(backend, c) {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const x = tf.tensor4d(c.x, c.xShape), w = tf.tensor4d(c.w, c.wShape);
      const f = (xv, wv) => tf.maxPool(tf.relu(tf.conv2d(xv, wv, 1, 'same')), 2, 2, 'valid').mul(tf.tensor(c.r, c.rShape)).sum();
      const [dx, dw] = tf.grads(f)([x, w]);
      return { dx: dx.dataSync(), dw: dw.dataSync() };
    });
  }

  function maxAbsDiff(a, b) {
    let d = 0, m = 0;
    for (let i = 0; i < a.length; ++i) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
      m = Math.max(m, Math.abs(a[i]));
    }
    return { diff: d, scale: m };
  }

  function makeCase(n, h, cin, cout, seed) {
    const xShape = [n, h, h, cin], wShape = [5, 5, cin, cout], rShape = [n, h / 2, h / 2, cout];
    const size = (s) => s.reduce((p, v) => p * v, 1);
    return { xShape, wShape, rShape, x: randomArray(size(xShape), seed), w: randomArray(size(wShape), seed + 1),
      r: randomArray(size(rShape), seed + 2) };
  }

  // Compares wasm and cpu gradients on the model's two conv shapes (small batches). Leaves 'wasm' selected.
  // Returns {ok, lines}; ok is false if any max abs diff exceeds 1e-4 of the largest gradient.
  async function selfCheck() {
    const cases = [['conv1 [3,12,12,1]x[5,5,1,16]', makeCase(3, 12, 1, 16, 7)],
      ['conv2 [2,8,8,16]x[5,5,16,36]', makeCase(2, 8, 16, 36, 11)]];
    const lines = [];
    let ok = true;
    for (const [name, c] of cases) {
      const ref = await gradients('cpu', c);
      const got = await gradients('wasm', c);
      for (const key of ['dx', 'dw']) {
        const { diff, scale } = maxAbsDiff(ref[key], got[key]);
        const good = Number.isFinite(diff) && diff <= 1e-4 * Math.max(scale, 1);
        ok = ok && good;
        lines.push(`${name} ${key}: max abs diff ${diff.toExponential(2)} (max |${key}| ${scale.toFixed(2)}) ${good ? 'ok' : 'WRONG'}`);
      }
    }
    await tf.setBackend('wasm');
    return { ok, lines };
  }

  window.tfjsKernels = { supply, selfCheck, replacements: Object.keys(REPLACEMENTS) };
})();
