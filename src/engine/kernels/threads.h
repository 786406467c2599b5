// threads.h: how many threads the engine uses, and the one way its loops use them (parallel_for, and
// parallel_runs over it for results that must not depend on the number of threads).
// Natively and in the threaded WebAssembly build (-pthread) alike: a small pool of std::threads. Each job is cut
// into a few contiguous shares per thread, which all threads, the calling one included, claim one at a time
// (the caller from the front, workers from the back, so that each keeps to its end of the data) until none are
// left. The caller then waits for the shares in flight: it spins for 50 us, then sleeps until the last one ends
// (on a page's main thread, which may not block, Emscripten spins there instead). A thread the OS holds back
// (another process wants the core) thus costs at most the one share it started, and the waiting caller leaves it
// its core. A worker looks for the next job for 200 us, then sleeps on a condition variable: an idle pool does
// not spin.
// In the single-threaded WebAssembly build parallel_for runs the whole range on the calling thread.
// Not here: thread affinity, priorities, work stealing between nested jobs, threads for Eigen (it runs
// single-threaded; the engine's GEMM is its own, gemm.h).
#pragma once
#include <algorithm>
#include <cassert>
#include <cstddef>
#include <functional>

namespace convlens {

// Engine threads, the calling one included (default 1). n >= 1; in the threaded WASM build at most the Web
// Workers Emscripten preallocated (engine_max_threads()); 1 in the single-threaded WASM build. Waits for a
// parallel_for under way on another thread; never call it from inside a parallel_for share.
void engine_set_threads(int n);
int engine_threads();
// The machine's cores (std::thread::hardware_concurrency(), at least 1): the default of `convlens --threads`.
// In the threaded WASM build at most 8 (PTHREAD_POOL_SIZE in CMakeLists.txt); 1 in the single-threaded one.
int engine_max_threads();
// Which engine thread runs this code: 1 .. engine_threads()-1 on the pool's workers, 0 on any other thread (the
// one that called parallel_for). Per-thread scratch is indexed by it (scratch.h).
int engine_thread_index();

// Calls fn(begin, end) on contiguous shares of [0, count), each at least `grain` items (so small jobs stay on
// one thread), on up to engine_threads() threads, and returns when all shares are done. The shares depend only
// on count, grain and engine_threads() (up to kSharesPerThread per thread), never on which thread ran which.
// One job runs at a time: a call from inside a share, or from a second thread while a job is under way, runs
// its whole range on its own thread.
void parallel_for(int count, int grain, const std::function<void(int begin, int end)>& fn);
constexpr int kSharesPerThread = 3;

// The number of runs of `run_length` items that cover [0, total).
inline int run_count(size_t total, size_t run_length) { return int((total + run_length - 1) / run_length); }

// Calls fn(run, first, count) once for every run [first, first + count) of `run_length` items of [0, total), in
// parallel. The runs are the same whatever the number of threads, so a result built run by run (a random
// stream per run, a partial sum per run added in run order) does not depend on it: the layers' bias gradients
// (layers.cpp) and the sparse convolution gradients' partial weight gradients (conv_sparse_grad.cpp).
template <class Fn>
void parallel_runs(size_t total, size_t run_length, Fn&& fn) {
  assert(run_length > 0);
  parallel_for(run_count(total, run_length), 1, [&](int first_run, int last_run) {
    for (int r = first_run; r < last_run; ++r) {
      const size_t first = size_t(r) * run_length;
      fn(r, first, std::min(run_length, total - first));
    }
  });
}

}  // namespace convlens
