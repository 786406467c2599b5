// trainer.cpp: the sliced Keras-style training loop (semantics in trainer.h).
#include "trainer.h"

#include "clock.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace convlens {
namespace {

// Inference on samples [first, first + n) of data; returns the summed loss and counts correct predictions.
double evaluate_slice(const Model& model, Workspace& ws, const Dataset& data, size_t first, int n, uint8_t* labels,
                      int* correct) {
  model_gather_range(model, ws, data, first, n, labels);
  model_forward(model, ws, n, false, nullptr);
  return model_softmax(model, ws, labels, n, correct);
}

}  // namespace

Status train_config_validate(const TrainConfig& c, size_t data_size) {
  if (!kEpochsRange.contains(c.epochs))
    return Status::fail("epochs must be " + kEpochsRange.text() + ", got " + std::to_string(c.epochs));
  if (!kBatchRange.contains(c.batch))
    return Status::fail("batch size must be " + kBatchRange.text() + ", got " + std::to_string(c.batch));
  if (!kValSplitRange.contains(c.val_split))
    return Status::fail("validation split must be " + kValSplitRange.text() + ", got " + number_text(c.val_split));
  if (!kSubsetRange.contains((long long)std::min<size_t>(c.subset, LLONG_MAX)))
    return Status::fail("subset must be " + kSubsetRange.text() + ", got " + std::to_string(c.subset));
  if (c.snapshot_every < 0 || c.first_epoch_snapshots < 0) return Status::fail("snapshot interval must be >= 0");
  if (c.chunk < 0) return Status::fail("chunk size must be >= 0");
  if (data_size == 0) return Status::fail("the training set is empty");
  return optimizer_validate(c.optimizer);  // with split < 1, ceil(N * (1 - split)) >= 1 training sample
}

size_t train_config_samples(const TrainConfig& c, size_t data_size) {
  return c.subset > 0 ? std::min(c.subset, data_size) : data_size;
}

size_t train_config_train_count(const TrainConfig& c, size_t data_size) {
  const size_t size = train_config_samples(c, data_size);
  return std::min(size_t(std::ceil(double(size) * (1.0 - double(c.val_split)))), size);
}

EvalResult model_evaluate(const Model& model, Workspace& ws, const Dataset& data, size_t begin, size_t end, int batch) {
  EvalResult r;
  batch = int(std::min(size_t(std::max(batch, 1)), std::max<size_t>(end > begin ? end - begin : 0, 1)));
  workspace_reserve(ws, model, batch);  // no larger than the samples: a batch of 65536 over 100 images needs 100
  std::vector<uint8_t> labels(static_cast<size_t>(batch));
  double loss = 0;
  size_t correct = 0;
  for (size_t at = begin; at < end; at += size_t(batch)) {
    const int n = int(std::min(size_t(batch), end - at));
    int right = 0;
    loss += evaluate_slice(model, ws, data, at, n, labels.data(), &right);
    correct += size_t(right);
  }
  r.count = end > begin ? end - begin : 0;
  if (r.count) { r.loss = loss / double(r.count); r.acc = double(correct) / double(r.count); }
  return r;
}

PassRates Trainer::prepare(Model& model, const Dataset& data, int batch) {
  workspace_reserve(ws_, model, batch);
  const int n = int(std::min({size_t(batch), data.size(), size_t(kPrepareSamples)}));
  if (n == 0) return {};
  std::vector<uint32_t> indices(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) indices[size_t(i)] = uint32_t(i);
  std::vector<uint8_t> labels(static_cast<size_t>(n));
  Rng rng(0);  // not the run's: its shuffles and dropout masks stay as they were
  auto rate = [n](double seconds) { return seconds > 0 ? double(n) / seconds : 0.0; };
  PassRates rates;
  double t0 = now_seconds();
  model_gather_batch(model, ws_, data, indices.data(), n, labels.data());
  model_forward(model, ws_, n, true, &rng);
  model_softmax(model, ws_, labels.data(), n, nullptr);
  model_backward(model, ws_, labels.data(), n);  // overwrites model.grads, which only a run's steps read
  rates.train = rate(now_seconds() - t0);
  t0 = now_seconds();
  model_evaluate(model, ws_, data, 0, size_t(n), n);
  rates.infer = rate(now_seconds() - t0);
  return rates;
}

