// benchmark.h: throughput of a model's training step and inference on synthetic data, as the median of timed
// runs after a warm-up, and a large GEMM in the same process so that GFLOP/s can be read as a fraction of
// what this CPU (or this WASM runtime) does. Used by `convlens bench` and the page's convlens.benchmark().
// A measurement, not a test: it checks nothing. Not here: printing, threads (engine_set_threads beforehand).
#pragma once
#include <cstdint>

#include "model.h"

namespace convlens {

struct BenchConfig {
  int batch = 200;     // samples per step
  int steps = 10;      // steps per timed run
  int runs = 5;        // timed runs (after one warm-up run); the median is reported
  uint64_t seed = 42;  // synthetic images and labels
};

struct BenchResult {
  double train_samples_per_sec = 0;  // forward + backward + Adam
  double infer_samples_per_sec = 0;  // forward + softmax
  double train_gflops = 0;           // samples/s times model_flops_per_sample: the model's FLOPs, counted dense
                                     // (Winograd and the sparse conv gradients execute fewer)
  double infer_gflops = 0;
};

// Benchmarks a copy of `model` (its weights are not touched).
BenchResult benchmark_model(const Model& model, const BenchConfig& config);

// GFLOP/s of an n x n x n float GEMM through gemm() (2 n^3 flops; gemm.h: Eigen natively, our SIMD128 GEMM in
// WebAssembly), median of `runs` runs.
double benchmark_gemm_gflops(int n, int runs);

}  // namespace convlens
