// test_lab.cpp: the interactive session the app drives frame by frame — loading, start/pause/step/reset,
// training to the end in sliced ticks, snapshots and maps for a changed probe, kernels, bad settings,
// divergence, and the JSON the JS API returns.
#include <catch2/catch.hpp>

#include <cmath>

#include "clock.h"
#include "kernels/threads.h"
#include "lab.h"
#include "lab_json.h"
#include "test_data.h"

using namespace convlens;

namespace {

// A small model and data so every test runs in well under a second.
void ready_lab(Lab& lab, size_t n = 200) {
  lab.settings().model = "conv4k3-pool2-flat-dense10";
  lab.settings().train.epochs = 2;
  lab.settings().train.batch = 16;
  lab.settings().train.optimizer.lr = 0.01f;
  REQUIRE(lab.set_data(squares(n, 1), squares(50, 2)).ok());
}

// Runs the units before a run (Trainer::prepare, a few times); returns how many ran.
int prepare(Lab& lab) {
  int units = 0;
  while (lab.view().state == LabState::Ready && lab.work(0.0) == 1) ++units;
  lab.sync();
  return units;
}

void run_to_end(Lab& lab) {
  for (int i = 0; i < 100000 && lab.state() == LabState::Training; ++i) lab.tick(0.01);
}

void run_test_set(Lab& lab) {
  for (int i = 0; i < 100000 && lab.testing(); ++i) lab.tick(0.01);
}

}  // namespace

TEST_CASE("the lab loads, then is ready with a model, a probe and a log line", "[lab]") {
  Lab lab;
  CHECK(lab.state() == LabState::Loading);
  lab.set_loading("MNIST train images", 0.5);
  CHECK(lab.loading_fraction() == 0.5);
  CHECK_FALSE(lab.train().ok());  // nothing to train on yet
  lab.settings().model = "conv4k3-pool2-flat-dense10";
  REQUIRE(lab.set_data(squares(100, 1), squares(20, 2)).ok());
  CHECK(lab.state() == LabState::Ready);
  CHECK(lab.model().layers.size() == 4);
  CHECK(lab.probe().size() == 784);
  CHECK(lab.probe_index() == 0);
  CHECK_THAT(lab.log().front(), Catch::StartsWith("Loaded MNIST digits: 100 training and 20 test images"));
  CHECK(lab.live_maps().size() == 4);
  CHECK(lab.live_maps()[0].shape == Shape{28, 28, 4});
  CHECK(lab.snapshot_count() == 0);
}

TEST_CASE("training runs in ticks to the end with Keras log lines and epoch snapshots", "[lab][training]") {
  Lab lab;
  ready_lab(lab);
  REQUIRE(lab.train().ok());
  CHECK(lab.state() == LabState::Training);
  CHECK(lab.tick(0.0) == 1);  // a zero budget still makes progress: exactly one unit
  run_to_end(lab);
  REQUIRE(lab.state() == LabState::Done);
  CHECK(lab.view().history.size() == 2);
  CHECK(lab.snapshot_for_epoch(0) == 0);
  CHECK(lab.snapshot_for_epoch(2) == lab.snapshot_count() - 1);
  CHECK(lab.snapshot_for_epoch(3) == -1);
  CHECK(lab.snapshot_count() > 3);  // epoch ends plus the extra ones during epoch 1
  int keras_lines = 0;
  for (const std::string& line : lab.log()) keras_lines += line.rfind("Epoch ", 0) == 0;
  CHECK(keras_lines == 2);
  const Lab::Metrics m = lab.metrics();
  CHECK(m.epoch == 2);
  CHECK(m.batch == m.batches_per_epoch);
  CHECK(m.batches_per_epoch == 10);  // ceil(160 / 16)
  CHECK(m.val_acc > 0.5);  // the squares are easy
  CHECK(lab.snapshot_maps(0)[2].data != lab.snapshot_maps(lab.snapshot_count() - 1)[2].data);
  // Then the ticks evaluate the test set, like Keras' model.evaluate after fit.
  CHECK(lab.testing());
  CHECK_FALSE(lab.metrics().has_test);
  run_test_set(lab);
  CHECK_FALSE(lab.testing());
  const Lab::Metrics t = lab.metrics();
  REQUIRE(t.has_test);
  CHECK(t.test_acc > 0.5);
  CHECK_THAT(lab.log().back(), Catch::StartsWith("Test loss: ") && Catch::EndsWith("(50 images)"));
  // The same numbers as one model_evaluate over the whole test set.
  Workspace ws;
  const EvalResult whole = model_evaluate(lab.model(), ws, lab.test_data(), 0, lab.test_data().size(), 50);
  CHECK(t.test_acc == Approx(whole.acc));
  CHECK(t.test_loss == Approx(whole.loss).epsilon(1e-4));
}

