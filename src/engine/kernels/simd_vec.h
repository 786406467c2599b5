// simd_vec.h: the engine's one SIMD switch, CONVLENS_SIMD, and the small vector types the SIMD kernels are
// written over, so that each kernel is written once: WebAssembly SIMD128 (F32x4: 4 floats, multiply then add)
// and, natively, AVX2 + FMA (F32x8: 8 floats, fused). Used by the GEMM micro-kernel (gemm_kernel_simd.h), the
// sparse convolution gradients (conv_sparse_grad.cpp), Winograd's transforms and the hot loops (hot_loops.h).
//
// Every kernel with a SIMD version has the same three names, all declared in its header: foo_scalar (the
// reference, always built), foo_simd (built where CONVLENS_SIMD is defined) and foo, an inline function that runs
// `if constexpr (kSimd) foo_simd(...); else foo_scalar(...);` (the branch not taken is never compiled, so foo_simd
// needs no definition where there is no SIMD). The hot loops' foo_simd are SIMD128 only (kSimdHotLoops,
// hot_loops.h): natively the compiler vectorises their scalar loops by itself. No other file tests the target
// macros.
#pragma once

// CONVLENS_SIMD: the width in bits of the vectors this build's kernels use; undefined without SIMD.
#if defined(__wasm_simd128__)
#define CONVLENS_SIMD 128  // WebAssembly SIMD128 (emcc -msimd128)
#include <wasm_simd128.h>
#elif defined(__AVX2__) && defined(__FMA__)
#define CONVLENS_SIMD 256  // AVX2 + FMA (-march=native on a CPU that has them)
#include <immintrin.h>
#endif

namespace convlens {

#ifdef CONVLENS_SIMD
constexpr bool kSimd = true;  // CONVLENS_SIMD for `if constexpr`
#else
constexpr bool kSimd = false;
#endif

#if CONVLENS_SIMD == 128
struct F32x4 {  // WebAssembly SIMD128: V8 maps these to SSE/AVX (x86) or NEON (ARM)
  using V = v128_t;
  static constexpr int kWidth = 4;
  static constexpr const char* kName = "wasm-simd128";
  static V zero() { return wasm_f32x4_splat(0.0f); }
  static V load(const float* p) { return wasm_v128_load(p); }
  static V broadcast(const float* p) { return wasm_v128_load32_splat(p); }
  static V madd(V a, V b, V acc) { return wasm_f32x4_add(acc, wasm_f32x4_mul(a, b)); }  // no FMA in SIMD128
  static V add(V a, V b) { return wasm_f32x4_add(a, b); }
  static V sub(V a, V b) { return wasm_f32x4_sub(a, b); }
  static V mul(V a, V b) { return wasm_f32x4_mul(a, b); }
  static V splat(float x) { return wasm_f32x4_splat(x); }
  static void store(float* p, V v) { wasm_v128_store(p, v); }
  static int nonzero_bits(const float* p) {  // bit i set if p[i] != 0 (NaN included)
    return wasm_i32x4_bitmask(wasm_f32x4_ne(wasm_v128_load(p), zero()));
  }
};
#elif CONVLENS_SIMD == 256
struct F32x8 {  // AVX2 + FMA (x86-64 built with -march=native on a CPU that has them)
  using V = __m256;
  static constexpr int kWidth = 8;
  static constexpr const char* kName = "avx2-fma";
  static V zero() { return _mm256_setzero_ps(); }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static V broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static V madd(V a, V b, V acc) { return _mm256_fmadd_ps(a, b, acc); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V splat(float x) { return _mm256_set1_ps(x); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static int nonzero_bits(const float* p) {  // bit i set if p[i] != 0 (NaN included)
    return _mm256_movemask_ps(_mm256_cmp_ps(load(p), zero(), _CMP_NEQ_UQ));
  }
};
#endif

#if CONVLENS_SIMD == 128
using SimdVec = F32x4;  // the vector type of this build, where it has one
#elif CONVLENS_SIMD == 256
using SimdVec = F32x8;
#endif

}  // namespace convlens
