// gemm.cpp: the blocked GEMM driver, its scalar micro-kernel and the references, im2col/col2im among them
// (see gemm.h).
//
// Blocking: B is cut into blocks of kNc columns and kKc steps of K, each packed into panels of kNr columns (kc
// rows of kNr floats each, zero-padded at the right edge); then every kMr rows of A meet every panel in the
// micro-kernel, which keeps the kMr x kNr tile of C in registers for all kc steps. A is read in place, as
// stored or transposed (ColumnsA, RowsA), so A transposed costs nothing, or gathered through two tables of
// offsets (GatheredRowsA), which lets convolutions skip im2col. Edge tiles (fewer than kMr rows or kNr
// columns) are computed whole into a small tile, and only their part inside C is kept. With threads
// (threads.h), the blocks of B are packed in parallel, then the row panels are shared out, once per GEMM.
#include "gemm.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <vector>

#include "eigen_maps.h"
#include "gemm_kernel_simd.h"
#include "hot_loops.h"
#include "threads.h"

namespace convlens {
namespace {

constexpr int kKc = 256;  // K steps per packed block: a kc x kNr panel of B stays in L1
constexpr int kNc = 512;  // columns per packed block: the whole packed block stays in L2
constexpr int64_t kMinFlopsPerThread = 200000;     // smaller shares cost more to hand out than they save
constexpr int64_t kMinFloatsPerPackShare = 65536;  // the same for packing B

// Packs op(B)(p0 .. p0+kc, j0 .. j0+nc) into panels of nr columns: panel q holds kc rows of nr floats.
void pack_b(Op op, const float* b, int ldb, int p0, int kc, int j0, int nc, int nr, float* packed) {
  for (int q = 0; q * nr < nc; ++q) {
    float* panel = packed + size_t(q) * kc * nr;
    const int j = j0 + q * nr, width = std::min(nr, nc - q * nr);
    for (int p = 0; p < kc; ++p) {
      float* dst = panel + size_t(p) * nr;
      if (op == Op::N) {
        const float* src = b + size_t(p0 + p) * ldb + j;  // a row of B: contiguous
        for (int x = 0; x < width; ++x) dst[x] = src[x];
      } else {
        const float* src = b + size_t(j) * ldb + (p0 + p);  // a column of B stored transposed: strided
        for (int x = 0; x < width; ++x) dst[x] = src[size_t(x) * ldb];
      }
      for (int x = width; x < nr; ++x) dst[x] = 0.0f;
    }
  }
}

// kMr rows of op(A) seen by the micro-kernel: at(r) is row r of the current step p, next() moves to p + 1.
struct ColumnsA {  // a step's kMr values are contiguous (A transposed, or a packed copy); steps `step` apart
  const float* a;
  long step;
  float at(int r) const { return a[r]; }
  const float* ptr(int r) const { return a + r; }
  void next() { a += step; }
};
struct RowsA {  // rows are `row` apart; a row's steps are contiguous (A as stored)
  const float* a;
  long row;
  float at(int r) const { return a[r * row]; }
  const float* ptr(int r) const { return a + r * row; }
  void next() { ++a; }
};
template <int Mr>
struct GatheredRowsA {  // row r of step p at row[r] + col[p] (GatherA)
  const float* row[Mr];
  const std::ptrdiff_t* col;
  float at(int r) const { return *ptr(r); }
  const float* ptr(int r) const { return row[r] + *col; }
  void next() { ++col; }
};

// Where op(A) comes from. with_rows hands the micro-kernel rows i .. i+kMr from step pc on, as one of the
// accessors above; at the bottom edge only mr < kMr of them are real (panel_row keeps only those).
struct StridedSource {  // op(A)(i,p) = a[i * rs + p * cs]: A as stored or transposed
  const float* a;
  long rs, cs;
  template <int Mr, class Fn>
  void with_rows(int i, int mr, int pc, int kc, Fn&& fn) const {
    const float* ai = a + i * rs + pc * cs;
    if (mr < Mr) {  // the last rows go into a small zero-padded copy: rows past m are not there to read
      float a_edge[Mr * kKc];  // a_edge[p * Mr + r] = op(A)(i + r, pc + p)
      for (int p = 0; p < kc; ++p)
        for (int r = 0; r < Mr; ++r) a_edge[p * Mr + r] = r < mr ? ai[r * rs + p * cs] : 0.0f;
      return fn(ColumnsA{a_edge, Mr});
    }
    if (cs == 1) fn(RowsA{ai, rs});
    else fn(ColumnsA{ai, cs});
  }
};

StridedSource strided_source(Op op, const float* a, int lda) {
  return op == Op::N ? StridedSource{a, lda, 1} : StridedSource{a, 1, lda};
}

struct GatherSource {  // op(A)(i,p) = a[row_offset[i] + col_offset[p]] (gemm.h)
  GatherA g;
  template <int Mr, class Fn>
  void with_rows(int i, int mr, int pc, int, Fn&& fn) const {
    GatheredRowsA<Mr> rows;  // rows past m repeat the last real one: computed, then dropped
    for (int r = 0; r < Mr; ++r) rows.row[r] = g.a + g.row_offset[i + std::min(r, mr - 1)];
    rows.col = g.col_offset + pc;
    fn(rows);
  }
};

// The tiles of one row panel: every packed panel of B in the block, into C's rows c (kMr of them, mr real).
template <class Kernel, class APanel>
void panel_row(APanel a, int mr, int nc, int kc, int jc, const float* packed, float* c, int ldc, bool acc) {
  constexpr int kMr = Kernel::kMr, kNr = Kernel::kNr;
  for (int q = 0; q * kNr < nc; ++q) {
    const int j = jc + q * kNr, nr = std::min(kNr, nc - q * kNr);
    const float* panel = packed + size_t(q) * kc * kNr;
    float* cij = c + j;
    if (mr == kMr && nr == kNr) {
      Kernel::run(kc, a, panel, cij, ldc, acc);
      continue;
    }
    if (mr == kMr && nr == kNr / 2) {  // exactly half a panel (Winograd pads its columns to this)
      Kernel::run_half(kc, a, panel, cij, ldc, acc);
      continue;
    }
    float tile[kMr * kNr];  // edge tile: compute it (its left half if that covers it), keep the part inside C
    if (nr <= kNr / 2) Kernel::run_half(kc, a, panel, tile, kNr, false);
    else Kernel::run(kc, a, panel, tile, kNr, false);
    for (int r = 0; r < mr; ++r)
      for (int x = 0; x < nr; ++x) {
        float& dst = cij[size_t(r) * ldc + x];
        dst = acc ? dst + tile[r * kNr + x] : tile[r * kNr + x];
      }
  }
}

// One row panel (rows i .. i+kMr, mr of them inside C) of C's block (columns jc .. jc+nc) against every packed
// panel of B, with A read in place through the source's accessor.
template <class Kernel, class Source>
void row_panel(int i, int m, int nc, int kc, int jc, const Source& sa, int pc, const float* packed, float* c,
               int ldc, bool acc) {
  const int mr = std::min(Kernel::kMr, m - i);
  float* ci = c + size_t(i) * ldc;
  sa.template with_rows<Kernel::kMr>(i, mr, pc, kc,
                                     [&](auto rows) { panel_row<Kernel>(rows, mr, nc, kc, jc, packed, ci, ldc, acc); });
}

// Packs all of op(B) (K,N) into blocks of kNc columns and kKc steps of K, each cut into panels of kNr columns:
// block (jc, pc) starts at k * jc + pc * round_up(nc, kNr) floats; packed_b_floats() floats in all.
template <class Kernel>
size_t packed_b_floats(int k, int n) {
  return size_t(k) * ((n + Kernel::kNr - 1) / Kernel::kNr * Kernel::kNr);
}

template <class Kernel>
void pack_b_blocks(Op op_b, int k, int n, const float* b, int ldb, float* packed) {
  constexpr int kNr = Kernel::kNr;
  const int k_blocks = (k + kKc - 1) / kKc, n_blocks = (n + kNc - 1) / kNc;
  parallel_for(n_blocks * k_blocks, int(std::max<int64_t>(1, kMinFloatsPerPackShare / (int64_t(kKc) * std::min(n, kNc)))),
               [&](int first, int last) {
                 for (int block = first; block < last; ++block) {
                   const int jc = block / k_blocks * kNc, pc = block % k_blocks * kKc;
                   const int nc = std::min(kNc, n - jc), nc_padded = (nc + kNr - 1) / kNr * kNr;
                   pack_b(op_b, b, ldb, pc, std::min(kKc, k - pc), jc, nc, kNr,
                          packed + size_t(k) * jc + size_t(pc) * nc_padded);
                 }
               });
}

// Row panels first .. last (kMr rows each) of C = op(A) B, B packed by pack_b_blocks.
template <class Kernel, class Source>
void multiply_row_panels(int first, int last, const Source& sa, int m, int n, int k, const float* packed, float* c,
                         int ldc, bool accumulate) {
  constexpr int kMr = Kernel::kMr, kNr = Kernel::kNr;
  for (int jc = 0; jc < n; jc += kNc) {
    const int nc = std::min(kNc, n - jc), nc_padded = (nc + kNr - 1) / kNr * kNr;
    for (int pc = 0; pc < k; pc += kKc) {
      const int kc = std::min(kKc, k - pc);
      const float* block = packed + size_t(k) * jc + size_t(pc) * nc_padded;
      const bool acc = accumulate || pc > 0;  // later K blocks add to what the first one wrote
      for (int ip = first; ip < last; ++ip) row_panel<Kernel>(ip * kMr, m, nc, kc, jc, sa, pc, block, c, ldc, acc);
    }
  }
}

// The programmer invariants of a product's arguments: sizes not negative, each stored row at least as long as
// the matrix's row (a single row may have any ld). Asserted once per product (debug and sanitizer builds).
[[maybe_unused]] bool shapes_ok(Op op_a, Op op_b, int m, int n, int k, int lda, int ldb, int ldc) {
  return m >= 0 && n >= 0 && k >= 0 && ((op_a == Op::N ? m : k) <= 1 || lda >= (op_a == Op::N ? k : m)) &&
         ((op_b == Op::N ? k : n) <= 1 || ldb >= (op_b == Op::N ? n : k)) && (m <= 1 || ldc >= n);
}

// C with k <= 0: nothing to multiply. Returns whether that was the case.
bool empty_product(int m, int n, int k, float* c, int ldc, bool accumulate) {
  if (m <= 0 || n <= 0) return true;
  if (k > 0) return false;
  if (!accumulate)
    for (int i = 0; i < m; ++i) std::fill(c + size_t(i) * ldc, c + size_t(i) * ldc + n, 0.0f);
  return true;
}

// scratch: packed_b_floats<Kernel>(k, n) floats (gemm_scratch_floats() bounds it for every kernel).
template <class Kernel, class Source>
void gemm_blocked(const Source& sa, Op op_b, int m, int n, int k, const float* b, int ldb, float* c, int ldc,
                  bool accumulate, float* scratch) {
  constexpr int kMr = Kernel::kMr, kNr = Kernel::kNr;
  if (empty_product(m, n, k, c, ldc, accumulate)) return;
  // All of B is packed first, so that the threads need only one hand-out for the arithmetic; a B that already
  // is one packed panel (kNr columns, stored as is: conv1's weight gradient, natively) is used where it is.
  const float* packed = b;
  if (op_b != Op::N || n != kNr || ldb != kNr) {
    assert(scratch != nullptr);
    pack_b_blocks<Kernel>(op_b, k, n, b, ldb, scratch);
    packed = scratch;
  }
  // Row panels of kMr rows are independent: threads take contiguous runs of them (threads.h).
  const int panels = (m + kMr - 1) / kMr;
  const int64_t flops_per_panel = int64_t(2) * kMr * n * k;  // 64-bit: long is 32 bits in WebAssembly
  const int grain = int(std::max<int64_t>(1, kMinFlopsPerThread / flops_per_panel));
  parallel_for(panels, grain, [&](int first, int last) {
    multiply_row_panels<Kernel>(first, last, sa, m, n, k, packed, c, ldc, accumulate);
  });
}

// Scalar micro-kernel: the reference the SIMD ones must agree with. C tile (kMr, kNr) rows of ldc; A through
// an APanel (above), the panel of B (kc rows of kNr).
template <int Mr, int Nr>
struct ScalarKernel {
  static constexpr int kMr = Mr, kNr = Nr;
  template <class APanel>
  static void run(int kc, APanel a, const float* panel, float* c, int ldc, bool accumulate) {
    run_columns<Nr>(kc, a, panel, c, ldc, accumulate);
  }
  template <class APanel>  // the left half of the tile only, as the SIMD kernels have
  static void run_half(int kc, APanel a, const float* panel, float* c, int ldc, bool accumulate) {
    run_columns<Nr / 2>(kc, a, panel, c, ldc, accumulate);
  }

