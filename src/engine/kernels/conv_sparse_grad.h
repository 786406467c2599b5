// conv_sparse_grad.h: a convolution's weight and input gradients computed from the nonzeros of its output
// gradient only. Behind a 2x2 max-pool a conv layer gets a gradient in one pixel of every pooling window per
// channel (a quarter of dy), and its ReLU zeroes more; the dense implicit GEMMs of layers.cpp multiply all those
// zeros. Here dy is read as lists of its nonzeros, and each nonzero adds one scaled kernel window into the input
// gradient and one scaled input window into the weight gradient: the same sums without their zero terms.
// conv2d_backward (layers.cpp) takes this path when conv2d_prefers_sparse() says so.
//
// Legend as in layers.h; xp: the zero-padded input (Hp, Wp, C) the forward pass keeps, KC = K*C, KKC = K*K*C.
// Results do not depend on the number of threads: images are taken in fixed runs (parallel_runs, threads.h), each
// with its own partial weight gradient, and the partials are added in run order.
#pragma once
#include <cstddef>
#include <cstdint>

#include "scratch.h"
#include "shape.h"
#include "simd_vec.h"

namespace convlens {

// Whether dy (N,Ho,Wo,F), already masked by the layer's ReLU, is sparse enough and the kernel rows (KC floats)
// long enough for conv2d_sparse_grads to beat the dense GEMMs. Looks at the first few images only.
bool conv2d_prefers_sparse(const float* dy, int n, Shape in, int k, Shape out);

uint64_t conv2d_sparse_scratch_floats(int n, Shape in, int k, Shape out);
// The per-thread scratch (scratch.h), the same on every thread: one image's nonzeros, a padded input gradient.
ThreadFloats conv2d_sparse_thread_floats(Shape in, int k, Shape out);
// dw (K,K,C,F) and dx (N,H,W,C) are overwritten; dx may be null. xpad (N,xp): x placed `pad_before` rows and
// columns in, as conv2d_forward left it. scratch: conv2d_sparse_scratch_floats() floats; threads: holds
// conv2d_sparse_thread_floats().
void conv2d_sparse_grads(const float* dy, int n, Shape in, const float* xpad, Shape xp, int pad_before,
                         const float* w, int k, Shape out, float* scratch, ThreadScratch threads, float* dw,
                         float* dx);

// ---- The inner loop, scalar reference and SIMD twin ----------------------------------------------------------
// One nonzero of dy: its value, and where the rows it scales start in src.
struct ScaledRow {
  int32_t offset;
  float scale;
};
// dst[r*dst_stride + x] += rows[j].scale * src[rows[j].offset + r*src_stride + x] for j = 0, 1, ..., count-1 in
// that order, for r < height and x < width.
void add_scaled_rows_scalar(const ScaledRow* rows, int count, const float* src, int src_stride, int height,
                            int width, float* dst, int dst_stride);
// The same with SimdVec (simd_vec.h; built where CONVLENS_SIMD is); a row's last width % kWidth elements as in
// the scalar loop.
void add_scaled_rows_simd(const ScaledRow* rows, int count, const float* src, int src_stride, int height,
                          int width, float* dst, int dst_stride);
// The fastest one built.
inline void add_scaled_rows(const ScaledRow* rows, int count, const float* src, int src_stride, int height,
                            int width, float* dst, int dst_stride) {
  if constexpr (kSimd) add_scaled_rows_simd(rows, count, src, src_stride, height, width, dst, dst_stride);
  else add_scaled_rows_scalar(rows, count, src, src_stride, height, width, dst, dst_stride);
}

}  // namespace convlens
