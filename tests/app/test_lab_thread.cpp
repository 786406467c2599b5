// test_lab_thread.cpp: the Lab trained by a thread of its own while the reading side (this test's thread)
// reads and controls it, as the threaded browser build and the desktop app do: the triple buffer hands over
// whole values; training never waits for a reader; every view is one consistent moment; pause, step and reset
// take effect within one batch; and the weights are the same to the bit whoever trains and with any number of
// engine threads.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "clock.h"
#include "handoff.h"
#include "kernels/threads.h"
#include "lab.h"
#include "test_data.h"

using namespace convlens;

namespace {

void setup_lab(Lab& lab, int epochs = 2) {
  lab.settings().model = "conv4k3-pool2-drop.25-flat-dense10";  // dropout: its masks must not depend on who trains
  lab.settings().train.epochs = epochs;
  lab.settings().train.batch = 16;
  lab.settings().train.optimizer.lr = 0.01f;
  REQUIRE(lab.set_data(squares(400, 1), squares(60, 2)).ok());
}

// What the platform's training thread does (app_shell.cpp).
class TrainingThread {
 public:
  explicit TrainingThread(Lab& lab) : lab_(lab), thread_([this] {
    while (!lab_.work_stopped())
      if (lab_.work(0) == 0) lab_.wait_for_work(0.05);
  }) {}
  ~TrainingThread() {
    lab_.stop_work();
    thread_.join();
  }

 private:
  Lab& lab_;
  std::thread thread_;
};

template <class Done>
bool wait_until(Lab& lab, Done done, double seconds = 60) {
  const double until = now_seconds() + seconds;
  while (now_seconds() < until) {
    lab.sync();
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

}  // namespace

TEST_CASE("the handoff gives the reader whole values, newest first, and never blocks the writer", "[lab][thread]") {
  struct Value {
    int id = 0;
    std::vector<int> data = std::vector<int>(1000, 0);  // all equal to id in a consistent value
  };
  Handoff<Value> h;
  constexpr int kWrites = 20000;
  std::atomic<bool> written{false};
  std::thread writer([&] {
    for (int i = 1; i <= kWrites; ++i) {
      Value& v = h.back();
      v.id = i;
      for (int& x : v.data) x = i;
      h.publish();
    }
    written = true;
  });
  int last = 0, fetched = 0, torn = 0, backwards = 0;
  for (;;) {
    const bool done = written;  // read before fetching: a value published after it is fetched next round
    if (h.fetch()) {
      ++fetched;
      const Value& v = h.front();
      for (int x : v.data) torn += x != v.id;
      backwards += v.id < last;
      last = v.id;
    } else if (done) {
      break;
    }
  }
  writer.join();
  CHECK(torn == 0);
  CHECK(backwards == 0);
  CHECK(fetched > 0);
  CHECK(h.front().id == kWrites);  // the last value is never lost
  CHECK_FALSE(h.fetch());          // and is fetched once
}

TEST_CASE("a training thread runs to the end while every view the reader takes is one moment", "[lab][thread]") {
  Lab lab;
  setup_lab(lab);
  TrainingThread thread(lab);
  REQUIRE(lab.train().ok());
  int views = 0, inconsistent = 0;
  const bool done = wait_until(lab, [&] {
    const LabView& v = lab.view();
    ++views;
    inconsistent += v.batches.size() != size_t(v.steps);
    inconsistent += v.history.size() > size_t(v.epochs);
    if (!v.snapshots.empty() && v.snapshots.back()->step == v.steps)
      inconsistent += v.snapshots.back()->params != v.params;  // the newest snapshot is of these weights
    return lab.state() == LabState::Done && !lab.testing();
  });
  REQUIRE(done);
  CHECK(inconsistent == 0);
  CHECK(views > 2);
  CHECK(lab.view().history.size() == 2);
  CHECK(lab.metrics().has_test);
  CHECK(lab.model().params == lab.view().params);  // the reading side's model has the newest weights
  int keras_lines = 0;
  for (const std::string& line : lab.log()) keras_lines += line.rfind("Epoch ", 0) == 0;
  CHECK(keras_lines == 2);
  CHECK_THAT(lab.log().back(), Catch::StartsWith("Test loss: "));
}

TEST_CASE("training goes on while the reader never looks", "[lab][thread]") {
  Lab lab;
  setup_lab(lab);
  TrainingThread thread(lab);
  REQUIRE(lab.train().ok());
  const LabView& stale = lab.view();  // held, never synced: the trainer must not wait for it
  const long steps_seen = stale.steps;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(stale.steps == steps_seen);  // the reader's view is stable until it syncs
  REQUIRE(wait_until(lab, [&] { return lab.state() == LabState::Done; }));
  CHECK(lab.view().steps == 2 * 20);  // 2 epochs of ceil(320 / 16) batches
}

TEST_CASE("pause, step and reset take effect within one batch of a training thread", "[lab][thread]") {
  Lab lab;
  setup_lab(lab, 50);
  TrainingThread thread(lab);
  REQUIRE(lab.train().ok());
  REQUIRE(wait_until(lab, [&] { return lab.view().steps >= 3; }));
  lab.pause();  // returns once the current batch is done
  CHECK(lab.state() == LabState::Paused);
  const long paused_at = lab.view().steps;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  lab.sync();
  CHECK(lab.view().steps == paused_at);  // not one batch more
  REQUIRE(lab.step(3).ok());
  REQUIRE(wait_until(lab, [&] { return lab.state() == LabState::Paused; }));
  CHECK(lab.view().steps == paused_at + 3);
  REQUIRE(lab.train().ok());
  REQUIRE(wait_until(lab, [&] { return lab.view().steps >= paused_at + 6; }));
  REQUIRE(lab.reset().ok());  // while training
  CHECK(lab.state() == LabState::Ready);
  CHECK(lab.view().steps == 0);
  CHECK(lab.snapshot_count() == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  lab.sync();
  CHECK(lab.view().steps == 0);  // nothing trains after a reset
}

TEST_CASE("the weights are the same to the bit in a thread, in frames, and with 1 or 3 engine threads", "[lab][thread]") {
  auto train = [](bool thread, int threads) {
    const int saved = engine_threads();
    engine_set_threads(threads);
    Lab lab;
    setup_lab(lab, 1);
    REQUIRE(lab.train().ok());
    if (thread) {
      TrainingThread t(lab);
      REQUIRE(wait_until(lab, [&] { return lab.state() == LabState::Done; }));
    } else {
      for (int i = 0; i < 100000 && lab.state() == LabState::Training; ++i) lab.tick(0.01, false);  // whole batches
    }
    engine_set_threads(saved);
    REQUIRE(lab.state() == LabState::Done);
    return lab.view().params;
  };
  const FloatBuffer frames = train(false, 1);
  CHECK(train(true, 1) == frames);
  CHECK(train(true, 3) == frames);
  CHECK(train(false, 3) == frames);
}