 private:
  template <int Used, class APanel>
  static void run_columns(int kc, APanel a, const float* panel, float* c, int ldc, bool accumulate) {
    float acc[Mr][Used] = {};
    for (int p = 0; p < kc; ++p, a.next(), panel += Nr)
      for (int r = 0; r < Mr; ++r) {
        const float av = a.at(r);
        for (int x = 0; x < Used; ++x) acc[r][x] += av * panel[x];
      }
    for (int r = 0; r < Mr; ++r)
      for (int x = 0; x < Used; ++x) c[size_t(r) * ldc + x] = accumulate ? c[size_t(r) * ldc + x] + acc[r][x] : acc[r][x];
  }
};

using Stride = Eigen::OuterStride<>;
using ConstStrided = Eigen::Map<const MatrixR, Eigen::Unaligned, Stride>;
using Strided = Eigen::Map<MatrixR, Eigen::Unaligned, Stride>;

template <class A, class B>
void eigen_product(const A& a, const B& b, Strided& c, bool accumulate) {
  if (accumulate) c.noalias() += a * b;
  else c.noalias() = a * b;
}

}  // namespace

void gemm_reference(Op op_a, Op op_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                    float* c, int ldc, bool accumulate) {
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double sum = accumulate ? c[size_t(i) * ldc + j] : 0.0;
      for (int p = 0; p < k; ++p) {
        const float av = op_a == Op::N ? a[size_t(i) * lda + p] : a[size_t(p) * lda + i];
        const float bv = op_b == Op::N ? b[size_t(p) * ldb + j] : b[size_t(j) * ldb + p];
        sum += double(av) * bv;
      }
      c[size_t(i) * ldc + j] = float(sum);
    }
}

