// test_conv_sparse_grad.cpp: the convolution gradients computed from dy's nonzeros (conv_sparse_grad.h) —
// the inner loop's SIMD twin against its scalar reference, the gradients against im2col + the triple-loop GEMM,
// when conv2d_backward takes that path, and that the result does not depend on the number of threads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/conv_sparse_grad.h"
#include "kernels/gemm.h"
#include "kernels/threads.h"
#include "layers.h"
#include "rng.h"
#include "test_vectors.h"

using namespace convlens;
using convlens_test::max_abs_diff;
using convlens_test::random_vector;
using convlens_test::TestThreadScratch;

namespace {

// dy as a 2x2 max-pool behind a ReLU leaves it: per channel, one pixel of every 2x2 window keeps its value
// (which one varies with the channel and the window), and a third of those are dropped as dead.
std::vector<float> pooled_gradient(int n, Shape out, uint64_t seed) {
  std::vector<float> dy = random_vector(n * out.size(), seed);
  Rng pick(seed + 1);
  for (int i = 0; i < n; ++i)
    for (int y = 0; y < out.h; ++y)
      for (int x = 0; x < out.w; ++x)
        for (int c = 0; c < out.c; ++c) {
          const uint32_t r = pick.next_u32();
          const bool kept = int(r % 4) == (y % 2) * 2 + x % 2 && (r >> 8) % 3 != 0;
          if (!kept) dy[((size_t(i) * out.h + y) * out.w + x) * out.c + c] = 0.0f;
        }
  return dy;
}

struct Case {
  Shape in;
  int k, filters;
  Padding pad;
};

Shape output_of(const Case& tc) {
  return tc.pad == Padding::Same ? Shape{tc.in.h, tc.in.w, tc.filters}
                                 : Shape{tc.in.h - tc.k + 1, tc.in.w - tc.k + 1, tc.filters};
}

}  // namespace

TEST_CASE("add_scaled_rows: the SIMD loop agrees with the scalar reference", "[conv_sparse][simd]") {
#ifndef CONVLENS_SIMD
  SUCCEED("no SIMD vector type in this build");
#else
  // Widths: whole vectors in one block and in two blocks, vectors plus a scalar tail, a tail only.
  const int widths[] = {80, 100, 35, 5, SimdVec::kWidth}, counts[] = {0, 1, 9, 40}, height = 5;
  const std::vector<float> src = random_vector(size_t(height + 40) * 3 * 100, 11);  // rows of up to 3 * width
  for (int width : widths) {
    for (int count : counts) {
      INFO("width " << width << " count " << count);
      const int src_stride = 3 * width, dst_stride = width + 7;
      std::vector<ScaledRow> rows(count);
      Rng rng(12);
      for (ScaledRow& r : rows) r = ScaledRow{int32_t(rng.next_u32() % 40) * src_stride / 3, rng.uniform(-2, 2)};
      std::vector<float> scalar = random_vector(size_t(dst_stride) * height, 13), simd = scalar;
      add_scaled_rows_scalar(rows.data(), count, src.data(), src_stride, height, width, scalar.data(), dst_stride);
      add_scaled_rows_simd(rows.data(), count, src.data(), src_stride, height, width, simd.data(), dst_stride);
#if CONVLENS_SIMD == 128
      CHECK(simd == scalar);  // the same multiplies and adds in the same order
#else
      CHECK(max_abs_diff(simd, scalar) < 1e-5);  // fused multiply-adds round once
#endif
    }
  }
#endif
}