uint64_t Trainer::memory_bytes(const Model& plan, int batch, int threads) {
  const uint64_t weights = uint64_t(plan.param_count) * sizeof(float);
  // Beside the parameters (in model_inference_bytes): grads, the optimizer's two moments (Adam; SGD keeps at most
  // one), the epoch's starting weights and the gradient summed over a batch's chunks; the snapshots' weights: the
  // first, the best and the newest.
  const uint64_t copies = 5 * weights + 2 * weights + std::max(TrainConfig().snapshot_weight_bytes, weights);
  uint64_t map_floats = 0;
  for (const Layer& l : plan.layers) map_floats += l.out.size64();
  const uint64_t snapshots = kMaxSnapshots * map_floats * sizeof(float) + kMaxBatchRecords * sizeof(BatchRecord);
  // Each epoch's record keeps its confusion matrix (K, K).
  const uint64_t history = uint64_t(kEpochsRange.hi) * (sizeof(EpochRecord) + sizeof(Confusion) +
                                                        uint64_t(plan.num_classes) * uint64_t(plan.num_classes) * sizeof(uint32_t));
  return model_inference_bytes(plan, batch, threads) + copies + snapshots + history + workspace_bytes(plan, 1, threads);
}

void Trainer::clear() {
  Workspace ws = std::move(ws_);
  *this = Trainer();
  ws_ = std::move(ws);
}

EvalResult Trainer::evaluate(const Dataset& data, size_t begin, size_t end) {
  return model_evaluate(*model_, ws_, data, begin, end, config_.batch);
}

Status Trainer::start(Model* model, const Dataset* data, const TrainConfig& config, std::vector<float> probe) {
  clear();
  const size_t size = train_config_samples(config, data->size());
  Status valid = train_config_validate(config, size);
  if (!valid.ok()) return valid;
  if (data->shape != model->input)
    return Status::fail("the data's images are " + data->shape.to_keras() + " but the model expects " + model->input.to_keras());
  if (!probe.empty() && probe.size() != model->input.size())
    return Status::fail("the probe image has " + std::to_string(probe.size()) + " values, the model expects " +
                        std::to_string(model->input.size()));
  model_ = model;
  data_ = data;
  config_ = config;
  probe_ = std::move(probe);
  rng_.reseed(config.seed);
  optimizer_ = optimizer_make(config.optimizer, model->params.size());
  data_size_ = size;
  train_count_ = train_config_train_count(config, data->size());
  batches_per_epoch_ = int((train_count_ + config.batch - 1) / config.batch);
  if (config.first_epoch_snapshots > 0)
    first_epoch_every_ = std::max(1, batches_per_epoch_ / config.first_epoch_snapshots);
  order_.resize(train_count_);
  labels_.resize(size_t(config.batch));
  state_ = TrainState::Training;
  take_snapshot(true);
  return Status::success();
}

int Trainer::chunk_size() const {
  return config_.chunk > 0 ? std::min(config_.chunk, config_.batch) : config_.batch;
}

int Trainer::run_units(int units) {
  int done = 0;
  while (done < units && (state_ == TrainState::Training || state_ == TrainState::Validating)) {
    const double t0 = now_seconds();
    const bool training = state_ == TrainState::Training;
    if (training) train_chunk(); else validate_chunk();
    const double dt = now_seconds() - t0;
    epoch_seconds_ += dt;
    if (training) train_seconds_ += dt;
    if (training && (state_ == TrainState::Validating || epoch_ended_))  // the epoch's last batch is in
      last_samples_per_sec_ = train_seconds_ > 0 ? double(seen_) / train_seconds_ : 0;
    ++done;
    if (epoch_ended_) finish_epoch();
  }
  return done;
}

