// lab.cpp: the interactive training session (see lab.h).
#include "lab.h"

#include "clock.h"
#include "kernels/threads.h"
#include "memory.h"
#include "weights_file.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <new>

namespace convlens {
namespace {

constexpr int kFirstEpochSnapshots = 12;  // snapshots spread over epoch 1, where the maps change most
constexpr int kMinChunk = 2;               // samples
constexpr int kPrepareUnits = 3;           // Trainer::prepare's calls before a run: one warms up, the best measures

}  // namespace

uint64_t lab_memory_bytes(const Model& plan, int batch) {
  // Beside the trainer's: the weights in the three published views, the reading side's model and its scratch
  // copy for snapshots, and the probe's workspace.
  const uint64_t weights = uint64_t(plan.param_count) * sizeof(float);
  const int threads = engine_max_threads();
  return Trainer::memory_bytes(plan, batch, threads) + 5 * weights + workspace_bytes(plan, 1, threads);
}

Status lab_memory_check(const Model& plan, int batch) {
  return memory_check(lab_memory_bytes(plan, batch), "the model " + plan.spec + " at batch " + std::to_string(batch),
                      "lower the batch size, or the model's filters and units");
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

// ---- data ---------------------------------------------------------------------------------------------------

void Lab::set_loading(const std::string& what, double fraction) {
  loading_what_ = what;
  loading_fraction_ = std::clamp(fraction, 0.0, 1.0);
  {
    std::lock_guard<std::mutex> lock(work_mutex_);
    work_.state = LabState::Loading;
    publish_locked();
  }
  sync();
}

void Lab::set_error(const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(work_mutex_);
    fail_locked(message);
    publish_locked();
  }
  sync();
}

std::string Lab::take_data_request() {
  std::string r;
  r.swap(data_request_);
  return r;
}

Status Lab::set_data(Dataset train, Dataset test) {
  if (train.size() == 0 || test.size() == 0) {
    set_error("the data set is empty");
    return Status::fail(error());
  }
  Status s;
  {
    std::lock_guard<std::mutex> lock(work_mutex_);
    train_ = std::move(train);
    test_ = std::move(test);
    settings_.dataset = train_.name;
    // The book's model for another data set becomes this set's (MNIST's CNN -> CIFAR-10's); a spec stays.
    const DatasetInfo* info = dataset_info(train_.name);
    for (const DatasetInfo& d : datasets())
      if (info && settings_.model == d.model) settings_.model = info->model;
    s = reset_locked();
    publish_locked();
  }
  work_ready_.notify_all();
  const DatasetInfo* info = dataset_info(train_.name);
  log_.push_back("Loaded " + (info ? info->title : train_.name) + ": " + std::to_string(train_.size()) +
                 " training and " + std::to_string(test_.size()) + " test images " + train_.shape.to_keras("N"));
  set_probe_index(probe_index_);
  sync();
  return s;
}

// ---- control ------------------------------------------------------------------------------------------------

Status Lab::reset() {
  Status s;
  {
    std::lock_guard<std::mutex> lock(work_mutex_);
    s = reset_locked();
    publish_locked();
  }
  work_ready_.notify_all();  // the workspace to prepare
  sync();
  return s;
}

Status Lab::reset_locked() {
  if (!dataset_info(settings_.dataset)) settings_.dataset = LabSettings().dataset;
  if (!has_data() || settings_.dataset != train_.name) {
    data_request_ = settings_.dataset;
    loading_what_ = "requesting " + dataset_info(settings_.dataset)->title;
    loading_fraction_ = 0;
    work_.state = LabState::Loading;
    return Status::success();
  }
  Work& w = work_;
  w.trainer.clear();
  w.step_target = -1;
  w.window_start = -1;
  w.throughput = 0;
  w.test_at = w.test_correct = 0;
  w.test_loss_sum = 0;
  w.error.clear();
  ++w.run;
  ++w.weights_version;
  // A reset that keeps the model and batch keeps the workspace too (it was prepared and measured for them);
  // otherwise the last run's memory goes before the new one is measured against what is left.
  const std::string plan_key = settings_.model + " " + train_.shape.to_keras() + " " + std::to_string(settings_.train.batch);
  const bool same_plan = plan_key == w.prepared_for;
  w.model = Model();
  model_ = snapshot_model_ = Model();  // the reading side's copies: this call is on its thread
  if (!same_plan) {
    w.trainer.release();
    w.prepared_for.clear();
    w.first_pass = PassRates();  // (no estimate for a model that fails to build)
  }
  Result<Model> m = model_plan(settings_.model, train_.shape, train_.num_classes);
  if (m.ok() && !same_plan) {
    // The largest batch the run will hold: of the training images, or of the test set after training.
    const size_t train = train_config_samples(settings_.train, train_.size());
    const Status fits = lab_memory_check(m.value, int(std::min(size_t(settings_.train.batch), std::max(train, test_.size()))));
    if (!fits.ok()) m.error = fits.error;
  }
  if (m.ok()) m = model_build(settings_.model, train_.shape, train_.num_classes);
  if (!m.ok()) {
    fail_locked("model: " + m.error);
    return Status::fail(w.error);
  }
  w.model = std::move(m.value);
  model_init(w.model, settings_.train.seed);
  model_ = snapshot_model_ = w.model;  // the reading side's copies: this call is on its thread
  model_weights_ = w.weights_version;
  if (!same_plan) {
    prepare_locked();
    w.prepared_for = plan_key;
  }
  w.state = LabState::Ready;
  return Status::success();
}

std::vector<uint8_t> Lab::save_model() const { return weights_serialize(model_); }

uint64_t Lab::model_file_bytes() const {
  Result<Model> plan = model_plan(settings_.model, train_.shape, train_.num_classes);
  return plan.ok() ? weights_file_bytes(plan.value) : 0;
}

Status Lab::load_model(const std::vector<uint8_t>& bytes, uint64_t file_size) {
  Status s;
  {
    std::lock_guard<std::mutex> lock(work_mutex_);
    if (work_.state == LabState::Loading) return Status::fail("the data is still loading");
    // Checked against the model a reset builds, before anything of the current run changes.
    Result<Model> plan = model_plan(settings_.model, train_.shape, train_.num_classes);
    s = plan.ok() ? weights_check(bytes, plan.value, file_size) : Status::fail("model: " + plan.error);
    if (s.ok() && bytes.size() < file_size) s = Status::fail("the weights file is incomplete");
    if (s.ok()) s = reset_locked();
    if (s.ok() && work_.state == LabState::Ready) {
      s = weights_deserialize(bytes, work_.model);
      model_ = snapshot_model_ = work_.model;  // the reading side's copies: this call is on its thread
      model_weights_ = ++work_.weights_version;
    }
    publish_locked();
  }
  work_ready_.notify_all();
  if (s.ok()) log_.push_back("Loaded the weights of " + model_.spec + " (" + std::to_string(model_.param_count) +
                             " parameters) from a weights file");
  sync();
  return s;
}

Status Lab::train() {
  Status s;
  {
    std::lock_guard<std::mutex> lock(work_mutex_);
    s = train_locked();
    publish_locked();
  }
  work_ready_.notify_all();
  sync();
  return s;
}

Status Lab::train_locked() {
  Work& w = work_;
  if (w.state == LabState::Loading) return Status::fail("the data is still loading");
  if (w.state == LabState::Training) return Status::success();
  if (w.state == LabState::Paused) {
    w.step_target = -1;
    w.state = LabState::Training;
    return Status::success();
  }
  if (w.state == LabState::Done || w.state == LabState::Error || w.trainer.state() != TrainState::Idle) {
    Status s = reset_locked();
    if (!s.ok() || w.state != LabState::Ready) return s;
  }
  TrainConfig c = settings_.train;
  c.first_epoch_snapshots = kFirstEpochSnapshots;
  Status s = w.trainer.start(&w.model, &train_, c, probe_);
  if (!s.ok()) {
    fail_locked(s.error);
    return s;
  }
  w.chunk = 0;
  w.sec_per_sample = 0;
  trainer_probe_version_ = probe_version_;
  w.step_target = -1;
  w.state = LabState::Training;
  log_.push_back("Train on " + std::to_string(w.trainer.train_count()) + " samples, validate on " +
                 std::to_string(w.trainer.val_count()) + " samples (" + optimizer_name(c.optimizer.kind) +
                 ", lr " + number_text(c.optimizer.lr) + ", batch " + std::to_string(c.batch) + ")");
  return Status::success();
}

void Lab::pause() {
  {
    std::lock_guard<std::mutex> lock(work_mutex_);
    if (work_.state != LabState::Training) return;
    work_.state = LabState::Paused;
    publish_locked();
  }
  sync();
}

Status Lab::step(int batches) {
  if (batches < 1) return Status::fail("step: the number of batches must be at least 1");
  Status s;
  {
    std::lock_guard<std::mutex> lock(work_mutex_);
    if (work_.state == LabState::Training) {
      s = Status::fail("step: pause the training first");
    } else {
      if (work_.state != LabState::Paused) s = train_locked();
      if (s.ok()) {
        work_.step_target = work_.trainer.steps_done() + batches;
        work_.state = LabState::Training;
      }
    }
    publish_locked();
  }
  work_ready_.notify_all();
  sync();
  return s;
}

void Lab::set_threads(int threads) {
  {
    std::lock_guard<std::mutex> lock(work_mutex_);  // between units: no parallel loop of training runs now
    engine_set_threads(std::max(threads, 1));
    if (work_.state != LabState::Ready || work_.prepared_for.empty()) return;
    prepare_locked();  // the first passes' rates, measured again on these threads
    publish_locked();
  }
  work_ready_.notify_all();
  sync();
}

void Lab::fail_locked(const std::string& message) {
  work_.state = LabState::Error;
  work_.error = message;
}

// ---- the training side --------------------------------------------------------------------------------------

void Lab::prepare_locked() {
  work_.prepare_batch = settings_.train.batch;
  work_.prepare_units = kPrepareUnits;
  work_.first_pass = PassRates();
}

bool Lab::testing_locked() const { return work_.state == LabState::Done && work_.test_at < test_.size(); }

bool Lab::preparing_locked() const { return work_.state == LabState::Ready && work_.prepare_units > 0; }

bool Lab::has_work_locked() const {
  return !work_.stop && (work_.state == LabState::Training || testing_locked() || preparing_locked());
}

int Lab::work(double budget, bool fit_chunks) {
  std::lock_guard<std::mutex> lock(work_mutex_);
  try {
    return work_locked(budget, fit_chunks);
  } catch (const std::bad_alloc&) {  // natively, if the budget's estimate fell short (memory.h); a tab stops
    fail_locked("out of memory: lower the batch size, or the model's filters and units");
    publish_locked();
    return 1;
  }
}

int Lab::work_locked(double budget, bool fit_chunks) {
  if (!has_work_locked()) {
    work_.window_start = -1;
    return 0;
  }
  int units = 0;
  if (preparing_locked()) {  // before training: the workspace and first passes, so that the run starts at speed
    const PassRates r = work_.trainer.prepare(work_.model, train_, work_.prepare_batch);
    PassRates& best = work_.first_pass;
    best = {std::max(best.train, r.train), std::max(best.infer, r.infer)};
    --work_.prepare_units;
    publish_locked();  // the rates, once measured: an epoch's estimate
    return 1;
  }
  if (testing_locked()) {  // after training: the test set, in batches (or chunks of about the budget)
    const double t0 = now_seconds();
    const int n = fit_chunks && work_.chunk > 0 ? work_.chunk * 3 : work_.trainer.config().batch;
    do {
      test_unit_locked(n);
      ++units;
    } while (testing_locked() && now_seconds() - t0 < budget);
  } else {
    train_units_locked(budget, fit_chunks, units);
  }
  publish_locked();
  return units;
}

void Lab::train_units_locked(double budget, bool fit_chunks, int& units) {
  Work& w = work_;
  Trainer& t = w.trainer;
  const double t0 = now_seconds();
  if (w.window_start < 0) {
    w.window_start = t0;
    w.window_samples = t.samples_processed();
  } else if (t0 - w.window_start >= 1.0) {
    const double rate = double(t.samples_processed() - w.window_samples) / (t0 - w.window_start);
    w.throughput = w.throughput > 0 ? 0.5 * w.throughput + 0.5 * rate : rate;
    w.window_start = t0;
    w.window_samples = t.samples_processed();
  }
  const int batch = t.config().batch;
  while (t.state() == TrainState::Training || t.state() == TrainState::Validating) {
    if (w.step_target >= 0 && t.steps_done() >= w.step_target && t.state() == TrainState::Training) break;
    // Whole batches, or with fit_chunks while a batch would overrun the budget (by the running estimate), chunks
    // a bit under it, of at least kMinChunk samples, below which per-call costs (and a GEMV instead of a GEMM
    // in the dense layers) waste time. Whole batches give the same bits as a training thread's.
    const double fit = budget * 0.9 / std::max(w.sec_per_sample, 1e-7);
    w.chunk = !fit_chunks || w.sec_per_sample == 0 || fit >= batch ? 0 : int(std::max(fit, double(std::min(kMinChunk, batch))));
    t.set_chunk(w.chunk);
    const double u0 = now_seconds();
    const long steps_before = t.steps_done();
    t.run_units(1);
    ++units;
    const double dt = now_seconds() - u0;
    if (t.steps_done() != steps_before) ++w.weights_version;
    const double per_sample = dt / double(w.chunk > 0 ? w.chunk : batch);
    w.sec_per_sample = w.sec_per_sample > 0 ? 0.8 * w.sec_per_sample + 0.2 * per_sample : per_sample;
    if (now_seconds() - t0 + dt > budget) break;  // another unit like this one would overrun the budget
  }
  if (t.state() == TrainState::Done) {
    w.state = LabState::Done;
  } else if (t.state() == TrainState::Failed) {
    fail_locked(t.error());
    ++w.weights_version;  // the trainer restored the epoch's starting weights
  } else if (w.step_target >= 0 && t.steps_done() >= w.step_target && t.state() == TrainState::Training) {
    w.state = LabState::Paused;
    w.step_target = -1;
  }
}

void Lab::test_unit_locked(int n) {
  Work& w = work_;
  const size_t end = std::min(test_.size(), w.test_at + size_t(n));
  const EvalResult r = w.trainer.evaluate(test_, w.test_at, end);
  w.test_loss_sum += r.loss * double(r.count);
  w.test_correct += size_t(std::lround(r.acc * double(r.count)));
  w.test_at = end;
}

void Lab::wait_for_work(double seconds) {
  std::unique_lock<std::mutex> lock(work_mutex_);
  work_ready_.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return work_.stop || has_work_locked(); });
}