// im2col/col2im: the textbook way to run a convolution as a GEMM, kept as the reference the implicit GEMMs
// (gemm_gather) are tested against. Legend as in layers.h; p: pad_before.
namespace {

// im2col of one sample: xi (H,W,C) -> rows (Ho*Wo, KKC).
void im2col_sample(const float* xi, Shape in, int k, int p, Shape out, float* rows) {
  const size_t kc = size_t(k) * in.c;  // one patch row: K pixels of C channels
  const size_t kkc = size_t(k) * kc;
  for (int oy = 0; oy < out.h; ++oy) {
    for (int ox = 0; ox < out.w; ++ox) {
      float* row = rows + (size_t(oy) * out.w + ox) * kkc;
      // Input columns [ix0, ix1) of this patch lie inside the image and are contiguous in memory.
      const int ix0 = std::max(0, ox - p), ix1 = std::min(in.w, ox - p + k);
      const size_t left = size_t(ix0 - (ox - p)) * in.c, inside = size_t(std::max(0, ix1 - ix0)) * in.c;
      if (oy - p >= 0 && oy - p + k <= in.h && inside == kc) {  // the whole patch is inside: K straight copies
        const float* src = xi + (size_t(oy - p) * in.w + ix0) * in.c;
        for (int ky = 0; ky < k; ++ky) copy_floats(src + size_t(ky) * in.w * in.c, kc, row + ky * kc);
        continue;
      }
      for (int ky = 0; ky < k; ++ky) {
        float* dst = row + ky * kc;
        const int iy = oy + ky - p;
        if (iy < 0 || iy >= in.h || inside == 0) {
          std::fill(dst, dst + kc, 0.0f);
          continue;
        }
        std::fill(dst, dst + left, 0.0f);
        copy_floats(xi + (size_t(iy) * in.w + ix0) * in.c, inside, dst + left);
        std::fill(dst + left + inside, dst + kc, 0.0f);
      }
    }
  }
}

// col2im of one sample: rows (Ho*Wo, KKC) -> dxi (H,W,C), overwritten.
void col2im_sample(const float* rows, Shape in, int k, int p, Shape out, float* dxi) {
  const size_t kc = size_t(k) * in.c;
  const size_t kkc = size_t(k) * kc;
  std::fill(dxi, dxi + in.size(), 0.0f);
  for (int oy = 0; oy < out.h; ++oy) {
    for (int ox = 0; ox < out.w; ++ox) {
      const float* row = rows + (size_t(oy) * out.w + ox) * kkc;
      const int ix0 = std::max(0, ox - p), ix1 = std::min(in.w, ox - p + k);
      if (ix1 <= ix0) continue;
      const size_t left = size_t(ix0 - (ox - p)) * in.c, inside = size_t(ix1 - ix0) * in.c;
      for (int ky = 0; ky < k; ++ky) {
        const int iy = oy + ky - p;
        if (iy < 0 || iy >= in.h) continue;
        add_floats(row + ky * kc + left, inside, dxi + (size_t(iy) * in.w + ix0) * in.c);
      }
    }
  }
}

}  // namespace

