// test_trainer.cpp: the sliced Keras-style trainer on a small synthetic data set — split semantics, slicing,
// history and snapshots, learning, divergence handling, the log line, and bad settings.
#include <catch2/catch.hpp>

#include <cmath>
#include <regex>

#include "trainer.h"

using namespace convlens;

namespace {

// n 8x8 images of 3 classes: class k has a bright horizontal bar at rows 2k+1..2k+2, plus noise.
Dataset bars_dataset(size_t n, uint64_t seed) {
  Dataset d;
  d.name = "bars";
  d.shape = {8, 8, 1};
  d.num_classes = 3;
  Rng rng(seed);
  for (size_t i = 0; i < n; ++i) {
    const int k = int(rng.below(3));
    d.labels.push_back(uint8_t(k));
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x) d.images.push_back(uint8_t((y == 2 * k + 1 || y == 2 * k + 2) ? 200 + rng.below(56) : rng.below(80)));
  }
  return d;
}

Model small_model(uint64_t seed) {
  Result<Model> m = model_build("conv4k3-pool2-drop.1-flat-dense16-dense3", {8, 8, 1}, 3);
  REQUIRE(m.ok());
  model_init(m.value, seed);
  return m.value;
}

TrainConfig small_config() {
  TrainConfig c;
  c.epochs = 2;
  c.batch = 3;
  c.val_split = 0.25f;
  c.optimizer.lr = 0.01f;
  return c;
}

}  // namespace

TEST_CASE("validation is the last fraction (Keras: split at ceil(N*(1-split))) and batches round up", "[trainer]") {
  Dataset data = bars_dataset(10, 1);
  Model model = small_model(1);
  Trainer t;
  REQUIRE(t.start(&model, &data, small_config()).ok());
  CHECK(t.train_count() == 8);  // ceil(10 * 0.75) = 8
  CHECK(t.val_count() == 2);
  CHECK(t.batches_per_epoch() == 3);  // 3 + 3 + 2
  TrainConfig c = small_config();
  c.subset = 8;  // the first 8 samples: train ceil(8 * 0.75) = 6, validate the last 2 of those 8
  REQUIRE(t.start(&model, &data, c).ok());
  CHECK(t.data_size() == 8);
  CHECK(t.train_count() == 6);
  CHECK(t.val_count() == 2);
  t.run_units(1000);
  CHECK(t.batches().size() == 4);  // 2 epochs x 2 batches
}

TEST_CASE("run_units(n) runs at most n units (here whole batches), keeps history, and ends in Done", "[trainer]") {
  Dataset data = bars_dataset(10, 2);
  Model model = small_model(2);
  Trainer t;
  std::vector<float> probe(64, 0.5f);
  REQUIRE(t.start(&model, &data, small_config(), probe).ok());
  REQUIRE(t.snapshots().size() == 1);  // epoch 0, before training
  CHECK(t.snapshots()[0]->epoch == 0);
  CHECK(t.snapshots()[0]->maps.size() == model.layers.size());

  CHECK(t.run_units(2) == 2);
  CHECK(t.batch_in_epoch() == 2);
  CHECK(t.state() == TrainState::Training);
  CHECK(t.run_units(1) == 1);  // last training batch of epoch 1
  CHECK(t.state() == TrainState::Validating);
  CHECK(t.epoch_progress() == Approx(0.8));  // 8 of 10 samples
  CHECK(t.run_units(1) == 1);  // the validation batch closes epoch 1
  REQUIRE(t.epochs().size() == 1);
  CHECK(t.epochs()[0].has_val);
  CHECK(t.epoch() == 2);
  CHECK(t.run_units(100) == 4);  // epoch 2: 3 training batches + 1 validation batch, then done
  CHECK(t.state() == TrainState::Done);
  CHECK(t.run_units(5) == 0);
  CHECK(t.batches().size() == 6);
  CHECK(t.batches().back().step == 6);
  CHECK(t.batches().back().epoch == 2);
  REQUIRE(t.snapshots().size() == 3);  // epochs 0, 1, 2
  CHECK(t.snapshots()[2]->epoch == 2);
  CHECK(t.snapshots()[2]->step == 6);
  CHECK(t.snapshots()[2]->params == model.params);
  CHECK(t.snapshots()[0]->maps[0].data != t.snapshots()[2]->maps[0].data);
}

