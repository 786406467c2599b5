// lab_json.cpp: JSON for the window.convlens API (see lab_json.h).
#include "lab_json.h"

#include <cmath>
#include <cstdio>

#include "clock.h"
#include "datasets.h"

namespace convlens {

std::string json_quote(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += char(c);
        }
    }
  }
  return out + "\"";
}

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", value);
  return buf;
}

std::string lab_status_json(const Lab& lab, const FrameStats& frames, const std::vector<std::string>& warnings,
                            Language lang) {
  const Lab::Metrics m = lab.metrics();
  std::string j = "{";
  auto field = [&](const char* key, const std::string& value) {
    if (j.size() > 1) j += ",";
    j += "\"" + std::string(key) + "\":" + value;
  };
  field("state", json_quote(lab_state_name(lab.state())));
  field("stateSeconds", json_number(now_seconds() - lab.view().state_since));
  field("epoch", std::to_string(m.epoch));
  field("epochs", std::to_string(m.epochs));
  field("batch", std::to_string(m.batch));
  field("batchesPerEpoch", std::to_string(m.batches_per_epoch));
  field("loss", json_number(m.loss));
  field("acc", json_number(m.acc));
  field("valLoss", json_number(m.val_loss));
  field("valAcc", json_number(m.val_acc));
  field("testLoss", m.has_test ? json_number(m.test_loss) : "null");
  field("testAcc", m.has_test ? json_number(m.test_acc) : "null");
  field("samplesPerSec", json_number(m.samples_per_sec));
  field("throughput", json_number(m.throughput));
  field("progress", json_number(m.epoch_progress));
  field("etaSeconds", json_number(m.eta_seconds));
  field("epochEstimateSeconds", json_number(m.epoch_estimate_seconds));
  field("fps", json_number(frames.fps));
  field("frames", std::to_string(frames.frames));
  field("trainMs", json_number(frames.train_ms));
  field("uiMs", json_number(frames.ui_ms));
  field("trainer", frames.training_thread ? "\"thread\"" : "\"frames\"");
  field("chunk", std::to_string(lab.view().chunk));
  const Lab::Memory memory = lab.memory();
  field("dataMB", json_number(double(memory.data) / 1048576));
  field("modelMB", json_number(double(memory.model) / 1048576));
  field("workspaceMB", json_number(double(memory.workspace) / 1048576));
  field("dataset", json_quote(lab.has_data() ? lab.train_data().name : lab.settings().dataset));
  field("trainSize", std::to_string(lab.train_data().size()));
  field("testSize", std::to_string(lab.test_data().size()));
  field("model", json_quote(lab.model().spec));
  field("probe", std::to_string(lab.probe_index()));
  field("loading", json_quote(lab.state() == LabState::Loading ? lab.loading_what() : ""));
  field("loadingProgress", json_number(lab.loading_fraction()));
  field("error", json_quote(lab.error()));
  field("warnings", json_strings(warnings));
  field("lang", json_quote(language_code(lang)));
  return j + "}";
}

std::string lab_history_json(const Lab& lab) {
  std::string j = "[";
  const auto& epochs = lab.view().history;
  for (size_t i = 0; i < epochs.size(); ++i) {
    const EpochRecord& e = epochs[i];
    j += i ? "," : "";
    j += "{\"epoch\":" + std::to_string(e.epoch) + ",\"loss\":" + json_number(e.loss) + ",\"acc\":" +
         json_number(e.acc) + ",\"valLoss\":" + (e.has_val ? json_number(e.val_loss) : "null") + ",\"valAcc\":" +
         (e.has_val ? json_number(e.val_acc) : "null") + ",\"seconds\":" + json_number(e.seconds) +
         ",\"samplesPerSec\":" + json_number(e.samples_per_sec) + "}";
  }
  return j + "]";
}

std::string lab_epoch_event_json(const Lab& lab, size_t i) {
  const EpochRecord& e = lab.view().history[i];
  return "{\"type\":\"epoch\",\"epoch\":" + std::to_string(e.epoch) + ",\"loss\":" + json_number(e.loss) +
         ",\"acc\":" + json_number(e.acc) + ",\"valLoss\":" + json_number(e.val_loss) + ",\"valAcc\":" +
         json_number(e.val_acc) + ",\"log\":" +
         json_quote(train_epoch_log(e, lab.view().epochs, lab.view().batches_per_epoch)) + "}";
}

std::string lab_state_event_json(const Lab& lab) {
  return "{\"type\":\"state\",\"state\":" + json_quote(lab_state_name(lab.state())) + ",\"error\":" +
         json_quote(lab.error()) + "}";
}

std::string lab_confusion_json(const Lab& lab, int epoch) {
  const std::vector<EpochRecord>& h = lab.view().history;
  const EpochRecord* e = nullptr;
  for (const EpochRecord& r : h)
    if (epoch < 0 || r.epoch == epoch) e = &r;
  if (!e || !e->confusion) return "null";
  const int k = e->confusion->classes;
  const DatasetInfo* d = dataset_info(lab.train_data().name);
  std::vector<std::string> classes;
  for (int c = 0; c < k; ++c)
    classes.push_back(d && size_t(c) < d->classes.size() ? d->classes[size_t(c)] : std::to_string(c));
  std::string rows;
  for (int r = 0; r < k; ++r) {
    rows += r ? ",[" : "[";
    for (int c = 0; c < k; ++c) rows += (c ? "," : "") + std::to_string(e->confusion->at(r, c));
    rows += "]";
  }
  return "{\"epoch\":" + std::to_string(e->epoch) + ",\"classes\":" + json_strings(classes) + ",\"counts\":[" + rows +
         "]}";
}