void Trainer::train_chunk() {
  if (batch_in_epoch_ == 0 && chunk_at_ == 0) {  // a new epoch: reshuffle, reset the sums, remember the weights
    for (size_t i = 0; i < train_count_; ++i) order_[i] = uint32_t(i);
    rng_.shuffle(order_);
    loss_sum_ = val_loss_sum_ = 0;
    seen_ = correct_ = val_seen_ = val_correct_ = 0;
    val_confusion_ = Confusion();
    val_mistakes_.clear();
    train_seconds_ = epoch_seconds_ = 0;
    epoch_start_params_ = model_->params;
  }
  const size_t at = size_t(batch_in_epoch_) * config_.batch;
  const int n = int(std::min(size_t(config_.batch), train_count_ - at));  // this batch's size
  const int m = std::min(chunk_size(), n - chunk_at_);                    // this chunk's size
  workspace_reserve(ws_, *model_, m);
  model_gather_batch(*model_, ws_, *data_, order_.data() + at + chunk_at_, m, labels_.data());
  model_forward(*model_, ws_, m, true, &rng_);
  int right = 0;
  const double loss = model_softmax(*model_, ws_, labels_.data(), m, &right);
  if (!std::isfinite(loss)) {
    fail("training diverged: the loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") + " at epoch " +
         std::to_string(epoch_) + ", batch " + std::to_string(batch_in_epoch_ + 1) +
         "; the weights from the start of this epoch were restored. Try a lower learning rate.");
    return;
  }
  model_backward(*model_, ws_, labels_.data(), m);  // grads of this chunk's mean loss
  processed_ += size_t(m);
  batch_loss_ += loss;
  batch_right_ += right;
  const bool whole = chunk_at_ == 0 && m == n;
  if (!whole) {  // the batch mean is the chunks' means weighted by m / n
    const size_t count = model_->params.size();
    grad_sum_.resize(count);
    const float w = float(m) / float(n);
    const float* g = model_->grads.data();
    float* sum = grad_sum_.data();
    if (chunk_at_ == 0) for (size_t i = 0; i < count; ++i) sum[i] = w * g[i];
    else for (size_t i = 0; i < count; ++i) sum[i] += w * g[i];
  }
  chunk_at_ += m;
  if (chunk_at_ < n) return;

  const float* grads = whole ? model_->grads.data() : grad_sum_.data();
  optimizer_step(optimizer_, model_->params.data(), grads, model_->params.size());
  loss_sum_ += batch_loss_;
  seen_ += size_t(n);
  correct_ += size_t(batch_right_);
  ++step_;
  ++batch_in_epoch_;
  batches_.push_back({step_, epoch_, float(batch_loss_ / n), float(batch_right_) / float(n)});
  bound_batches();
  chunk_at_ = 0;
  batch_loss_ = 0;
  batch_right_ = 0;
  const bool every = config_.snapshot_every > 0 && step_ % config_.snapshot_every == 0;
  const bool early = epoch_ == 1 && first_epoch_every_ > 0 && batch_in_epoch_ % first_epoch_every_ == 0;
  const bool last = batch_in_epoch_ == batches_per_epoch_;  // finish_epoch() takes the epoch's snapshot
  if ((every || early) && !last) take_snapshot(false);
  if (last) {
    if (val_count() > 0) state_ = TrainState::Validating;
    else epoch_ended_ = true;
  }
}

void Trainer::validate_chunk() {
  const size_t begin = train_count_ + val_seen_;
  const int n = int(std::min(data_size_ - begin, size_t(chunk_size())));
  workspace_reserve(ws_, *model_, n);
  int right = 0;
  val_loss_sum_ += evaluate_slice(*model_, ws_, *data_, begin, n, labels_.data(), &right);
  val_correct_ += size_t(right);
  // What each image was taken for: the confusion matrix and the mistakes, from the same softmax.
  const int k = model_->num_classes;
  if (val_confusion_.counts.empty()) val_confusion_ = Confusion{k, std::vector<uint32_t>(size_t(k) * size_t(k), 0)};
  for (int i = 0; i < n; ++i) {
    const float* p = ws_.probs.data() + size_t(i) * size_t(k);  // (K)
    const int predicted = int(std::max_element(p, p + k) - p), label = labels_[size_t(i)];
    ++val_confusion_.counts[size_t(label) * size_t(k) + size_t(predicted)];
    if (predicted != label) val_mistakes_.push_back(Mistake{begin + size_t(i), label, predicted, p[predicted]});
  }
  val_seen_ += size_t(n);
  processed_ += size_t(n);
  if (val_seen_ == val_count()) epoch_ended_ = true;
}

void Trainer::finish_epoch() {
  epoch_ended_ = false;
  batch_in_epoch_ = 0;
  EpochRecord e;
  e.epoch = epoch_;
  e.batches = batches_per_epoch_;
  e.loss = float(loss_sum_ / double(std::max<size_t>(seen_, 1)));
  e.acc = float(double(correct_) / double(std::max<size_t>(seen_, 1)));
  e.has_val = val_seen_ > 0;
  if (e.has_val) {
    e.val_loss = float(val_loss_sum_ / double(val_seen_));
    e.val_acc = float(double(val_correct_) / double(val_seen_));
    e.confusion = std::make_shared<const Confusion>(std::move(val_confusion_));
    // The most confident first; ties by index, so the order never depends on how validation was cut in chunks.
    std::sort(val_mistakes_.begin(), val_mistakes_.end(), [](const Mistake& a, const Mistake& b) {
      return a.probability != b.probability ? a.probability > b.probability : a.index < b.index;
    });
    if (val_mistakes_.size() > kMaxMistakes) val_mistakes_.resize(kMaxMistakes);
    mistakes_ = std::make_shared<const std::vector<Mistake>>(std::move(val_mistakes_));
  }
  val_confusion_ = Confusion();
  val_mistakes_.clear();
  e.seconds = epoch_seconds_;
  e.samples_per_sec = last_samples_per_sec_;
  epochs_.push_back(e);
  take_snapshot(true);
  if (epoch_ == config_.epochs) {
    state_ = TrainState::Done;
  } else {
    ++epoch_;
    state_ = TrainState::Training;
  }
}

