// scratch.h: the kernels' per-thread scratch memory, which a Workspace holds (model.h): one slice per engine
// thread, picked by engine_thread_index() (threads.h). A kernel says how many floats the slices need
// (ThreadFloats: conv2d_thread_floats, ...; gemm_scratch_floats for the part a GEMM is handed) and carves its
// buffers out of its slice with scratch_take; the caller sizes the slices for the largest kernel it runs. No
// kernel keeps memory of its own.
//
// The calling thread (index 0) runs a kernel's own work (a GEMM packing B, partial sums) and shares of its
// parallel_for; the workers run shares only, which need less (a thread packs only small weights for itself):
// slice 0 is `caller` floats, every other slice `worker` floats. A slice is the running thread's for the length
// of a share (or of a call on the calling thread).
#pragma once
#include <cassert>
#include <cstddef>
#include <cstdint>

#include "threads.h"

namespace convlens {

// Floats that hold `count` values of T, rounded up to whole 64-byte lines: what follows stays as aligned as the
// start (every slice starts on a 64-byte line), so no load of a float vector splits a cache line.
template <class T>
constexpr uint64_t scratch_floats(uint64_t count) {
  return (count * sizeof(T) + 63) / 64 * (64 / sizeof(float));
}

// Takes `count` values of T from the front of `cursor` (a slice, or the rest of one) and moves it past them.
template <class T>
T* scratch_take(float*& cursor, uint64_t count) {
  static_assert(alignof(T) <= 64, "slices are aligned to 64 bytes");
  T* taken = reinterpret_cast<T*>(cursor);
  cursor += scratch_floats<T>(count);
  return taken;
}

// What a kernel needs of each slice: the calling thread's, and each worker's.
struct ThreadFloats {
  uint64_t caller = 0;
  uint64_t worker = 0;
};

// Enough for both (kernels run one after the other in the same slices).
inline ThreadFloats thread_floats_max(ThreadFloats a, ThreadFloats b) {
  return ThreadFloats{a.caller > b.caller ? a.caller : b.caller, a.worker > b.worker ? a.worker : b.worker};
}

// `need` rounded up to whole 64-byte lines (so that every slice starts aligned), for `threads` threads.
inline uint64_t thread_scratch_floats(ThreadFloats need, int threads) {
  return scratch_floats<float>(need.caller) + uint64_t(threads > 1 ? threads - 1 : 0) * scratch_floats<float>(need.worker);
}

// Per-thread scratch: the calling thread's slice (caller floats), then threads - 1 workers' (worker floats each),
// each 64-byte aligned.
struct ThreadScratch {
  float* data = nullptr;
  ThreadFloats floats;  // each a multiple of 16
  int threads = 0;

  // The slice of the thread running this code.
  float* mine() const {
    const int t = engine_thread_index();
    assert(t < threads && "per-thread scratch reserved for fewer threads than run");
    return t == 0 ? data : data + floats.caller + size_t(t - 1) * floats.worker;
  }
  // Whether the slices hold what a kernel needs (asserted by the kernels).
  bool holds(ThreadFloats need) const { return floats.caller >= need.caller && floats.worker >= need.worker; }
};

}  // namespace convlens
