// lab.h: one interactive training session — data, model, trainer, probe image and settings — driven by the
// app (browser or desktop) and read by the UI panels and the JS API.
//
// Two sides. The training side (the Trainer, the weights it trains, the test-set evaluation) runs in units of
// work: whole batches on a thread of its own (work() in a loop, wait_for_work() when there is none), or in the
// frames of a single-threaded app (tick(); while the user interacts, a batch too slow for a frame is cut into
// chunks whose gradients are summed before the one optimizer step: the same maths). Before a run, a few units
// prepare the workspace and time first passes (Trainer::prepare), so that the run starts at full speed and the
// learner sees what an epoch will take (Metrics::epoch_estimate_seconds). After every unit it publishes a
// LabView — state, counters, history, snapshots and weights of one moment — through a triple buffer
// (handoff.h): training never waits for a reader. The reading side (the UI, the API: one thread)
// takes the newest view with sync() and computes what it shows from it (live maps, predictions). Control calls
// (train, pause, step, reset, data) come from the reading side and take effect before the next unit, waiting
// for the current one at most. When training is done the same units evaluate the model on the test set
// (Keras' model.evaluate) and log "Test loss: ... - test acc: ...".
// Not here: fetching or reading files (platform), drawing (ui), starting threads (platform).
//
// Legend: L layers, P parameters, S snapshots.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dataset.h"
#include "explain.h"
#include "handoff.h"
#include "lab_maps.h"
#include "lab_settings.h"
#include "model.h"
#include "trainer.h"

namespace convlens {

enum class LabState { Loading, Ready, Training, Paused, Done, Error };
const char* lab_state_name(LabState state);  // "loading", "ready", "training", "paused", "done", "error"

// One consistent moment of the session as the training side published it: state, counters, history and weights
// all from the same unit of work.
struct LabView {
  uint64_t version = 0;          // bumped by every publish
  uint64_t run = 0;              // bumped by every reset: a new model and a new list of snapshots
  LabState state = LabState::Loading;
  double state_since = 0;        // when the state (of this run) was first published: now_seconds() (clock.h)
  std::string error;
  TrainState train_state = TrainState::Idle;  // Idle until the run's first train()
  int epochs = 0;                // the run's epochs (0 before it starts)
  int epoch = 0;                 // current epoch, 1-based
  int batch = 0;                 // training batches done in the current epoch
  int batches_per_epoch = 0;
  long steps = 0;                // training batches done in the run
  size_t train_count = 0, val_count = 0;  // samples per epoch
  double epoch_progress = 0;     // 0..1 through the current epoch's samples (training, then validation)
  double samples_per_sec = 0;    // training samples per second of training compute (the trainer's figure)
  double throughput = 0;         // samples (training + validation) per second of wall time
  bool preparing = false;        // Trainer::prepare is due (units of work before the run)
  PassRates first_pass;          // its fastest passes for this model, batch and thread count (0 until measured)
  int chunk = 0;                 // samples per unit of work
  std::vector<BatchRecord> batches;   // one per training batch
  std::vector<EpochRecord> history;   // one per finished epoch (each with its validation's confusion matrix)
  std::shared_ptr<const std::vector<Mistake>> mistakes;  // the last finished validation's (null before it)
  std::vector<std::shared_ptr<const Snapshot>> snapshots;  // (S) before training, during epoch 1, every epoch
  FloatBuffer params;            // (P) the weights after `steps` batches
  uint64_t weights_version = 0;  // changes whenever params do
  uint64_t workspace_bytes = 0;  // the training side's workspace (workspace_held_bytes)
  size_t test_done = 0, test_total = 0;  // the test-set evaluation after training: samples done, of
  double test_loss = 0, test_acc = 0;    // valid once test_done == test_total > 0
};

class Lab {
 public:
  Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  // ---- data: the platform fetches the files, reports progress, then hands over the parsed sets ----------
  void set_loading(const std::string& what, double fraction);  // state Loading, shown with a progress bar
  // Takes the data and builds a fresh model for it (state Ready). A set the model cannot take is an error.
  Status set_data(Dataset train, Dataset test);
  void set_error(const std::string& message);                  // state Error (e.g. a failed download)
  // A data set the user picked that is not loaded yet; the platform fetches it and calls set_data. Cleared
  // by the call.
  std::string take_data_request();

  // ---- settings and control (the reading side) -----------------------------------------------------------
  LabSettings& settings() { return settings_; }  // edited by the UI while not training; used by reset/train
  const LabSettings& settings() const { return settings_; }
  // New weights from the settings (model, seed), history cleared: state Ready. Fetches another data set first
  // if the settings name one (state Loading until it arrives).
  Status reset();
  Status train();       // starts (Ready), resumes (Paused), or starts afresh (Done, Error)
  void pause();         // Training -> Paused
  Status step(int batches);  // runs n more batches, then pauses
  // The newest published weights as a weights file (weights_file.h: what `convlens train --save` writes).
  std::vector<uint8_t> save_model() const;
  // Starts a new run (as reset) from the weights in `bytes`, a weights file of the settings' model (another
  // architecture is refused, naming both specs, and nothing changes). `bytes` may be only the first bytes of a
  // file of `file_size` bytes: one larger than the model's own file is refused from its header, unread.
  Status load_model(const std::vector<uint8_t>& bytes, uint64_t file_size = 0);
  // The size of the settings' model's weights file (0 if the spec does not build): a file that fits has this size.
  uint64_t model_file_bytes() const;
  // The engine's threads (threads.h; the platform knows how many it can have), set between units of work.
  void set_threads(int threads);

