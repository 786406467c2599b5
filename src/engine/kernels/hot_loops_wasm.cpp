// hot_loops_wasm.cpp: SIMD128 versions of the hot loops (see hot_loops.h), four floats per instruction.
// Each does exactly the scalar reference's operations in the same order, lane by lane, so the two agree to the
// bit (tests/engine/test_hot_loops.cpp); rows whose length is not a multiple of 4 finish with scalar code.
// Compiled to nothing outside WebAssembly (CONVLENS_SIMD == 128, simd_vec.h).
#include "hot_loops.h"

#if CONVLENS_SIMD == 128

namespace convlens {
namespace {

const v128_t kZero = wasm_f32x4_splat(0.0f);

// max(0, v) that lets NaN through: lanes where v < 0 become 0.
inline v128_t relu4(v128_t v) { return wasm_v128_andnot(v, wasm_f32x4_lt(v, kZero)); }

}  // namespace

void relu_forward_loop_simd(const float* x, size_t count, float* y) {
  size_t i = 0;
  for (; i + 4 <= count; i += 4) wasm_v128_store(y + i, relu4(wasm_v128_load(x + i)));
  relu_forward_loop_scalar(x + i, count - i, y + i);
}

void relu_backward_loop_simd(const float* dy, const float* y, size_t count, float* dx) {
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    const v128_t alive = wasm_f32x4_gt(wasm_v128_load(y + i), kZero);
    wasm_v128_store(dx + i, wasm_v128_and(wasm_v128_load(dy + i), alive));
  }
  relu_backward_loop_scalar(dy + i, y + i, count - i, dx + i);
}

void bias_relu_simd(const float* x, long m, int f, const float* b, bool relu, float* y) {
  const int f4 = f & ~3;
  for (long i = 0; i < m; ++i) {
    const float* xi = x + i * f;
    float* yi = y + i * f;
    for (int j = 0; j < f4; j += 4) {
      const v128_t v = wasm_f32x4_add(wasm_v128_load(xi + j), wasm_v128_load(b + j));
      wasm_v128_store(yi + j, relu ? relu4(v) : v);
    }
    if (f4 < f) bias_relu_scalar(xi + f4, 1, f - f4, b + f4, relu, yi + f4);  // ld = f, one row
  }
}

void column_sums_simd(const float* x, long m, int f, float* sums) {
  const int f4 = f & ~3;
  for (int j = 0; j < f; ++j) sums[j] = 0.0f;
  for (long i = 0; i < m; ++i) {
    const float* xi = x + i * f;
    for (int j = 0; j < f4; j += 4) wasm_v128_store(sums + j, wasm_f32x4_add(wasm_v128_load(sums + j), wasm_v128_load(xi + j)));
    for (int j = f4; j < f; ++j) sums[j] += xi[j];
  }
}

void maxpool_forward_loop_simd(const float* x, int n, Shape in, int p, Shape out, float* y, int32_t* argmax) {
  const int c = in.c;
  if (c % 4 != 0) return maxpool_forward_loop_scalar(x, n, in, p, out, y, argmax);
  const v128_t lane = wasm_i32x4_make(0, 1, 2, 3);
  for (int i = 0; i < n; ++i) {
    const float* xi = x + size_t(i) * in.size();
    for (int oy = 0; oy < out.h; ++oy) {
      for (int ox = 0; ox < out.w; ++ox) {
        const size_t o = ((size_t(i) * out.h + oy) * out.w + ox) * c;
        const int32_t first = int32_t((size_t(oy) * p * in.w + size_t(ox) * p) * c);
        for (int ch = 0; ch < c; ch += 4) {
          v128_t best = wasm_v128_load(xi + first + ch);
          v128_t where = wasm_i32x4_add(wasm_i32x4_splat(first + ch), lane);
          for (int py = 0; py < p; ++py) {
            for (int px = 0; px < p; ++px) {
              const int32_t at = int32_t((size_t(oy * p + py) * in.w + size_t(ox * p + px)) * c) + ch;
              const v128_t v = wasm_v128_load(xi + at);
              const v128_t bigger = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, bigger);
              where = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(at), lane), where, bigger);
            }
          }
          wasm_v128_store(y + o + ch, best);
          wasm_v128_store(argmax + o + ch, where);
        }
      }
    }
  }
}

void copy_floats_simd(const float* src, size_t count, float* dst) {
  size_t i = 0;
  for (; i + 4 <= count; i += 4) wasm_v128_store(dst + i, wasm_v128_load(src + i));
  for (; i < count; ++i) dst[i] = src[i];
}

void add_floats_simd(const float* src, size_t count, float* dst) {
  size_t i = 0;
  for (; i + 4 <= count; i += 4) wasm_v128_store(dst + i, wasm_f32x4_add(wasm_v128_load(dst + i), wasm_v128_load(src + i)));
  for (; i < count; ++i) dst[i] += src[i];
}

void adam_update_simd(float* params, const float* grads, float* m, float* v, size_t count, float lr_t, float b1,
                      float b2, float eps) {
  const v128_t vb1 = wasm_f32x4_splat(b1), vb2 = wasm_f32x4_splat(b2), vlr = wasm_f32x4_splat(lr_t);
  const v128_t one_b1 = wasm_f32x4_splat(1.0f - b1), one_b2 = wasm_f32x4_splat(1.0f - b2), veps = wasm_f32x4_splat(eps);
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    const v128_t g = wasm_v128_load(grads + i);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(vb1, wasm_v128_load(m + i)), wasm_f32x4_mul(one_b1, g));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(vb2, wasm_v128_load(v + i)), wasm_f32x4_mul(wasm_f32x4_mul(one_b2, g), g));
    const v128_t step = wasm_f32x4_div(wasm_f32x4_mul(vlr, mi), wasm_f32x4_add(wasm_f32x4_sqrt(vi), veps));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    wasm_v128_store(params + i, wasm_f32x4_sub(wasm_v128_load(params + i), step));
  }
  adam_update_scalar(params + i, grads + i, m + i, v + i, count - i, lr_t, b1, b2, eps);
}

}  // namespace convlens
#endif  // CONVLENS_SIMD == 128
