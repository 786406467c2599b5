// test_conv_winograd.cpp: the F(2x2, 5x5) Winograd forward pass (conv_winograd.h) against im2col + the
// triple-loop GEMM, where conv2d_forward uses it, and that its result does not depend on the number of threads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/conv_winograd.h"
#include "kernels/gemm.h"
#include "kernels/threads.h"
#include "layers.h"
#include "test_vectors.h"

using namespace convlens;
using convlens_test::max_abs_diff;
using convlens_test::random_vector;

namespace {

struct Case {
  Shape in;
  int filters;
  Padding pad;
};

Shape output_of(const Case& tc) {
  return tc.pad == Padding::Same ? Shape{tc.in.h, tc.in.w, tc.filters} : Shape{tc.in.h - 4, tc.in.w - 4, tc.filters};
}

// y of conv2d_forward (with a bias, and a ReLU if asked) and the same from im2col + the triple-loop GEMM.
void forward_both(const Case& tc, int n, std::vector<float>& got, std::vector<float>& want, bool relu = false) {
  const Shape out = output_of(tc);
  const int m = n * out.h * out.w, kkc = 25 * tc.in.c, f = tc.filters;
  const std::vector<float> x = random_vector(n * tc.in.size(), 7), w = random_vector(size_t(kkc) * f, 8);
  const std::vector<float> b = random_vector(f, 9);
  std::vector<float> cols(size_t(m) * kkc), scratch(conv2d_scratch_floats(n, tc.in, 5, out));
  want.assign(size_t(m) * f, 0.0f);
  got.assign(size_t(m) * f, 99.0f);
  im2col(x.data(), n, tc.in, 5, conv2d_pad_before(5, tc.pad), out, cols.data());
  gemm_reference(Op::N, Op::N, m, f, kkc, cols.data(), kkc, w.data(), f, want.data(), f, false);
  for (size_t i = 0; i < want.size(); ++i) {
    want[i] += b[i % f];
    if (relu) want[i] = std::max(want[i], 0.0f);
  }
  convlens_test::TestThreadScratch threads(conv2d_thread_floats(n, tc.in, 5, out));
  conv2d_forward(x.data(), n, tc.in, w.data(), b.data(), 5, tc.pad, relu, out, scratch.data(), threads.view,
                 got.data());
}

}  // namespace

TEST_CASE("conv2d forward by Winograd F(2x2,5x5) agrees with im2col + GEMM, + bias, + ReLU", "[conv_winograd][conv2d]") {
  // The book model's conv2 over several blocks of tiles; odd output sizes (tiles past the edge); 'valid'
  // padding; channels that are not a whole number of SIMD vectors; more than 64 filters.
  const Case cases[] = {{{14, 14, 16}, 36, Padding::Same}, {{7, 5, 8}, 9, Padding::Same},
                        {{9, 8, 8}, 12, Padding::Valid},   {{6, 6, 10}, 5, Padding::Same},
                        {{5, 6, 12}, 70, Padding::Same}};
  for (const Case& tc : cases) {
    INFO("in " << tc.in.h << "x" << tc.in.w << "x" << tc.in.c << " f=" << tc.filters);
    REQUIRE(conv2d_prefers_winograd(5, tc.in));
    for (bool relu : {false, true}) {
      INFO("relu " << relu);
      std::vector<float> got, want;
      forward_both(tc, 3, got, want, relu);
      // The same bound as for the implicit GEMM (test_layers.cpp); measured 2e-5 to 6e-5 here, natively.
      CHECK(max_abs_diff(got, want) < 1e-5 * std::sqrt(25.0 * tc.in.c));
      if (relu) CHECK(std::count(got.begin(), got.end(), 0.0f) > int(got.size()) / 4);  // the ReLU did clip
    }
  }
}

TEST_CASE("conv2d forward uses Winograd for 5x5 kernels on 8+ channels only", "[conv_winograd]") {
  CHECK(conv2d_prefers_winograd(5, Shape{14, 14, 16}));
  CHECK_FALSE(conv2d_prefers_winograd(5, Shape{28, 28, 1}));  // conv1: one channel, GEMMs too thin
  CHECK_FALSE(conv2d_prefers_winograd(3, Shape{14, 14, 16}));
}

TEST_CASE("conv2d forward by Winograd gives the same bits for any number of threads", "[conv_winograd][threads]") {
  const Case tc{{14, 14, 16}, 36, Padding::Same};
  const int saved = engine_threads();
  std::vector<float> one, three, want;
  engine_set_threads(1);
  forward_both(tc, 7, one, want);
  engine_set_threads(3);
  forward_both(tc, 7, three, want);
  engine_set_threads(saved);
  CHECK(one == three);
}
