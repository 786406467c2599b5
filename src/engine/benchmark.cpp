// benchmark.cpp: model and GEMM throughput (see benchmark.h).
#include "benchmark.h"

#include <algorithm>
#include <vector>

#include "aligned_buffer.h"
#include "clock.h"
#include "eigen_maps.h"
#include "kernels/gemm.h"
#include "optimizer.h"

namespace convlens {
namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// Seconds for `fn` run `steps` times; median over `runs` runs after one warm-up run.
template <class Fn>
double median_seconds(int runs, int steps, Fn&& fn) {
  std::vector<double> times;
  for (int r = 0; r <= runs; ++r) {
    const double t0 = now_seconds();
    for (int s = 0; s < steps; ++s) fn();
    const double dt = now_seconds() - t0;
    if (r > 0) times.push_back(dt);
  }
  return median(times);
}

}  // namespace

BenchResult benchmark_model(const Model& original, const BenchConfig& c) {
  Model model = original;
  const int batch = std::max(1, c.batch), steps = std::max(1, c.steps), runs = std::max(1, c.runs);
  Rng rng(c.seed);
  std::vector<uint8_t> images(size_t(batch) * model.input.size()), labels(static_cast<size_t>(batch));
  for (uint8_t& p : images) p = uint8_t(rng.below(256));
  for (uint8_t& l : labels) l = uint8_t(rng.below(uint32_t(model.num_classes)));
  Workspace ws;
  workspace_reserve(ws, model, batch);
  Optimizer opt = optimizer_make(OptimizerConfig{}, model.params.size());
  const double train_s = median_seconds(runs, steps, [&] {
    model_set_input_u8(model, ws, images.data(), batch);
    model_forward(model, ws, batch, true, &rng);
    model_softmax(model, ws, labels.data(), batch, nullptr);
    model_backward(model, ws, labels.data(), batch);
    optimizer_step(opt, model.params.data(), model.grads.data(), model.params.size());
  });
  const double infer_s = median_seconds(runs, steps, [&] {
    model_set_input_u8(model, ws, images.data(), batch);
    model_forward(model, ws, batch, false, nullptr);
    model_softmax(model, ws, nullptr, batch, nullptr);
  });
  BenchResult r;
  r.train_samples_per_sec = double(batch) * steps / train_s;
  r.infer_samples_per_sec = double(batch) * steps / infer_s;
  r.train_gflops = r.train_samples_per_sec * model_flops_per_sample(model, true) / 1e9;
  r.infer_gflops = r.infer_samples_per_sec * model_flops_per_sample(model, false) / 1e9;
  return r;
}

double benchmark_gemm_gflops(int n, int runs) {
  MatrixR a = MatrixR::Random(n, n), b = MatrixR::Random(n, n), c(n, n);
  FloatBuffer scratch(size_t(gemm_scratch_floats(uint64_t(n), n)));  // where gemm() packs B, as a layer's slice
  const double seconds = median_seconds(std::max(1, runs), 2, [&] {
    gemm(Op::N, Op::N, n, n, n, a.data(), n, b.data(), n, c.data(), n, false, scratch.data());
  });
  return 2.0 * 2.0 * double(n) * n * n / seconds / 1e9;
}

}  // namespace convlens