TEST_CASE("conv2d_sparse_grads agrees with im2col + GEMM on a max-pooled dy", "[conv_sparse][conv2d]") {
  // The book model's conv2; an even kernel; 'valid' padding; kernel rows with a scalar tail (K*C = 35); more
  // than 64 filters (the nonzeros are found 64 filters at a time); a batch over several runs of images.
  const Case cases[] = {{{14, 14, 16}, 5, 36, Padding::Same}, {{5, 6, 12}, 4, 10, Padding::Same},
                        {{6, 7, 8}, 5, 9, Padding::Valid},    {{6, 5, 7}, 5, 4, Padding::Same},
                        {{5, 5, 8}, 5, 70, Padding::Same},    {{3, 3, 1}, 3, 2, Padding::Same}};
  for (const Case& tc : cases) {
    const int n = tc.in.h == 14 ? 3 : 19, k = tc.k, f = tc.filters;
    const Shape out = output_of(tc);
    INFO("in " << tc.in.h << "x" << tc.in.w << "x" << tc.in.c << " k=" << k << " f=" << f);
    const int m = n * out.h * out.w, kkc = k * k * tc.in.c;
    const std::vector<float> x = random_vector(n * tc.in.size(), 7), w = random_vector(size_t(kkc) * f, 8);
    const std::vector<float> b(f, 0.0f), dy = pooled_gradient(n, out, 9);
    std::vector<float> cols(size_t(m) * kkc), want_dw(w.size()), dcols(cols.size()), want_dx(x.size());
    im2col(x.data(), n, tc.in, k, conv2d_pad_before(k, tc.pad), out, cols.data());
    gemm_reference(Op::T, Op::N, kkc, f, m, cols.data(), kkc, dy.data(), f, want_dw.data(), f, false);
    gemm_reference(Op::N, Op::T, m, kkc, f, dy.data(), f, w.data(), f, dcols.data(), kkc, false);
    col2im(dcols.data(), n, tc.in, k, conv2d_pad_before(k, tc.pad), out, want_dx.data());

    std::vector<float> scratch(conv2d_scratch_floats(n, tc.in, k, out)), y(size_t(m) * f);
    TestThreadScratch threads(conv2d_thread_floats(n, tc.in, k, out));
    conv2d_forward(x.data(), n, tc.in, w.data(), b.data(), k, tc.pad, false, out, scratch.data(), threads.view,
                   y.data());
    const Shape xp{out.h + k - 1, out.w + k - 1, tc.in.c};  // the padded input the forward pass left in scratch
    std::vector<float> sparse_scratch(conv2d_sparse_scratch_floats(n, tc.in, k, out));
    std::vector<float> dw(w.size(), 99.0f), dx(x.size(), 99.0f), dw_only(w.size(), 99.0f);
    conv2d_sparse_grads(dy.data(), n, tc.in, scratch.data(), xp, conv2d_pad_before(k, tc.pad), w.data(), k, out,
                        sparse_scratch.data(), threads.view, dw.data(), dx.data());
    CHECK(max_abs_diff(dw, want_dw) < 1e-5 * std::sqrt(double(m)));
    CHECK(max_abs_diff(dx, want_dx) < 1e-5 * std::sqrt(double(k * k * f)));
    conv2d_sparse_grads(dy.data(), n, tc.in, scratch.data(), xp, conv2d_pad_before(k, tc.pad), w.data(), k, out,
                        sparse_scratch.data(), threads.view, dw_only.data(), nullptr);  // the first layer: no dx
    CHECK(dw_only == dw);
  }
}

