// test_memory.cpp: the memory budget — a model's plan allocates nothing, the workspace estimate is what
// workspace_reserve allocates, the need of absurd models is refused with a message before anything is built,
// and a long run keeps bounded history and snapshots.
#include <catch2/catch.hpp>

#include <cstdint>

#include "kernels/threads.h"
#include "memory.h"
#include "model.h"
#include "trainer.h"

using namespace convlens;

namespace {

uint64_t allocated_bytes(const Workspace& ws) {
  uint64_t bytes = ws.probs.size() * sizeof(float);
  for (const auto& b : ws.act) bytes += b.size() * sizeof(float);
  for (const auto& b : ws.dact) bytes += b.size() * sizeof(float);
  for (const auto& b : ws.scratch) bytes += b.size() * sizeof(float);
  for (const auto& b : ws.argmax) bytes += b.size() * sizeof(int32_t);
  return bytes + ws.thread_scratch.size() * sizeof(float);
}

// n 4x4 images of 2 classes (bright left or right half).
Dataset halves(size_t n) {
  Dataset d;
  d.name = "halves";
  d.shape = {4, 4, 1};
  d.num_classes = 2;
  for (size_t i = 0; i < n; ++i) {
    d.labels.push_back(uint8_t(i % 2));
    for (int p = 0; p < 16; ++p) d.images.push_back(uint8_t((p % 4 < 2) == (i % 2 == 0) ? 220 : 10));
  }
  return d;
}

struct LimitGuard {  // restores the default limit whatever a test does
  ~LimitGuard() { memory_set_limit(0); }
};

}  // namespace

TEST_CASE("a model's plan has its layers and parameter count but allocates nothing", "[memory]") {
  Result<Model> plan = model_plan("mnist", {28, 28, 1}, 10);
  REQUIRE(plan.ok());
  CHECK(plan.value.param_count == 242062);  // Keras' count for the book's CNN
  CHECK(plan.value.params.empty());
  CHECK(plan.value.grads.empty());
  Result<Model> built = model_build("mnist", {28, 28, 1}, 10);
  REQUIRE(built.ok());
  CHECK(built.value.params.size() == plan.value.param_count);
  // A model of 1 GB of parameters is planned without allocating them.
  Result<Model> huge = model_plan("conv65536k63-pool28-flat-dense10", {28, 28, 1}, 10);
  REQUIRE(huge.ok());
  CHECK(huge.value.param_count > 200000000);
}

TEST_CASE("an input whose sides multiply past 64 bits is refused, not wrapped to a small model", "[memory]") {
  // 2^30 x 2^30 x 16 = 2^64: size64() wraps to 0 (found by tests/fuzz/fuzz_weights).
  CHECK_FALSE(model_plan("conv16k1-flat-dense10", {1 << 30, 1 << 30, 16}, 10).ok());
  CHECK_FALSE(model_plan("flat-dense10", {1, 1, 1 << 20}, 10).ok());
  CHECK(model_plan("flat-dense10", {1, 1, 1 << 16}, 10).ok());
}

TEST_CASE("workspace_bytes is what workspace_reserve allocates", "[memory]") {
  for (const char* spec : {"mnist", "conv8k3valid-drop.2-pool2-flat-dense10", "cifar10"}) {
    for (int batch : {1, 7, 64}) {
      INFO(spec << " batch " << batch);
      const Shape input = std::string(spec) == "cifar10" ? Shape{32, 32, 3} : Shape{28, 28, 1};
      Result<Model> m = model_plan(spec, input, 10);
      REQUIRE(m.ok());
      Workspace ws;
      workspace_reserve(ws, m.value, batch);
      CHECK(workspace_bytes(m.value, batch, engine_threads()) == allocated_bytes(ws));
    }
  }
}

TEST_CASE("the kernels' per-thread scratch is the workspace's: a slice a thread, grown when threads are added",
          "[memory][threads]") {
  Result<Model> m = model_build("mnist", {28, 28, 1}, 10);
  REQUIRE(m.ok());
  model_init(m.value, 1);
  const ThreadFloats per = model_thread_floats(m.value, 16);
  CHECK(per.worker > 0);
  CHECK(per.caller >= per.worker);  // the calling thread also packs the backward GEMMs' B
  const uint64_t worker_bytes = scratch_floats<float>(per.worker) * sizeof(float);
  CHECK(workspace_bytes(m.value, 16, 3) == workspace_bytes(m.value, 16, 1) + 2 * worker_bytes);
  CHECK(model_inference_bytes(m.value, 16, 3) == m.value.param_count * sizeof(float) + workspace_bytes(m.value, 16, 3));

  const int saved = engine_threads();
  engine_set_threads(1);
  Workspace ws;
  workspace_reserve(ws, m.value, 16);
  CHECK(allocated_bytes(ws) == workspace_bytes(m.value, 16, 1));
  engine_set_threads(3);  // more threads than the workspace was reserved for: the pass grows it
  const int threads = engine_threads();  // 1 in the single-threaded WebAssembly build
  model_forward(m.value, ws, 16, false, nullptr);
  engine_set_threads(saved);
  CHECK(ws.threads == threads);
  CHECK(allocated_bytes(ws) == workspace_bytes(m.value, 16, threads));
}

