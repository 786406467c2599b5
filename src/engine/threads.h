// threads.h: how many threads the engine uses, and the one way its loops use them (parallel_for).
// Natively: OpenMP (and Eigen's GEMM threads). In the threaded WebAssembly build (-pthread): a small pool of
// std::threads that sleep between jobs; all threads, the calling one (the browser's main thread) included, claim
// shares until none are left, and the caller spins until the last one is done, since a page's main thread may
// not block. Otherwise (the single-threaded WASM build) parallel_for runs the whole range on the calling thread.
#pragma once
#include <functional>

namespace convlens {

void engine_set_threads(int n);  // n >= 1; in the threaded WASM build at most the Web Workers Emscripten preallocated
int engine_threads();

// Calls fn(begin, end) on contiguous shares of [0, count) on up to engine_threads() threads, each share at least
// `grain` items (so small jobs stay on one thread), and returns when all shares are done. One share per thread
// natively; up to kSharesPerThread in the threaded WebAssembly build, where threads claim them as they go.
void parallel_for(int count, int grain, const std::function<void(int begin, int end)>& fn);
constexpr int kSharesPerThread = 3;

}  // namespace convlens
