// aligned_buffer.h: FloatBuffer, the engine's float storage — a std::vector whose data starts on a 64-byte
// boundary (one cache line, one AVX-512 / four WASM SIMD registers).
//
// Why: vectorised reductions (Eigen's, and ours) peel a different number of leading elements depending on the
// address, which changes the summation order. With every buffer aligned the same way, the same seed gives
// bit-identical results from run to run, whatever the allocator hands out.
#pragma once
#include <cstddef>
#include <new>
#include <vector>

namespace convlens {

template <class T>
struct AlignedAllocator {
  using value_type = T;
  static constexpr std::size_t kAlignment = 64;

  AlignedAllocator() = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U>&) {}

  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(kAlignment))); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t(kAlignment)); }

  template <class U>
  bool operator==(const AlignedAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const AlignedAllocator<U>&) const { return false; }
};

using FloatBuffer = std::vector<float, AlignedAllocator<float>>;

}  // namespace convlens
