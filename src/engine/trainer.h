// trainer.h: Keras-style fit() that a UI can drive in slices.
//
// Semantics follow model.fit(x, y, batch_size, epochs, validation_split, shuffle=True):
//   - validation is the LAST val_split fraction of the data (split at ceil(N * (1 - val_split))), never shuffled in;
//   - the training part is reshuffled every epoch; the last batch of an epoch may be smaller;
//   - loss/acc in the log are averages over the epoch's training batches (dropout on); val_* in inference mode.
// run_units(n) runs at most n units of work and returns, so a UI can draw between slices. A unit is one batch, or,
// with TrainConfig::chunk, one chunk of a batch: the batch's gradient is then summed over its chunks (weighted
// by their sizes) before the single optimizer step, which is the same maths with shorter pauses for a browser
// frame. Validation runs in the same units.
// The trainer keeps the per-batch and per-epoch history and snapshots of the weights and of the probe image's
// feature maps: before training (epoch 0), after every epoch, and optionally every N batches. What a run keeps
// is bounded, whatever its length: at most kMaxBatchRecords batch records (beyond that, neighbours are merged
// into one), kMaxSnapshots snapshots (beyond that, every other one between the first and the newest goes), and
// weights for the first snapshot, the best epoch and as many of the newest as fit snapshot_weight_bytes (older
// snapshots keep only their maps). memory_bytes() gives the whole bound before a run is built.
// Divergence (NaN/inf loss) stops training with a message and restores the weights of the epoch's start.
// Not here: data loading, drawing, threads (callers choose when to call run_units).
#pragma once
#include <climits>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataset.h"
#include "feature_map.h"
#include "model.h"
#include "optimizer.h"
#include "rng.h"

