// test_vectors.h: random test data, the worst difference between two results and a dot product, shared by the
// kernel tests.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "aligned_buffer.h"
#include "kernels/scratch.h"
#include "kernels/threads.h"
#include "rng.h"

namespace convlens_test {

// n floats drawn uniformly from [lo, hi) by the engine's generator seeded with `seed`.
inline std::vector<float> random_vector(size_t n, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
  convlens::Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = rng.uniform(lo, hi);
  return v;
}

// max |got[i] - want[i]| over both vectors (same size).
inline double max_abs_diff(const std::vector<float>& got, const std::vector<float>& want) {
  double e = 0;
  for (size_t i = 0; i < got.size(); ++i) e = std::max(e, std::fabs(double(got[i]) - want[i]));
  return e;
}

// sum of a[i] * b[i] (same size), in double.
inline double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i];
  return s;
}

// Per-thread scratch for calling a layer or a kernel directly (a Workspace holds it for the model's passes):
// what `need` says, for the engine's threads or 4, whichever is more (the tests run on 1 and 3 threads).
struct TestThreadScratch {
  convlens::FloatBuffer data;
  convlens::ThreadScratch view;

  explicit TestThreadScratch(convlens::ThreadFloats need) {
    using convlens::scratch_floats;
    const convlens::ThreadFloats floats{scratch_floats<float>(need.caller), scratch_floats<float>(need.worker)};
    const int threads = std::max(4, convlens::engine_threads());
    data.resize(size_t(convlens::thread_scratch_floats(floats, threads)));
    view = convlens::ThreadScratch{data.data(), floats, threads};
  }
  TestThreadScratch(const TestThreadScratch&) = delete;  // view points into data
  TestThreadScratch& operator=(const TestThreadScratch&) = delete;
};

}  // namespace convlens_test
