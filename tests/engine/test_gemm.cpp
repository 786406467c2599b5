// test_gemm.cpp: every GEMM implementation against the triple-loop reference, over all four transpose cases,
// with and without accumulation, on shapes that hit every edge of the blocking (rows and columns that are not
// multiples of the micro-kernel, K longer than one packed block, padded leading dimensions): Eigen, the
// blocked GEMM with its scalar micro-kernel, and with the SIMD one (SIMD128 in WebAssembly, AVX2 natively); and
// that the reference im2col and col2im are adjoint.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "aligned_buffer.h"
#include "kernels/gemm.h"
#include "kernels/threads.h"
#include "rng.h"
#include "test_vectors.h"

using namespace convlens;
using convlens_test::dot;
using convlens_test::random_vector;

namespace {

using GemmFn = void (*)(Op, Op, int, int, int, const float*, int, const float*, int, float*, int, bool);

// A blocked GEMM with scratch of its own to pack B into (gemm_scratch_floats), as a GemmFn.
using BlockedFn = void (*)(Op, Op, int, int, int, const float*, int, const float*, int, float*, int, bool, float*);
template <BlockedFn fn>
void with_scratch(Op op_a, Op op_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
                  int ldc, bool accumulate) {
  FloatBuffer scratch(size_t(gemm_scratch_floats(uint64_t(std::max(k, 0)), n)));
  fn(op_a, op_b, m, n, k, a, lda, b, ldb, c, ldc, accumulate, scratch.data());
}

struct Case {
  Op op_a, op_b;
  int m, n, k;
  int pad;  // extra floats at the end of every stored row (leading dimension > row length)
  bool accumulate;
};

// Largest |got - want| over C, relative to sqrt(k) (the size of a sum of k products of values in [-1, 1]).
double max_error(GemmFn fn, const Case& t) {
  const int rows_a = t.op_a == Op::N ? t.m : t.k, cols_a = t.op_a == Op::N ? t.k : t.m;
  const int rows_b = t.op_b == Op::N ? t.k : t.n, cols_b = t.op_b == Op::N ? t.n : t.k;
  const int lda = cols_a + t.pad, ldb = cols_b + t.pad, ldc = t.n + t.pad;
  const std::vector<float> a = random_vector(size_t(rows_a) * lda, 1), b = random_vector(size_t(rows_b) * ldb, 2);
  std::vector<float> want = random_vector(size_t(t.m) * ldc, 3), got = want;  // start values matter when accumulating
  gemm_reference(t.op_a, t.op_b, t.m, t.n, t.k, a.data(), lda, b.data(), ldb, want.data(), ldc, t.accumulate);
  fn(t.op_a, t.op_b, t.m, t.n, t.k, a.data(), lda, b.data(), ldb, got.data(), ldc, t.accumulate);
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const bool inside = int(i % ldc) < t.n;
    const double e = inside ? std::fabs(double(got[i]) - want[i]) : (got[i] == want[i] ? 0.0 : 1e30);  // padding untouched
    worst = std::max(worst, std::isfinite(got[i]) ? e : 1e30);
  }
  return worst / std::sqrt(double(std::max(1, t.k)));
}

std::vector<Case> cases() {
  std::vector<Case> all;
  // n = 12 and 24 end in exactly half a panel of the WebAssembly and the native micro-kernels (8 and 16 columns);
  // m = 6, n = 16, k = 600 (no padding) is B used in place as one native panel, over three K blocks.
  const int shapes[][3] = {{1, 1, 1},    {3, 5, 7},     {4, 8, 16},    {5, 9, 17},     {13, 36, 25}, {10, 12, 9},
                           {14, 24, 33}, {37, 16, 300}, {6, 16, 600},  {8, 130, 513}, {64, 600, 40}, {400, 36, 600}};
  for (const auto& s : shapes)
    for (Op op_a : {Op::N, Op::T})
      for (Op op_b : {Op::N, Op::T})
        for (bool acc : {false, true}) all.push_back(Case{op_a, op_b, s[0], s[1], s[2], (s[0] + s[2]) % 3, acc});
  return all;
}

std::string describe(const Case& t) {
  return std::string(t.op_a == Op::N ? "N" : "T") + (t.op_b == Op::N ? "N" : "T") + " m=" + std::to_string(t.m) +
         " n=" + std::to_string(t.n) + " k=" + std::to_string(t.k) + " pad=" + std::to_string(t.pad) +
         (t.accumulate ? " +=" : " =");
}

// `bound`: the largest error allowed, per sqrt(k) terms of the sum (rounding grows like a random walk).
void check_against_reference(GemmFn fn, double bound = 1e-6) {
  for (const Case& t : cases()) {
    INFO(describe(t));
    CHECK(max_error(fn, t) < bound);
  }
}

}  // namespace

TEST_CASE("gemm: the blocked GEMM with its scalar micro-kernel agrees with the triple loop", "[gemm]") {
  check_against_reference(with_scratch<gemm_blocked_scalar>);
}

