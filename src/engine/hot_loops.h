// hot_loops.h: the loops outside the GEMM that cost training time — ReLU, bias, bias gradients, max-pooling,
// the patch copies of im2col/col2im and the Adam update. Each comes twice: a scalar reference (everywhere)
// and, in WebAssembly, a SIMD128 version (hot_loops_wasm.cpp). The plain name runs the fastest one built;
// tests/engine/test_hot_loops.cpp checks that SIMD and scalar agree. Natively the scalar loops are what the
// compiler vectorises for AVX by itself.
//
// Legend as in layers.h: M rows (pixels or samples), F columns (channels or units), C channels.
#pragma once
#include <cstddef>
#include <cstdint>

#include "shape.h"

namespace convlens {

// y = max(0, x) elementwise; NaN passes through (so that divergence reaches the loss). y may be x.
void relu_forward_scalar(const float* x, size_t count, float* y);
// dx = y > 0 ? dy : 0 (y is the ReLU's output). dx may be dy.
void relu_backward_scalar(const float* dy, const float* y, size_t count, float* dx);
// y (M,F) = x (M,F) + b (F), then ReLU if asked. y may be x.
void bias_relu_scalar(const float* x, long m, int f, const float* b, bool relu, float* y);
// sums (F) = the sum of x's M rows (the bias gradient).
void column_sums_scalar(const float* x, long m, int f, float* sums);
// Max-pooling, size = stride = p, NHWC: y (N,Ho,Wo,C) and argmax (N,Ho,Wo,C), each maximum's flat index into
// its sample of x; the first maximum wins ties.
void maxpool_forward_scalar(const float* x, int n, Shape in, int p, Shape out, float* y, int32_t* argmax);
// dst[i] = src[i] and dst[i] += src[i], for the short runs im2col and col2im move.
void copy_floats_scalar(const float* src, size_t count, float* dst);
void add_floats_scalar(const float* src, size_t count, float* dst);
// Adam: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr_t m / (sqrt(v) + eps).
void adam_update_scalar(float* params, const float* grads, float* m, float* v, size_t count, float lr_t, float b1,
                        float b2, float eps);

#ifdef __wasm_simd128__
void relu_forward_simd(const float* x, size_t count, float* y);
void relu_backward_simd(const float* dy, const float* y, size_t count, float* dx);
void bias_relu_simd(const float* x, long m, int f, const float* b, bool relu, float* y);
void column_sums_simd(const float* x, long m, int f, float* sums);
void maxpool_forward_simd(const float* x, int n, Shape in, int p, Shape out, float* y, int32_t* argmax);
void copy_floats_simd(const float* src, size_t count, float* dst);
void add_floats_simd(const float* src, size_t count, float* dst);
void adam_update_simd(float* params, const float* grads, float* m, float* v, size_t count, float lr_t, float b1,
                      float b2, float eps);
#define CONVLENS_FASTEST(name) name##_simd
#else
#define CONVLENS_FASTEST(name) name##_scalar
#endif

// The fastest version built for this target; layers.cpp calls CONVLENS_FASTEST(relu_forward) etc. itself.
inline void bias_relu(const float* x, long m, int f, const float* b, bool relu, float* y) {
  CONVLENS_FASTEST(bias_relu)(x, m, f, b, relu, y);
}
inline void column_sums(const float* x, long m, int f, float* sums) { CONVLENS_FASTEST(column_sums)(x, m, f, sums); }
inline void copy_floats(const float* src, size_t count, float* dst) { CONVLENS_FASTEST(copy_floats)(src, count, dst); }
inline void add_floats(const float* src, size_t count, float* dst) { CONVLENS_FASTEST(add_floats)(src, count, dst); }
inline void adam_update(float* params, const float* grads, float* m, float* v, size_t count, float lr_t, float b1,
                        float b2, float eps) {
  CONVLENS_FASTEST(adam_update)(params, grads, m, v, count, lr_t, b1, b2, eps);
}

}  // namespace convlens
