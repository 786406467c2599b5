// lab_maps.cpp: the Lab's cached feature maps and predictions of the probe image (see lab_maps.h).
#include "lab_maps.h"

#include "clock.h"
#include "layers.h"

namespace convlens {

const std::vector<FeatureMap>& LabMaps::live(const Model& model, uint64_t weights_version,
                                             const std::vector<float>& probe, uint64_t probe_version, bool training) {
  if (model.layers.empty() || probe.size() != model.input.size()) {
    live_.clear();
    return live_;
  }
  const bool stale = live_weights_ != weights_version || live_probe_ != probe_version;
  const double t = now_seconds();
  // While training, the weights change every batch: refresh at a steady rate, not every frame.
  const bool throttled = live_probe_ == probe_version && training && t - live_time_ < kLiveRefresh;
  if (stale && !throttled) {
    live_ = model_feature_maps(model, ws_, probe.data());
    live_weights_ = weights_version;
    live_probe_ = probe_version;
    live_time_ = t;
    ++live_version_;
  }
  return live_;
}

const std::vector<FeatureMap>& LabMaps::at_snapshot(const Snapshot& s, bool taken_of_probe, Model& scratch,
                                                    const std::vector<float>& probe, uint64_t probe_version) {
  if (taken_of_probe && !s.maps.empty()) return s.maps;
  if (snapshot_probe_version_ != probe_version) {
    snapshot_maps_.clear();
    snapshot_probe_version_ = probe_version;
  }
  std::vector<FeatureMap>& maps = snapshot_maps_[s.step];
  if (maps.empty() && !s.params.empty() && probe.size() == scratch.input.size()) {
    scratch.params = s.params;
    maps = model_feature_maps(scratch, ws_, probe.data());
  }
  return maps;
}

std::vector<float> LabMaps::probs(const std::vector<FeatureMap>& maps) {
  if (maps.empty()) return {};
  // By the engine's softmax (no labels: no loss).
  const std::vector<float>& logits = maps.back().data;
  std::vector<float> p(logits.size());
  if (!logits.empty()) softmax_xent_forward(logits.data(), nullptr, 1, int(logits.size()), p.data(), nullptr);
  return p;
}

std::vector<float> LabMaps::predict(const Model& model, const float* pixels) {
  if (model.layers.empty()) return {};
  return probs(model_feature_maps(model, ws_, pixels));
}

}  // namespace convlens
