// layers.cpp: forward/backward kernels of every layer (declarations and legend in layers.h).
// Convolution and dense layers are GEMMs (gemm.h; convolutions without im2col, see "Conv2D as implicit GEMMs");
// the rest are plain loops over NHWC buffers.
#include "layers.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>

#include "eigen_maps.h"
#include "kernels/conv_sparse_grad.h"
#include "kernels/conv_winograd.h"
#include "kernels/gemm.h"
#include "kernels/hot_loops.h"
#include "kernels/threads.h"

namespace convlens {

// ---- Conv2D ------------------------------------------------------------------------------------------------

int conv2d_pad_before(int k, Padding pad) { return pad == Padding::Same ? (k - 1) / 2 : 0; }


namespace {

// Elementwise loops are shared out over the engine's threads (threads.h) in runs of at least this many floats;
// shorter loops stay on the calling thread.
constexpr size_t kFloatsPerShare = 32768;
// Layers that make their output in two steps (a GEMM, then bias and ReLU) go in chunks of about this many floats.
constexpr size_t kFloatsPerChunk = 65536;

// Calls fn(first, count) on runs of [0, total) in parallel.
template <class Fn>
void parallel_floats(size_t total, Fn&& fn) {
  parallel_runs(total, kFloatsPerShare, [&](int, size_t first, size_t count) { fn(first, count); });
}

// Rows of `width` floats per run of parallel_runs.
size_t rows_per_run(int width) { return std::max<size_t>(1, kFloatsPerShare / size_t(std::max(1, width))); }

// Calls fn(first, count) on runs of [0, rows) in parallel, for rows of `width` floats.
template <class Fn>
void parallel_rows(long rows, int width, Fn&& fn) {
  parallel_runs(size_t(rows), rows_per_run(width),
                [&](int, size_t first, size_t count) { fn(long(first), long(count)); });
}

// The floats of relu_and_bias_gradient's partial sums (runs, F), in the calling thread's scratch.
uint64_t bias_partials_floats(uint64_t m, int f) { return uint64_t(run_count(m, rows_per_run(f))) * uint64_t(f); }

// Given relu_y (the ReLU's output, M,F), first dy = relu_y > 0 ? dy : 0 in place. Then dB (F) = the column sums
// of dy (M,F): runs of rows summed in parallel, then added in order, so the result is the same for any number of
// threads. Each run is summed right after its ReLU mask, while it is still in cache. The partial sums take the
// front of the calling thread's slice of `threads` (bias_partials_floats()).
void relu_and_bias_gradient(float* dy, const float* relu_y, long m, int f, ThreadScratch threads, float* db) {
  const size_t run_length = rows_per_run(f);
  const int runs = run_count(size_t(m), run_length);
  assert(threads.floats.caller >= bias_partials_floats(uint64_t(m), f));
  float* partial = threads.mine();  // (runs, F); by pointer: in the workers mine() would be their own
  parallel_runs(size_t(m), run_length, [&](int r, size_t first, size_t rows) {
    float* run = dy + first * f;
    if (relu_y) relu_backward_loop(run, relu_y + first * f, rows * f, run);
    column_sums(run, long(rows), f, partial + size_t(r) * f);
  });
  std::fill(db, db + f, 0.0f);
  for (int r = 0; r < runs; ++r)
    for (int j = 0; j < f; ++j) db[j] += partial[size_t(r) * f + j];
}

}  // namespace

// Convolutions run as implicit GEMMs (gemm_gather): the patch matrix (M,KKC) that im2col would build is read
// straight from a zero-padded copy of the input, through two tables of offsets: one per output pixel (where its
// window starts) and one per kernel tap (where the tap lies in a window). The padded copy is ~K*K times smaller
// than the patch matrix, so it stays in cache.
namespace {

// Input padded so that every window lies inside: (out.h + K-1, out.w + K-1, C), x placed `pad_before` in.
Shape padded_input(Shape in, int k, Shape out) { return Shape{out.h + k - 1, out.w + k - 1, in.c}; }
// dy padded for the input gradient: (H + K-1, W + K-1, F), dy placed K-1-pad_before in (see conv2d_backward).
Shape padded_output_grad(Shape in, int k, Shape out) { return Shape{in.h + k - 1, in.w + k - 1, out.c}; }

// images (N, from) -> padded (N, to): zero, with each image copied `top` rows and `left` columns in.
void pad_images(const float* images, int n, Shape from, int top, int left, Shape to, float* padded) {
  parallel_rows(n, int(to.size()), [&](long first, long count) {
    for (long i = first; i < first + count; ++i) {
      const float* src = images + size_t(i) * from.size();
      float* dst = padded + size_t(i) * to.size();
      std::fill(dst, dst + to.size(), 0.0f);
      for (int y = 0; y < from.h; ++y)
        copy_floats(src + size_t(y) * from.w * from.c, size_t(from.w) * from.c,
                    dst + (size_t(top + y) * to.w + left) * to.c);
    }
  });
}

// The layer's scratch (conv2d_scratch_floats): the padded input x kept for the backward pass, then room for the
// dense, sparse or Winograd path's own, then the two tables of offsets of the implicit GEMMs.
struct ConvScratch {
  float* xpad;                   // (N, padded_input)
  float* rest;                   // the backward pass's padded dy and turned kernel; or the sparse or Winograd kernel's
  std::ptrdiff_t* window_table;  // N * max(Ho*Wo, H*W): row offsets (window_offsets)
  std::ptrdiff_t* tap_table;     // max(K*K*C, K*K*F): column offsets (tap_offsets)
};

// The floats of ConvScratch for these shapes; with `scratch`, also where its parts start.
uint64_t conv_scratch_layout(int n, Shape in, int k, Shape out, float* scratch, ConvScratch* into) {
  const uint64_t xpad = uint64_t(n) * padded_input(in, k, out).size64();
  const uint64_t dense = uint64_t(n) * padded_output_grad(in, k, out).size64() + uint64_t(k) * k * in.c * out.c;
  const uint64_t rest =
      std::max({dense, conv2d_sparse_scratch_floats(n, in, k, out), conv2d_winograd_scratch_floats(in, out)});
  const uint64_t windows = uint64_t(n) * std::max(uint64_t(out.h) * out.w, uint64_t(in.h) * in.w);
  const uint64_t taps = uint64_t(k) * k * std::max(in.c, out.c);
  if (into) {
    into->xpad = scratch;
    into->rest = scratch + xpad;
    float* tables = scratch + scratch_floats<float>(xpad + rest);  // 64-byte aligned again
    into->window_table = scratch_take<std::ptrdiff_t>(tables, windows);
    into->tap_table = scratch_take<std::ptrdiff_t>(tables, taps);
  }
  return scratch_floats<float>(xpad + rest) + scratch_floats<std::ptrdiff_t>(windows) +
         scratch_floats<std::ptrdiff_t>(taps);
}

ConvScratch conv_scratch(int n, Shape in, int k, Shape out, float* scratch) {
  ConvScratch parts;
  conv_scratch_layout(n, in, k, out, scratch, &parts);
  return parts;
}

// Offsets into padded images (N, padded) of the top-left corner of every window, window (i, oy, ox) for
// oy < rows, ox < cols, in that order, into `table`: the row offsets of the patch matrix.
const std::ptrdiff_t* window_offsets(int n, Shape padded, int rows, int cols, std::ptrdiff_t* table) {
  std::ptrdiff_t* t = table;
  for (int i = 0; i < n; ++i)
    for (int oy = 0; oy < rows; ++oy)
      for (int ox = 0; ox < cols; ++ox)
        *t++ = std::ptrdiff_t(i) * padded.size() + (std::ptrdiff_t(oy) * padded.w + ox) * padded.c;
  return table;
}

// Offsets of a window's K*K*C taps from its corner, tap (ky, kx, c) in that order, into `table`: the column
// offsets.
const std::ptrdiff_t* tap_offsets(Shape padded, int k, std::ptrdiff_t* table) {
  std::ptrdiff_t* t = table;
  for (int ky = 0; ky < k; ++ky)
    for (int kx = 0; kx < k; ++kx)
      for (int c = 0; c < padded.c; ++c) *t++ = (std::ptrdiff_t(ky) * padded.w + kx) * padded.c + c;
  return table;
}

// w (K,K,C,F) -> turned (K,K,F,C): the kernel rotated 180 degrees, input and output channels swapped.
void rotate_kernel(const float* w, int k, int c, int f, float* turned) {
  for (int ky = 0; ky < k; ++ky)
    for (int kx = 0; kx < k; ++kx)
      for (int o = 0; o < f; ++o)
        for (int i = 0; i < c; ++i) {
          const size_t from = ((size_t(k - 1 - ky) * k + (k - 1 - kx)) * c + i) * f + o;
          turned[((size_t(ky) * k + kx) * f + o) * c + i] = w[from];
        }
}

}  // namespace

uint64_t conv2d_scratch_floats(int n, Shape in, int k, Shape out) {
  return conv_scratch_layout(n, in, k, out, nullptr, nullptr);
}

ThreadFloats conv2d_thread_floats(int n, Shape in, int k, Shape out) {
  const uint64_t m = uint64_t(n) * out.h * out.w, f = uint64_t(out.c), kkc = uint64_t(k) * k * in.c;
  // Every thread packs w for the forward pass's chunks; the calling thread alone packs the backward GEMMs' B and
  // keeps the bias gradient's partial sums. One at a time, and the Winograd or the sparse kernel's in their place.
  const uint64_t forward_pack = gemm_scratch_floats(kkc, out.c);
  const uint64_t caller = std::max({forward_pack, gemm_scratch_floats(m, out.c),
                                    gemm_scratch_floats(uint64_t(k) * k * f, in.c), bias_partials_floats(m, out.c)});
  const ThreadFloats kernels = thread_floats_max(conv2d_winograd_thread_floats(in, out),
                                                 conv2d_sparse_thread_floats(in, k, out));
  return thread_floats_max(ThreadFloats{caller, forward_pack}, kernels);
}

void conv2d_forward(const float* x, int n, Shape in, const float* w, const float* b, int k, Padding pad,
                    bool relu, Shape out, float* scratch, ThreadScratch threads, float* y, bool winograd) {
  assert(threads.holds(conv2d_thread_floats(n, in, k, out)));
  const int kkc = k * k * in.c;
  const Shape xp = padded_input(in, k, out);
  const ConvScratch s = conv_scratch(n, in, k, out, scratch);
  float* xpad = s.xpad;  // (N, xp), kept for the backward pass
  const int p = conv2d_pad_before(k, pad);
  pad_images(x, n, in, p, p, xp, xpad);
  if (winograd && conv2d_prefers_winograd(k, in)) {  // 5x5 kernels on enough channels: 2.8x fewer FLOPs (conv_winograd.h)
    conv2d_winograd_forward(xpad, n, xp, w, b, relu, out, s.rest, threads, y);
    return;
  }
  // y (M,F) = patches (M,KKC) w (KKC,F), then bias and ReLU: a few images at a time, so that their output is
  // still in cache for the second step (conv1's output is 10 MB a batch of 200). Each thread packs w into its
  // own slice of `threads`.
  const std::ptrdiff_t* windows = window_offsets(n, xp, out.h, out.w, s.window_table);
  const std::ptrdiff_t* taps = tap_offsets(xp, k, s.tap_table);
  const int pixels = out.h * out.w, images_per_chunk = int(std::max<size_t>(1, kFloatsPerChunk / out.size()));
  parallel_for((n + images_per_chunk - 1) / images_per_chunk, 1, [&](int first, int last) {
    for (int chunk = first; chunk < last; ++chunk) {
      const int i0 = chunk * images_per_chunk, rows = (std::min(n, i0 + images_per_chunk) - i0) * pixels;
      float* yc = y + size_t(i0) * out.size();
      gemm_gather(rows, out.c, kkc, GatherA{xpad, windows + size_t(i0) * pixels, taps}, w, out.c, yc, out.c, false,
                  threads.mine());
      bias_relu(yc, rows, out.c, b, relu, yc);
    }
  });
}

void conv2d_backward(float* dy, const float* y, int n, Shape in, const float* w, int k, Padding pad, bool relu,
                     Shape out, float* scratch, ThreadScratch threads, float* dw, float* db, float* dx) {
  assert(threads.holds(conv2d_thread_floats(n, in, k, out)));
  const int m = n * out.h * out.w, kkc = k * k * in.c;
  relu_and_bias_gradient(dy, relu ? y : nullptr, m, out.c, threads, db);  // dy masked by the ReLU; dB (F)
  const Shape xp = padded_input(in, k, out);
  const ConvScratch s = conv_scratch(n, in, k, out, scratch);
  const float* xpad = s.xpad;
  if (conv2d_prefers_sparse(dy, n, in, k, out)) {  // behind a max-pool: mostly zeros (conv_sparse_grad.h)
    conv2d_sparse_grads(dy, n, in, xpad, xp, conv2d_pad_before(k, pad), w, k, out, s.rest, threads, dw, dx);
    return;
  }
  // dW (KKC,F) = patches^T (KKC,M) dy (M,F): the forward pass's gather with rows and columns swapped.
  const GatherA patches_t{xpad, tap_offsets(xp, k, s.tap_table), window_offsets(n, xp, out.h, out.w, s.window_table)};
  gemm_gather(kkc, out.c, m, patches_t, dy, out.c, dw, out.c, false, threads.mine());
  if (!dx) return;
  // dx (N*H*W, C): input pixel (iy, ix) got dy from outputs oy = iy + p - ky for all taps ky (and so for x),
  // which is a 'full' correlation of dy with the kernel turned 180 degrees: with dy padded by q = K-1-p above
  // and left, dx = dy_windows (N*H*W, K*K*F) turned (K*K*F, C), one more implicit GEMM.
  const Shape dp = padded_output_grad(in, k, out);
  float* dypad = s.rest;
  float* turned = dypad + size_t(n) * dp.size();
  const int q = k - 1 - conv2d_pad_before(k, pad);
  pad_images(dy, n, out, q, q, dp, dypad);
  rotate_kernel(w, k, in.c, out.c, turned);
  const GatherA dy_windows{dypad, window_offsets(n, dp, in.h, in.w, s.window_table), tap_offsets(dp, k, s.tap_table)};
  gemm_gather(n * in.h * in.w, in.c, k * k * out.c, dy_windows, turned, in.c, dx, in.c, false, threads.mine());
}

// ---- MaxPool2D ---------------------------------------------------------------------------------------------

void maxpool_forward(const float* x, int n, Shape in, int p, Shape out, float* y, int32_t* argmax) {
  parallel_rows(n, int(in.size()), [&](long first, long count) {  // samples; argmax indices are per sample
    maxpool_forward_loop(x + first * in.size(), int(count), in, p, out, y + first * out.size(),
                         argmax + first * out.size());  // hot_loops.h
  });
}

void maxpool_backward(const float* dy, int n, Shape in, Shape out, const int32_t* argmax, float* dx) {
  const size_t per_out = out.size();
  parallel_rows(n, int(in.size()), [&](long first, long count) {
    for (long i = first; i < first + count; ++i) {
      float* dxi = dx + size_t(i) * in.size();
      std::fill(dxi, dxi + in.size(), 0.0f);
      const size_t o = size_t(i) * per_out;
      for (size_t j = 0; j < per_out; ++j) dxi[argmax[o + j]] += dy[o + j];
    }
  });
}

// ---- ReLU, Dropout ------------------------------------------------------------------------------------------

void relu_forward(const float* x, size_t count, float* y) {
  parallel_floats(count, [&](size_t first, size_t n) { relu_forward_loop(x + first, n, y + first); });
}

void relu_backward(const float* dy, const float* y, size_t count, float* dx) {
  parallel_floats(count, [&](size_t first, size_t n) { relu_backward_loop(dy + first, y + first, n, dx + first); });
}

namespace {

// Units first .. first + n of dropout_forward; arguments by value so that the compiler vectorises the loop.
void dropout_units(const float* x, size_t first, size_t n, uint64_t key, float rate, float keep_scale,
                   float* __restrict mask, float* y) {
  for (size_t i = first; i < first + n; ++i) {
    const float u = float(counter_hash(key, uint32_t(i)) >> 8) * (1.0f / 16777216.0f);  // [0, 1), 24 bits
    const float keep = u < rate ? 0.0f : keep_scale;
    mask[i] = keep;
    y[i] = x[i] * keep;
  }
}

}  // namespace

void dropout_forward(const float* x, size_t count, float rate, Rng* rng, float* mask, float* y) {
  if (!rng || rate <= 0.0f) {
    copy_floats(x, count, y);
    std::fill(mask, mask + count, 1.0f);
    return;
  }
  // Unit i's draw is counter_hash(key, i) (rng.h), the key one draw of rng: the same masks on any number of
  // threads, and a loop the compiler vectorises.
  const float keep_scale = 1.0f / (1.0f - rate);
  const uint64_t key = uint64_t(rng->next_u32()) << 32 | rng->next_u32();
  parallel_floats(count, [&](size_t first, size_t n) { dropout_units(x, first, n, key, rate, keep_scale, mask, y); });
}

void dropout_backward(const float* dy, const float* mask, size_t count, float* dx) {
  for (size_t i = 0; i < count; ++i) dx[i] = dy[i] * mask[i];
}

// ---- Dense -------------------------------------------------------------------------------------------------

// Batches this small (the browser trains in chunks of a few samples) take row-at-a-time loops that read W once
// for all rows: a general GEMM would copy ("pack") all of W on every call, costing more than the arithmetic.
constexpr int kDenseSmallBatch = 8;

ThreadFloats dense_thread_floats(int n, int in_units, int out_units) {
  const uint64_t packed = std::max({gemm_scratch_floats(uint64_t(in_units), out_units),
                                    gemm_scratch_floats(uint64_t(n), out_units),
                                    gemm_scratch_floats(uint64_t(out_units), in_units)});  // the three GEMMs' B
  // The calling thread only (the GEMMs' workers read what it packed), one at a time.
  return ThreadFloats{std::max(packed, bias_partials_floats(uint64_t(n), out_units)), 0};
}

void dense_forward(const float* x, int n, int in_units, const float* w, const float* b, int out_units, bool relu,
                   ThreadScratch threads, float* y) {
  assert(threads.holds(dense_thread_floats(n, in_units, out_units)));
  if (n <= kDenseSmallBatch) {
    std::fill(y, y + size_t(n) * out_units, 0.0f);  // y (N, O)
    for (int i = 0; i < in_units; ++i) {
      const float* wi = w + size_t(i) * out_units;  // row i of W (O)
      for (int m = 0; m < n; ++m) {
        const float xv = x[size_t(m) * in_units + i];
        if (xv == 0.0f) continue;  // ReLU and dropout leave many zeros
        float* ym_row = y + size_t(m) * out_units;
        for (int o = 0; o < out_units; ++o) ym_row[o] += xv * wi[o];
      }
    }
  } else {
    gemm(Op::N, Op::N, n, out_units, in_units, x, in_units, w, out_units, y, out_units, false,
         threads.mine());  // (N,I) (I,O)
  }
  bias_relu(y, n, out_units, b, relu, y);
}

void dense_backward(float* dy, const float* y, const float* x, int n, int in_units, const float* w, int out_units,
                    bool relu, ThreadScratch threads, float* dw, float* db, float* dx) {
  assert(threads.holds(dense_thread_floats(n, in_units, out_units)));
  relu_and_bias_gradient(dy, relu ? y : nullptr, n, out_units, threads, db);  // dy masked by the ReLU; dB (O)
  if (n <= kDenseSmallBatch) {  // see dense_forward
    for (int i = 0; i < in_units; ++i) {
      float* dwi = dw + size_t(i) * out_units;  // row i of dW (O)
      std::fill(dwi, dwi + out_units, 0.0f);
      for (int m = 0; m < n; ++m) {
        const float xv = x[size_t(m) * in_units + i];
        if (xv == 0.0f) continue;
        const float* dy_row = dy + size_t(m) * out_units;
        for (int o = 0; o < out_units; ++o) dwi[o] += xv * dy_row[o];
      }
    }
    if (dx) {
      const ConstMapR wm(w, in_units, out_units);
      for (int m = 0; m < n; ++m)  // one matrix-vector product per row: (1, O) x (O, I)
        MapRow(dx + size_t(m) * in_units, in_units).noalias() = ConstMapRow(dy + size_t(m) * out_units, out_units) * wm.transpose();
    }
    return;
  }
  float* pack = threads.mine();
  gemm(Op::T, Op::N, in_units, out_units, n, x, in_units, dy, out_units, dw, out_units, false, pack);  // dW = x^T dy
  if (dx) gemm(Op::N, Op::T, n, in_units, out_units, dy, out_units, w, out_units, dx, in_units, false, pack);  // dy W^T
}

// ---- Softmax + cross-entropy -------------------------------------------------------------------------------

double softmax_xent_forward(const float* logits, const uint8_t* labels, int n, int k, float* probs, int* correct) {
  double loss = 0.0;
  int right = 0;
  for (int i = 0; i < n; ++i) {
    const float* z = logits + size_t(i) * k;
    float* pr = probs + size_t(i) * k;
    const int best = int(std::max_element(z, z + k) - z);
    const float zmax = z[best];
    double sum = 0.0;
    for (int j = 0; j < k; ++j) sum += std::exp(double(z[j] - zmax));
    const double log_sum = std::log(sum);
    for (int j = 0; j < k; ++j) pr[j] = float(std::exp(double(z[j] - zmax) - log_sum));
    if (labels) {
      loss += log_sum - double(z[labels[i]] - zmax);  // -log softmax(z)[label]
      right += best == labels[i];
    }
  }
  if (correct) *correct = right;
  return loss;
}

void softmax_xent_backward(const float* probs, const uint8_t* labels, int n, int k, float scale, float* dlogits) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < k; ++j) dlogits[size_t(i) * k + j] = probs[size_t(i) * k + j] * scale;
    dlogits[size_t(i) * k + labels[i]] -= scale;
  }
}

}  // namespace convlens