  // ---- the training side's units of work ------------------------------------------------------------------
  // Runs units for about `budget` seconds (at least one if there is work) and publishes what they did. Units
  // are whole batches; with `fit_chunks`, a batch that would take longer than the budget is cut into chunks that
  // fit it (the same maths, other rounding). Returns the units run: 0 when there is nothing to do. Safe to call
  // from a training thread while the reading side calls the rest.
  int work(double budget, bool fit_chunks = false);
  // Blocks the calling training thread until there is work, stop_work() was called, or `seconds` passed.
  void wait_for_work(double seconds);
  void stop_work();            // from now on work() does nothing and wait_for_work() returns at once
  bool work_stopped() const;
  // For apps that train in their frames: work(budget, fit_chunks), then sync().
  int tick(double budget, bool fit_chunks = true);

  // ---- what the UI and the API read --------------------------------------------------------------------
  // Takes the newest published view; returns whether there was a new one. The reading side calls it once per
  // frame and before answering an API call; control calls sync by themselves.
  bool sync();
  const LabView& view() const { return handoff_.front(); }
  LabState state() const { return view().state; }
  const std::string& error() const { return view().error; }
  const std::string& loading_what() const { return loading_what_; }
  double loading_fraction() const { return loading_fraction_; }
  const Dataset& train_data() const { return train_; }
  const Dataset& test_data() const { return test_; }
  bool has_data() const { return train_.size() > 0; }
  // The model with the newest published weights.
  const Model& model() const { return model_; }
  // Where the memory goes, in bytes: the data sets' images and labels; the model's parameters and gradients in
  // the session's copies (training side, published views, reading side); the workspaces (training, probe).
  struct Memory {
    uint64_t data = 0, model = 0, workspace = 0;
  };
  Memory memory() const;
  bool started() const { return view().train_state != TrainState::Idle; }
  // The last finished validation's mistakes, the most confident first (empty before the first).
  const std::vector<Mistake>& mistakes() const;
  const std::vector<std::string>& log() const { return log_; }
  void log_line(const std::string& line) { log_.push_back(line); }
  bool testing() const { return state() == LabState::Done && view().test_done < view().test_total; }
  double test_progress() const { return view().test_total ? double(view().test_done) / double(view().test_total) : 0; }

  // Running training metrics of the current epoch (the last epoch's when between epochs): loss and acc over
  // its batches so far; val_* of the last finished epoch (0 before the first).
  struct Metrics {
    int epoch = 0, epochs = 0, batch = 0, batches_per_epoch = 0;
    double loss = 0, acc = 0, val_loss = 0, val_acc = 0;
    double samples_per_sec = 0;  // training samples per second of training compute (the trainer's figure)
    double throughput = 0;       // samples (training + validation) per second of wall time, drawing included
    double epoch_progress = 0, eta_seconds = 0;
    double epoch_estimate_seconds = 0;  // an epoch's training and validation at the first pass's rates; 0 = unknown
    bool has_test = false;       // the test-set evaluation after training finished
    double test_loss = 0, test_acc = 0;
  };
  Metrics metrics() const;

  // ---- probe image and feature maps ---------------------------------------------------------------------
  void set_probe_index(int test_index);           // a test image; clamped into range
  Status set_probe_pixels(const std::vector<float>& pixels);  // a drawn image, input-size values in [0, 1]
  Status set_probe_training_image(size_t index);  // e.g. a validation mistake (LabView::mistakes)
  int probe_index() const { return probe_index_; }  // -1 when drawn
  const std::vector<float>& probe() const { return probe_; }  // (H, W, C) in [0, 1]
  uint64_t probe_version() const { return probe_version_; }
  // Every layer's output for the probe under the newest weights; recomputed when the weights or the probe
  // changed (at most every LabMaps::kLiveRefresh seconds while training). `version` changes with the maps.
  const std::vector<FeatureMap>& live_maps();
  uint64_t live_version() const { return maps_.live_version(); }
  // A key for snapshot i's maps that changes with the run (reset), the probe and the snapshot (a long run thins
  // its snapshots: index i may later be another one), for caches such as textures.
  uint64_t snapshot_version(int i) const {
    return (view().run << 40) ^ (probe_version_ << 20) ^ uint64_t(snapshot(i).step);
  }
  std::vector<float> live_probs();  // (K) softmax of the probe's logits under the current weights

