// test_threads.cpp: parallel_for covers its range exactly once in contiguous shares, honours the grain, and
// survives being called from inside itself — with however many threads this build has. Catch2 is not
// thread-safe, so the shares only record what they saw; the checks run afterwards on the test's thread.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <vector>

#include "threads.h"

using namespace convlens;

TEST_CASE("parallel_for visits every index once, in contiguous shares", "[threads]") {
  const int saved = engine_threads();
  for (int threads : {1, 2, 3}) {
    engine_set_threads(threads);
    for (int count : {1, 2, 7, 100}) {
      std::vector<std::atomic<int>> seen(static_cast<size_t>(count));
      std::mutex mutex;
      int shares = 0, empty_shares = 0;
      parallel_for(count, 1, [&](int begin, int end) {
        for (int i = begin; i < end; ++i) ++seen[size_t(i)];
        std::lock_guard<std::mutex> lock(mutex);
        ++shares;
        if (begin >= end) ++empty_shares;
      });
      for (int i = 0; i < count; ++i) CHECK(seen[size_t(i)] == 1);
      CHECK(empty_shares == 0);
      CHECK(shares >= 1);
      CHECK(shares <= std::min(count, kSharesPerThread * engine_threads()));
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
  std::atomic<int> inner{0};
  parallel_for(4, 1, [&](int begin, int end) {
    for (int i = begin; i < end; ++i) parallel_for(5, 1, [&](int b, int e) { inner += e - b; });
  });
  CHECK(inner == 20);
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
