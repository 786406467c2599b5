// gemm_kernel_simd.h: the SIMD micro-kernel of the blocked GEMM (gemm.cpp), written once over a small vector
// type: WebAssembly SIMD128 (4 floats, multiply then add) and, natively, AVX2 + FMA (8 floats, fused).
// It keeps a kMr x kNr tile of C in kMr * kNr/W vector registers: for every step p it loads one row of the
// packed B panel (kNr/W vectors), broadcasts each of the kMr values of A's column p, and multiply-adds.
// Its scalar twin is ScalarKernel in gemm.cpp; tests/engine/test_gemm.cpp checks that they agree (to the bit in
// WebAssembly, which does the same operations in the same order; to float rounding with FMA).
#pragma once
#include "simd_vec.h"

namespace convlens {

template <class Vec, int Mr, int Nv>
struct SimdKernelT {
  static constexpr int kMr = Mr, kNr = Vec::kWidth * Nv;
  // C tile (kMr, kNr), rows of ldc; A through an APanel (gemm.cpp); panel: kc rows of kNr floats.
  template <class APanel>
  static void run(int kc, APanel a, const float* panel, float* c, int ldc, bool accumulate) {
    run_vectors<Nv>(kc, a, panel, c, ldc, accumulate);
  }
  // The left half of the tile only (kNr/2 columns), for a last panel of B at most half full.
  template <class APanel>
  static void run_half(int kc, APanel a, const float* panel, float* c, int ldc, bool accumulate) {
    run_vectors<Nv / 2>(kc, a, panel, c, ldc, accumulate);
  }

 private:
  template <int Used, class APanel>  // the first `Used` vectors of each panel row
  static void run_vectors(int kc, APanel a, const float* panel, float* c, int ldc, bool accumulate) {
    constexpr int W = Vec::kWidth;
    typename Vec::V acc[Mr][Used];
    for (int r = 0; r < Mr; ++r)
      for (int v = 0; v < Used; ++v) acc[r][v] = Vec::zero();
    for (int p = 0; p < kc; ++p, a.next(), panel += kNr) {
      typename Vec::V bv[Used];
      for (int v = 0; v < Used; ++v) bv[v] = Vec::load(panel + W * v);
      for (int r = 0; r < Mr; ++r) {
        const typename Vec::V av = Vec::broadcast(a.ptr(r));
        for (int v = 0; v < Used; ++v) acc[r][v] = Vec::madd(av, bv[v], acc[r][v]);
      }
    }
    for (int r = 0; r < Mr; ++r)
      for (int v = 0; v < Used; ++v) {
        float* dst = c + long(r) * ldc + W * v;
        Vec::store(dst, accumulate ? Vec::add(Vec::load(dst), acc[r][v]) : acc[r][v]);
      }
  }
};

#if CONVLENS_SIMD == 128
// 4 x 8: 8 accumulators, 2 B vectors and a splat leave V8 room in x64's 16 vector registers. Measured under
// Node 20 against 6x8, 8x8, 5x8, 4x12, 3x12 and 2x16 on the model's GEMM shapes: best or close on all of them.
using SimdKernel = SimdKernelT<F32x4, 4, 2>;
#elif CONVLENS_SIMD == 256
// 6 x 16: 12 accumulators, 2 B vectors and a broadcast in the 16 ymm registers (the classic AVX2 shape).
using SimdKernel = SimdKernelT<F32x8, 6, 2>;
#endif

}  // namespace convlens
