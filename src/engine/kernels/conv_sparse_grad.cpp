// conv_sparse_grad.cpp: convolution gradients from the nonzeros of dy (see conv_sparse_grad.h).
#include "conv_sparse_grad.h"

#include <algorithm>
#include <cassert>
#include <cstdint>

#include "hot_loops.h"
#include "threads.h"

namespace convlens {

namespace {

constexpr int kImagesPerRun = 8;       // images per partial weight gradient
constexpr double kSparseBelow = 0.35;  // largest share of nonzeros in dy for which the sparse path pays
constexpr int kSampleImages = 4;       // images of dy conv2d_prefers_sparse looks at

#ifdef CONVLENS_SIMD
constexpr int kMinRowFloats = 4 * SimdVec::kWidth;  // shorter kernel rows leave SIMD lanes idle: stay dense
#else
constexpr int kMinRowFloats = 16;
#endif

// Bit i set where v[i] != 0 (or NaN), i < count <= 64.
uint64_t nonzero_bits(const float* v, int count) {
  uint64_t bits = 0;
  int i = 0;
#ifdef CONVLENS_SIMD
  for (; i + SimdVec::kWidth <= count; i += SimdVec::kWidth) bits |= uint64_t(SimdVec::nonzero_bits(v + i)) << i;
#endif
  for (; i < count; ++i) bits |= uint64_t(v[i] != 0.0f) << i;
  return bits;
}

}  // namespace

bool conv2d_prefers_sparse(const float* dy, int n, Shape in, int k, Shape out) {
  if (k * in.c < kMinRowFloats) return false;
  const size_t count = size_t(std::min(n, kSampleImages)) * out.size();
  size_t nonzero = 0;
  for (size_t i = 0; i < count; ++i) nonzero += dy[i] != 0.0f;
  return count > 0 && double(nonzero) < kSparseBelow * double(count);
}

uint64_t conv2d_sparse_scratch_floats(int n, Shape in, int k, Shape out) {
  return uint64_t(1 + run_count(size_t(n), kImagesPerRun)) * out.c * k * k * in.c;  // the kernel by filter + one weight gradient per run
}

namespace {

// One run's buffers in a thread's slice: the nonzeros of one image grouped two ways, where each pixel's nonzeros
// end and how many each filter has, and a padded input gradient.
struct RunBuffers {
  ScaledRow* by_pixel;   // (Ho*Wo*F) at most
  ScaledRow* by_filter;  // (F, Ho*Wo)
  int* pixel_end;       // (Ho*Wo)
  int* filter_count;    // (F)
  float* dx_padded;     // (xp): 64-byte aligned, like xpad: no load splits a cache line
};

// The floats of RunBuffers for these shapes; with a slice, also carves them out of it.
uint64_t run_buffers(Shape in, int k, Shape out, float* slice, RunBuffers* into) {
  const uint64_t pixels = uint64_t(out.h) * out.w, f = uint64_t(out.c);
  const uint64_t xp = uint64_t(out.h + k - 1) * (out.w + k - 1) * in.c;
  const uint64_t floats = 2 * scratch_floats<ScaledRow>(pixels * f) + scratch_floats<int>(pixels) +
                          scratch_floats<int>(f) + scratch_floats<float>(xp);
  if (into) {
    into->by_pixel = scratch_take<ScaledRow>(slice, pixels * f);
    into->by_filter = scratch_take<ScaledRow>(slice, pixels * f);
    into->pixel_end = scratch_take<int>(slice, pixels);
    into->filter_count = scratch_take<int>(slice, f);
    into->dx_padded = scratch_take<float>(slice, xp);
  }
  return floats;
}

}  // namespace

ThreadFloats conv2d_sparse_thread_floats(Shape in, int k, Shape out) {
  const uint64_t run = run_buffers(in, k, out, nullptr, nullptr);  // every thread, the caller too, takes runs
  return ThreadFloats{run, run};
}

void conv2d_sparse_grads(const float* dy, int n, Shape in, const float* xpad, Shape xp, int pad_before,
                         const float* w, int k, Shape out, float* scratch, ThreadScratch threads, float* dw,
                         float* dx) {
  const int f = out.c, kc = k * in.c, kkc = k * kc, pixels = out.h * out.w, row = xp.w * in.c;
  assert(xp.h == out.h + k - 1 && xp.w == out.w + k - 1 && xp.c == in.c);  // every window inside xpad
  assert(pad_before >= 0 && pad_before + in.h <= xp.h && pad_before + in.w <= xp.w);
  assert(threads.holds(conv2d_sparse_thread_floats(in, k, out)));
  float* filters = scratch;                     // (F, K, KC): w with each filter's K*K*C taps contiguous
  float* partials = scratch + size_t(f) * kkc;  // (runs, F, K, KC)
  for (int t = 0; t < kkc; ++t)
    for (int o = 0; o < f; ++o) filters[size_t(o) * kkc + t] = w[size_t(t) * f + o];

  // Images in fixed runs of kImagesPerRun (threads.h), each run into its own partial weight gradient.
  parallel_runs(size_t(n), kImagesPerRun, [&](int r, size_t first_image, size_t images) {
    RunBuffers buf;  // in this thread's slice
    run_buffers(in, k, out, threads.mine(), &buf);
    ScaledRow* by_pixel = buf.by_pixel;
    ScaledRow* by_filter = buf.by_filter;
    int* pixel_end = buf.pixel_end;
    int* filter_count = buf.filter_count;
    float* dx_padded = buf.dx_padded;
    float* dw_run = partials + size_t(r) * f * kkc;
    std::fill(dw_run, dw_run + size_t(f) * kkc, 0.0f);
    for (int i = int(first_image); i < int(first_image + images); ++i) {
      // The nonzeros of dy, by output pixel (each scales filter o: offset into `filters`) and by filter (each
      // scales the window of pixel p: offset of its corner into the image's xpad).
      const float* dyi = dy + size_t(i) * out.size();
      const float* xi = xpad + size_t(i) * xp.size();
      std::fill(filter_count, filter_count + f, 0);
      int count = 0;
      for (int p = 0; p < pixels; ++p) {
        const int corner = ((p / out.w) * xp.w + p % out.w) * in.c;
        const float* g = dyi + size_t(p) * f;
        for (int first = 0; first < f; first += 64) {  // a bit per nonzero, then the set bits only
          const uint64_t live_bits = nonzero_bits(g + first, std::min(64, f - first));
          for (uint64_t live = live_bits; live != 0; live &= live - 1) {
            const int o = first + __builtin_ctzll(live);
            by_pixel[count++] = ScaledRow{o * kkc, g[o]};
            by_filter[size_t(o) * pixels + filter_count[o]++] = ScaledRow{corner, g[o]};
          }
        }
        pixel_end[p] = count;
      }
      // dW (F, K, KC) += the windows of x scaled by dy, filter by filter; kernel row ky of a window is KC
      // contiguous floats of xpad row (corner row + ky).
      for (int o = 0; o < f; ++o)
        add_scaled_rows(by_filter + size_t(o) * pixels, filter_count[o], xi, row, k, kc,
                        dw_run + size_t(o) * kkc, kc);
      if (!dx) continue;
      // dx (padded) += the filters scaled by dy, added onto each output pixel's window; then cropped.
      std::fill(dx_padded, dx_padded + xp.size(), 0.0f);
      for (int p = 0, start = 0; p < pixels; start = pixel_end[p++]) {
        if (pixel_end[p] == start) continue;
        const int corner = ((p / out.w) * xp.w + p % out.w) * in.c;
        add_scaled_rows(by_pixel + start, pixel_end[p] - start, filters, kc, k, kc,
                        dx_padded + corner, row);
      }
      float* dxi = dx + size_t(i) * in.size();
      for (int y = 0; y < in.h; ++y)
        copy_floats(dx_padded + (size_t(y + pad_before) * xp.w + pad_before) * in.c,
                    size_t(in.w) * in.c, dxi + size_t(y) * in.w * in.c);
    }
  });

  // dw (KKC, F) = the runs' partials added in run order (into the first), then transposed.
  const int runs = run_count(size_t(n), kImagesPerRun);
  const size_t per_run = size_t(f) * kkc;
  parallel_for(f, 1, [&](int first, int last) {
    for (int o = first; o < last; ++o) {
      float* sum = partials + size_t(o) * kkc;
      for (int r = 1; r < runs; ++r) add_floats(partials + r * per_run + size_t(o) * kkc, kkc, sum);
      for (int t = 0; t < kkc; ++t) dw[size_t(t) * f + o] = sum[t];
    }
  });
}

// ---- add_scaled_rows ---------------------------------------------------------------------------------------

void add_scaled_rows_scalar(const ScaledRow* rows, int count, const float* src, int src_stride, int height,
                            int width, float* dst, int dst_stride) {
  for (int r = 0; r < height; ++r)
    for (int x = 0; x < width; ++x) {
      float sum = dst[r * dst_stride + x];
      for (int j = 0; j < count; ++j) sum += rows[j].scale * src[rows[j].offset + r * src_stride + x];
      dst[r * dst_stride + x] = sum;
    }
}

#ifdef CONVLENS_SIMD
namespace {

// dst[0, Nv*W) += rows[j].scale * src[rows[j].offset + (0, Nv*W)] for j = 0, 1, ..., in Nv vector registers.
template <int Nv>
void add_scaled_block(const ScaledRow* rows, int count, const float* src, float* dst) {
  using V = SimdVec::V;
  constexpr int W = SimdVec::kWidth;
  V acc[Nv];  // (the unroll pragmas keep GCC from putting acc on the stack)
#pragma GCC unroll 16
  for (int v = 0; v < Nv; ++v) acc[v] = SimdVec::load(dst + W * v);
  for (int j = 0; j < count; ++j) {
    const V g = SimdVec::broadcast(&rows[j].scale);
    const float* s = src + rows[j].offset;
#pragma GCC unroll 16
    for (int v = 0; v < Nv; ++v) acc[v] = SimdVec::madd(g, SimdVec::load(s + W * v), acc[v]);
  }
#pragma GCC unroll 16
  for (int v = 0; v < Nv; ++v) SimdVec::store(dst + W * v, acc[v]);
}

using BlockFn = void (*)(const ScaledRow*, int, const float*, float*);
constexpr int kMaxBlockVectors = 10;  // accumulators, plus a scale and a load, fit 16 vector registers
constexpr BlockFn kBlocks[kMaxBlockVectors + 1] = {
    nullptr,
    add_scaled_block<1>,
    add_scaled_block<2>,
    add_scaled_block<3>,
    add_scaled_block<4>,
    add_scaled_block<5>,
    add_scaled_block<6>,
    add_scaled_block<7>,
    add_scaled_block<8>,
    add_scaled_block<9>,
    add_scaled_block<10>};

}  // namespace

void add_scaled_rows_simd(const ScaledRow* rows, int count, const float* src, int src_stride, int height,
                          int width, float* dst, int dst_stride) {
  constexpr int W = SimdVec::kWidth;
  const int vectors = width / W, tail = vectors * W;
  const int blocks = (vectors + kMaxBlockVectors - 1) / kMaxBlockVectors;  // of nearly equal size
  for (int r = 0; r < height; ++r) {
    const float* s = src + r * src_stride;
    float* d = dst + r * dst_stride;
    for (int b = 0, done = 0; b < blocks; ++b) {
      const int nv = (vectors - done + (blocks - b) - 1) / (blocks - b);
      kBlocks[nv](rows, count, s + done * W, d + done * W);
      done += nv;
    }
    for (int x = tail; x < width; ++x) {  // as in the scalar loop
      float sum = d[x];
      for (int j = 0; j < count; ++j) sum += rows[j].scale * s[rows[j].offset + x];
      d[x] = sum;
    }
  }
}
#endif

}  // namespace convlens