TEST_CASE("pause stops training, step runs exactly n batches, train resumes", "[lab]") {
  Lab lab;
  ready_lab(lab);
  REQUIRE(lab.train().ok());
  lab.tick(0.0);
  lab.pause();
  CHECK(lab.state() == LabState::Paused);
  const long before = lab.view().steps;
  CHECK(lab.tick(1.0) == 0);
  REQUIRE(lab.step(3).ok());
  CHECK_FALSE(lab.step(1).ok());  // already stepping
  run_to_end(lab);
  CHECK(lab.state() == LabState::Paused);
  CHECK(lab.view().steps == before + 3 + (lab.view().batches.back().step > before + 3));
  REQUIRE(lab.train().ok());
  run_to_end(lab);
  CHECK(lab.state() == LabState::Done);
  // From Done, train() starts afresh.
  REQUIRE(lab.train().ok());
  CHECK(lab.view().steps == 0);
  CHECK(lab.snapshot_count() == 1);
}

TEST_CASE("the view says since when the lab is in its state: the unit that changed it, not a later one", "[lab]") {
  Lab lab;
  ready_lab(lab);
  const double ready_since = lab.view().state_since;
  const double t0 = now_seconds();
  REQUIRE(lab.train().ok());
  const double training_since = lab.view().state_since;
  CHECK(training_since >= t0);
  CHECK(training_since > ready_since);
  lab.tick(0.0);
  CHECK(lab.view().state_since == training_since);  // more batches: the same state
  run_to_end(lab);
  REQUIRE(lab.state() == LabState::Done);
  const double done_since = lab.view().state_since;
  CHECK(done_since > training_since);
  run_test_set(lab);  // the test set's units publish in state Done
  CHECK(lab.view().state_since == done_since);
  CHECK(lab_status_json(lab, FrameStats{}, {}, Language::English).find("\"stateSeconds\":") != std::string::npos);
  REQUIRE(lab.train().ok());  // Done -> a new run
  CHECK(lab.view().state_since > done_since);
}

TEST_CASE("step from ready starts training and pauses after the batches", "[lab]") {
  Lab lab;
  ready_lab(lab);
  REQUIRE(lab.step(2).ok());
  run_to_end(lab);
  CHECK(lab.state() == LabState::Paused);
  CHECK(lab.view().steps == 2);
  CHECK_FALSE(lab.step(0).ok());
}

TEST_CASE("reset gives new weights from the seed and clears the history", "[lab]") {
  Lab lab;
  ready_lab(lab);
  const FloatBuffer initial = lab.model().params;
  REQUIRE(lab.train().ok());
  run_to_end(lab);
  CHECK(lab.model().params != initial);
  REQUIRE(lab.reset().ok());
  CHECK(lab.state() == LabState::Ready);
  CHECK(lab.model().params == initial);
  CHECK(lab.snapshot_count() == 0);
  lab.settings().train.seed = 43;
  REQUIRE(lab.reset().ok());
  CHECK(lab.model().params != initial);
}

