// lab.h: one interactive training session — data, model, trainer, probe image and settings — driven one frame
// at a time by the app (browser or desktop) and read by the UI panels and the JS API.
//
// The Lab never blocks: tick(budget) runs training in chunks until the frame's time budget is spent and adapts
// the chunk size so that one chunk stays well inside a frame. When training is done, the same ticks evaluate the
// model on the test set (Keras' model.evaluate) and log "Test loss: ... - test acc: ...". Everything the UI shows (feature maps live and per
// snapshot, filters, predictions, history, log) is computed here from engine calls; the UI only draws.
// Not here: fetching or reading files (platform), drawing (ui), threads.
//
// Legend: L layers, P parameters, S snapshots.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dataset.h"
#include "lab_settings.h"
#include "model.h"
#include "trainer.h"

namespace convlens {

enum class LabState { Loading, Ready, Training, Paused, Done, Error };
const char* lab_state_name(LabState state);  // "loading", "ready", "training", "paused", "done", "error"

class Lab {
 public:
  Lab();

  // ---- data: the platform fetches the files, reports progress, then hands over the parsed sets ----------
  void set_loading(const std::string& what, double fraction);  // state Loading, shown with a progress bar
  // Takes the data and builds a fresh model for it (state Ready). A set the model cannot take is an error.
  Status set_data(Dataset train, Dataset test);
  void set_error(const std::string& message);                  // state Error (e.g. a failed download)
  // A data set the user picked that is not loaded yet; the platform fetches it and calls set_data. Cleared
  // by the call.
  std::string take_data_request();

  // ---- settings and control -----------------------------------------------------------------------------
  LabSettings& settings() { return settings_; }  // edited by the UI while not training; used by reset/train
  const LabSettings& settings() const { return settings_; }
  // New weights from the settings (model, seed), history cleared: state Ready. Fetches another data set first
  // if the settings name one (state Loading until it arrives).
  Status reset();
  Status train();       // starts (Ready), resumes (Paused), or starts afresh (Done, Error)
  void pause();         // Training -> Paused
  Status step(int batches);  // runs n more batches, then pauses
  // Runs training for up to `budget` seconds of this frame. Returns the units (chunks) run.
  int tick(double budget);

  // ---- what the UI and the API read --------------------------------------------------------------------
  LabState state() const { return state_; }
  const std::string& error() const { return error_; }
  const std::string& loading_what() const { return loading_what_; }
  double loading_fraction() const { return loading_fraction_; }
  const Dataset& train_data() const { return train_; }
  const Dataset& test_data() const { return test_; }
  bool has_data() const { return train_.size() > 0; }
  const Model& model() const { return model_; }
  const Trainer& trainer() const { return trainer_; }
  bool started() const { return trainer_.state() != TrainState::Idle; }
  const std::vector<std::string>& log() const { return log_; }
  void log_line(const std::string& line) { log_.push_back(line); }
  int chunk() const { return chunk_; }
  bool testing() const { return state_ == LabState::Done && test_at_ < test_.size(); }  // evaluating the test set
  double test_progress() const { return test_.size() ? double(test_at_) / double(test_.size()) : 0; }

  // Running training metrics of the current epoch (the last epoch's when between epochs): loss and acc over
  // its batches so far; val_* of the last finished epoch (0 before the first).
  struct Metrics {
    int epoch = 0, epochs = 0, batch = 0, batches_per_epoch = 0;
    double loss = 0, acc = 0, val_loss = 0, val_acc = 0;
    double samples_per_sec = 0;  // training samples per second of training compute (the trainer's figure)
    double throughput = 0;       // samples (training + validation) per second of wall time, drawing included
    double epoch_progress = 0, eta_seconds = 0;
    bool has_test = false;       // the test-set evaluation after training finished
    double test_loss = 0, test_acc = 0;
  };
  Metrics metrics() const;

