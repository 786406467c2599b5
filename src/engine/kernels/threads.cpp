// threads.cpp: thread count and parallel_for (see threads.h): one std::thread pool, natively and in the
// threaded WebAssembly build; the single-threaded WebAssembly build never starts a thread.
#include "threads.h"

#include "clock.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace convlens {
namespace {

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
constexpr bool kHasThreads = false;  // a WebAssembly build without -pthread cannot start threads
#else
constexpr bool kHasThreads = true;
#endif

// A worker that finished a job looks for the next one this long before it sleeps on the condition variable: a
// training step issues ~60 jobs of ~35 us to 1 ms, 97% of them within 200 us of the one before (mnist preset,
// 2 threads), and waking a sleeping thread costs tens of microseconds.
constexpr int kWorkerWaitMicros = 200;
// The caller, its own shares done, looks this long for the shares in flight before it sleeps until the last one
// ends: a worker the OS holds back (the browser drawing, another process) then gets the caller's core at once.
constexpr int kCallerWaitMicros = 50;

thread_local int t_thread_index = 0;  // engine_thread_index(): set once by each worker

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Waits until ready(), yielding the core every 64 looks (to another process, or to a thread of ours the OS holds
// back), for at most `micros` (no limit if negative). Returns ready().
template <class Ready>
bool wait_until(Ready&& ready, int micros) {
  const double end = now_seconds() + micros * 1e-6;
  for (int looks = 1;; ++looks) {
    if (ready()) return true;
    if (looks % 64 != 0) {
      cpu_relax();
      continue;
    }
    if (micros >= 0 && now_seconds() > end) return false;
    std::this_thread::yield();
  }
}

// Share `part` of `parts` of [0, count): contiguous, sizes differing by at most one.
void run_share(const std::function<void(int, int)>& fn, int count, int part, int parts) {
  const int begin = int(long(count) * part / parts), end = int(long(count) * (part + 1) / parts);
  if (begin < end) fn(begin, end);
}

// Workers wait for a job: looking for it for kWorkerWaitMicros (a training step issues many small jobs in a row),
// then asleep on a condition variable. Every thread, the caller included, claims the job's shares one at a time
// until none are left; the caller then waits for the shares in flight, briefly spinning, then asleep.
// Claiming rather than being handed a share means that a worker the OS holds back costs at most the one share it
// has started. Each share is claimed once, so results do not depend on who ran it.
class Pool {
 public:
  ~Pool() { resize(0); }

  int threads() const { return workers_.load(std::memory_order_relaxed) + 1; }

  // Waits for a job under way on another thread, then stops the workers and starts `workers` new ones.
  void resize(int workers) {
    while (busy_.exchange(true, std::memory_order_acquire)) std::this_thread::yield();
    if (workers != int(threads_.size())) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
      }
      wake_.notify_all();
      for (std::thread& t : threads_) t.join();
      threads_.clear();
      stop_ = false;
      // A new worker must wait for the next job, not look at the last one again.
      const uint32_t current = generation_.load(std::memory_order_relaxed);
      for (int i = 0; i < workers; ++i) {
        threads_.emplace_back([this, current, i] {
          t_thread_index = i + 1;
          work(current);
        });
      }
      workers_.store(workers, std::memory_order_relaxed);
    }
    busy_.store(false, std::memory_order_release);
  }