TEST_CASE("a reset that keeps the model and batch keeps the prepared workspace and repeats the run", "[lab]") {
  Lab lab;
  ready_lab(lab);
  CHECK(prepare(lab) == 3);  // the workspace prepared for the run, the estimate measured
  const auto losses = [&lab] {  // whole batches: chunks cut to fit a time budget would round differently
    REQUIRE(lab.train().ok());
    for (int i = 0; i < 100000 && lab.state() == LabState::Training; ++i) lab.tick(0.01, false);
    std::vector<float> loss;
    for (const BatchRecord& b : lab.view().batches) loss.push_back(b.loss);
    return loss;
  };
  const std::vector<float> first = losses();
  REQUIRE(lab.reset().ok());
  CHECK(prepare(lab) == 0);  // nothing to prepare again
  CHECK(losses() == first);
  lab.settings().train.batch = 8;
  REQUIRE(lab.reset().ok());
  CHECK(prepare(lab) == 3);  // another batch: prepared again
}

TEST_CASE("before a run, the prepared first pass estimates an epoch; the ETA starts from it", "[lab]") {
  Lab lab;
  ready_lab(lab);  // 200 images: 160 train, 40 validate
  CHECK(lab.metrics().epoch_estimate_seconds == 0);  // not measured yet
  CHECK(lab.view().preparing);  // (the app keeps drawing until the estimate is there)
  CHECK(lab.work(0.0) == 1);  // a first pass: not yet the estimate
  lab.sync();
  CHECK(lab.view().preparing);
  CHECK(lab.view().first_pass.train > 0);
  CHECK(lab.metrics().epoch_estimate_seconds == 0);
  CHECK(prepare(lab) == 2);  // the fastest of three passes
  CHECK_FALSE(lab.view().preparing);
  const PassRates rates = lab.view().first_pass;
  REQUIRE(rates.train > 0);
  REQUIRE(rates.infer > 0);
  CHECK(lab.metrics().epoch_estimate_seconds == Approx(160 / rates.train + 40 / rates.infer));
  const std::string status = lab_status_json(lab, FrameStats{}, {}, Language::English);
  CHECK(status.find("\"epochEstimateSeconds\":0,") == std::string::npos);
  const int saved = engine_threads();
  lab.set_threads(1);  // measured again on the new thread count
  CHECK(lab.view().preparing);
  CHECK(lab.view().first_pass.train == 0);
  CHECK(prepare(lab) == 3);
  lab.set_threads(saved);
  CHECK(prepare(lab) == 3);
  CHECK(lab.view().first_pass.train > 0);
  REQUIRE(lab.train().ok());
  const Lab::Metrics m = lab.metrics();  // no wall-clock rate yet: 2 epochs at the estimate
  CHECK(m.throughput == 0);
  CHECK(m.eta_seconds == Approx(2 * m.epoch_estimate_seconds));
  lab.settings().train.batch = 8;
  REQUIRE(lab.reset().ok());
  CHECK(lab.metrics().epoch_estimate_seconds == 0);  // another batch: measured again
}

