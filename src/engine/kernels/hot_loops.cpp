// hot_loops.cpp: the scalar reference of every hot loop (see hot_loops.h); the SIMD128 twins are in
// hot_loops_wasm.cpp and must compute the same operations in the same order.
#include "hot_loops.h"

#include <cmath>

namespace convlens {

void relu_forward_loop_scalar(const float* x, size_t count, float* y) {
  for (size_t i = 0; i < count; ++i) y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

void relu_backward_loop_scalar(const float* dy, const float* y, size_t count, float* dx) {
  for (size_t i = 0; i < count; ++i) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

void bias_relu_scalar(const float* x, long m, int f, const float* b, bool relu, float* y) {
  for (long i = 0; i < m; ++i) {
    const float* xi = x + i * f;
    float* yi = y + i * f;
    for (int j = 0; j < f; ++j) {
      const float v = xi[j] + b[j];
      yi[j] = relu && v < 0.0f ? 0.0f : v;
    }
  }
}

void column_sums_scalar(const float* x, long m, int f, float* sums) {
  for (int j = 0; j < f; ++j) sums[j] = 0.0f;
  for (long i = 0; i < m; ++i)
    for (int j = 0; j < f; ++j) sums[j] += x[i * f + j];
}

namespace {

// One output pixel of a 2x2 max-pool: the window's four pixels at a (two pixels of c channels) and a + row.
// The first maximum wins ties, as in the general loop below; compilers vectorise this over channels.
void maxpool2_pixel(const float* __restrict xi, int32_t a, int32_t row, int c, float* __restrict yo,
                    int32_t* __restrict ao) {
  for (int ch = 0; ch < c; ++ch) {
    float best = xi[a + ch];
    int32_t at = a + ch;
    const int32_t others[3] = {a + c + ch, a + row + ch, a + row + c + ch};
    for (int32_t other : others) {
      const bool bigger = xi[other] > best;
      best = bigger ? xi[other] : best;
      at = bigger ? other : at;
    }
    yo[ch] = best;
    ao[ch] = at;
  }
}

}  // namespace

void maxpool_forward_loop_scalar(const float* x, int n, Shape in, int p, Shape out, float* y, int32_t* argmax) {
  const int c = in.c;
  if (p == 2) {  // the book models' pools: see maxpool2_pixel
    for (int i = 0; i < n; ++i)
      for (int oy = 0; oy < out.h; ++oy)
        for (int ox = 0; ox < out.w; ++ox) {
          const size_t o = ((size_t(i) * out.h + oy) * out.w + ox) * c;
          maxpool2_pixel(x + size_t(i) * in.size(), int32_t((size_t(oy) * 2 * in.w + size_t(ox) * 2) * c),
                         in.w * c, c, y + o, argmax + o);
        }
    return;
  }
  for (int i = 0; i < n; ++i) {
    const float* xi = x + size_t(i) * in.size();
    for (int oy = 0; oy < out.h; ++oy) {
      for (int ox = 0; ox < out.w; ++ox) {
        const size_t o = ((size_t(i) * out.h + oy) * out.w + ox) * c;
        float* yo = y + o;
        int32_t* ao = argmax + o;
        const int32_t first = int32_t((size_t(oy) * p * in.w + size_t(ox) * p) * c);  // index within the sample
        for (int ch = 0; ch < c; ++ch) { yo[ch] = xi[first + ch]; ao[ch] = first + ch; }
        for (int py = 0; py < p; ++py) {
          for (int px = 0; px < p; ++px) {
            const int32_t at = int32_t((size_t(oy * p + py) * in.w + size_t(ox * p + px)) * c);
            for (int ch = 0; ch < c; ++ch) {  // without a branch, so that compilers vectorise it
              const bool bigger = xi[at + ch] > yo[ch];
              yo[ch] = bigger ? xi[at + ch] : yo[ch];
              ao[ch] = bigger ? at + ch : ao[ch];
            }
          }
        }
      }
    }
  }
}

void copy_floats_scalar(const float* src, size_t count, float* dst) {
  for (size_t i = 0; i < count; ++i) dst[i] = src[i];
}

void add_floats_scalar(const float* src, size_t count, float* dst) {
  for (size_t i = 0; i < count; ++i) dst[i] += src[i];
}

void adam_update_scalar(float* params, const float* grads, float* m, float* v, size_t count, float lr_t, float b1,
                        float b2, float eps) {
  const float one_b1 = 1.0f - b1, one_b2 = 1.0f - b2;
  for (size_t i = 0; i < count; ++i) {
    const float g = grads[i];
    m[i] = b1 * m[i] + one_b1 * g;
    v[i] = b2 * v[i] + one_b2 * g * g;
    params[i] -= lr_t * m[i] / (std::sqrt(v[i]) + eps);
  }
}

}  // namespace convlens
