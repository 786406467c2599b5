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
#include <cstdint>
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
// Workers sleep on a condition variable until a job arrives. The job is cut into a few shares per thread,
// which every thread, the caller included, claims one at a time until none are left; then the caller spins (the
// browser's main thread may not block) until the shares in flight are done. Claiming rather than being handed
// a share means that a worker the OS holds back (the page's renderer wants the core too) costs at most the one
// share it has started, not a whole part. Each share is claimed once, so results do not depend on who ran it.
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
    // A new worker must wait for the next job, not look at the last one again.
    const uint32_t current = generation_;
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this, current] { work(current); });
  }

  void run(int count, int shares, const std::function<void(int, int)>& fn) {
    uint32_t generation;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &fn, count_ = count, shares_ = shares;
      generation = ++generation_;
      done_.store(0, std::memory_order_relaxed);
      claims_.store(uint64_t(generation) << 32, std::memory_order_release);
    }
    wake_.notify_all();
    run_shares(generation, &fn, count, shares);
    while (done_.load(std::memory_order_acquire) < shares) {
    }
  }

 private:
  void work(uint32_t seen) {
    for (;;) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      const std::function<void(int, int)>* job = job_;
      const int count = count_, shares = shares_;
      lock.unlock();
      run_shares(seen, job, count, shares);  // late for this job: finds no share left, and never touches job
    }
  }

  // Claims shares of job `generation` and runs them until none are left. claims_ holds (generation, next
  // share): a worker still looking at an older job cannot claim a share of the current one.
  void run_shares(uint32_t generation, const std::function<void(int, int)>* fn, int count, int shares) {
    for (;;) {
      uint64_t claim = claims_.load(std::memory_order_acquire);
      do {
        if (uint32_t(claim >> 32) != generation || int(uint32_t(claim)) >= shares) return;
      } while (!claims_.compare_exchange_weak(claim, claim + 1, std::memory_order_acq_rel));
      run_share(*fn, count, int(uint32_t(claim)), shares);
      done_.fetch_add(1, std::memory_order_release);
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  const std::function<void(int, int)>* job_ = nullptr;
  int count_ = 0, shares_ = 1;
  uint32_t generation_ = 0;
  std::atomic<uint64_t> claims_{0};
  std::atomic<int> done_{0};
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
  pool().run(count, std::max(1, std::min(parts * kSharesPerThread, count / std::max(1, grain))), fn);
  busy.store(false);
#else
  fn(0, count);
#endif
}

}  // namespace convlens