TEST_CASE("save_model and load_model: a trained model comes back; another model's file changes nothing", "[lab]") {
  Lab lab;
  ready_lab(lab);
  REQUIRE(lab.train().ok());
  run_to_end(lab);
  const std::vector<uint8_t> file = lab.save_model();
  const FloatBuffer trained = lab.model().params;
  const std::vector<float> probs = lab.live_probs();
  REQUIRE(lab.reset().ok());
  REQUIRE(lab.model().params != trained);
  REQUIRE(lab.load_model(file).ok());
  CHECK(lab.state() == LabState::Ready);
  CHECK(lab.model().params == trained);
  CHECK(lab.live_probs() == probs);
  CHECK(lab.log().back().find("Loaded the weights") != std::string::npos);
  // Training goes on from the loaded weights.
  REQUIRE(lab.step(1).ok());
  run_to_end(lab);
  CHECK(lab.view().steps == 1);

  // Another architecture, a damaged file, a file larger than the model's: refused, the run as it was.
  Lab other;
  ready_lab(other);
  other.settings().model = "conv2k3-flat-dense10";
  REQUIRE(other.reset().ok());
  const std::vector<uint8_t> other_file = other.save_model();
  const FloatBuffer before = lab.model().params;
  const long steps = lab.view().steps;
  const Status refused = lab.load_model(other_file);
  CHECK_FALSE(refused.ok());
  CHECK(refused.error.find(other.model().spec) != std::string::npos);
  CHECK(refused.error.find(lab.model().spec) != std::string::npos);
  std::vector<uint8_t> damaged = file;
  damaged[damaged.size() - 9] ^= 0x40;
  CHECK_FALSE(lab.load_model(damaged).ok());
  CHECK_FALSE(lab.load_model(std::vector<uint8_t>(file.begin(), file.begin() + 80), file.size() * 1000).ok());
  CHECK_FALSE(lab.load_model(std::vector<uint8_t>(file.begin(), file.begin() + 80), file.size()).ok());  // incomplete
  CHECK(lab.model().params == before);
  CHECK(lab.view().steps == steps);
  CHECK(lab.model_file_bytes() == file.size());
}

TEST_CASE("Grad-CAM and saliency of the probe, now and after any epoch", "[lab][explain]") {
  Lab lab;
  ready_lab(lab);
  const Shape in = lab.model().input;
  Result<Explanation> before = lab.grad_cam(0, 1, 0);  // untrained weights are epoch 0
  REQUIRE(before.ok());
  REQUIRE(lab.train().ok());
  run_to_end(lab);
  Result<Explanation> now = lab.grad_cam(0, -1);
  REQUIRE(now.ok());
  CHECK(now.value.shape == Shape{in.h, in.w, 1});
  CHECK(now.value.data.size() == size_t(in.h) * size_t(in.w));
  Result<Explanation> first = lab.grad_cam(0, 1, 0);
  REQUIRE(first.ok());
  CHECK(first.value.data == before.value.data);  // the snapshot's weights, not the current ones
  CHECK(first.value.data != lab.grad_cam(0, 1).value.data);
  CHECK(lab.grad_cam(0, 1, 2).ok());
  CHECK_FALSE(lab.grad_cam(0, 1, 3).ok());  // no such epoch
  CHECK_FALSE(lab.grad_cam(2, 1).ok());     // flatten
  // No layer: the last conv layer (this model's only one, layer 0), named in the result.
  CHECK(lab.grad_cam_layers() == std::vector<int>{0});
  Result<Explanation> last = lab.grad_cam(-1, 1);
  REQUIRE(last.ok());
  CHECK(last.value.layer == 0);
  CHECK(last.value.data == lab.grad_cam(0, 1).value.data);
  Result<Explanation> sal = lab.saliency(1);
  REQUIRE(sal.ok());
  CHECK(sal.value.class_index == 1);
  CHECK(sal.value.layer == -1);
  CHECK(*std::max_element(sal.value.data.begin(), sal.value.data.end()) > 0);
}

TEST_CASE("a changed probe changes the live maps and the snapshots' maps are recomputed for it", "[lab]") {
  Lab lab;
  ready_lab(lab);
  REQUIRE(lab.train().ok());
  run_to_end(lab);
  const std::vector<FeatureMap> old_first = lab.snapshot_maps(0);
  const uint64_t v = lab.live_version();
  lab.live_maps();
  std::vector<float> drawn(784, 0.0f);
  for (int i = 300; i < 400; ++i) drawn[size_t(i)] = 1.0f;
  REQUIRE(lab.set_probe_pixels(drawn).ok());
  CHECK(lab.probe_index() == -1);
  CHECK(lab.live_maps()[0].data != old_first[0].data);
  CHECK(lab.live_version() > v);
  const std::vector<FeatureMap>& first = lab.snapshot_maps(0);
  REQUIRE(first.size() == 4);
  CHECK(first[0].data != old_first[0].data);
  // Recomputed from the snapshot's weights: the same as running those weights directly.
  Model m = lab.model();
  m.params = lab.snapshot(0).params;
  Workspace ws;
  CHECK(model_feature_maps(m, ws, drawn.data())[2].data == first[2].data);
  CHECK_FALSE(lab.set_probe_pixels(std::vector<float>(10)).ok());
  lab.set_probe_index(1'000'000);  // clamped to the last test image
  CHECK(lab.probe_index() == 49);
  const std::vector<float> p = lab.live_probs();
  REQUIRE(p.size() == 10);
  double sum = 0;
  for (float x : p) sum += x;
  CHECK(sum == Approx(1.0));
}