void im2col(const float* x, int n, Shape in, int k, int pad_before, Shape out, float* cols) {
  // cols (M, KKC): row (i,oy,ox) = the KxK input patch around that output pixel, zero outside the image.
  const size_t per_sample = size_t(out.h) * out.w * k * k * in.c;  // rows of one sample
  parallel_for(n, 1, [&](int first, int last) {
    for (int i = first; i < last; ++i)
      im2col_sample(x + size_t(i) * in.size(), in, k, pad_before, out, cols + i * per_sample);
  });
}

void col2im(const float* dcols, int n, Shape in, int k, int pad_before, Shape out, float* dx) {
  // The adjoint of im2col: every patch entry adds its gradient back to the input pixel it was copied from.
  const size_t per_sample = size_t(out.h) * out.w * k * k * in.c;  // rows of one sample
  parallel_for(n, 1, [&](int first, int last) {
    for (int i = first; i < last; ++i)
      col2im_sample(dcols + i * per_sample, in, k, pad_before, out, dx + size_t(i) * in.size());
  });
}

void gemm_blocked_scalar(Op op_a, Op op_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                         float* c, int ldc, bool accumulate, float* scratch) {
  assert(shapes_ok(op_a, op_b, m, n, k, lda, ldb, ldc));
  gemm_blocked<ScalarKernel<4, 8>>(strided_source(op_a, a, lda), op_b, m, n, k, b, ldb, c, ldc, accumulate, scratch);
}