TEST_CASE("snapshot_every adds snapshots every N batches without doubling the epoch ends", "[trainer]") {
  Dataset data = bars_dataset(10, 3);
  Model model = small_model(3);
  TrainConfig c = small_config();
  c.snapshot_every = 3;  // batches 3 and 6 are also the epochs' last batches
  Trainer t;
  REQUIRE(t.start(&model, &data, c, std::vector<float>(64, 0.2f)).ok());
  t.run_units(1000);
  REQUIRE(t.snapshots().size() == 3);
  CHECK(t.snapshots()[1]->epoch == 1);
  c.snapshot_every = 2;  // batches 2, 4, 6 plus the end of epoch 1 (batch 3)
  REQUIRE(t.start(&model, &data, c).ok());
  t.run_units(1000);
  std::vector<long> steps;
  for (const auto& s : t.snapshots()) steps.push_back(s->step);
  CHECK(steps == std::vector<long>{0, 2, 3, 4, 6});
}

TEST_CASE("chunked batches give the same training as whole batches, in more and shorter units", "[trainer][chunk]") {
  auto train = [](int chunk, int* units) {
    Dataset data = bars_dataset(40, 11);
    Result<Model> m = model_build("conv4k3-pool2-flat-dense16-dense3", {8, 8, 1}, 3);  // no dropout: same maths
    REQUIRE(m.ok());
    model_init(m.value, 5);
    TrainConfig c = small_config();
    c.batch = 7;
    c.chunk = chunk;
    Trainer t;
    REQUIRE(t.start(&m.value, &data, c, std::vector<float>(64, 0.3f)).ok());
    *units = 0;
    while (int ran = t.run_units(1)) *units += ran;
    REQUIRE(t.state() == TrainState::Done);
    REQUIRE(t.batches().size() == 10);  // 2 epochs x ceil(30 / 7) batches, whatever the chunk
    CHECK(t.samples_processed() == 2 * 40);  // every training and validation sample, twice
    REQUIRE(t.snapshots().size() == 3);
    return std::make_pair(m.value.params, t.epochs().back());
  };
  int whole_units = 0, chunk_units = 0;
  const auto [whole, whole_epoch] = train(0, &whole_units);
  const auto [chunked, chunk_epoch] = train(3, &chunk_units);
  // Per epoch: batches 7,7,7,7,2 -> 5 units whole, 3+3+3+3+1 = 13 in chunks of 3; validation 10 -> 2 units or 4.
  CHECK(whole_units == 2 * (5 + 2));
  CHECK(chunk_units == 2 * (13 + 4));
  REQUIRE(whole.size() == chunked.size());
  float worst = 0;
  for (size_t i = 0; i < whole.size(); ++i) worst = std::max(worst, std::fabs(whole[i] - chunked[i]));
  CHECK(worst < 1e-4f);
  CHECK(whole != FloatBuffer(whole.size(), 0.0f));
  CHECK(chunk_epoch.loss == Approx(whole_epoch.loss).epsilon(1e-4));
  CHECK(chunk_epoch.val_loss == Approx(whole_epoch.val_loss).epsilon(1e-4));
  CHECK(chunk_epoch.val_acc == whole_epoch.val_acc);
}

TEST_CASE("first_epoch_snapshots adds snapshots only in epoch 1 and marks the epoch ends", "[trainer]") {
  Dataset data = bars_dataset(10, 3);
  Model model = small_model(3);
  TrainConfig c = small_config();  // 3 batches per epoch, 2 epochs
  c.first_epoch_snapshots = 3;  // 3 batches per epoch: one after every batch of epoch 1
  Trainer t;
  REQUIRE(t.start(&model, &data, c, std::vector<float>(64, 0.2f)).ok());
  t.run_units(1000);
  std::vector<long> steps;
  std::vector<int> ends;
  for (const auto& s : t.snapshots()) {
    steps.push_back(s->step);
    if (s->epoch_end) ends.push_back(s->epoch);
  }
  CHECK(steps == std::vector<long>{0, 1, 2, 3, 6});
  CHECK(ends == std::vector<int>{0, 1, 2});
  CHECK(t.snapshots()[1]->epoch == 0);  // mid-epoch: 0 epochs completed
}