TEST_CASE("conv kernels are the layer's weights as a (K, K, C*F) map", "[lab]") {
  Lab lab;
  REQUIRE(lab.set_data(squares(40, 1), squares(10, 2)).ok());  // the book's MNIST model
  CHECK(lab.conv_layers() == std::vector<int>{0, 2});
  const FeatureMap k0 = lab.conv_kernels(0);
  CHECK(k0.shape == Shape{5, 5, 16});
  const FeatureMap k2 = lab.conv_kernels(2);
  CHECK(k2.shape == Shape{5, 5, 16 * 36});
  const Layer& l = lab.model().layers[2];
  CHECK(k2.data[7] == lab.model().params[l.w_offset + 7]);
  CHECK(lab.conv_kernels(1).data.empty());   // a pooling layer
  CHECK(lab.conv_kernels(99).data.empty());
}

TEST_CASE("bad settings and divergence give an error state with a message, and the lab recovers", "[lab][errors]") {
  Lab lab;
  ready_lab(lab);
  lab.settings().train.epochs = 0;
  CHECK_FALSE(lab.train().ok());
  CHECK(lab.state() == LabState::Error);
  CHECK_THAT(lab.error(), Catch::Contains("epochs"));
  // A linear network at the largest learning rate the engine accepts: SGD with momentum blows up.
  lab.settings().model = "conv4k3linear-flat-dense16linear-dense10";
  lab.settings().train.epochs = 5;
  lab.settings().train.optimizer.lr = 10.0f;
  lab.settings().train.optimizer.momentum = 0.99f;
  REQUIRE(lab.reset().ok());
  lab.settings().train.optimizer.kind = OptimizerKind::SGD;
  REQUIRE(lab.train().ok());
  run_to_end(lab);
  CHECK(lab.state() == LabState::Error);
  CHECK_THAT(lab.error(), Catch::Contains("diverged"));
  CHECK_THAT(lab.log().back(), Catch::Contains("diverged"));
  for (float v : lab.model().params) REQUIRE(std::isfinite(v));  // the epoch's starting weights are back
  lab.settings().train.optimizer.lr = 0.01f;
  lab.settings().train.epochs = 1;
  REQUIRE(lab.train().ok());
  run_to_end(lab);
  CHECK(lab.state() == LabState::Done);
  lab.settings().model = "conv3k";
  CHECK_FALSE(lab.reset().ok());
  CHECK_THAT(lab.error(), Catch::StartsWith("model:"));
}

TEST_CASE("a model too large for the memory budget is refused before it is built, and the lab stays usable",
          "[lab][errors][memory]") {
  Lab lab;
  ready_lab(lab);
  lab.settings().model = "conv65536k27-pool28-flat-dense10";  // 48M parameters, 51M values per image in conv2d
  const Status s = lab.reset();
  REQUIRE_FALSE(s.ok());
  CHECK(lab.state() == LabState::Error);
  CHECK_THAT(lab.error(), Catch::Contains("needs") && Catch::Contains("GB") && Catch::Contains("lower the batch"));
  CHECK(lab.model().params.empty());  // nothing was built
  lab.settings().model = "conv4k3-pool2-flat-dense10";
  lab.settings().train.batch = 4096;  // more than the 200 + 50 images: the need is worked out for 200
  REQUIRE(lab.reset().ok());
  REQUIRE(lab.train().ok());
  run_to_end(lab);
  CHECK(lab.state() == LabState::Done);
}