// Eigen's AVX-512 kernels (on a machine that has them) sum in longer runs: 1.3e-6 was measured for k = 600.
TEST_CASE("gemm: Eigen agrees with the triple loop", "[gemm]") { check_against_reference(gemm_eigen, 4e-6); }

TEST_CASE("gemm: what gemm() runs on this target agrees with the triple loop", "[gemm]") {
  INFO(gemm_kind());
  check_against_reference(with_scratch<gemm>);
}

TEST_CASE("gemm: shared out over 3 threads, every GEMM still agrees with the triple loop", "[gemm][threads]") {
  const int saved = engine_threads();
  engine_set_threads(3);
  check_against_reference(with_scratch<gemm_blocked_scalar>);
  check_against_reference(with_scratch<gemm>);
  engine_set_threads(saved);
}

#ifdef CONVLENS_SIMD
// Both micro-kernels multiply and add in the same order. WebAssembly has no fused multiply-add, so there they
// agree to the bit; natively FMA rounds once instead of twice, hence a tolerance of float rounding.
TEST_CASE("gemm: the SIMD micro-kernel agrees with the scalar one", "[gemm][simd]") {
  check_against_reference(with_scratch<gemm_blocked_simd>);
  for (const Case& t : cases()) {
    INFO(describe(t));
    const int rows_a = t.op_a == Op::N ? t.m : t.k, rows_b = t.op_b == Op::N ? t.k : t.n;
    const int lda = (t.op_a == Op::N ? t.k : t.m) + t.pad, ldb = (t.op_b == Op::N ? t.n : t.k) + t.pad, ldc = t.n;
    const std::vector<float> a = random_vector(size_t(rows_a) * lda, 4), b = random_vector(size_t(rows_b) * ldb, 5);
    std::vector<float> simd = random_vector(size_t(t.m) * ldc, 6), scalar = simd;
    with_scratch<gemm_blocked_simd>(t.op_a, t.op_b, t.m, t.n, t.k, a.data(), lda, b.data(), ldb, simd.data(), ldc,
                                    t.accumulate);
    with_scratch<gemm_blocked_scalar>(t.op_a, t.op_b, t.m, t.n, t.k, a.data(), lda, b.data(), ldb, scalar.data(), ldc,
                                      t.accumulate);
    double worst = 0;
    for (size_t i = 0; i < simd.size(); ++i) worst = std::max(worst, double(std::fabs(simd[i] - scalar[i])));
    CHECK(worst <= 2e-6 * std::sqrt(double(t.k)));
  }
}
#endif

// gemm_with_packed_b as a GemmFn: B packed first (A as stored only).
void gemm_packed_then_multiplied(Op op_a, Op op_b, int m, int n, int k, const float* a, int lda, const float* b,
                                 int ldb, float* c, int ldc, bool accumulate) {
  REQUIRE(op_a == Op::N);
  std::vector<float> packed(gemm_packed_b_floats(k, n));
  gemm_pack_b(op_b, k, n, b, ldb, packed.data());
  gemm_with_packed_b(m, n, k, a, lda, packed.data(), c, ldc, accumulate);
}

TEST_CASE("gemm: B packed once, then multiplied, agrees with the triple loop and with gemm() to the bit", "[gemm]") {
  for (const Case& t : cases()) {
    if (t.op_a != Op::N) continue;
    INFO(describe(t));
    CHECK(max_error(gemm_packed_then_multiplied, t) < 1e-6);
#ifdef CONVLENS_SIMD
    const int ldb = (t.op_b == Op::N ? t.n : t.k) + t.pad, ldc = t.n;
    const std::vector<float> a = random_vector(size_t(t.m) * (t.k + 1), 4);
    const std::vector<float> b = random_vector(size_t(t.op_b == Op::N ? t.k : t.n) * ldb, 5);
    std::vector<float> packed = random_vector(size_t(t.m) * ldc, 6), direct = packed;
    gemm_packed_then_multiplied(Op::N, t.op_b, t.m, t.n, t.k, a.data(), t.k + 1, b.data(), ldb, packed.data(), ldc,
                                t.accumulate);
    with_scratch<gemm_blocked_simd>(Op::N, t.op_b, t.m, t.n, t.k, a.data(), t.k + 1, b.data(), ldb, direct.data(), ldc,
                                    t.accumulate);
    CHECK(packed == direct);
#endif
  }
}

TEST_CASE("gemm: packed products as wide as gemm_packed_columns(n) agree with the triple loop", "[gemm]") {
  for (int n = 1; n <= 40; ++n) {
    INFO("n=" << n);
    const int wide = gemm_packed_columns(n);
    REQUIRE(wide >= n);
    REQUIRE(wide < n + 16);
    CHECK(gemm_packed_columns(wide) == wide);
    // B (K, wide) with zero columns past n, as Winograd's U: the first n columns of C are the product's.
    const int m = 13, k = 9;
    const std::vector<float> a = random_vector(size_t(m) * k, 1);
    std::vector<float> b = random_vector(size_t(k) * wide, 2);
    for (int p = 0; p < k; ++p)
      for (int j = n; j < wide; ++j) b[size_t(p) * wide + j] = 0.0f;
    std::vector<float> packed(gemm_packed_b_floats(k, wide)), got(size_t(m) * wide), want(size_t(m) * wide);
    gemm_pack_b(Op::N, k, wide, b.data(), wide, packed.data());
    gemm_with_packed_b(m, wide, k, a.data(), k, packed.data(), got.data(), wide, false);
    gemm_reference(Op::N, Op::N, m, wide, k, a.data(), k, b.data(), wide, want.data(), wide, false);
    CHECK(convlens_test::max_abs_diff(got, want) < 1e-5);
  }
}