TEST_CASE("conv2d_backward takes the sparse path for a max-pooled dy and long kernel rows only", "[conv_sparse]") {
  const Shape in{14, 14, 16}, out{14, 14, 36};
  const std::vector<float> pooled = pooled_gradient(4, out, 3), dense = random_vector(4 * out.size(), 4);
  CHECK(conv2d_prefers_sparse(pooled.data(), 4, in, 5, out));
  CHECK_FALSE(conv2d_prefers_sparse(dense.data(), 4, in, 5, out));
  const Shape first_in{28, 28, 1}, first_out{28, 28, 16};  // conv1: kernel rows of 5 floats stay dense
  const std::vector<float> pooled_first = pooled_gradient(4, first_out, 5);
  CHECK_FALSE(conv2d_prefers_sparse(pooled_first.data(), 4, first_in, 5, first_out));

  // Through conv2d_backward, with its ReLU: the same gradients as the dense GEMMs on the masked dy.
  const int n = 10, kkc = 5 * 5 * 16, m = n * 14 * 14;
  const std::vector<float> x = random_vector(n * in.size(), 1), w = random_vector(size_t(kkc) * 36, 2, -0.2f, 0.2f);
  const std::vector<float> b = random_vector(36, 3, -0.1f, 0.1f);
  std::vector<float> scratch(conv2d_scratch_floats(n, in, 5, out)), y(size_t(m) * 36);
  TestThreadScratch threads(conv2d_thread_floats(n, in, 5, out));
  conv2d_forward(x.data(), n, in, w.data(), b.data(), 5, Padding::Same, true, out, scratch.data(), threads.view,
                 y.data());
  std::vector<float> dy = pooled_gradient(n, out, 6), masked = dy;
  for (size_t i = 0; i < masked.size(); ++i)
    if (y[i] <= 0.0f) masked[i] = 0.0f;
  std::vector<float> cols(size_t(m) * kkc), want_dw(w.size()), dcols(cols.size()), want_dx(x.size());
  im2col(x.data(), n, in, 5, conv2d_pad_before(5, Padding::Same), out, cols.data());
  gemm_reference(Op::T, Op::N, kkc, 36, m, cols.data(), kkc, masked.data(), 36, want_dw.data(), 36, false);
  gemm_reference(Op::N, Op::T, m, kkc, 36, masked.data(), 36, w.data(), 36, dcols.data(), kkc, false);
  col2im(dcols.data(), n, in, 5, conv2d_pad_before(5, Padding::Same), out, want_dx.data());
  std::vector<float> dw(w.size()), db(36), dx(x.size());
  conv2d_backward(dy.data(), y.data(), n, in, w.data(), 5, Padding::Same, true, out, scratch.data(), threads.view,
                  dw.data(), db.data(), dx.data());
  CHECK(dy == masked);  // the ReLU mask, in place
  CHECK(max_abs_diff(dw, want_dw) < 1e-5 * std::sqrt(double(m)));
  CHECK(max_abs_diff(dx, want_dx) < 1e-5 * std::sqrt(double(kkc)));
}

TEST_CASE("conv2d_sparse_grads gives the same bits for any number of threads", "[conv_sparse][threads]") {
  const Shape in{14, 14, 16}, out{14, 14, 36};
  const int n = 37, k = 5;  // several runs of images, the last one short
  const std::vector<float> x = random_vector(n * in.size(), 1), w = random_vector(size_t(k) * k * 16 * 36, 2);
  const std::vector<float> b(36, 0.0f), dy = pooled_gradient(n, out, 3);
  std::vector<float> scratch(conv2d_scratch_floats(n, in, k, out)), y(n * out.size());
  TestThreadScratch threads(conv2d_thread_floats(n, in, k, out));  // for 3 threads and more
  conv2d_forward(x.data(), n, in, w.data(), b.data(), k, Padding::Same, false, out, scratch.data(), threads.view,
                 y.data());
  const Shape xp{18, 18, 16};
  std::vector<float> sparse_scratch(conv2d_sparse_scratch_floats(n, in, k, out));
  std::vector<float> dw1(w.size()), dx1(x.size()), dw3(w.size()), dx3(x.size());
  const int saved = engine_threads();
  engine_set_threads(1);
  conv2d_sparse_grads(dy.data(), n, in, scratch.data(), xp, 2, w.data(), k, out, sparse_scratch.data(), threads.view,
                      dw1.data(), dx1.data());
  engine_set_threads(3);
  conv2d_sparse_grads(dy.data(), n, in, scratch.data(), xp, 2, w.data(), k, out, sparse_scratch.data(), threads.view,
                      dw3.data(), dx3.data());
  engine_set_threads(saved);
  CHECK(dw1 == dw3);
  CHECK(dx1 == dx3);
}
