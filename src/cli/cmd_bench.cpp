// cmd_bench.cpp: `convlens bench` — training and inference throughput of a model (the MNIST preset by
// default) on synthetic data, for 1 and 2 threads (and --threads N), as the median of several timed runs after
// a warm-up. Also a large GEMM in the same process, so GFLOP/s can be read as a fraction of what the CPU does.
// A benchmark program, not a test: it asserts nothing and prints a table.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "cli_session.h"
#include "commands.h"
#include "eigen_maps.h"
#include "optimizer.h"
#include "threads.h"

namespace convlens {
namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// Seconds for `fn` run `steps` times; median over `runs` runs after one warm-up run.
template <class Fn>
double median_seconds(int runs, int steps, Fn&& fn) {
  std::vector<double> times;
  for (int r = 0; r <= runs; ++r) {
    const Clock::time_point t0 = Clock::now();
    for (int s = 0; s < steps; ++s) fn();
    const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    if (r > 0) times.push_back(dt);
  }
  return median(times);
}

double gemm_gflops(int runs) {
  const int n = 1024;
  MatrixR a = MatrixR::Random(n, n), b = MatrixR::Random(n, n), c(n, n);
  const double seconds = median_seconds(runs, 2, [&] { c.noalias() = a * b; });
  return 2.0 * 2.0 * double(n) * n * n / seconds / 1e9;
}

}  // namespace

int cmd_bench(const CliOptions& opts) {
  Result<Model> built = cli_build_model(opts);
  if (!built.ok()) return cli_fail(kExitUsage, built.error);
  Model model = std::move(built.value);
  model_init(model, opts.seed);
  const int batch = opts.batch;
  Rng rng(opts.seed);
  std::vector<uint8_t> images(size_t(batch) * model.input.size()), labels(static_cast<size_t>(batch));
  for (uint8_t& p : images) p = uint8_t(rng.below(256));
  for (uint8_t& l : labels) l = uint8_t(rng.below(uint32_t(model.num_classes)));
  Workspace ws;
  workspace_reserve(ws, model, batch);
  Optimizer opt = optimizer_make(OptimizerConfig{}, model.params.size());
  const double train_flops = model_flops_per_sample(model, true), infer_flops = model_flops_per_sample(model, false);

  std::printf("ConvLens benchmark: model %s\n", model.spec.c_str());
  std::printf("batch %d, %.2f MFLOP/sample training step, %.2f MFLOP/sample inference; median of %d runs x %d steps "
              "after a warm-up run\n\n", batch, train_flops / 1e6, infer_flops / 1e6, opts.bench_runs, opts.bench_steps);
  std::printf("threads  train samples/s  train GFLOP/s  infer samples/s  infer GFLOP/s  GEMM 1024^3 GFLOP/s  train/GEMM\n");
  std::set<int> thread_counts = {1, 2, opts.threads};
  for (int threads : thread_counts) {
    engine_set_threads(threads);
    const double train_s = median_seconds(opts.bench_runs, opts.bench_steps, [&] {
      model_set_input_u8(model, ws, images.data(), batch);
      model_forward(model, ws, batch, true, &rng);
      model_softmax(model, ws, labels.data(), batch, nullptr);
      model_backward(model, ws, labels.data(), batch);
      optimizer_step(opt, model.params.data(), model.grads.data(), model.params.size());
    });
    const double infer_s = median_seconds(opts.bench_runs, opts.bench_steps, [&] {
      model_set_input_u8(model, ws, images.data(), batch);
      model_forward(model, ws, batch, false, nullptr);
      model_softmax(model, ws, nullptr, batch, nullptr);
    });
    const double train_sps = batch * opts.bench_steps / train_s, infer_sps = batch * opts.bench_steps / infer_s;
    const double gemm = gemm_gflops(opts.bench_runs);
    std::printf("%7d  %15.0f  %13.1f  %15.0f  %13.1f  %19.1f  %9.0f%%\n", threads, train_sps, train_sps * train_flops / 1e9,
                infer_sps, infer_sps * infer_flops / 1e9, gemm, 100.0 * train_sps * train_flops / 1e9 / gemm);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace convlens