TEST_CASE("picking another data set asks the platform for it", "[lab]") {
  Lab lab;
  ready_lab(lab);
  CHECK(lab.take_data_request().empty());
  lab.settings().dataset = "fashion";
  REQUIRE(lab.reset().ok());
  CHECK(lab.state() == LabState::Loading);
  CHECK(lab.take_data_request() == "fashion");
  CHECK(lab.take_data_request().empty());
  REQUIRE(lab.set_data(squares(100, 3, "fashion"), squares(10, 4, "fashion")).ok());
  CHECK(lab.state() == LabState::Ready);
  CHECK(lab.train_data().name == "fashion");
}

TEST_CASE("status and history JSON carry the API's fields", "[lab][json]") {
  Lab lab;
  ready_lab(lab);
  REQUIRE(lab.train().ok());
  run_to_end(lab);
  CHECK(lab_status_json(lab, FrameStats{}, {}, Language::English).find("\"testAcc\":null") != std::string::npos);
  run_test_set(lab);
  const std::string s = lab_status_json(lab, FrameStats{59.5, 1234, 10.0, 4.5}, {"epochs: 'x' bad"}, Language::English);
  for (const char* key : {"\"state\":\"done\"", "\"epoch\":2", "\"epochs\":2", "\"batch\":10", "\"batchesPerEpoch\":10",
                          "\"loss\":", "\"acc\":", "\"valLoss\":", "\"valAcc\":", "\"samplesPerSec\":", "\"fps\":59.5",
                          "\"frames\":1234", "\"testAcc\":",
                          "\"epochEstimateSeconds\":", "\"trainMs\":10", "\"uiMs\":4.5", "\"error\":\"\"", "\"warnings\":[\"epochs: 'x' bad\"]",
                          "\"lang\":\"en\""}) {
    INFO(key << " in " << s);
    CHECK(s.find(key) != std::string::npos);
  }
  CHECK(s.find("\"testAcc\":null") == std::string::npos);
  CHECK(s.find("\"trainer\":\"frames\"") != std::string::npos);
  FrameStats threaded{30, 10, 0, 2, true};
  const std::string t = lab_status_json(lab, threaded, {}, Language::TraditionalChinese);
  CHECK(t.find("\"trainer\":\"thread\"") != std::string::npos);
  CHECK(t.find("\"lang\":\"zh-TW\"") != std::string::npos);
  const std::string h = lab_history_json(lab);
  CHECK(h.rfind("[{\"epoch\":1,\"loss\":", 0) == 0);
  CHECK(h.find("{\"epoch\":2,") != std::string::npos);
  CHECK(json_number(std::nan("")) == "null");
  CHECK(json_quote("a\"b\\\n\x01") == "\"a\\\"b\\\\\\n\\u0001\"");
}

TEST_CASE("the API's other JSON: events, call results, feature maps, benchmark", "[lab][json]") {
  Lab lab;
  ready_lab(lab);
  REQUIRE(lab.train().ok());
  run_to_end(lab);
  CHECK(lab_epoch_event_json(lab, 0).rfind("{\"type\":\"epoch\",\"epoch\":1,\"loss\":", 0) == 0);
  CHECK(lab_epoch_event_json(lab, 1).find("\"log\":\"Epoch 2/2") != std::string::npos);
  CHECK(lab_state_event_json(lab) == "{\"type\":\"state\",\"state\":\"done\",\"error\":\"\"}");
  CHECK(json_result(Status::success(), {}) == "{\"ok\":true,\"error\":\"\",\"warnings\":[]}");
  CHECK(json_result(Status::fail("no"), {"a", "b"}) == "{\"ok\":false,\"error\":\"no\",\"warnings\":[\"a\",\"b\"]}");
  const FeatureMap& m = lab.live_maps()[0];
  CHECK(json_feature_map(m, 4096) == "{\"name\":\"" + m.layer_name + "\",\"title\":" + json_quote(m.title()) +
                                          ",\"shape\":[28,28,4],\"ptr\":4096,\"count\":3136}");
  CHECK(json_bytes(16, 3) == "{\"ptr\":16,\"count\":3}");
  BenchResult r;
  r.train_samples_per_sec = 100;
  const std::string b = json_benchmark(r, BenchConfig{200, 5, 3, 42}, 12.5, 2, true, "mnist");
  for (const char* key : {"\"trainSamplesPerSec\":100", "\"gemmGflops\":12.5", "\"batch\":200", "\"steps\":5",
                          "\"runs\":3", "\"threads\":2", "\"simd\":true", "\"model\":\"mnist\""}) {
    INFO(key << " in " << b);
    CHECK(b.find(key) != std::string::npos);
  }
}

