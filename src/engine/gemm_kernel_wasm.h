// gemm_kernel_wasm.h: the SIMD128 micro-kernel of the blocked GEMM (gemm.cpp), WebAssembly only.
// It keeps a kMr x kNr tile of C in kMr * kNr/4 f32x4 registers: for every step p it loads one row of the
// packed B panel (kNr/4 vectors), splats each of the kMr values of A's column p, and multiply-adds.
// Its scalar twin is ScalarKernel in gemm.cpp; tests/engine/test_gemm.cpp checks that both agree.
#pragma once
#include <wasm_simd128.h>

namespace convlens {

template <int Mr, int Nv>
struct SimdKernelT {
  static constexpr int kMr = Mr, kNr = 4 * Nv;
  // C tile (kMr, kNr), rows of ldc; op(A)(r,p) = a[r * a_rs + p * a_cs]; panel (kc, kNr).
  static void run(int kc, const float* a, long a_rs, long a_cs, const float* panel, float* c, int ldc,
                  bool accumulate) {
    v128_t acc[Mr][Nv];
    for (int r = 0; r < Mr; ++r)
      for (int v = 0; v < Nv; ++v) acc[r][v] = wasm_f32x4_splat(0.0f);
    for (int p = 0; p < kc; ++p, a += a_cs, panel += kNr) {
      v128_t bv[Nv];
      for (int v = 0; v < Nv; ++v) bv[v] = wasm_v128_load(panel + 4 * v);
      for (int r = 0; r < Mr; ++r) {
        const v128_t av = wasm_f32x4_splat(a[r * a_rs]);
        for (int v = 0; v < Nv; ++v) acc[r][v] = wasm_f32x4_add(acc[r][v], wasm_f32x4_mul(av, bv[v]));
      }
    }
    for (int r = 0; r < Mr; ++r)
      for (int v = 0; v < Nv; ++v) {
        float* dst = c + long(r) * ldc + 4 * v;
        wasm_v128_store(dst, accumulate ? wasm_f32x4_add(wasm_v128_load(dst), acc[r][v]) : acc[r][v]);
      }
  }
};

// 4 x 8: 8 accumulators, 2 B vectors and a splat leave V8 room on x64's 16 vector registers. Measured under
// Node 20 against 6x8, 8x8, 5x8, 4x12, 3x12 and 2x16 on the model's GEMM shapes: best or close on all of them.
using SimdKernel = SimdKernelT<4, 2>;

}  // namespace convlens
