// tfjs_model.js: the book's MNIST model in TensorFlow.js layers, and its training and inference throughput on
// synthetic data, timed the way ConvLens's benchmark_model() does it (src/engine/benchmark.cpp): one batch of
// random images in [0,1] with random labels, `steps` steps per run, the median of `runs` runs after one warm-up
// run. A training step is model.trainOnBatch() (forward + backward + Adam, loss read back); an inference step
// is model.predict() with the probabilities read back. Loaded by tfjs_bench.html; defines window.tfjsModel.
'use strict';

(function () {
  // Conv2D(16,5x5,same,relu) -> MaxPool2 -> Conv2D(36,5x5,same,relu) -> MaxPool2 -> Dropout .25 -> Flatten
  // -> Dense 128 relu -> Dropout .5 -> Dense 10 softmax; Adam(0.001), categorical cross-entropy.
  function buildModel() {
    const model = tf.sequential();
    model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 5, padding: 'same', activation: 'relu' }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.conv2d({ filters: 36, kernelSize: 5, padding: 'same', activation: 'relu' }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.dropout({ rate: 0.25 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 128, activation: 'relu' }));
    model.add(tf.layers.dropout({ rate: 0.5 }));
    model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
    model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
    return model;
  }

  function syntheticBatch(batch) {
    return tf.tidy(() => ({
      x: tf.randomUniform([batch, 28, 28, 1], 0, 1),
      y: tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10).toFloat(),
    }));
  }

  function median(values) {
    const v = values.slice().sort((a, b) => a - b);
    const m = v.length >> 1;
    return v.length % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
  }

  // Samples/s of `step` (async, `batch` samples) run `steps` times per run; median of `runs` after a warm-up.
  async function throughput(step, batch, steps, runs) {
    const times = [];
    for (let r = 0; r <= runs; ++r) {
      const t0 = performance.now();
      for (let s = 0; s < steps; ++s) await step();
      if (r > 0) times.push((performance.now() - t0) / 1000);
    }
    return (batch * steps) / median(times);
  }

  async function trainStep(model, data) {
    await model.trainOnBatch(data.x, data.y); // resolves with the loss, read back from the backend
  }

  async function inferStep(model, data) {
    tf.tidy(() => model.predict(data.x).dataSync());
  }

  // One training step on a fresh model: throws what TF.js throws (e.g. a kernel missing for the backend).
  async function tryTrainStep(batch) {
    const model = buildModel(), data = syntheticBatch(batch);
    try {
      await trainStep(model, data);
    } finally {
      model.dispose();
      tf.dispose([data.x, data.y]);
    }
  }

  // {samplesPerSec} for 'train' or 'infer' on a fresh model.
  async function measure(what, { batch, steps, runs }) {
    const model = buildModel(), data = syntheticBatch(batch);
    try {
      const step = what === 'train' ? () => trainStep(model, data) : () => inferStep(model, data);
      return await throughput(step, batch, steps, runs);
    } finally {
      model.dispose();
      tf.dispose([data.x, data.y]);
    }
  }

  window.tfjsModel = { buildModel, measure, tryTrainStep };
})();
