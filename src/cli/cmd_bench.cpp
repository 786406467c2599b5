// cmd_bench.cpp: `convlens bench` — the table of benchmark.h's measurements (training and inference throughput
// on synthetic data, and a 1024^3 GEMM) for 1 thread and for --threads N (default: one per core).
// A benchmark program, not a test: it asserts nothing and prints a table.
#include <cstdio>
#include <set>

#include "benchmark.h"
#include "cli_session.h"
#include "commands.h"
#include "kernels/threads.h"

namespace convlens {

int cmd_bench(const CliOptions& opts) {
  Result<Model> built = cli_build_model(opts, opts.train.batch);
  if (!built.ok()) return cli_fail(kExitUsage, built.error);
  Model model = std::move(built.value);
  model_init(model, opts.train.seed);
  const int batch = opts.train.batch;
  const BenchConfig config{batch, opts.bench_steps, opts.bench_runs, opts.train.seed};
  const double train_flops = model_flops_per_sample(model, true), infer_flops = model_flops_per_sample(model, false);

  std::printf("ConvLens benchmark: model %s\n", model.spec.c_str());
  std::printf("batch %d, %.2f MFLOP/sample training step, %.2f MFLOP/sample inference; median of %d runs x %d steps "
              "after a warm-up run\n\n", batch, train_flops / 1e6, infer_flops / 1e6, opts.bench_runs, opts.bench_steps);
  std::printf("GFLOP/s count the model's FLOPs above. 5x5 convolutions run as Winograd F(2x2,5x5) (conv_winograd.h)\n"
              "and the backward pass skips the zero terms that max-pooling leaves in the conv layers' gradients\n"
              "(conv_sparse_grad.h), so fewer are executed: train/GEMM can pass 100%%.\n\n");
  std::printf("threads  train samples/s  train GFLOP/s  infer samples/s  infer GFLOP/s  GEMM 1024^3 GFLOP/s  train/GEMM\n");
  const std::set<int> thread_counts = {1, opts.threads};
  for (int threads : thread_counts) {
    engine_set_threads(threads);
    const BenchResult r = benchmark_model(model, config);
    const double gemm = benchmark_gemm_gflops(1024, opts.bench_runs);
    std::printf("%7d  %15.0f  %13.1f  %15.0f  %13.1f  %19.1f  %9.0f%%\n", threads, r.train_samples_per_sec,
                r.train_gflops, r.infer_samples_per_sec, r.infer_gflops, gemm, 100.0 * r.train_gflops / gemm);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace convlens