  // Runs fn on `shares` shares of [0, count) and returns true; false (running nothing) if a job or a resize is
  // already under way, e.g. when called from inside a share or from a second thread.
  bool try_run(int count, int shares, const std::function<void(int, int)>& fn) {
    if (busy_.exchange(true, std::memory_order_acquire)) return false;
    uint32_t generation;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &fn, count_ = count, shares_ = shares;
      generation = generation_.load(std::memory_order_relaxed) + 1;
      done_.store(0, std::memory_order_relaxed);
      claims_.store(uint64_t(generation) << 32 | uint64_t(shares) << 16, std::memory_order_relaxed);
      generation_.store(generation, std::memory_order_release);
    }
    wake_.notify_all();
    run_shares(generation, &fn, count, shares, true);
    auto all_done = [&] { return done_.load() >= shares; };
    if (!wait_until(all_done, kCallerWaitMicros)) {
      std::unique_lock<std::mutex> lock(mutex_);
      caller_waiting_ = true;  // before looking at done_ again: the worker that ends the last share sees it
      finished_.wait(lock, all_done);  // (on a browser's main thread Emscripten spins here instead)
      caller_waiting_ = false;
    }
    busy_.store(false, std::memory_order_release);
    return true;
  }

 private:
  void work(uint32_t seen) {
    for (;;) {
      wait_until([&] { return generation_.load(std::memory_order_acquire) != seen; }, kWorkerWaitMicros);
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_.load(std::memory_order_relaxed) != seen; });
      if (stop_) return;
      seen = generation_.load(std::memory_order_relaxed);
      const std::function<void(int, int)>* job = job_;
      const int count = count_, shares = shares_;
      lock.unlock();
      run_shares(seen, job, count, shares, false);  // late for the job: finds no share left, never touches job
    }
  }

  // Claims shares of job `generation` and runs them until none are left: the caller from the front, workers from
  // the back, so that with two threads each keeps to its end of the data from job to job (and so to its cache),
  // as a static split would. claims_ holds (generation, back, front), the shares [front, back) not yet claimed: a
  // worker still looking at an older job cannot claim a share of the current one.
  void run_shares(uint32_t generation, const std::function<void(int, int)>* fn, int count, int shares,
                  bool from_front) {
    for (;;) {
      uint64_t claim = claims_.load(std::memory_order_acquire), next;
      int share;
      do {
        const int front = int(claim & 0xffff), back = int(claim >> 16 & 0xffff);
        if (uint32_t(claim >> 32) != generation || front >= back) return;
        share = from_front ? front : back - 1;
        next = from_front ? claim + 1 : claim - (uint64_t(1) << 16);
      } while (!claims_.compare_exchange_weak(claim, next, std::memory_order_acq_rel));
      run_share(*fn, count, share, shares);
      if (done_.fetch_add(1) + 1 == shares && caller_waiting_.load()) {
        std::lock_guard<std::mutex> lock(mutex_);  // the caller is asleep, or about to look at done_ again
        finished_.notify_one();
      }
    }
  }

  std::vector<std::thread> threads_;  // the workers (engine threads - 1)
  std::atomic<int> workers_{0};       // threads_.size(), readable while a resize is under way
  std::atomic<bool> busy_{false};     // a job or a resize is under way
  std::mutex mutex_;                  // guards the job's description, generation_'s changes and stop_
  std::condition_variable wake_;      // a new job or stop_
  std::condition_variable finished_;  // the current job's last share ended (the caller sleeps on it)
  std::atomic<bool> caller_waiting_{false};
  const std::function<void(int, int)>* job_ = nullptr;
  int count_ = 0, shares_ = 1;
  std::atomic<uint32_t> generation_{0};  // the latest job's number; idle workers watch it before they sleep
  std::atomic<uint64_t> claims_{0};      // generation << 32 | back << 16 | front: shares [front, back) unclaimed
  std::atomic<int> done_{0};             // shares of the current job finished
  bool stop_ = false;
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

void engine_set_threads(int n) { pool().resize(kHasThreads ? std::max(1, n) - 1 : 0); }

int engine_threads() { return pool().threads(); }

int engine_thread_index() { return t_thread_index; }

int engine_max_threads() {
  if (!kHasThreads) return 1;
  const int cores = std::max(1, int(std::thread::hardware_concurrency()));
#ifdef __EMSCRIPTEN__
  return std::min(cores, 8);
#else
  return cores;
#endif
}

void parallel_for(int count, int grain, const std::function<void(int begin, int end)>& fn) {
  if (count <= 0) return;
  const int most = count / std::max(1, grain);  // shares of at least `grain` items
  const int parts = std::max(1, std::min(engine_threads(), most));
  const int shares = std::min({parts * kSharesPerThread, most, 0xffff});  // claims_ counts shares in 16 bits
  if (parts == 1 || !pool().try_run(count, shares, fn)) fn(0, count);
}

}  // namespace convlens
