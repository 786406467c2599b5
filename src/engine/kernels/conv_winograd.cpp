// conv_winograd.cpp: F(2x2, 5x5) Winograd forward pass (see conv_winograd.h).
// Tiles are taken in blocks small enough that a block's transformed input V (36, T, C) and products M (36, T, F)
// stay in cache; each block is transformed, multiplied (36 GEMMs) and transformed back by one thread. The
// transforms loop over channels innermost (NHWC: contiguous), which compilers vectorise.
#include "conv_winograd.h"

#include <algorithm>
#include <cassert>

#include "gemm.h"
#include "hot_loops.h"
#include "simd_vec.h"
#include "threads.h"

namespace convlens {

namespace {

constexpr int kTile = 6;              // input tile side (2 outputs + 5 taps - 1)
constexpr int kPositions = 36;        // kTile * kTile
constexpr int kTilesPerBlock = 60;    // tiles per block: a multiple of both micro-kernels' rows (6, 4); V and M
                                      // together ~450 KB, inside L2
constexpr int kMinChannels = 8;       // fewer input channels make GEMMs too thin to pay for the transforms
constexpr int kSkew = 16;             // floats added between positions in V and M: strides of a multiple of
                                      // 4 KB would make the transforms' 6 streams collide in L1

// The two 1-D transforms, written once over a vector type: SimdVec (simd_vec.h) for vectors of channels, and
// Lane (one float, below) for layers with fewer channels than a vector. Both do the same operations in order.
struct Lane {
  using V = float;
  static constexpr int kWidth = 1;
  static V load(const float* p) { return *p; }
  static void store(float* p, V v) { *p = v; }
  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  static V splat(float x) { return x; }
};

// Calls at(vec, x) for vectors of channels x .. x + width covering [0, c): whole SIMD vectors, the last one
// ending at c and overlapping the one before where c is not a multiple (its channels are computed again, to the
// same values), or one Lane per channel where c is narrower than a vector.
template <class Fn>
void for_channel_vectors(int c, Fn&& at) {
  int x = 0;
#ifdef CONVLENS_SIMD
  constexpr int kWidth = SimdVec::kWidth;
  if (c >= kWidth) {
    for (; x + kWidth <= c; x += kWidth) at(SimdVec{}, x);
    if (x < c) at(SimdVec{}, c - kWidth);
    return;
  }
#endif
  for (; x < c; ++x) at(Lane{}, x);
}

// out[i] (i < 6) = B^T in, on the channels x .. x + width: in rows `stride` apart, out rows `out_stride` apart.
template <class Vec>
[[gnu::always_inline]] inline void input_transform_at(int x, const float* in, int stride, float* out, int out_stride) {
  using V = typename Vec::V;
  const V four = Vec::splat(4), five = Vec::splat(5), two = Vec::splat(2);
  const V d0 = Vec::load(in + x), d1 = Vec::load(in + stride + x), d2 = Vec::load(in + 2 * stride + x);
  const V d3 = Vec::load(in + 3 * stride + x), d4 = Vec::load(in + 4 * stride + x);
  const V d5 = Vec::load(in + 5 * stride + x);
  const V d4_minus_4d2 = Vec::sub(d4, Vec::mul(four, d2)), d3_minus_4d1 = Vec::sub(d3, Vec::mul(four, d1));
  const V d4_minus_d2 = Vec::sub(d4, d2), d3_minus_d1 = Vec::mul(two, Vec::sub(d3, d1));
  Vec::store(out + x, Vec::add(Vec::sub(Vec::mul(four, d0), Vec::mul(five, d2)), d4));
  Vec::store(out + out_stride + x, Vec::add(d4_minus_4d2, d3_minus_4d1));
  Vec::store(out + 2 * out_stride + x, Vec::sub(d4_minus_4d2, d3_minus_4d1));
  Vec::store(out + 3 * out_stride + x, Vec::add(d4_minus_d2, d3_minus_d1));
  Vec::store(out + 4 * out_stride + x, Vec::sub(d4_minus_d2, d3_minus_d1));
  Vec::store(out + 5 * out_stride + x, Vec::add(Vec::sub(Vec::mul(four, d1), Vec::mul(five, d3)), d5));
}

void input_transform(const float* in, int stride, int c, float* out, int out_stride) {
  for_channel_vectors(c, [&](auto vec, int x) { input_transform_at<decltype(vec)>(x, in, stride, out, out_stride); });
}

// out0, out1 = A^T in, on the channels x .. x + width: in rows `stride` apart.
template <class Vec>
[[gnu::always_inline]] inline void output_transform_at(int x, const float* in, int stride, float* out0, float* out1) {
  using V = typename Vec::V;
  const V two = Vec::splat(2);
  const V m0 = Vec::load(in + x), m1 = Vec::load(in + stride + x), m2 = Vec::load(in + 2 * stride + x);
  const V m3 = Vec::load(in + 3 * stride + x), m4 = Vec::load(in + 4 * stride + x);
  const V m5 = Vec::load(in + 5 * stride + x);
  Vec::store(out0 + x, Vec::add(Vec::add(Vec::add(m0, m1), Vec::add(m2, m3)), m4));
  Vec::store(out1 + x, Vec::add(Vec::add(Vec::sub(m1, m2), Vec::mul(two, Vec::sub(m3, m4))), m5));
}

void output_transform(const float* in, int stride, int c, float* out0, float* out1) {
  for_channel_vectors(c, [&](auto vec, int x) { output_transform_at<decltype(vec)>(x, in, stride, out0, out1); });
}

// Floats of the half-way kernel transform (6, 5, C, F) of transform_kernel.
uint64_t half_floats(int c, int f) { return uint64_t(kTile) * 5 * c * f; }

// u (36, C, Fp) = G g G^T for every (c, f), g the 5x5 kernel w[ky][kx][c][f]; the columns f .. Fp are zero.
// half: half_floats(c, f) floats.
void transform_kernel(const float* w, int c, int f, int fp, float* half, float* u) {
  static const float G[kTile][5] = {{1.0f / 4, 0, 0, 0, 0},
                                    {-1.0f / 6, -1.0f / 6, -1.0f / 6, -1.0f / 6, -1.0f / 6},
                                    {-1.0f / 6, 1.0f / 6, -1.0f / 6, 1.0f / 6, -1.0f / 6},
                                    {1.0f / 24, 1.0f / 12, 1.0f / 6, 1.0f / 3, 2.0f / 3},
                                    {1.0f / 24, -1.0f / 12, 1.0f / 6, -1.0f / 3, 2.0f / 3},
                                    {0, 0, 0, 0, 1}};
  const size_t cf = size_t(c) * f;
  std::fill(half, half + half_floats(c, f), 0.0f);  // (6, 5, C, F): G g, for each kernel column
  for (int i = 0; i < kTile; ++i)
    for (int ky = 0; ky < 5; ++ky)
      for (int kx = 0; kx < 5; ++kx) {
        const float* g = w + (size_t(ky) * 5 + kx) * cf;
        float* h = half + (size_t(i) * 5 + kx) * cf;
        for (size_t x = 0; x < cf; ++x) h[x] += G[i][ky] * g[x];
      }
  std::fill(u, u + size_t(kPositions) * c * fp, 0.0f);
  for (int i = 0; i < kTile; ++i)
    for (int j = 0; j < kTile; ++j)
      for (int kx = 0; kx < 5; ++kx) {
        const float* h = half + (size_t(i) * 5 + kx) * cf;
        float* ui = u + (size_t(i) * kTile + j) * c * fp;
        for (int ch = 0; ch < c; ++ch)
          for (int x = 0; x < f; ++x) ui[size_t(ch) * fp + x] += G[j][kx] * h[size_t(ch) * f + x];
      }
}

}  // namespace

bool conv2d_prefers_winograd(int k, Shape in) { return k == 5 && in.c >= kMinChannels; }

uint64_t conv2d_winograd_scratch_floats(Shape in, Shape out) {
  const int fp = gemm_packed_columns(out.c);  // F padded: see gemm.h; U's extra columns are zero, M's unread
  return uint64_t(kPositions) * (uint64_t(in.c) * fp + gemm_packed_b_floats(in.c, fp));
}

ThreadFloats conv2d_winograd_thread_floats(Shape in, Shape out) {
  const uint64_t c = uint64_t(in.c), f = uint64_t(out.c), fp = uint64_t(gemm_packed_columns(out.c));
  // v, m, tile, rows of a block (conv2d_winograd_forward); or the kernel's half-way transform on the calling thread
  const uint64_t block = scratch_floats<float>(kPositions * (kTilesPerBlock * c + kSkew)) +
                         scratch_floats<float>(kPositions * (kTilesPerBlock * fp + kSkew)) +
                         scratch_floats<float>(kPositions * c) + scratch_floats<float>(kPositions * std::max(c, f));
  return ThreadFloats{std::max(block, scratch_floats<float>(half_floats(in.c, out.c))), block};
}

void conv2d_winograd_forward(const float* xpad, int n, Shape xp, const float* w, const float* b, bool relu,
                             Shape out, float* scratch, ThreadScratch threads, float* y) {
  const int c = xp.c, f = out.c, fp = gemm_packed_columns(f);
  assert(xp.h == out.h + 4 && xp.w == out.w + 4);  // 5x5 windows, all inside xpad
  assert(threads.holds(conv2d_winograd_thread_floats(xp, out)));
  const int tiles_y = (out.h + 1) / 2, tiles_x = (out.w + 1) / 2, per_image = tiles_y * tiles_x;
  const long tiles = long(n) * per_image;
  float* u = scratch;  // (36, C, Fp)
  transform_kernel(w, c, f, fp, threads.mine(), u);  // the calling thread's slice, free until its first block
  float* u_packed = u + size_t(kPositions) * c * fp;  // U[pos] packed for the GEMMs, once for all blocks
  const size_t packed_floats = gemm_packed_b_floats(c, fp);
  for (int pos = 0; pos < kPositions; ++pos)
    gemm_pack_b(Op::N, c, fp, u + size_t(pos) * c * fp, fp, u_packed + pos * packed_floats);

  struct Tile {
    int image, ty, tx;
  };
  auto tile_at = [&](long tile) {
    const int in_image = int(tile % per_image);
    return Tile{int(tile / per_image), in_image / tiles_x, in_image % tiles_x};
  };
  const int blocks = int((tiles + kTilesPerBlock - 1) / kTilesPerBlock);
  parallel_for(blocks, 1, [&](int first, int last) {
    const int v_pos = kTilesPerBlock * c + kSkew, m_pos = kTilesPerBlock * fp + kSkew;  // floats per position
    float* slice = threads.mine();  // a block's buffers (conv2d_winograd_thread_floats)
    float* v = scratch_take<float>(slice, size_t(kPositions) * v_pos);  // (36, T, C)
    float* m = scratch_take<float>(slice, size_t(kPositions) * m_pos);  // (36, T, Fp)
    float* tile_buf = scratch_take<float>(slice, size_t(kPositions) * c);  // an input tile (6, 6, C), 0 past the edge
    float* row_buf = scratch_take<float>(slice, size_t(kPositions) * std::max(c, f));  // B^T d; A^T m (12 F), sink (F)
    float* sink = row_buf + size_t(2 * kTile) * f;  // outputs past the right edge
    for (int block = first; block < last; ++block) {
      const long t0 = long(block) * kTilesPerBlock;
      const int count = int(std::min<long>(kTilesPerBlock, tiles - t0));
      // V[pos][t] = B^T d B for every tile t of the block.
      for (int t = 0; t < count; ++t) {
        const Tile at = tile_at(t0 + t);
        const float* img = xpad + size_t(at.image) * xp.size();
        const int y0 = 2 * at.ty, x0 = 2 * at.tx;
        const float* d = img + (size_t(y0) * xp.w + x0) * c;
        int d_stride = xp.w * c;  // rows of the tile; columns are c apart
        if (y0 + kTile > xp.h || x0 + kTile > xp.w) {  // an odd output size: the last tiles reach past xpad
          float* tb = tile_buf;
          for (int r = 0; r < kTile; ++r)
            for (int q = 0; q < kTile; ++q)
              for (int ch = 0; ch < c; ++ch)
                tb[(r * kTile + q) * c + ch] =
                    y0 + r < xp.h && x0 + q < xp.w ? img[((size_t(y0) + r) * xp.w + x0 + q) * c + ch] : 0.0f;
          d = tb;
          d_stride = kTile * c;
        }
        float* rows = row_buf;  // (6, 6, C): B^T d, row i of the result, column q
        for (int q = 0; q < kTile; ++q) input_transform(d + q * c, d_stride, c, rows + q * c, kTile * c);
        for (int r = 0; r < kTile; ++r)  // (B^T d) B: the same transform along each row
          input_transform(rows + r * kTile * c, c, c, v + size_t(r * kTile) * v_pos + size_t(t) * c, v_pos);
      }
      // M[pos] (T, Fp) = V[pos] (T, C) U[pos] (C, Fp)
      for (int pos = 0; pos < kPositions; ++pos)
        gemm_with_packed_b(count, fp, c, v + size_t(pos) * v_pos, c, u_packed + pos * packed_floats,
                           m + size_t(pos) * m_pos, fp, false);
      // y = A^T M A (+ bias, ReLU), tile by tile; outputs past an odd edge are dropped.
      for (int t = 0; t < count; ++t) {
        const Tile at = tile_at(t0 + t);
        float* rows = row_buf;  // (2, 6, F): A^T M
        for (int q = 0; q < kTile; ++q)
          output_transform(m + size_t(q) * m_pos + size_t(t) * fp, kTile * m_pos, f, rows + q * f,
                           rows + (kTile + q) * f);
        for (int r = 0; r < 2; ++r) {  // (A^T M) A along each row, straight into y
          const int oy = 2 * at.ty + r;
          if (oy >= out.h) continue;
          float* yrow = y + ((size_t(at.image) * out.h + oy) * out.w + 2 * at.tx) * f;
          const bool pair = 2 * at.tx + 1 < out.w;
          output_transform(rows + r * kTile * f, f, f, yrow, pair ? yrow + f : sink);  // past an odd edge: dropped
          bias_relu(yrow, pair ? 2 : 1, f, b, relu, yrow);  // while the pixels are in cache
        }
      }
    }
  });
}

}  // namespace convlens