TEST_CASE("training learns the bars: validation accuracy rises above 90%", "[trainer][training]") {
  Dataset data = bars_dataset(600, 4);
  Model model = small_model(4);
  TrainConfig c;
  c.epochs = 4;
  c.batch = 20;
  c.val_split = 0.2f;
  Trainer t;
  REQUIRE(t.start(&model, &data, c).ok());
  std::vector<std::string> log;
  t.run([&](const EpochRecord& e) { log.push_back(t.epoch_log(e)); });
  REQUIRE(t.state() == TrainState::Done);
  REQUIRE(log.size() == 4);
  INFO(log.back());
  CHECK(t.epochs().back().val_acc > 0.9f);
  CHECK(t.epochs().back().loss < t.epochs().front().loss);
}

TEST_CASE("the same seed gives bit-identical training and another seed does not", "[trainer][determinism]") {
  auto train = [](uint64_t seed) {
    Dataset data = bars_dataset(60, 5);
    Model model = small_model(7);
    TrainConfig c = small_config();
    c.seed = seed;
    Trainer t;
    REQUIRE(t.start(&model, &data, c).ok());
    t.run_units(1000);
    return model.params;
  };
  CHECK(train(1) == train(1));
  CHECK(train(1) != train(2));
}

TEST_CASE("prepare() changes no weight and no result of the run that follows", "[trainer][determinism]") {
  auto train = [](bool prepare) {
    Dataset data = bars_dataset(60, 5);
    Model model = small_model(7);
    const FloatBuffer initial = model.params;
    Trainer t;
    if (prepare) {
      t.prepare(model, data, small_config().batch);
      CHECK(model.params == initial);
    }
    REQUIRE(t.start(&model, &data, small_config()).ok());
    t.run_units(1000);
    return model.params;
  };
  CHECK(train(true) == train(false));
}

TEST_CASE("prepare() times a training and an inference pass; without data it measures nothing", "[trainer]") {
  Dataset data = bars_dataset(60, 5);
  Model model = small_model(7);
  Trainer t;
  const PassRates rates = t.prepare(model, data, small_config().batch);
  CHECK(rates.train > 0);
  CHECK(rates.infer > 0);
  const PassRates none = t.prepare(model, bars_dataset(0, 5), small_config().batch);
  CHECK(none.train == 0);
  CHECK(none.infer == 0);
}

TEST_CASE("a run's samples: the subset, split into training and validation as Keras splits", "[trainer]") {
  TrainConfig c;
  c.val_split = 0.2f;
  CHECK(train_config_samples(c, 60000) == 60000);
  CHECK(train_config_train_count(c, 60000) == 48000);
  c.subset = 12000;
  CHECK(train_config_samples(c, 60000) == 12000);
  CHECK(train_config_train_count(c, 60000) == 9600);
  CHECK(train_config_samples(c, 500) == 500);  // a subset larger than the data: all of it
  c.subset = 3;
  CHECK(train_config_train_count(c, 100) == 3);  // ceil(3 * 0.8)
  c.val_split = 0;
  CHECK(train_config_train_count(c, 100) == 3);
}

TEST_CASE("the epoch log line reads like Keras", "[trainer]") {
  Dataset data = bars_dataset(10, 6);
  Model model = small_model(6);
  Trainer t;
  REQUIRE(t.start(&model, &data, small_config()).ok());
  t.run_units(4);
  REQUIRE(t.epochs().size() == 1);
  const std::string line = t.epoch_log(t.epochs()[0]);
  INFO(line);
  CHECK(std::regex_match(line, std::regex(R"(Epoch 1/2  3/3 - \d+s - loss: \d\.\d{4} - acc: \d\.\d{4} - val_loss: \d\.\d{4} - val_acc: \d\.\d{4})")));
  // Without validation the val_ fields are absent.
  TrainConfig c = small_config();
  c.val_split = 0;
  REQUIRE(t.start(&model, &data, c).ok());
  t.run_units(4);
  CHECK(std::regex_match(t.epoch_log(t.epochs()[0]), std::regex(R"(Epoch 1/2  4/4 - \d+s - loss: \d\.\d{4} - acc: \d\.\d{4})")));
}