  // Snapshots: before training, every few batches of epoch 1, and after every epoch (trainer.h).
  int snapshot_count() const { return int(view().snapshots.size()); }
  const Snapshot& snapshot(int i) const { return *view().snapshots[size_t(i)]; }
  // The probe's maps at snapshot i, for the CURRENT probe (recomputed from the snapshot's weights if the
  // probe changed since training started). Empty when the probe changed and the snapshot no longer keeps its
  // weights (trainer.h: a long run keeps a bounded number).
  const std::vector<FeatureMap>& snapshot_maps(int i);
  int snapshot_for_epoch(int epoch) const;  // index of the snapshot after `epoch` (0 = before), or -1
  // The probe's maps after `epoch` (< 0: the current weights; 0: before training, also before a run starts), or
  // null if the run has no such epoch.
  const std::vector<FeatureMap>* maps_at_epoch(int epoch);

  // The kernels of a Conv2D layer as a (K, K, C*F) map, channel c*F + f = input channel c of filter f, for
  // the live weights or snapshot i. Empty (shape 0) for other layers.
  FeatureMap conv_kernels(int layer, int snapshot = -1) const;
  std::vector<int> conv_layers() const;

  // Why the model answers what it does for the probe (explain.h): Grad-CAM of `layer` (< 0: the last of
  // grad_cam_layers(), as Grad-CAM is meant) and saliency for class `class_index` (< 0: the predicted one), under
  // the current weights or, with epoch >= 0, the weights of the snapshot after that epoch (an error once a long
  // run no longer keeps them).
  Result<Explanation> grad_cam(int layer, int class_index, int epoch = -1);
  std::vector<int> grad_cam_layers() const;  // the conv layers Grad-CAM can take (grad_cam_layer_ok)
  Result<Explanation> saliency(int class_index, int epoch = -1);

  // Class probabilities of any image (input-size values in [0, 1]) under the current weights.
  std::vector<float> predict(const float* pixels);

 private:
  // The training side, guarded by work_mutex_.
  struct Work {
    LabState state = LabState::Loading;
    std::string error;
    Model model;                 // the weights being trained
    Trainer trainer;
    long step_target = -1;       // pause when the trainer reaches this many batches; -1 = run on
    int chunk = 0;               // samples per unit, set by work(fit_chunks); 0 = whole batches
    double sec_per_sample = 0;   // running estimate, for the chunk size and nothing else
    double window_start = -1;    // wall-clock throughput, over windows of about a second of units
    size_t window_samples = 0;
    double throughput = 0;
    size_t test_at = 0;          // the test-set evaluation: samples done, summed loss, correct predictions
    double test_loss_sum = 0;
    size_t test_correct = 0;
    int prepare_batch = 0;       // Trainer::prepare for this batch before training, a unit of work each time,
    int prepare_units = 0;       // this many more times
    PassRates first_pass;        // the fastest rates they measured
    std::string prepared_for;    // the model, input and batch the trainer's workspace holds (see reset_locked)
    uint64_t run = 0, weights_version = 0, published = 0;
    LabState published_state = LabState::Loading;  // and since when (steady clock): LabView::state_since
    uint64_t published_run = 0;
    double state_since = 0;
    bool stop = false;
  };

  // Under work_mutex_:
  Status reset_locked();
  Status train_locked();
  void fail_locked(const std::string& message);
  int work_locked(double budget, bool fit_chunks);  // work() under the lock
  bool has_work_locked() const;
  bool preparing_locked() const;
  void prepare_locked();  // Trainer::prepare before the run (again), for the settings' batch: new rates
  bool testing_locked() const;
  void test_unit_locked(int n);
  void train_units_locked(double budget, bool fit_chunks, int& units);
  void publish_locked();
  Model* weights_at(int epoch, std::string& error);  // the reading side's model for explanations

  mutable std::mutex work_mutex_;
  std::condition_variable work_ready_;
  Work work_;
  Handoff<LabView> handoff_;

  // The reading side.
  std::string loading_what_ = "starting";
  double loading_fraction_ = 0;
  std::string data_request_;
  LabSettings settings_;
  Dataset train_, test_;      // replaced only under work_mutex_ (the training side reads them)
  Model model_;               // the newest published weights (for maps and predictions)
  uint64_t model_weights_ = 0;  // their weights_version
  std::vector<std::string> log_;
  uint64_t synced_run_ = 0;   // what of the view's run is already in the log
  size_t epochs_logged_ = 0;
  bool end_logged_ = false, test_logged_ = false;
  std::string error_logged_;

  std::vector<float> probe_;
  int probe_index_ = 0;
  uint64_t probe_version_ = 1;
  uint64_t trainer_probe_version_ = 0;  // the probe the trainer's snapshot maps were taken of

  LabMaps maps_;              // live and snapshot maps, predictions; its workspace runs the explanations too
  Model snapshot_model_;      // scratch copy to run a snapshot's weights
};

}  // namespace convlens