void Lab::stop_work() {
  {
    std::lock_guard<std::mutex> lock(work_mutex_);
    work_.stop = true;
  }
  work_ready_.notify_all();
}

bool Lab::work_stopped() const {
  std::lock_guard<std::mutex> lock(work_mutex_);
  return work_.stop;
}

int Lab::tick(double budget, bool fit_chunks) {
  const int units = work(budget, fit_chunks);
  sync();
  return units;
}

void Lab::publish_locked() {
  if (work_.state != work_.published_state || work_.run != work_.published_run || work_.published == 0) {
    work_.published_state = work_.state;
    work_.published_run = work_.run;
    work_.state_since = now_seconds();
  }
  const Work& w = work_;
  const Trainer& t = w.trainer;
  LabView& v = handoff_.back();
  v.version = ++work_.published;
  v.run = w.run;
  v.state = w.state;
  v.state_since = w.state_since;
  v.error = w.error;
  v.train_state = t.state();
  const bool started = t.state() != TrainState::Idle;
  v.epochs = started ? t.config().epochs : 0;
  v.epoch = t.epoch();
  v.batch = t.batch_in_epoch();
  v.batches_per_epoch = t.batches_per_epoch();
  v.steps = t.steps_done();
  v.train_count = t.train_count();
  v.val_count = started ? t.val_count() : 0;
  v.epoch_progress = t.epoch_progress();
  v.samples_per_sec = t.samples_per_sec();
  v.throughput = w.throughput;
  v.preparing = preparing_locked();
  v.first_pass = w.first_pass;
  v.chunk = w.chunk > 0 ? w.chunk : (started ? t.config().batch : 0);
  v.batches = t.batches();
  v.history = t.epochs();
  v.mistakes = t.mistakes();  // shared: a pointer's copy
  v.snapshots = t.snapshots();
  v.params = w.model.params;
  v.weights_version = w.weights_version;
  v.workspace_bytes = workspace_held_bytes(t.workspace());
  v.test_total = w.state == LabState::Done ? test_.size() : 0;
  v.test_done = w.test_at;
  v.test_loss = w.test_at ? w.test_loss_sum / double(w.test_at) : 0;
  v.test_acc = w.test_at ? double(w.test_correct) / double(w.test_at) : 0;
  handoff_.publish();
}