void gemm_gather_scalar(int m, int n, int k, GatherA a, const float* b, int ldb, float* c, int ldc, bool accumulate,
                        float* scratch) {
  assert(shapes_ok(Op::N, Op::N, m, n, k, k, ldb, ldc));
  gemm_blocked<ScalarKernel<4, 8>>(GatherSource{a}, Op::N, m, n, k, b, ldb, c, ldc, accumulate, scratch);
}

#ifdef CONVLENS_SIMD
void gemm_blocked_simd(Op op_a, Op op_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                       float* c, int ldc, bool accumulate, float* scratch) {
  assert(shapes_ok(op_a, op_b, m, n, k, lda, ldb, ldc));
  gemm_blocked<SimdKernel>(strided_source(op_a, a, lda), op_b, m, n, k, b, ldb, c, ldc, accumulate, scratch);
}

void gemm_gather_simd(int m, int n, int k, GatherA a, const float* b, int ldb, float* c, int ldc, bool accumulate,
                      float* scratch) {
  assert(shapes_ok(Op::N, Op::N, m, n, k, k, ldb, ldc));
  gemm_blocked<SimdKernel>(GatherSource{a}, Op::N, m, n, k, b, ldb, c, ldc, accumulate, scratch);
}
#endif

// The kernel that products with a packed B use: the SIMD one where there is one.
#ifdef CONVLENS_SIMD
using PackedKernel = SimdKernel;
#else
using PackedKernel = ScalarKernel<4, 8>;
#endif

