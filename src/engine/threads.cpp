// threads.cpp: thread count and parallel_for (see threads.h) for the three builds: OpenMP natively, a
// std::thread pool in the threaded WebAssembly build, and the calling thread alone otherwise.
#include "threads.h"

#include <algorithm>
#include <Eigen/Core>
#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef __EMSCRIPTEN_PTHREADS__
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#endif

namespace convlens {
namespace {

// Share `part` of `parts` of [0, count): contiguous, sizes differing by at most one.
[[maybe_unused]] void run_share(const std::function<void(int, int)>& fn, int count, int part, int parts) {
  const int begin = int(long(count) * part / parts), end = int(long(count) * (part + 1) / parts);
  if (begin < end) fn(begin, end);
}

#ifdef __EMSCRIPTEN_PTHREADS__
// Workers sleep on a condition variable until a job arrives; the caller runs share 0 itself, then spins on
// `pending` (the browser's main thread may not block) until every worker has finished its share.
class Pool {
 public:
  ~Pool() { resize(0); }

  int workers() const { return int(threads_.size()); }

  void resize(int workers) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    stop_ = false;
    // A new worker must wait for the next job, not run the last one again (its function is gone by now).
    const unsigned long current = generation_;
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this, i, current] { work(i + 1, current); });
  }

  void run(int count, int parts, const std::function<void(int, int)>& fn) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &fn, count_ = count, parts_ = parts;
      pending_.store(parts - 1, std::memory_order_relaxed);
      ++generation_;
    }
    wake_.notify_all();
    run_share(fn, count, 0, parts);
    while (pending_.load(std::memory_order_acquire) > 0) {
    }
  }

 private:
  void work(int part, unsigned long seen) {
    for (;;) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      const std::function<void(int, int)>* job = job_;
      const int count = count_, parts = parts_;
      lock.unlock();
      if (part < parts) {  // jobs split into fewer shares leave the last workers idle
        run_share(*job, count, part, parts);
        pending_.fetch_sub(1, std::memory_order_release);
      }
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  const std::function<void(int, int)>* job_ = nullptr;
  int count_ = 0, parts_ = 1;
  unsigned long generation_ = 0;
  std::atomic<int> pending_{0};
  bool stop_ = false;
};

Pool& pool() {
  static Pool p;
  return p;
}
#endif

}  // namespace

void engine_set_threads(int n) {
  if (n < 1) n = 1;
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
#ifdef __EMSCRIPTEN_PTHREADS__
  if (n - 1 != pool().workers()) pool().resize(n - 1);
#endif
  Eigen::setNbThreads(n);
}

int engine_threads() {
#ifdef __EMSCRIPTEN_PTHREADS__
  return pool().workers() + 1;
#else
  return Eigen::nbThreads();
#endif
}

void parallel_for(int count, int grain, const std::function<void(int begin, int end)>& fn) {
  if (count <= 0) return;
  const int parts = std::max(1, std::min(engine_threads(), count / std::max(1, grain)));
  if (parts == 1) return fn(0, count);
#if defined(_OPENMP)
#pragma omp parallel for schedule(static) num_threads(parts)
  for (int part = 0; part < parts; ++part) run_share(fn, count, part, parts);
#elif defined(__EMSCRIPTEN_PTHREADS__)
  // Only one job at a time: a nested call (from inside a share) runs on its own thread.
  static std::atomic<bool> busy{false};
  if (busy.exchange(true)) return fn(0, count);
  pool().run(count, parts, fn);
  busy.store(false);
#else
  fn(0, count);
#endif
}

}  // namespace convlens