namespace convlens {

// A run's settings. The defaults are the book's (model.fit(..., validation_split=0.2, batch_size=200,
// epochs=10), Adam at 1e-3): the page, the desktop app and the CLI all start from these.
struct TrainConfig {
  int epochs = 10;           // in kEpochsRange
  int batch = 200;           // in kBatchRange
  float val_split = 0.2f;    // last fraction of the data held out for validation, in kValSplitRange; 0 = none
  uint64_t seed = 42;        // shuffles and dropout masks (initial weights: model_init), in kSeedRange
  int snapshot_every = 0;    // also snapshot every N training batches; 0 = only per epoch
  int first_epoch_snapshots = 0;  // also about this many evenly spaced during epoch 1, where maps change most
  int chunk = 0;             // samples per unit of work (see above); 0 = whole batches
  size_t subset = 0;         // use only the first N samples of the data (quick runs), in kSubsetRange; 0 = all
  uint64_t snapshot_weight_bytes = uint64_t(64) << 20;  // the newest snapshots' weights kept (see above)
  OptimizerConfig optimizer;
};

// What a user may set (every front end reads these), checked by train_config_validate; the optimizer's are in
// optimizer.h.
constexpr WholeRange kEpochsRange{1, 10000};
constexpr WholeRange kBatchRange{1, 65536};
constexpr RealRange kValSplitRange{0, 1, false, true};  // [0, 1)
constexpr WholeRange kSubsetRange{0, 1'000'000'000};
constexpr WholeRange kSeedRange{0, LLONG_MAX};

// Checks settings a user typed against the data size; the message names the setting.
Status train_config_validate(const TrainConfig& config, size_t data_size);
// The samples a run of `config` uses out of `data_size`: the first `subset` (all with subset 0), of which the
// first ceil(n * (1 - val_split)) train and the rest validate.
size_t train_config_samples(const TrainConfig& config, size_t data_size);
size_t train_config_train_count(const TrainConfig& config, size_t data_size);

// Samples per second of one training pass (forward, loss, backward) and of one inference pass, as
// Trainer::prepare measured them; 0 = not measured.
struct PassRates {
  double train = 0, infer = 0;
};

struct BatchRecord {
  long step = 0;   // global batch number, 1-based (of the last batch, where records were merged)
  int epoch = 0;   // 1-based
  float loss = 0;  // this batch's mean loss
  float acc = 0;   // this batch's accuracy
};

// Counts of a validation pass: how often an image of class `label` was predicted as `predicted`.
struct Confusion {
  int classes = 0;               // K
  std::vector<uint32_t> counts;  // (K, K): row = true label, column = predicted
  uint32_t at(int label, int predicted) const { return counts[size_t(label) * size_t(classes) + size_t(predicted)]; }
};

struct EpochRecord {
  int epoch = 0;           // 1-based
  int batches = 0;         // training batches run
  float loss = 0, acc = 0;          // training averages over the epoch
  float val_loss = 0, val_acc = 0;  // only when has_val
  bool has_val = false;
  double seconds = 0;      // compute time of the epoch (training + validation)
  double samples_per_sec = 0;  // training samples per second of training compute
  // The validation's confusion matrix (null without validation), from the validation pass itself. Shared and
  // never changed: the history is copied into every view the Lab publishes, and this keeps that copy cheap.
  std::shared_ptr<const Confusion> confusion;
};

// A validation image the model got wrong, with how sure it was.
struct Mistake {
  size_t index = 0;         // in the training data set (validation is its last val_split)
  int label = 0, predicted = 0;
  float probability = 0;    // of the predicted class
};

// Snapshots are immutable once taken and shared (a UI on another thread may hold one while training goes on).
struct Snapshot {
  int epoch = 0;                  // epochs completed when taken (0 = before training)
  long step = 0;                  // training batches completed when taken
  bool epoch_end = false;         // taken before training or at the end of epoch `epoch` (else mid-epoch)
  FloatBuffer params;             // the model's parameters at that moment (P); empty once no longer kept
  std::vector<FeatureMap> maps;   // the probe image's feature maps, one per layer (empty without probe)
};

enum class TrainState { Idle, Training, Validating, Done, Failed };

// The Keras-style log line: "Epoch 3/10  240/240 - 21s - loss: 0.0742 - acc: 0.9777 - val_loss: ... ".
std::string train_epoch_log(const EpochRecord& e, int epochs, int batches_per_epoch);

struct EvalResult {
  double loss = 0;  // mean cross-entropy
  double acc = 0;   // fraction correct
  size_t count = 0;
};

// Inference over samples [begin, end) of data in batches; no training state touched.
EvalResult model_evaluate(const Model& model, Workspace& ws, const Dataset& data, size_t begin, size_t end, int batch);

class Trainer {
 public:
  static constexpr size_t kMaxBatchRecords = 16384;
  static constexpr size_t kMaxSnapshots = 128;
  // The most a run of `plan` (model_plan; or a built model) at `batch` with a probe image may need, the model's
  // own params and grads included, with `threads` engine threads: the figure memory_check (memory.h) compares
  // with the budget before anything is allocated.
  static uint64_t memory_bytes(const Model& plan, int batch, int threads);

  // Prepares a run: `model` built and initialised, `data` outliving the trainer; `probe` is one image
  // (input shape floats in [0, 1]) or empty. Takes the epoch-0 snapshot.
  Status start(Model* model, const Dataset* data, const TrainConfig& config, std::vector<float> probe = {});
  // Forgets the run (state Idle). The workspace stays: the next run on it starts at full speed.
  void clear();
  // Forgets the run and frees the workspace too (before a run of another model is measured against the budget).
  void release() { clear(); ws_ = Workspace(); probe_ws_ = Workspace(); }
  // Ahead of a run, so that it starts at full speed: grows the workspace for batches of `batch` of `model` (the
  // first touch of its memory costs several batches' time), then runs one training pass (forward, loss,
  // backward; no optimizer step, so the weights stay as they are) and one inference pass over up to
  // kPrepareSamples samples of `data`, and returns their rates (0 without data): what an epoch will take. A
  // browser optimises a function's code once it has run a while: the first call has that done before the run
  // (it moved 0.23 s of a core's compiling out of a page's first second of training), and is the slowest; the
  // fastest of a few calls is the estimate.
  PassRates prepare(Model& model, const Dataset& data, int batch);
  static constexpr int kPrepareSamples = 200;
  // Inference over samples [begin, end) of `data` in batches of the run's size, in the trainer's workspace
  // (Keras' model.evaluate after fit). Between units or after the run.
  EvalResult evaluate(const Dataset& data, size_t begin, size_t end);
  // Runs up to `units` units of work (batches, or chunks; validation too); returns how many ran (0 when not
  // training). steps_done() counts the whole training batches.
  int run_units(int units);
  // Changes the chunk size between units (a UI adapts it to its frame budget); <= 0 = whole batches.
  void set_chunk(int samples) { config_.chunk = samples; }
  // Runs to the end in one call, for callers with nothing to draw (tests, scripts). `on_epoch` is called
  // after every epoch.
  template <class OnEpoch>
  void run(OnEpoch&& on_epoch) {
    while (state_ == TrainState::Training || state_ == TrainState::Validating) {
      const size_t before = epochs_.size();
      run_units(1);
      if (epochs_.size() != before) on_epoch(epochs_.back());
    }
  }

  TrainState state() const { return state_; }
  const std::string& error() const { return error_; }
  const TrainConfig& config() const { return config_; }
  int epoch() const { return epoch_; }                      // current epoch, 1-based
  int batch_in_epoch() const { return batch_in_epoch_; }    // training batches done this epoch
  int batches_per_epoch() const { return batches_per_epoch_; }
  size_t val_samples_done() const { return val_seen_; }     // of this epoch's validation
  size_t train_count() const { return train_count_; }
  size_t val_count() const { return data_size_ - train_count_; }
  size_t data_size() const { return data_size_; }          // samples in use (the subset, or all)
  long steps_done() const { return step_; }                // training batches (optimizer steps) completed
  size_t samples_processed() const { return processed_; }  // training + validation samples run so far
  double epoch_progress() const;  // 0..1 through the current epoch's samples (training then validation)
  double samples_per_sec() const;  // over the current (or last) epoch's training batches

  // The last finished validation's mistakes, the most confident first (at most kMaxMistakes); null before it.
  // Shared and never changed, like the snapshots.
  const std::shared_ptr<const std::vector<Mistake>>& mistakes() const { return mistakes_; }
  static constexpr size_t kMaxMistakes = 200;
  const Workspace& workspace() const { return ws_; }
  const std::vector<BatchRecord>& batches() const { return batches_; }
  const std::vector<EpochRecord>& epochs() const { return epochs_; }
  const std::vector<std::shared_ptr<const Snapshot>>& snapshots() const { return snapshots_; }
  const Optimizer& optimizer() const { return optimizer_; }

  // The Keras-style log line of epoch e of this run (train_epoch_log).
  std::string epoch_log(const EpochRecord& e) const { return train_epoch_log(e, config_.epochs, batches_per_epoch_); }

 private:
  int chunk_size() const;  // samples per unit
  void train_chunk();
  void validate_chunk();
  void finish_epoch();
  void take_snapshot(bool epoch_end);
  void bound_batches();    // the bounds in this file's header
  void bound_snapshots();
  void fail(const std::string& message);

  Model* model_ = nullptr;
  const Dataset* data_ = nullptr;
  TrainConfig config_;
  std::vector<float> probe_;
  TrainState state_ = TrainState::Idle;
  std::string error_;

  Workspace ws_;                  // training and evaluation batches; kept across runs (clear())
  Workspace probe_ws_;            // feature maps of the probe (batch 1)
  Optimizer optimizer_;
  Rng rng_;
  std::vector<uint32_t> order_;   // shuffled indices of the training part
  std::vector<uint8_t> labels_;   // (N) labels of the current batch
  FloatBuffer grad_sum_;          // (P) the batch's gradient summed over its chunks (only when chunked)
  FloatBuffer epoch_start_params_;  // restored on divergence

  size_t data_size_ = 0;          // samples in use: min(subset, data size), or all
  size_t train_count_ = 0;
  int batches_per_epoch_ = 0;
  int epoch_ = 1, batch_in_epoch_ = 0;
  int first_epoch_every_ = 0;     // batches between epoch-1 snapshots (from first_epoch_snapshots); 0 = none
  int chunk_at_ = 0;              // samples of the current batch already computed
  double batch_loss_ = 0;         // summed loss and correct count of the current batch's chunks
  int batch_right_ = 0;
  long step_ = 0;
  size_t processed_ = 0;
  bool epoch_ended_ = false;   // set by the last batch of an epoch; run_units() then calls finish_epoch()
  // Running sums of the current epoch.
  double loss_sum_ = 0, val_loss_sum_ = 0;
  size_t seen_ = 0, correct_ = 0, val_seen_ = 0, val_correct_ = 0;
  Confusion val_confusion_;              // of this epoch's validation so far
  std::vector<Mistake> val_mistakes_;    // this epoch's so far (all of them; trimmed when the epoch ends)
  std::shared_ptr<const std::vector<Mistake>> mistakes_;  // the last finished validation's
  double train_seconds_ = 0, epoch_seconds_ = 0;
  double last_samples_per_sec_ = 0;

  std::vector<BatchRecord> batches_;
  std::vector<EpochRecord> epochs_;
  std::vector<std::shared_ptr<const Snapshot>> snapshots_;
};

}  // namespace convlens