size_t gemm_packed_b_floats(int k, int n) { return packed_b_floats<PackedKernel>(k, n); }

// The packed kernel's panels are the widest built (16 columns natively, against the scalar kernel's 8).
uint64_t gemm_scratch_floats(uint64_t k, int n) { return k * packed_b_floats<PackedKernel>(1, n); }

int gemm_packed_columns(int n) {
  constexpr int kHalf = PackedKernel::kNr / 2;  // panel_row writes a half panel straight into C
  return (n + kHalf - 1) / kHalf * kHalf;
}

void gemm_pack_b(Op op_b, int k, int n, const float* b, int ldb, float* packed) {
  if (k > 0 && n > 0) pack_b_blocks<PackedKernel>(op_b, k, n, b, ldb, packed);
}

void gemm_with_packed_b(int m, int n, int k, const float* a, int lda, const float* packed, float* c, int ldc,
                        bool accumulate) {
  assert(shapes_ok(Op::N, Op::N, m, n, k, lda, n, ldc));
  if (empty_product(m, n, k, c, ldc, accumulate)) return;
  constexpr int kMr = PackedKernel::kMr;
  multiply_row_panels<PackedKernel>(0, (m + kMr - 1) / kMr, strided_source(Op::N, a, lda), m, n, k, packed, c, ldc,
                                    accumulate);
}

void gemm_eigen(Op op_a, Op op_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
                int ldc, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  Strided cm(c, m, n, Stride(ldc));
  if (k <= 0) {
    if (!accumulate) cm.setZero();
    return;
  }
  // Stored shapes: A is (m,k) or (k,m); B is (k,n) or (n,k).
  const ConstStrided am(a, op_a == Op::N ? m : k, op_a == Op::N ? k : m, Stride(lda));
  const ConstStrided bm(b, op_b == Op::N ? k : n, op_b == Op::N ? n : k, Stride(ldb));
  if (op_a == Op::N && op_b == Op::N) eigen_product(am, bm, cm, accumulate);
  else if (op_a == Op::N) eigen_product(am, bm.transpose(), cm, accumulate);
  else if (op_b == Op::N) eigen_product(am.transpose(), bm, cm, accumulate);
  else eigen_product(am.transpose(), bm.transpose(), cm, accumulate);
}

const char* gemm_kind() {
#ifdef CONVLENS_SIMD
  return SimdVec::kName;
#else
  return "eigen";
#endif
}

}  // namespace convlens