// ---- the reading side ---------------------------------------------------------------------------------------

bool Lab::sync() {
  if (!handoff_.fetch()) return false;
  const LabView& v = view();
  if (v.run != synced_run_) {  // a new run: its log lines and maps start afresh
    synced_run_ = v.run;
    epochs_logged_ = 0;
    end_logged_ = test_logged_ = false;
    maps_.clear_snapshots();
  }
  if (v.weights_version != model_weights_ && v.params.size() == model_.params.size()) {
    model_.params = v.params;
    model_weights_ = v.weights_version;
  }
  for (; epochs_logged_ < v.history.size(); ++epochs_logged_)
    log_.push_back(train_epoch_log(v.history[epochs_logged_], v.epochs, v.batches_per_epoch));
  if (v.state == LabState::Done && !end_logged_) {
    end_logged_ = true;
    log_.push_back("Training done.");
  }
  if (v.test_total > 0 && v.test_done == v.test_total && !test_logged_) {
    test_logged_ = true;
    char line[128];
    std::snprintf(line, sizeof line, "Test loss: %.4f - test acc: %.4f (%zu images)", v.test_loss, v.test_acc, v.test_total);
    log_.push_back(line);
  }
  if (v.state == LabState::Error && v.error != error_logged_) {
    error_logged_ = v.error;
    log_.push_back("Error: " + v.error);
  }
  return true;
}

