// test_threads.cpp: parallel_for covers its range exactly once in the same contiguous shares every time,
// honours the grain, runs a call from inside a share on that share's thread, and stays correct when two threads
// call it (or one resizes the pool) at the same time — with however many threads this build has. Catch2 is not
// thread-safe, so the shares only record what they saw; the checks run afterwards on the test's thread.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "kernels/threads.h"

using namespace convlens;

TEST_CASE("parallel_for visits every index once, in contiguous shares", "[threads]") {
  const int saved = engine_threads();
  for (int threads : {1, 2, 3}) {
    engine_set_threads(threads);
    for (int count : {1, 2, 7, 100}) {
      std::vector<std::atomic<int>> seen(static_cast<size_t>(count));
      std::mutex mutex;
      std::vector<std::pair<int, int>> shares, again;
      parallel_for(count, 1, [&](int begin, int end) {
        for (int i = begin; i < end; ++i) ++seen[size_t(i)];
        std::lock_guard<std::mutex> lock(mutex);
        shares.emplace_back(begin, end);
      });
      parallel_for(count, 1, [&](int begin, int end) {
        std::lock_guard<std::mutex> lock(mutex);
        again.emplace_back(begin, end);
      });
      for (int i = 0; i < count; ++i) CHECK(seen[size_t(i)] == 1);
      CHECK(shares.size() >= 1);
      CHECK(int(shares.size()) <= std::min(count, kSharesPerThread * engine_threads()));
      std::sort(shares.begin(), shares.end());
      std::sort(again.begin(), again.end());
      CHECK(shares == again);  // the same shares, whichever thread ran which
      for (const auto& [begin, end] : shares) CHECK(begin < end);
    }
  }
  engine_set_threads(saved);
}

TEST_CASE("parallel_for keeps small jobs whole and tolerates nesting and empty ranges", "[threads]") {
  const int saved = engine_threads();
  engine_set_threads(2);
  std::atomic<int> calls{0}, first{-1}, last{-1};
  parallel_for(10, 10, [&](int begin, int end) {  // grain 10: one share
    ++calls;
    first = begin;
    last = end;
  });
  CHECK(calls == 1);
  CHECK(first == 0);
  CHECK(last == 10);
  calls = 0;
  parallel_for(0, 1, [&](int, int) { ++calls; });  // an empty range runs nothing
  CHECK(calls == 0);
  std::atomic<int> inner{0}, elsewhere{0};
  parallel_for(4, 1, [&](int begin, int end) {
    const std::thread::id outer = std::this_thread::get_id();
    for (int i = begin; i < end; ++i)
      parallel_for(5, 1, [&](int b, int e) {  // runs whole, on the outer share's thread
        inner += e - b;
        if (std::this_thread::get_id() != outer || b != 0 || e != 5) ++elsewhere;
      });
  });
  CHECK(inner == 20);
  CHECK(elsewhere == 0);
  engine_set_threads(saved);
}

TEST_CASE("parallel_for: many quick jobs in a row, each index once per job", "[threads]") {
  // Workers that wake late for a job must not run shares of the next one with the old job's function.
  const int saved = engine_threads();
  engine_set_threads(3);
  const int jobs = 2000, count = 6;
  std::vector<std::atomic<int>> seen(static_cast<size_t>(jobs) * count);
  for (int j = 0; j < jobs; ++j)
    parallel_for(count, 1, [&, j](int begin, int end) {
      for (int i = begin; i < end; ++i) ++seen[size_t(j) * count + i];
    });
  int wrong = 0;
  for (const std::atomic<int>& s : seen) wrong += s != 1;
  CHECK(wrong == 0);
  engine_set_threads(saved);
}

TEST_CASE("parallel_for: two threads at once, and a resize while another thread runs jobs", "[threads]") {
  // The app trains on one thread while its UI thread draws: a second caller runs its job on its own thread.
  const int saved = engine_threads();
  engine_set_threads(2);
  if (engine_threads() == 1) return;  // a build without threads (single-threaded WebAssembly) cannot start one
  const int jobs = 500, count = 64;
  auto run_jobs = [&](std::vector<std::atomic<int>>& seen) {
    for (int j = 0; j < jobs; ++j)
      parallel_for(count, 1, [&, j](int begin, int end) {
        for (int i = begin; i < end; ++i) ++seen[size_t(j) * count + i];
      });
  };
  std::vector<std::atomic<int>> seen_a(size_t(jobs) * count), seen_b(size_t(jobs) * count);
  std::thread other([&] { run_jobs(seen_a); });
  run_jobs(seen_b);
  for (int r = 0; r < 20; ++r) engine_set_threads(r % 2 ? 2 : 3);  // waits for the other thread's job in flight
  other.join();
  int wrong = 0;
  for (const std::atomic<int>& s : seen_a) wrong += s != 1;
  for (const std::atomic<int>& s : seen_b) wrong += s != 1;
  CHECK(wrong == 0);
  engine_set_threads(saved);
}