TEST_CASE("gemm: k = 0 clears C or leaves it, as asked, and an empty C is a no-op", "[gemm]") {
  std::vector<float> c = {1, 2, 3, 4};
  const float unused = 0;
  gemm(Op::N, Op::N, 2, 2, 0, &unused, 1, &unused, 2, c.data(), 2, true, nullptr);  // nothing to pack
  CHECK(c == std::vector<float>{1, 2, 3, 4});
  gemm(Op::N, Op::N, 2, 2, 0, &unused, 1, &unused, 2, c.data(), 2, false, nullptr);
  CHECK(c == std::vector<float>{0, 0, 0, 0});
  gemm(Op::N, Op::N, 0, 2, 3, &unused, 3, &unused, 2, c.data(), 2, false, nullptr);
  gemm_blocked_scalar(Op::N, Op::N, 2, 2, 0, &unused, 1, &unused, 2, c.data(), 2, true, nullptr);
  CHECK(c == std::vector<float>{0, 0, 0, 0});
}

namespace {

// A gathered A (op(A)(i, p) = a[row_offset[i] + col_offset[p]], overlapping like a convolution's windows)
// through `fn`, against the triple loop on the same matrix written out. Returns the largest error as above.
using GatherFn = void (*)(int, int, int, GatherA, const float*, int, float*, int, bool, float*);
double gather_error(GatherFn fn, const Case& t) {
  std::vector<std::ptrdiff_t> rows(t.m), cols(t.k);
  for (int i = 0; i < t.m; ++i) rows[i] = std::ptrdiff_t(i % 5) * 3 + std::ptrdiff_t(i / 5) * 11;  // windows overlap
  for (int p = 0; p < t.k; ++p) cols[p] = std::ptrdiff_t(p % 4) + std::ptrdiff_t(p / 4) * 9;
  const std::ptrdiff_t last = *std::max_element(rows.begin(), rows.end()) + cols.back();
  const std::vector<float> source = random_vector(size_t(last + 1), 7);
  const GatherA ga{source.data(), rows.data(), cols.data()};
  std::vector<float> a(size_t(t.m) * t.k);  // op(A) written out
  for (int i = 0; i < t.m; ++i)
    for (int p = 0; p < t.k; ++p) a[size_t(i) * t.k + p] = source[rows[i] + cols[p]];
  const std::vector<float> b = random_vector(size_t(t.k) * t.n, 8);
  std::vector<float> want = random_vector(size_t(t.m) * t.n, 9), got = want;
  gemm_reference(Op::N, Op::N, t.m, t.n, t.k, a.data(), t.k, b.data(), t.n, want.data(), t.n, t.accumulate);
  FloatBuffer scratch(size_t(gemm_scratch_floats(uint64_t(t.k), t.n)));
  fn(t.m, t.n, t.k, ga, b.data(), t.n, got.data(), t.n, t.accumulate, scratch.data());
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i)
    worst = std::max(worst, std::isfinite(got[i]) ? std::fabs(double(got[i]) - want[i]) : 1e30);
  return worst / std::sqrt(double(std::max(1, t.k)));
}

}  // namespace

TEST_CASE("gemm_gather: A read through offset tables agrees with the triple loop on A written out", "[gemm]") {
  for (const Case& t : cases()) {
    if (t.op_a != Op::N || t.op_b != Op::N || t.k == 0) continue;
    INFO(describe(t));
    CHECK(gather_error(gemm_gather_scalar, t) < 1e-6);
    CHECK(gather_error(gemm_gather, t) < 1e-6);
  }
}

TEST_CASE("im2col and col2im are adjoint: <im2col(x), c> == <x, col2im(c)>", "[gemm][im2col]") {
  const Shape in{5, 4, 3};
  const int k = 3;
  for (int pad_before : {1, 0}) {  // 'same' and 'valid' for K = 3
    const Shape out = pad_before == 1 ? Shape{5, 4, 1} : Shape{3, 2, 1};
    const size_t rows = 2 * out.h * out.w, kkc = k * k * in.c;
    std::vector<float> x = random_vector(2 * in.size(), 1), c = random_vector(rows * kkc, 2);
    std::vector<float> cols(rows * kkc), back(x.size());
    im2col(x.data(), 2, in, k, pad_before, out, cols.data());
    col2im(c.data(), 2, in, k, pad_before, out, back.data());
    CHECK(dot(cols, c) == Approx(dot(x, back)).epsilon(1e-5));
  }
}
