// test_vectors.h: random test data and the worst difference between two results, shared by the kernel tests.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

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

}  // namespace convlens_test