Lab::Metrics Lab::metrics() const {
  const LabView& v = view();
  Metrics m;
  m.epochs = settings_.train.epochs;
  const size_t train_count = started() ? v.train_count : train_config_train_count(settings_.train, train_.size());
  const size_t val_count = started() ? v.val_count : train_config_samples(settings_.train, train_.size()) - train_count;
  if (!v.preparing && v.first_pass.train > 0 && v.first_pass.infer > 0)
    m.epoch_estimate_seconds = double(train_count) / v.first_pass.train + double(val_count) / v.first_pass.infer;
  if (!started()) return m;
  m.epochs = v.epochs;
  m.epoch = v.epoch;
  m.batch = v.batch;
  m.batches_per_epoch = v.batches_per_epoch;
  // The current epoch's batches so far, else the last epoch's averages.
  double loss = 0, acc = 0;
  int n = 0;
  for (auto it = v.batches.rbegin(); it != v.batches.rend() && it->epoch == m.epoch && n < m.batch; ++it, ++n) {
    loss += it->loss;
    acc += it->acc;
  }
  if (n > 0) {
    m.loss = loss / n;
    m.acc = acc / n;
  } else if (!v.history.empty()) {
    m.loss = v.history.back().loss;
    m.acc = v.history.back().acc;
  }
  if (!v.history.empty()) {
    m.val_loss = v.history.back().val_loss;
    m.val_acc = v.history.back().val_acc;
    if (v.train_state == TrainState::Done) m.batch = m.batches_per_epoch;
  }
  m.samples_per_sec = v.samples_per_sec;
  m.throughput = v.throughput;
  m.has_test = v.test_total > 0 && v.test_done == v.test_total;
  if (m.has_test) {
    m.test_loss = v.test_loss;
    m.test_acc = v.test_acc;
  }
  m.epoch_progress = v.epoch_progress;
  if (v.train_state != TrainState::Done) {  // at the wall-clock rate, or at first (under a second) the first pass's
    const double per_epoch = double(v.train_count + v.val_count);
    const double epochs_left = double(m.epochs - m.epoch) + (1.0 - m.epoch_progress);
    m.eta_seconds = epochs_left * (m.throughput > 0 ? per_epoch / m.throughput : m.epoch_estimate_seconds);
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

const std::vector<Mistake>& Lab::mistakes() const {
  static const std::vector<Mistake> none;
  return view().mistakes ? *view().mistakes : none;
}

Lab::Memory Lab::memory() const {
  Memory m;
  for (const Dataset* d : {&train_, &test_}) m.data += d->images.capacity() + d->labels.capacity();
  // Parameters and gradients of the trained model, the optimizer's two moments, the epoch's start, the three
  // published views' params, and the reading side's model and snapshot copy (params and grads each).
  const uint64_t weights = uint64_t(model_.param_count) * sizeof(float);
  m.model = weights * (2 + 2 + 1 + 3 + 4);
  m.workspace = view().workspace_bytes + workspace_held_bytes(maps_.workspace());
  return m;
}

Status Lab::set_probe_training_image(size_t index) {
  if (index >= train_.size()) return Status::fail("there is no training image " + std::to_string(index));
  const uint8_t* image = train_.image(index);
  std::vector<float> pixels(train_.shape.size());
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = float(image[i]) / 255.0f;
  return set_probe_pixels(pixels);
}

const std::vector<FeatureMap>* Lab::maps_at_epoch(int epoch) {
  if (epoch < 0) return &live_maps();
  const int i = snapshot_for_epoch(epoch);
  if (i >= 0) return &snapshot_maps(i);
  if (epoch == 0 && !started()) return &live_maps();  // untrained weights are epoch 0
  return nullptr;
}

const std::vector<FeatureMap>& Lab::live_maps() {
  return maps_.live(model_, model_weights_, probe_, probe_version_, state() == LabState::Training);
}

std::vector<float> Lab::live_probs() { return LabMaps::probs(live_maps()); }

std::vector<float> Lab::predict(const float* pixels) { return maps_.predict(model_, pixels); }

const std::vector<FeatureMap>& Lab::snapshot_maps(int i) {
  static const std::vector<FeatureMap> none;
  if (i < 0 || i >= snapshot_count()) return none;
  return maps_.at_snapshot(snapshot(i), probe_version_ == trainer_probe_version_, snapshot_model_, probe_,
                           probe_version_);
}

// The model to explain: the current weights, or a snapshot's in the scratch copy; null with the reason in `error`.
Model* Lab::weights_at(int epoch, std::string& error) {
  if (probe_.size() != model_.input.size() || model_.layers.empty()) {
    error = "there is no model or probe image yet";
    return nullptr;
  }
  if (epoch < 0) return &model_;
  const int i = snapshot_for_epoch(epoch);
  if (i < 0 && epoch == 0 && !started()) return &model_;  // untrained weights are epoch 0
  if (i < 0 || snapshot(i).params.empty()) {
    error = i < 0 ? "there is no snapshot after epoch " + std::to_string(epoch)
                  : "the snapshot after epoch " + std::to_string(epoch) + " no longer keeps its weights";
    return nullptr;
  }
  snapshot_model_.params = snapshot(i).params;
  return &snapshot_model_;
}

Result<Explanation> Lab::grad_cam(int layer, int class_index, int epoch) {
  if (layer < 0) {
    const std::vector<int> layers = grad_cam_layers();
    if (layers.empty()) return Result<Explanation>::fail("Grad-CAM needs a convolution layer; this model has none");
    layer = layers.back();
  }
  std::string error;
  Model* m = weights_at(epoch, error);
  if (!m) return Result<Explanation>::fail(error);
  return convlens::grad_cam(*m, maps_.workspace(), probe_.data(), layer, class_index);
}

Result<Explanation> Lab::saliency(int class_index, int epoch) {
  std::string error;
  Model* m = weights_at(epoch, error);
  if (!m) return Result<Explanation>::fail(error);
  return convlens::saliency(*m, maps_.workspace(), probe_.data(), class_index);
}

int Lab::snapshot_for_epoch(int epoch) const {
  for (int i = 0; i < snapshot_count(); ++i)
    if (snapshot(i).epoch_end && snapshot(i).epoch == epoch) return i;
  return -1;
}

std::vector<int> Lab::grad_cam_layers() const {
  std::vector<int> out;
  for (int l : conv_layers())
    if (grad_cam_layer_ok(model_, l)) out.push_back(l);
  return out;
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
  const bool snap = snapshot_index >= 0 && snapshot_index < snapshot_count();
  if (snap && snapshot(snapshot_index).params.empty()) return fm;  // weights not kept (trainer.h)
  const float* params = snap ? snapshot(snapshot_index).params.data() : model_.params.data();
  const int k = l.spec.kernel;
  fm.layer_index = layer;
  fm.layer_name = l.name;
  fm.shape = Shape{k, k, l.in.c * l.out.c};  // weights (K,K,C,F) read as (K,K,C*F): the same floats
  fm.data.assign(params + l.w_offset, params + l.w_offset + l.w_count);
  return fm;
}

}  // namespace convlens
