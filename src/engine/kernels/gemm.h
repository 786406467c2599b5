// gemm.h: the engine's one matrix product, C = op(A) op(B) (+ C), on row-major float buffers.
// It is our own blocked GEMM: B is packed into panels of kNr columns, A is read in place, and a
// register-blocked micro-kernel (kMr x kNr accumulators) does the arithmetic, in SIMD (gemm_kernel_simd.h:
// WebAssembly SIMD128, or AVX2 + FMA natively; Eigen gets no explicit SIMD in WebAssembly and is slower on this
// model's narrow matrices natively). Without either (no CONVLENS_SIMD, simd_vec.h), Eigen's GEMM. The scalar
// micro-kernel, Eigen and a plain triple loop stay beside it as references for the tests, and so do im2col and
// col2im, a convolution's patch matrix made explicit (the engine's convolutions are implicit GEMMs instead).
//
// Legend: op(A) is (M,K): A itself (stored M rows of lda) or A transposed (A stored K rows of lda).
//         op(B) is (K,N): B itself (stored K rows of ldb) or B transposed (B stored N rows of ldb).
//         C is (M,N), rows of ldc. accumulate: C += op(A) op(B) instead of C = op(A) op(B).
//         scratch: gemm_scratch_floats(K, N) floats, 64-byte aligned, into which the blocked GEMMs pack op(B); the
//         caller's (a slice of the per-thread scratch, scratch.h), not touched by any other thread meanwhile.
#pragma once
#include <cstddef>
#include <cstdint>

#include "shape.h"
#include "simd_vec.h"

namespace convlens {

enum class Op { N, T };  // use the matrix as stored, or its transpose

// The scratch the blocked GEMMs (all of gemm() and gemm_gather()) need for op(B) (K,N).
uint64_t gemm_scratch_floats(uint64_t k, int n);

// The blocked GEMM with the SIMD micro-kernel (gemm_kernel_simd.h; built where CONVLENS_SIMD is), and Eigen's.
void gemm_blocked_simd(Op op_a, Op op_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                       float* c, int ldc, bool accumulate, float* scratch);
void gemm_eigen(Op op_a, Op op_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
                int ldc, bool accumulate);
// The fastest implementation built for this target (see above).
inline void gemm(Op op_a, Op op_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
                 int ldc, bool accumulate, float* scratch) {
  if constexpr (kSimd) gemm_blocked_simd(op_a, op_b, m, n, k, a, lda, b, ldb, c, ldc, accumulate, scratch);
  else gemm_eigen(op_a, op_b, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

// op(A) as a gather: op(A)(i, p) = a[row_offset[i] + col_offset[p]]. This is how convolutions avoid im2col
// (layers.cpp): with rows = output pixels and columns = kernel taps it is the patch matrix read straight from
// the zero-padded image; with the two swapped, its transpose. B is used as stored.
struct GatherA {
  const float* a;
  const std::ptrdiff_t* row_offset;  // m entries
  const std::ptrdiff_t* col_offset;  // k entries
};
void gemm_gather_scalar(int m, int n, int k, GatherA a, const float* b, int ldb, float* c, int ldc, bool accumulate,
                        float* scratch);  // with the scalar micro-kernel
void gemm_gather_simd(int m, int n, int k, GatherA a, const float* b, int ldb, float* c, int ldc, bool accumulate,
                      float* scratch);  // with the SIMD one (where CONVLENS_SIMD)
inline void gemm_gather(int m, int n, int k, GatherA a, const float* b, int ldb, float* c, int ldc, bool accumulate,
                        float* scratch) {
  if constexpr (kSimd) gemm_gather_simd(m, n, k, a, b, ldb, c, ldc, accumulate, scratch);
  else gemm_gather_scalar(m, n, k, a, b, ldb, c, ldc, accumulate, scratch);
}

// B packed once for many products with it (Winograd multiplies every block of tiles by the same 36 matrices):
// gemm_pack_b writes gemm_packed_b_floats(k, n) floats; gemm_with_packed_b is then C = A B (+ C) with A (M,K)
// as stored, on the calling thread only (its callers share out the blocks). Where gemm() is the SIMD blocked
// GEMM, the two agree to the bit.
size_t gemm_packed_b_floats(int k, int n);
// n rounded up to whole half panels of gemm_with_packed_b's micro-kernel: a product that wide (B's extra columns
// zero, C's rows with room for them) needs no edge tiles. 36 -> 40 natively (16-column panels), 36 in WebAssembly.
int gemm_packed_columns(int n);
void gemm_pack_b(Op op_b, int k, int n, const float* b, int ldb, float* packed);
void gemm_with_packed_b(int m, int n, int k, const float* a, int lda, const float* packed, float* c, int ldc,
                        bool accumulate);

// References and building blocks, exposed for tests and the benchmark.
void gemm_reference(Op op_a, Op op_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                    float* c, int ldc, bool accumulate);  // triple loop, double accumulators
void gemm_blocked_scalar(Op op_a, Op op_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
                         float* c, int ldc, bool accumulate, float* scratch);  // the blocked GEMM, scalar kernel
// im2col / col2im: a convolution's patch matrix made explicit, and its adjoint; with gemm_reference, the textbook
// convolution the tests check layers.cpp's implicit GEMMs against. Legend as in layers.h; pad_before: the zero
// rows/cols above/left of the image (conv2d_pad_before). cols row (n,oy,ox) holds the KxK patch, C channels
// each: (M, KKC).
void im2col(const float* x, int n, Shape in, int k, int pad_before, Shape out, float* cols);
void col2im(const float* dcols, int n, Shape in, int k, int pad_before, Shape out, float* dx);  // dx is overwritten

// Name of what gemm() runs here ("wasm-simd128", "avx2-fma", "eigen"), for benchmark reports.
const char* gemm_kind();

}  // namespace convlens
