// lab_maps.h: the Lab's feature maps of the probe image (lab.h), cached on its reading side: every layer's
// output under the newest weights, refreshed at a steady rate while training, and at each snapshot for the
// current probe; and class probabilities, of the probe or of any image. They are computed in a batch-1
// workspace this class owns and lends to the Lab's explanations (explain.h).
// Not here: which model, weights and probe are current (the Lab passes them in, with their version numbers),
// threads (the reading side's only), drawing.
#pragma once
#include <cstdint>
#include <map>
#include <vector>

#include "feature_map.h"
#include "model.h"
#include "trainer.h"

namespace convlens {

class LabMaps {
 public:
  static constexpr double kLiveRefresh = 0.2;  // seconds between live feature-map updates while training

  // Every layer's output for `probe` ((H, W, C) in [0, 1]) under `model`, whose weights are `weights_version`;
  // recomputed when the weights or `probe_version` changed, but while `training`, for the same probe, at most
  // every kLiveRefresh seconds. Empty without a model, or with a probe of another size than its input.
  const std::vector<FeatureMap>& live(const Model& model, uint64_t weights_version, const std::vector<float>& probe,
                                      uint64_t probe_version, bool training);
  uint64_t live_version() const { return live_version_; }  // changes with live()'s maps

  // The maps of `probe` at snapshot s: the snapshot's own if the trainer took them of this probe
  // (`taken_of_probe`), else computed from its weights in `scratch` (a model of the run's architecture) and kept
  // until the probe changes. Empty when they must be computed and s no longer keeps its weights (trainer.h).
  const std::vector<FeatureMap>& at_snapshot(const Snapshot& s, bool taken_of_probe, Model& scratch,
                                             const std::vector<float>& probe, uint64_t probe_version);
  void clear_snapshots() { snapshot_maps_.clear(); }  // a new run: other snapshots

  // (K) class probabilities: the softmax of the last map's logits; empty without maps.
  static std::vector<float> probs(const std::vector<FeatureMap>& maps);
  // (K) class probabilities of any image (input-size values in [0, 1]) under `model`; empty without a model.
  std::vector<float> predict(const Model& model, const float* pixels);

  Workspace& workspace() { return ws_; }
  const Workspace& workspace() const { return ws_; }  // batch 1: the maps', predictions' and explanations'

 private:
  Workspace ws_;
  std::vector<FeatureMap> live_;
  uint64_t live_version_ = 0;
  uint64_t live_weights_ = 0, live_probe_ = 0;  // the versions live_ was computed for
  double live_time_ = -1;     // when live_ was computed (seconds, clock.h)

  std::map<long, std::vector<FeatureMap>> snapshot_maps_;  // by snapshot step, for snapshot_probe_version_
  uint64_t snapshot_probe_version_ = 0;
};

}  // namespace convlens