TEST_CASE("a need over the budget is refused with what it needs, what there is and what to change", "[memory]") {
  LimitGuard guard;
  memory_set_limit(uint64_t(100) << 20);
  CHECK(memory_budget() == uint64_t(100) << 20);
  CHECK(memory_check(uint64_t(99) << 20, "x", "y").ok());
  const Status s = memory_check(uint64_t(3) << 30, "the model m at batch 200", "lower the batch");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error == "the model m at batch 200 needs 3.0 GB; the memory limit is 100 MB: lower the batch");
  CHECK(memory_text(1536) == "2 KB");
  CHECK(memory_text(uint64_t(5) << 20) == "5 MB");
}

TEST_CASE("a run's need grows with the batch and the model, and the book's run needs well under 1 GB", "[memory]") {
  Result<Model> mnist = model_plan("mnist", {28, 28, 1}, 10);
  REQUIRE(mnist.ok());
  const uint64_t book = Trainer::memory_bytes(mnist.value, 200, 2);
  CHECK(book > workspace_bytes(mnist.value, 200, 2));
  CHECK(book < uint64_t(512) << 20);
  CHECK(Trainer::memory_bytes(mnist.value, 4096, 2) > 10 * book);
  Result<Model> huge = model_plan("conv65536k63-pool28-flat-dense10", {28, 28, 1}, 10);
  REQUIRE(huge.ok());
  CHECK(Trainer::memory_bytes(huge.value, 200, 2) > uint64_t(8) << 30);
}

#if SIZE_MAX > UINT32_MAX  // in 32-bit WebAssembly any request the heap cannot hold could also just fit
TEST_CASE("allocating more than the address space ends in out_of_memory, not a null pointer", "[memory]") {
  FloatBuffer b;
  CHECK_THROWS_AS(b.resize(size_t(1) << 46), std::bad_alloc);  // 256 TB; natively out_of_memory throws
}
#endif

TEST_CASE("a long run keeps bounded batch records and snapshots, with weights for the first, best and newest",
          "[memory][trainer]") {
  Dataset data = halves(8);
  Result<Model> m = model_build("flat-dense2", {4, 4, 1}, 2);
  REQUIRE(m.ok());
  model_init(m.value, 1);
  TrainConfig c;
  c.epochs = 3000;
  c.batch = 1;
  c.val_split = 0.25f;  // 6 training batches an epoch: 18,000 in all
  c.optimizer.lr = 0.01f;
  c.snapshot_weight_bytes = 10 * 34 * sizeof(float);  // the newest 10 snapshots' weights (34 parameters)
  Trainer t;
  REQUIRE(t.start(&m.value, &data, c, std::vector<float>(16, 0.5f)).ok());
  t.run_units(1 << 30);
  REQUIRE(t.state() == TrainState::Done);
  CHECK(t.steps_done() == 18000);
  CHECK(t.batches().size() < Trainer::kMaxBatchRecords);
  CHECK(t.batches().size() > Trainer::kMaxBatchRecords / 4);
  CHECK(t.batches().back().step == 18000);
  for (size_t i = 1; i < t.batches().size(); ++i) REQUIRE(t.batches()[i].step > t.batches()[i - 1].step);
  const auto& snaps = t.snapshots();
  CHECK(snaps.size() <= Trainer::kMaxSnapshots);
  CHECK(snaps.front()->epoch == 0);
  CHECK(snaps.back()->epoch == 3000);
  CHECK_FALSE(snaps.front()->params.empty());
  CHECK_FALSE(snaps.back()->params.empty());
  size_t with_weights = 0;
  for (const auto& s : snaps) {
    CHECK_FALSE(s->maps.empty());  // every snapshot keeps the probe's maps
    with_weights += !s->params.empty();
  }
  CHECK(with_weights >= 11);  // the first, the best and the newest 10 (the best may be one of them)
  CHECK(with_weights <= 12);
  for (size_t i = snaps.size() - 10; i < snaps.size(); ++i) CHECK_FALSE(snaps[i]->params.empty());
  CHECK(t.epochs().size() == 3000);
  CHECK(t.epochs().back().samples_per_sec > 0);
}