TEST_CASE("gradCam()'s JSON hands over the map's shape, class, layer and place", "[lab][json][explain]") {
  Explanation e;
  e.class_index = 7;
  e.layer = 2;
  e.shape = Shape{28, 28, 1};
  e.data.assign(784, 0.5f);
  CHECK(json_explanation(e, 64) == "{\"shape\":[28,28],\"classIndex\":7,\"layer\":2,\"ptr\":64,\"count\":784}");
}

TEST_CASE("confusion() and mistakes() come from the validation pass; a mistake can become the probe", "[lab][json]") {
  Lab lab;
  ready_lab(lab);
  CHECK(lab_confusion_json(lab, -1) == "null");  // no epoch yet
  REQUIRE(lab.train().ok());
  run_to_end(lab);
  const LabView& v = lab.view();
  REQUIRE(v.history.size() == 2);
  uint32_t total = 0;
  REQUIRE(v.history.back().confusion);
  for (uint32_t n : v.history.back().confusion->counts) total += n;
  CHECK(total == v.val_count);
  const std::string c = lab_confusion_json(lab, -1);
  CHECK(c.rfind("{\"epoch\":2,\"classes\":[\"0\",\"1\",", 0) == 0);
  CHECK(c.find("\"counts\":[[") != std::string::npos);
  CHECK(lab_confusion_json(lab, 1).rfind("{\"epoch\":1,", 0) == 0);
  CHECK(lab_confusion_json(lab, 3) == "null");
  CHECK(lab_mistakes_json(lab, 0) == "[]");
  if (!lab.mistakes().empty()) {
    const Mistake m = lab.mistakes()[0];
    CHECK(lab_mistakes_json(lab, 1) == "[{\"index\":" + std::to_string(m.index) + ",\"label\":" + std::to_string(m.label) +
                                           ",\"predicted\":" + std::to_string(m.predicted) + ",\"probability\":" +
                                           json_number(m.probability) + "}]");
    REQUIRE(lab.set_probe_training_image(m.index).ok());
    CHECK(lab.probe_index() == -1);
    CHECK(lab.probe()[0] == float(lab.train_data().image(m.index)[0]) / 255.0f);
  }
  CHECK_FALSE(lab.set_probe_training_image(lab.train_data().size()).ok());
}

TEST_CASE("status() splits the memory into data, model and workspace", "[lab][json][memory]") {
  Lab lab;
  ready_lab(lab);
  const Lab::Memory before = lab.memory();
  CHECK(before.data >= lab.train_data().images.size() + lab.test_data().images.size());
  CHECK(before.model == 12 * lab.model().param_count * sizeof(float));
  REQUIRE(lab.train().ok());
  run_to_end(lab);
  const Lab::Memory after = lab.memory();
  CHECK(after.workspace > before.workspace);  // the training batches' workspace, now allocated
  CHECK(after.workspace >= workspace_bytes(lab.model(), 16, 1) / 2);
  const std::string s = lab_status_json(lab, FrameStats{}, {}, Language::English);
  for (const char* key : {"\"dataMB\":", "\"modelMB\":", "\"workspaceMB\":"}) CHECK(s.find(key) != std::string::npos);
}