TEST_CASE("divergence stops training with a message and restores the epoch's starting weights", "[trainer][nan]") {
  Dataset data = bars_dataset(10, 7);
  Model model = small_model(8);
  Trainer t;
  REQUIRE(t.start(&model, &data, small_config()).ok());
  t.run_units(4);  // epoch 1 done
  REQUIRE(t.epochs().size() == 1);
  const FloatBuffer after_epoch1 = model.params;
  t.run_units(1);                                     // first batch of epoch 2
  model.params[0] = std::nanf("");               // the weights blow up...
  t.run_units(1);                                     // ...and the next batch's loss is NaN
  CHECK(t.state() == TrainState::Failed);
  CHECK_THAT(t.error(), Catch::Contains("diverged") && Catch::Contains("epoch 2"));
  CHECK(model.params == after_epoch1);
  CHECK(t.run_units(1) == 0);  // nothing runs after a failure
  CHECK(t.epochs().size() == 1);  // the history is kept
}

TEST_CASE("bad settings are refused with a message naming the setting", "[trainer][errors]") {
  Dataset data = bars_dataset(10, 8);
  Model model = small_model(9);
  Trainer t;
  auto error_of = [&](TrainConfig c) { return t.start(&model, &data, c).error; };
  TrainConfig c = small_config();
  c.epochs = 0;
  CHECK_THAT(error_of(c), Catch::Contains("epochs"));
  c = small_config();
  c.batch = 0;
  CHECK_THAT(error_of(c), Catch::Contains("batch"));
  c = small_config();
  c.val_split = 1.0f;
  CHECK_THAT(error_of(c), Catch::Contains("validation split"));
  c = small_config();
  c.optimizer.lr = std::nanf("");
  CHECK_THAT(error_of(c), Catch::Contains("learning rate"));
  CHECK_THAT(t.start(&model, &data, small_config(), std::vector<float>(5)).error, Catch::Contains("probe"));
  Dataset wrong = data;
  wrong.shape = {4, 16, 1};
  CHECK_THAT(t.start(&model, &wrong, small_config()).error, Catch::Contains("expects (None, 8, 8, 1)"));
  Dataset empty;
  empty.shape = {8, 8, 1};
  CHECK_THAT(t.start(&model, &empty, small_config()).error, Catch::Contains("empty"));
  CHECK(t.state() == TrainState::Idle);
}

TEST_CASE("the validation pass gives each epoch's confusion matrix and the most confident mistakes", "[trainer]") {
  Dataset data = bars_dataset(200, 7);
  Model model = small_model(7);
  TrainConfig c = small_config();
  c.epochs = 1;
  c.optimizer.lr = 1e-4f;  // one short epoch at a low rate: many mistakes remain
  Trainer t;
  REQUIRE(t.start(&model, &data, c).ok());
  t.run([](const EpochRecord&) {});
  const EpochRecord& e = t.epochs().back();
  REQUIRE(e.confusion);
  REQUIRE(e.confusion->classes == 3);
  REQUIRE(e.confusion->counts.size() == 9);
  uint32_t total = 0, diagonal = 0;
  for (int r = 0; r < 3; ++r)
    for (int col = 0; col < 3; ++col) {
      total += e.confusion->at(r, col);
      if (r == col) diagonal += e.confusion->at(r, col);
    }
  CHECK(total == t.val_count());
  CHECK(double(diagonal) / double(total) == Approx(e.val_acc));
  // Every mistake is a validation image, labelled as the data says, with its predicted class' probability.
  REQUIRE(t.mistakes());
  const std::vector<Mistake>& m = *t.mistakes();
  CHECK(m.size() == total - diagonal);
  for (size_t i = 0; i < m.size(); ++i) {
    CHECK(m[i].index >= t.train_count());
    CHECK(m[i].index < t.data_size());
    CHECK(m[i].label == data.labels[m[i].index]);
    CHECK(m[i].predicted != m[i].label);
    CHECK(m[i].probability > 1.0f / 3 - 1e-6f);  // the largest of three
    if (i > 0) CHECK(m[i - 1].probability >= m[i].probability);
  }
  CHECK(m.size() > 5);  // the case has mistakes to check
}
