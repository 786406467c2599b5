// aligned_buffer.h: FloatBuffer, the engine's float storage — a std::vector whose data starts on a 64-byte
// boundary (one cache line, one AVX-512 / four WASM SIMD registers).
//
// Why: vectorised reductions (Eigen's, and ours) peel a different number of leading elements depending on the
// address, which changes the summation order. With every buffer aligned the same way, the same seed gives
// bit-identical results from run to run, whatever the allocator hands out. A failed allocation ends in
// out_of_memory() (memory.h), never in a null pointer.
#pragma once
#include <cstddef>
#include <new>
#include <vector>

#include "memory.h"

namespace convlens {

template <class T>
struct AlignedAllocator {
  using value_type = T;
  static constexpr std::size_t kAlignment = 64;

  AlignedAllocator() = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U>&) {}

  // Emscripten's aligned operator new returns null when the heap cannot grow (exceptions off): never used then.
  T* allocate(std::size_t n) {
    if (n > std::size_t(-1) / sizeof(T)) out_of_memory(std::size_t(-1));
    void* p = ::operator new(n * sizeof(T), std::align_val_t(kAlignment), std::nothrow);
    if (!p) out_of_memory(n * sizeof(T));
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t(kAlignment)); }

  template <class U>
  bool operator==(const AlignedAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const AlignedAllocator<U>&) const { return false; }
};

using FloatBuffer = std::vector<float, AlignedAllocator<float>>;

}  // namespace convlens