void Trainer::take_snapshot(bool epoch_end) {
  auto s = std::make_shared<Snapshot>();
  s->epoch = int(epochs_.size());
  s->step = step_;
  s->epoch_end = epoch_end;
  s->params = model_->params;
  if (!probe_.empty()) s->maps = model_feature_maps(*model_, probe_ws_, probe_.data());
  snapshots_.push_back(std::move(s));
  bound_snapshots();
}

void Trainer::bound_batches() {
  if (batches_.size() < kMaxBatchRecords) return;
  for (size_t i = 0; i + 1 < batches_.size(); i += 2) {  // pairs merged: the curve's shape at half the points
    BatchRecord merged = batches_[i + 1];
    merged.loss = 0.5f * (batches_[i].loss + batches_[i + 1].loss);
    merged.acc = 0.5f * (batches_[i].acc + batches_[i + 1].acc);
    batches_[i / 2] = merged;
  }
  if (batches_.size() % 2) batches_[batches_.size() / 2] = batches_.back();
  batches_.resize((batches_.size() + 1) / 2);
}

void Trainer::bound_snapshots() {
  // The best epoch so far (validation accuracy, else training accuracy): its snapshot keeps its weights.
  int best_epoch = 0;
  float best = -1;
  for (const EpochRecord& e : epochs_)
    if ((e.has_val ? e.val_acc : e.acc) > best) best = e.has_val ? e.val_acc : e.acc, best_epoch = e.epoch;
  auto is_best = [&](const Snapshot& s) { return s.epoch_end && s.epoch == best_epoch; };
  if (snapshots_.size() > kMaxSnapshots) {  // every other one between the first and the newest goes
    std::vector<std::shared_ptr<const Snapshot>> kept;
    for (size_t i = 0; i < snapshots_.size(); ++i)
      if (i % 2 == 0 || i + 1 == snapshots_.size() || is_best(*snapshots_[i])) kept.push_back(snapshots_[i]);
    snapshots_ = std::move(kept);
  }
  // Weights: the first snapshot's, the best's and the newest ones' that fit snapshot_weight_bytes (at least one).
  // A snapshot is shared and immutable: one that no longer keeps its weights is replaced by a copy without them.
  uint64_t kept_bytes = 0;
  for (size_t i = snapshots_.size(); i-- > 1;) {
    const Snapshot& s = *snapshots_[i];
    if (s.params.empty() || is_best(s)) continue;
    const uint64_t bytes = uint64_t(s.params.size()) * sizeof(float);
    if (kept_bytes == 0 || kept_bytes + bytes <= config_.snapshot_weight_bytes) {
      kept_bytes += bytes;
      continue;
    }
    auto light = std::make_shared<Snapshot>();
    light->epoch = s.epoch, light->step = s.step, light->epoch_end = s.epoch_end, light->maps = s.maps;
    snapshots_[i] = std::move(light);
  }
}

void Trainer::fail(const std::string& message) {
  if (!epoch_start_params_.empty()) model_->params = epoch_start_params_;
  error_ = message;
  state_ = TrainState::Failed;
}

double Trainer::epoch_progress() const {
  const double total = double(data_size_);
  if (total <= 0) return 0;
  if (state_ == TrainState::Done) return 1.0;
  const size_t train_done = size_t(batch_in_epoch_) * size_t(config_.batch) + size_t(chunk_at_);
  const size_t done = state_ == TrainState::Validating ? train_count_ + val_seen_ : std::min(train_done, train_count_);
  return double(done) / total;
}

double Trainer::samples_per_sec() const {
  if (state_ == TrainState::Training && train_seconds_ > 0 && seen_ > 0) return double(seen_) / train_seconds_;
  return last_samples_per_sec_;
}

std::string train_epoch_log(const EpochRecord& e, int epochs, int batches_per_epoch) {
  char line[256];
  int len = std::snprintf(line, sizeof line, "Epoch %d/%d  %d/%d - %.0fs - loss: %.4f - acc: %.4f", e.epoch,
                          epochs, e.batches, batches_per_epoch, e.seconds, e.loss, e.acc);
  if (e.has_val && len > 0 && size_t(len) < sizeof line)
    std::snprintf(line + len, sizeof line - size_t(len), " - val_loss: %.4f - val_acc: %.4f", e.val_loss, e.val_acc);
  return line;
}

}  // namespace convlens