  // ---- probe image and feature maps ---------------------------------------------------------------------
  void set_probe_index(int test_index);           // a test image; clamped into range
  Status set_probe_pixels(const std::vector<float>& pixels);  // a drawn image, input-size values in [0, 1]
  int probe_index() const { return probe_index_; }  // -1 when drawn
  const std::vector<float>& probe() const { return probe_; }  // (H, W, C) in [0, 1]
  uint64_t probe_version() const { return probe_version_; }
  // Every layer's output for the probe under the current weights; recomputed when the weights or the probe
  // changed (at most every `refresh` seconds while training). `version` changes with the maps.
  const std::vector<FeatureMap>& live_maps();
  uint64_t live_version() const { return live_version_; }
  // A key for snapshot i's maps that changes with the run (reset) and the probe, for caches such as textures.
  uint64_t snapshot_version(int i) const { return (run_ << 40) ^ (probe_version_ << 20) ^ uint64_t(i); }
  std::vector<float> live_probs();  // (K) softmax of the probe's logits under the current weights

  // Snapshots: before training, every few batches of epoch 1, and after every epoch (trainer.h).
  int snapshot_count() const { return int(trainer_.snapshots().size()); }
  const Snapshot& snapshot(int i) const { return trainer_.snapshots()[size_t(i)]; }
  // The probe's maps at snapshot i, for the CURRENT probe (recomputed from the snapshot's weights if the
  // probe changed since training started).
  const std::vector<FeatureMap>& snapshot_maps(int i);
  int snapshot_for_epoch(int epoch) const;  // index of the snapshot after `epoch` (0 = before), or -1

  // The kernels of a Conv2D layer as a (K, K, C*F) map, channel c*F + f = input channel c of filter f, for
  // the live weights or snapshot i. Empty (shape 0) for other layers.
  FeatureMap conv_kernels(int layer, int snapshot = -1) const;
  std::vector<int> conv_layers() const;

  // Class probabilities of any image (input-size values in [0, 1]) under the current weights.
  std::vector<float> predict(const float* pixels);

 private:
  Status build_model();
  void sync_state();

  LabState state_ = LabState::Loading;
  std::string error_;
  std::string loading_what_ = "starting";
  double loading_fraction_ = 0;
  std::string data_request_;

  LabSettings settings_;
  Dataset train_, test_;
  Model model_;
  Trainer trainer_;
  long step_target_ = -1;     // pause when the trainer reaches this many batches; -1 = run on
  int chunk_ = 8;             // samples per unit, adapted by tick()
  double sec_per_sample_ = 0; // running estimate, for the chunk size and nothing else
  // Wall-clock throughput, measured over windows of about a second of ticks.
  double window_start_ = -1;
  size_t window_samples_ = 0;
  double throughput_ = 0;
  // The test-set evaluation after training: samples done, summed loss, correct predictions.
  size_t test_at_ = 0;
  double test_loss_sum_ = 0;
  size_t test_correct_ = 0;
  bool test_done_ = false;
  Workspace test_ws_;
  void test_chunk(int n);
  std::vector<std::string> log_;
  size_t epochs_logged_ = 0;

  std::vector<float> probe_;
  int probe_index_ = 0;
  uint64_t probe_version_ = 1;
  uint64_t trainer_probe_version_ = 0;  // the probe the trainer's snapshot maps were taken of

  Workspace probe_ws_;        // live maps and predictions (batch 1)
  std::vector<FeatureMap> live_;
  uint64_t live_version_ = 0;
  uint64_t run_ = 0;             // bumped by every reset: a new list of snapshots
  uint64_t weights_version_ = 1;  // bumped whenever the weights change (reset, each trained batch)
  uint64_t live_weights_ = 0, live_probe_ = 0;  // the versions live_ was computed for
  double live_time_ = -1;     // when live_ was computed (seconds, steady clock)

  Model snapshot_model_;      // scratch copy to run a snapshot's weights
  std::vector<std::vector<FeatureMap>> snapshot_maps_;  // (S) per snapshot, for snapshot_probe_version_
  uint64_t snapshot_probe_version_ = 0;
};

}  // namespace convlens
