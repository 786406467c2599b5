// hot_loops.h: the loops outside the GEMM that cost training time — ReLU, bias, bias gradients, max-pooling,
// the patch copies of im2col/col2im and the Adam update. Each comes three times (simd_vec.h): foo_scalar, the
// reference (everywhere); foo_simd, in WebAssembly only (hot_loops_wasm.cpp, SIMD128); and foo, which runs
// foo_simd where it is built (CONVLENS_SIMD == 128) and foo_scalar elsewhere: natively the scalar loops are what
// the compiler vectorises for AVX by itself. tests/engine/test_hot_loops.cpp checks that SIMD and scalar agree.
// The loops run on the calling thread; the layers (layers.cpp) share them out.
//
// Legend as in layers.h: M rows (pixels or samples), F columns (channels or units), C channels.
#pragma once
#include <cstddef>
#include <cstdint>

#include "shape.h"
#include "simd_vec.h"

namespace convlens {

// y = max(0, x) elementwise; NaN passes through (so that divergence reaches the loss). y may be x.
void relu_forward_loop_scalar(const float* x, size_t count, float* y);
void relu_forward_loop_simd(const float* x, size_t count, float* y);
// dx = y > 0 ? dy : 0 (y is the ReLU's output). dx may be dy.
void relu_backward_loop_scalar(const float* dy, const float* y, size_t count, float* dx);
void relu_backward_loop_simd(const float* dy, const float* y, size_t count, float* dx);
// y (M,F) = x (M,F) + b (F), then ReLU if asked. y may be x.
void bias_relu_scalar(const float* x, long m, int f, const float* b, bool relu, float* y);
void bias_relu_simd(const float* x, long m, int f, const float* b, bool relu, float* y);
// sums (F) = the sum of x's M rows (the bias gradient).
void column_sums_scalar(const float* x, long m, int f, float* sums);
void column_sums_simd(const float* x, long m, int f, float* sums);
// Max-pooling, size = stride = p, NHWC: y (N,Ho,Wo,C) and argmax (N,Ho,Wo,C), each maximum's flat index into
// its sample of x; the first maximum wins ties.
void maxpool_forward_loop_scalar(const float* x, int n, Shape in, int p, Shape out, float* y, int32_t* argmax);
void maxpool_forward_loop_simd(const float* x, int n, Shape in, int p, Shape out, float* y, int32_t* argmax);
// dst[i] = src[i] and dst[i] += src[i], for the short runs im2col and col2im move.
void copy_floats_scalar(const float* src, size_t count, float* dst);
void copy_floats_simd(const float* src, size_t count, float* dst);
void add_floats_scalar(const float* src, size_t count, float* dst);
void add_floats_simd(const float* src, size_t count, float* dst);
// Adam: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr_t m / (sqrt(v) + eps).
void adam_update_scalar(float* params, const float* grads, float* m, float* v, size_t count, float lr_t, float b1,
                        float b2, float eps);
void adam_update_simd(float* params, const float* grads, float* m, float* v, size_t count, float lr_t, float b1,
                      float b2, float eps);

// ---- The versions this build runs: SIMD128 in WebAssembly, scalar elsewhere ---------------------------------
#if CONVLENS_SIMD == 128
constexpr bool kSimdHotLoops = true;
#else
constexpr bool kSimdHotLoops = false;
#endif

inline void relu_forward_loop(const float* x, size_t count, float* y) {
  if constexpr (kSimdHotLoops) relu_forward_loop_simd(x, count, y); else relu_forward_loop_scalar(x, count, y);
}
inline void relu_backward_loop(const float* dy, const float* y, size_t count, float* dx) {
  if constexpr (kSimdHotLoops) relu_backward_loop_simd(dy, y, count, dx); else relu_backward_loop_scalar(dy, y, count, dx);
}
inline void bias_relu(const float* x, long m, int f, const float* b, bool relu, float* y) {
  if constexpr (kSimdHotLoops) bias_relu_simd(x, m, f, b, relu, y); else bias_relu_scalar(x, m, f, b, relu, y);
}
inline void column_sums(const float* x, long m, int f, float* sums) {
  if constexpr (kSimdHotLoops) column_sums_simd(x, m, f, sums); else column_sums_scalar(x, m, f, sums);
}
inline void maxpool_forward_loop(const float* x, int n, Shape in, int p, Shape out, float* y, int32_t* argmax) {
  if constexpr (kSimdHotLoops) maxpool_forward_loop_simd(x, n, in, p, out, y, argmax);
  else maxpool_forward_loop_scalar(x, n, in, p, out, y, argmax);
}
inline void copy_floats(const float* src, size_t count, float* dst) {
  if constexpr (kSimdHotLoops) copy_floats_simd(src, count, dst); else copy_floats_scalar(src, count, dst);
}
inline void add_floats(const float* src, size_t count, float* dst) {
  if constexpr (kSimdHotLoops) add_floats_simd(src, count, dst); else add_floats_scalar(src, count, dst);
}
inline void adam_update(float* params, const float* grads, float* m, float* v, size_t count, float lr_t, float b1,
                        float b2, float eps) {
  if constexpr (kSimdHotLoops) adam_update_simd(params, grads, m, v, count, lr_t, b1, b2, eps);
  else adam_update_scalar(params, grads, m, v, count, lr_t, b1, b2, eps);
}

}  // namespace convlens
