// gradcheck.h: finite-difference gradient checking shared by the layer and model tests.
//
// compare_gradients() perturbs each chosen entry of a buffer by +-eps, evaluates the loss (in double), and
// compares the central difference with the analytic gradient. It reports the worst entry (as llm.c's test
// does), the relative error of the whole vector, and the fraction of entries that agree closely: in a deep
// float32 model a few entries cross a ReLU/max kink within +-eps, while a real bug breaks most of them.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace convlens_test {

struct GradReport {
  double max_abs_diff = 0;  // worst |numeric - analytic|
  double rel_error = 0;     // ||numeric - analytic|| / (||numeric|| + ||analytic||)
  double close = 0;         // fraction of entries within 1e-4 + 1e-2 * max(|numeric|, |analytic|)
  size_t checked = 0;
};

inline GradReport compare_gradients(const std::string& what, float* values, const float* analytic,
                                    const std::vector<size_t>& indices, const std::function<double()>& loss,
                                    float eps = 1e-3f) {
  GradReport r;
  double diff2 = 0, num2 = 0, ana2 = 0;
  for (size_t i : indices) {
    const float saved = values[i];
    values[i] = saved + eps;
    const double up = loss();
    values[i] = saved - eps;
    const double down = loss();
    values[i] = saved;
    const double numeric = (up - down) / (2.0 * double(eps));
    const double d = numeric - double(analytic[i]);
    r.max_abs_diff = std::fmax(r.max_abs_diff, std::fabs(d));
    r.close += std::fabs(d) <= 1e-4 + 1e-2 * std::fmax(std::fabs(numeric), std::fabs(double(analytic[i])));
    diff2 += d * d;
    num2 += numeric * numeric;
    ana2 += double(analytic[i]) * analytic[i];
    ++r.checked;
  }
  r.rel_error = std::sqrt(diff2) / (std::sqrt(num2) + std::sqrt(ana2) + 1e-30);
  r.close /= double(std::max<size_t>(r.checked, 1));
  std::printf("gradcheck %-24s %5zu entries  max |diff| %.2e  relative error %.2e  close %5.1f%%\n", what.c_str(),
              r.checked, r.max_abs_diff, r.rel_error, 100.0 * r.close);
  return r;
}

// All indices 0..n-1, or `count` evenly spread ones when n is large.
inline std::vector<size_t> spread_indices(size_t n, size_t count) {
  std::vector<size_t> idx;
  if (n <= count) {
    for (size_t i = 0; i < n; ++i) idx.push_back(i);
  } else {
    for (size_t k = 0; k < count; ++k) idx.push_back(k * n / count + (k * 7919) % (n / count));
  }
  return idx;
}

}  // namespace convlens_test
