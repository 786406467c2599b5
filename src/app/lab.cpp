// lab.cpp: the interactive training session (see lab.h).
#include "lab.h"

#include "layers.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace convlens {
namespace {

double now_seconds() {
  using Clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

constexpr double kLiveRefresh = 0.2;  // seconds between live feature-map updates while training
constexpr int kFirstEpochSnapshots = 12;  // snapshots spread over epoch 1, where the maps change most
constexpr int kMinChunk = 2;               // samples

// Class probabilities from logits, by the engine's softmax (no labels: no loss).
std::vector<float> softmax(const std::vector<float>& logits) {
  std::vector<float> p(logits.size());
  if (!logits.empty()) softmax_xent_forward(logits.data(), nullptr, 1, int(logits.size()), p.data(), nullptr);
  return p;
}

}  // namespace

bool lab_dataset_known(const std::string& name) {
  for (const char* d : kLabDatasets)
    if (name == d) return true;
  return false;
}

const char* lab_dataset_title(const std::string& name) {
  if (name == "mnist") return "MNIST digits";
  if (name == "fashion") return "Fashion-MNIST";
  return "unknown data set";
}

const char* lab_state_name(LabState state) {
  switch (state) {
    case LabState::Loading: return "loading";
    case LabState::Ready: return "ready";
    case LabState::Training: return "training";
    case LabState::Paused: return "paused";
    case LabState::Done: return "done";
    case LabState::Error: return "error";
  }
  return "error";
}

Lab::Lab() = default;

void Lab::set_loading(const std::string& what, double fraction) {
  state_ = LabState::Loading;
  loading_what_ = what;
  loading_fraction_ = std::clamp(fraction, 0.0, 1.0);
}

void Lab::set_error(const std::string& message) {
  state_ = LabState::Error;
  error_ = message;
  log_.push_back("Error: " + message);
}

std::string Lab::take_data_request() {
  std::string r;
  r.swap(data_request_);
  return r;
}

Status Lab::set_data(Dataset train, Dataset test) {
  if (train.size() == 0 || test.size() == 0) {
    set_error("the data set is empty");
    return Status::fail(error_);
  }
  train_ = std::move(train);
  test_ = std::move(test);
  settings_.dataset = train_.name;
  log_.push_back("Loaded " + std::string(lab_dataset_title(train_.name)) + ": " + std::to_string(train_.size()) +
                 " training and " + std::to_string(test_.size()) + " test images " + train_.shape.to_keras("N"));
  probe_index_ = std::min(std::max(probe_index_, 0), int(test_.size()) - 1);
  set_probe_index(probe_index_);
  return reset();
}

Status Lab::build_model() {
  Result<Model> m = model_build(settings_.model, train_.shape, train_.num_classes);
  if (!m.ok()) return Status::fail("model: " + m.error);
  model_ = std::move(m.value);
  model_init(model_, settings_.seed);
  snapshot_model_ = model_;
  return Status::success();
}

Status Lab::reset() {
  if (!lab_dataset_known(settings_.dataset)) settings_.dataset = "mnist";
  if (!has_data() || settings_.dataset != train_.name) {
    data_request_ = settings_.dataset;
    set_loading("requesting " + std::string(lab_dataset_title(settings_.dataset)), 0);
    return Status::success();
  }
  trainer_ = Trainer();
  throughput_ = 0;
  test_at_ = test_correct_ = 0;
  test_loss_sum_ = 0;
  test_done_ = false;
  window_start_ = -1;
  step_target_ = -1;
  epochs_logged_ = 0;
  snapshot_maps_.clear();
  ++weights_version_;
  ++run_;
  error_.clear();
  Status built = build_model();
  if (!built.ok()) {
    set_error(built.error);
    return built;
  }
  state_ = LabState::Ready;
  return Status::success();
}

Status Lab::train() {
  if (state_ == LabState::Loading) return Status::fail("the data is still loading");
  if (state_ == LabState::Training) return Status::success();
  if (state_ == LabState::Paused) {
    step_target_ = -1;
    state_ = LabState::Training;
    return Status::success();
  }
  if (state_ == LabState::Done || state_ == LabState::Error || started()) {
    Status s = reset();
    if (!s.ok() || state_ != LabState::Ready) return s;
  }
  TrainConfig c;
  c.epochs = settings_.epochs;
  c.batch = settings_.batch;
  c.val_split = settings_.val_split;
  c.seed = settings_.seed;
  c.subset = size_t(std::max(0L, settings_.subset));
  c.optimizer.kind = settings_.optimizer;
  c.optimizer.lr = settings_.lr;
  c.optimizer.momentum = settings_.optimizer == OptimizerKind::SGD ? settings_.momentum : 0.0f;
  c.chunk = chunk_;
  c.first_epoch_snapshots = kFirstEpochSnapshots;
  Status s = trainer_.start(&model_, &train_, c, probe_);
  if (!s.ok()) {
    set_error(s.error);
    return s;
  }
  trainer_probe_version_ = probe_version_;
  step_target_ = -1;
  state_ = LabState::Training;
  log_.push_back("Train on " + std::to_string(trainer_.train_count()) + " samples, validate on " +
                 std::to_string(trainer_.val_count()) + " samples (" + optimizer_name(c.optimizer.kind) +
                 ", lr " + std::to_string(c.optimizer.lr).substr(0, 7) + ", batch " + std::to_string(c.batch) + ")");
  return Status::success();
}

void Lab::pause() {
  if (state_ == LabState::Training) state_ = LabState::Paused;
}

Status Lab::step(int batches) {
  if (batches < 1) return Status::fail("step: the number of batches must be at least 1");
  if (state_ == LabState::Training) return Status::fail("step: pause the training first");
  if (state_ != LabState::Paused) {
    Status s = train();
    if (!s.ok()) return s;
  }
  step_target_ = trainer_.steps_done() + batches;
  state_ = LabState::Training;
  return Status::success();
}

int Lab::tick(double budget) {
  if (testing()) {  // after training: the test set, in chunks of about half the budget (inference is ~3x faster)
    const double t0 = now_seconds();
    int units = 0;
    while (testing() && now_seconds() - t0 < budget * 0.5) {
      test_chunk(std::max(kMinChunk, chunk_ * 3));
      ++units;
    }
    return units;
  }
  if (state_ != LabState::Training) {
    window_start_ = -1;
    return 0;
  }
  const double t0 = now_seconds();
  if (window_start_ < 0) {
    window_start_ = t0;
    window_samples_ = trainer_.samples_processed();
  } else if (t0 - window_start_ >= 1.0) {
    const double rate = double(trainer_.samples_processed() - window_samples_) / (t0 - window_start_);
    throughput_ = throughput_ > 0 ? 0.5 * throughput_ + 0.5 * rate : rate;
    window_start_ = t0;
    window_samples_ = trainer_.samples_processed();
  }
  int units = 0;
  while (trainer_.state() == TrainState::Training || trainer_.state() == TrainState::Validating) {
    if (step_target_ >= 0 && trainer_.steps_done() >= step_target_ && trainer_.state() == TrainState::Training)
      break;
    const double u0 = now_seconds();
    const long steps_before = trainer_.steps_done();
    trainer_.step(1);
    ++units;
    const double dt = now_seconds() - u0;
    if (trainer_.steps_done() != steps_before) ++weights_version_;
    // Keep one unit a bit under the budget (one per frame): short enough to stop in time, and at least
    // kMinChunk samples, below which per-call costs (and a GEMV instead of a GEMM in the dense layers) waste time.
    const double per_sample = dt / double(std::max(chunk_, 1));
    sec_per_sample_ = sec_per_sample_ > 0 ? 0.8 * sec_per_sample_ + 0.2 * per_sample : per_sample;
    const double fit = budget * 0.9 / std::max(sec_per_sample_, 1e-7);
    const int want = int(std::clamp(fit, double(std::min(kMinChunk, settings_.batch)), double(settings_.batch)));
    if (want != chunk_) {
      chunk_ = want;
      trainer_.set_chunk(chunk_);
    }
    if (now_seconds() - t0 + dt > budget) break;  // another unit like this one would overrun the frame
  }
  sync_state();
  return units;
}

void Lab::test_chunk(int n) {
  const size_t end = std::min(test_.size(), test_at_ + size_t(n));
  const EvalResult r = model_evaluate(model_, test_ws_, test_, test_at_, end, int(end - test_at_));
  test_loss_sum_ += r.loss * double(r.count);
  test_correct_ += size_t(std::lround(r.acc * double(r.count)));
  test_at_ = end;
  if (test_at_ == test_.size()) {
    test_done_ = true;
    char line[128];
    std::snprintf(line, sizeof line, "Test loss: %.4f - test acc: %.4f (%zu images)", test_loss_sum_ / double(test_.size()),
                  double(test_correct_) / double(test_.size()), test_.size());
    log_.push_back(line);
  }
}

void Lab::sync_state() {
  const auto& epochs = trainer_.epochs();
  for (; epochs_logged_ < epochs.size(); ++epochs_logged_) log_.push_back(trainer_.epoch_log(epochs[epochs_logged_]));
  if (trainer_.state() == TrainState::Done && state_ == LabState::Training) {
    state_ = LabState::Done;
    log_.push_back("Training done.");
  } else if (trainer_.state() == TrainState::Failed && state_ != LabState::Error) {
    set_error(trainer_.error());
    ++weights_version_;  // the trainer restored the epoch's starting weights
  } else if (state_ == LabState::Training && step_target_ >= 0 && trainer_.steps_done() >= step_target_ &&
             trainer_.state() == TrainState::Training) {
    state_ = LabState::Paused;
    step_target_ = -1;
  }
}

Lab::Metrics Lab::metrics() const {
  Metrics m;
  m.epochs = settings_.epochs;
  if (!started()) return m;
  m.epochs = trainer_.config().epochs;
  m.epoch = trainer_.epoch();
  m.batch = trainer_.batch_in_epoch();
  m.batches_per_epoch = trainer_.batches_per_epoch();
  const auto& batches = trainer_.batches();
  const auto& epochs = trainer_.epochs();
  // The current epoch's batches so far, else the last epoch's averages.
  double loss = 0, acc = 0;
  int n = 0;
  for (auto it = batches.rbegin(); it != batches.rend() && it->epoch == m.epoch && n < m.batch; ++it, ++n) {
    loss += it->loss;
    acc += it->acc;
  }
  if (n > 0) {
    m.loss = loss / n;
    m.acc = acc / n;
  } else if (!epochs.empty()) {
    m.loss = epochs.back().loss;
    m.acc = epochs.back().acc;
  }
  if (!epochs.empty()) {
    m.val_loss = epochs.back().val_loss;
    m.val_acc = epochs.back().val_acc;
    if (trainer_.state() == TrainState::Done) m.batch = m.batches_per_epoch;
  }
  m.samples_per_sec = trainer_.samples_per_sec();
  m.throughput = throughput_;
  m.has_test = test_done_;
  if (test_done_) {
    m.test_loss = test_loss_sum_ / double(test_.size());
    m.test_acc = double(test_correct_) / double(test_.size());
  }
  m.epoch_progress = trainer_.epoch_progress();
  if (m.throughput > 0 && trainer_.state() != TrainState::Done) {
    const double per_epoch = double(trainer_.data_size());
    const double epochs_left = double(m.epochs - m.epoch) + (1.0 - m.epoch_progress);
    m.eta_seconds = epochs_left * per_epoch / m.throughput;
  }
  return m;
}

void Lab::set_probe_index(int test_index) {
  if (test_.size() == 0) {
    probe_index_ = std::max(test_index, 0);
    return;
  }
  probe_index_ = std::clamp(test_index, 0, int(test_.size()) - 1);
  const uint8_t* image = test_.image(size_t(probe_index_));
  probe_.resize(test_.shape.size());
  for (size_t i = 0; i < probe_.size(); ++i) probe_[i] = float(image[i]) / 255.0f;
  ++probe_version_;
}

Status Lab::set_probe_pixels(const std::vector<float>& pixels) {
  const size_t want = model_.input.size();
  if (pixels.size() != want)
    return Status::fail("the probe image needs " + std::to_string(want) + " values, got " + std::to_string(pixels.size()));
  probe_ = pixels;
  for (float& v : probe_) v = std::isfinite(v) ? std::clamp(v, 0.0f, 1.0f) : 0.0f;
  probe_index_ = -1;
  ++probe_version_;
  return Status::success();
}

const std::vector<FeatureMap>& Lab::live_maps() {
  if (model_.layers.empty() || probe_.size() != model_.input.size()) {
    live_.clear();
    return live_;
  }
  const bool stale = live_weights_ != weights_version_ || live_probe_ != probe_version_;
  const double t = now_seconds();
  // While training, the weights change every batch: refresh at a steady rate, not every frame.
  const bool throttled = live_probe_ == probe_version_ && state_ == LabState::Training && t - live_time_ < kLiveRefresh;
  if (stale && !throttled) {
    live_ = model_feature_maps(model_, probe_ws_, probe_.data());
    live_weights_ = weights_version_;
    live_probe_ = probe_version_;
    live_time_ = t;
    ++live_version_;
  }
  return live_;
}

std::vector<float> Lab::live_probs() {
  const std::vector<FeatureMap>& maps = live_maps();
  return maps.empty() ? std::vector<float>() : softmax(maps.back().data);
}

std::vector<float> Lab::predict(const float* pixels) {
  if (model_.layers.empty()) return {};
  std::vector<FeatureMap> maps = model_feature_maps(model_, probe_ws_, pixels);
  return softmax(maps.back().data);
}

const std::vector<FeatureMap>& Lab::snapshot_maps(int i) {
  static const std::vector<FeatureMap> none;
  if (i < 0 || i >= snapshot_count()) return none;
  const Snapshot& s = snapshot(i);
  if (probe_version_ == trainer_probe_version_ && !s.maps.empty()) return s.maps;
  if (snapshot_probe_version_ != probe_version_) {
    snapshot_maps_.clear();
    snapshot_probe_version_ = probe_version_;
  }
  if (snapshot_maps_.size() < size_t(snapshot_count())) snapshot_maps_.resize(size_t(snapshot_count()));
  std::vector<FeatureMap>& maps = snapshot_maps_[size_t(i)];
  if (maps.empty() && probe_.size() == model_.input.size()) {
    snapshot_model_.params = s.params;
    maps = model_feature_maps(snapshot_model_, probe_ws_, probe_.data());
  }
  return maps;
}

int Lab::snapshot_for_epoch(int epoch) const {
  for (int i = 0; i < snapshot_count(); ++i)
    if (snapshot(i).epoch_end && snapshot(i).epoch == epoch) return i;
  return -1;
}

std::vector<int> Lab::conv_layers() const {
  std::vector<int> out;
  for (size_t l = 0; l < model_.layers.size(); ++l)
    if (model_.layers[l].spec.kind == LayerKind::Conv2D) out.push_back(int(l));
  return out;
}

FeatureMap Lab::conv_kernels(int layer, int snapshot_index) const {
  FeatureMap fm;
  if (layer < 0 || layer >= int(model_.layers.size())) return fm;
  const Layer& l = model_.layers[size_t(layer)];
  if (l.spec.kind != LayerKind::Conv2D) return fm;
  const float* params = snapshot_index >= 0 && snapshot_index < snapshot_count()
                            ? snapshot(snapshot_index).params.data()
                            : model_.params.data();
  const int k = l.spec.kernel;
  fm.layer_index = layer;
  fm.layer_name = l.name;
  fm.shape = Shape{k, k, l.in.c * l.out.c};  // weights (K,K,C,F) read as (K,K,C*F): the same floats
  fm.data.assign(params + l.w_offset, params + l.w_offset + l.w_count);
  return fm;
}

}  // namespace convlens