std::string lab_mistakes_json(const Lab& lab, int limit) {
  const std::vector<Mistake>& m = lab.mistakes();
  std::string j = "[";
  for (size_t i = 0; i < m.size() && int(i) < limit; ++i)
    j += (i ? "," : "") + std::string("{\"index\":") + std::to_string(m[i].index) + ",\"label\":" +
         std::to_string(m[i].label) + ",\"predicted\":" + std::to_string(m[i].predicted) + ",\"probability\":" +
         json_number(m[i].probability) + "}";
  return j + "]";
}

std::string json_strings(const std::vector<std::string>& texts) {
  std::string j = "[";
  for (size_t i = 0; i < texts.size(); ++i) j += (i ? "," : "") + json_quote(texts[i]);
  return j + "]";
}

std::string json_result(const Status& s, const std::vector<std::string>& warnings) {
  return "{\"ok\":" + std::string(s.ok() ? "true" : "false") + ",\"error\":" + json_quote(s.error) +
         ",\"warnings\":" + json_strings(warnings) + "}";
}

std::string json_feature_map(const FeatureMap& map, uintptr_t ptr) {
  return "{\"name\":" + json_quote(map.layer_name) + ",\"title\":" + json_quote(map.title()) + ",\"shape\":[" +
         std::to_string(map.shape.h) + "," + std::to_string(map.shape.w) + "," + std::to_string(map.shape.c) +
         "],\"ptr\":" + std::to_string(ptr) + ",\"count\":" + std::to_string(map.data.size()) + "}";
}

std::string json_explanation(const Explanation& e, uintptr_t ptr) {
  return "{\"shape\":[" + std::to_string(e.shape.h) + "," + std::to_string(e.shape.w) + "],\"classIndex\":" +
         std::to_string(e.class_index) + ",\"layer\":" + std::to_string(e.layer) + ",\"ptr\":" +
         std::to_string(ptr) + ",\"count\":" + std::to_string(e.data.size()) + "}";
}

std::string json_image(const std::string& name, const RgbaImage& image, uintptr_t ptr) {
  return "{\"ok\":true,\"name\":" + json_quote(name) + ",\"width\":" + std::to_string(image.width) + ",\"height\":" +
         std::to_string(image.height) + ",\"ptr\":" + std::to_string(ptr) + ",\"count\":" + std::to_string(image.rgba.size()) + "}";
}

std::string lab_probe_json(const Lab& lab, uintptr_t ptr) {
  const Shape& s = lab.test_data().shape;
  return "{\"shape\":[" + std::to_string(s.h) + "," + std::to_string(s.w) + "," + std::to_string(s.c) + "],\"index\":" +
         std::to_string(lab.probe_index()) + ",\"ptr\":" + std::to_string(ptr) + ",\"count\":" +
         std::to_string(lab.probe().size()) + "}";
}

std::string json_layout(float width, float height, const std::vector<ScreenBox>& windows,
                        const std::vector<ScreenBox>& clipped, const std::vector<ScreenBox>& marks) {
  auto boxes = [](const std::vector<ScreenBox>& list) {
    std::string j = "[";
    for (const ScreenBox& b : list)
      j += (j.size() > 1 ? ",{\"name\":" : "{\"name\":") + json_quote(b.name) + ",\"x\":" + json_number(b.x) +
           ",\"y\":" + json_number(b.y) + ",\"w\":" + json_number(b.w) + ",\"h\":" + json_number(b.h) + "}";
    return j + "]";
  };
  return "{\"width\":" + json_number(width) + ",\"height\":" + json_number(height) + ",\"windows\":" +
         boxes(windows) + ",\"clipped\":" + boxes(clipped) + ",\"marks\":" + boxes(marks) + "}";
}

std::string json_bytes(uintptr_t ptr, size_t count) {
  return "{\"ptr\":" + std::to_string(ptr) + ",\"count\":" + std::to_string(count) + "}";
}

std::string json_benchmark(const BenchResult& r, const BenchConfig& config, double gemm_gflops, int threads, bool simd,
                           const std::string& model) {
  return "{\"trainSamplesPerSec\":" + json_number(r.train_samples_per_sec) + ",\"inferSamplesPerSec\":" +
         json_number(r.infer_samples_per_sec) + ",\"gflops\":" + json_number(r.train_gflops) + ",\"inferGflops\":" +
         json_number(r.infer_gflops) + ",\"gemmGflops\":" + json_number(gemm_gflops) + ",\"batch\":" +
         std::to_string(config.batch) + ",\"steps\":" + std::to_string(config.steps) + ",\"runs\":" +
         std::to_string(config.runs) + ",\"threads\":" + std::to_string(threads) + ",\"simd\":" +
         (simd ? "true" : "false") + ",\"model\":" + json_quote(model) + "}";
}

}  // namespace convlens
