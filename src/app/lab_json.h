// lab_json.h: every JSON the page's window.convlens API returns (status(), history(), featureMaps(), benchmark(),
// call results) and the events it posts to an embedding page.
//
// Built here, in plain C++, so the exact fields are unit-tested natively; the web bridge only hands the
// strings to JavaScript. Non-finite numbers are written as null (JSON has no NaN).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "benchmark.h"
#include "lab.h"
#include "lab_export.h"
#include "url_params.h"

namespace convlens {

// What the platform measures about its frames, reported with the status.
struct FrameStats {
  double fps = 0;       // frames drawn per second, over the last second (0 while the app sleeps)
  long frames = 0;      // frames drawn so far
  double train_ms = 0;  // smoothed milliseconds of training per frame that trained (frame-driven training)
  double ui_ms = 0;     // smoothed milliseconds of building and submitting the UI per frame drawn
  bool training_thread = false;  // training runs on a thread of its own, not in the frames
};

// {"state":"training","stateSeconds":..,"epoch":1,"epochs":10,"batch":12,"batchesPerEpoch":1500,"loss":..,"acc":..,
//  "valLoss":..,"valAcc":..,"testLoss":..|null,"testAcc":..|null,"samplesPerSec":..,"throughput":..,"progress":..,"etaSeconds":..,
//  "epochEstimateSeconds":..,"fps":..,"frames":..,"trainMs":..,"uiMs":..,"trainer":"frames"|"thread","chunk":..,"dataMB":..,"modelMB":..,"workspaceMB":..,"dataset":"mnist","probe":7,"loading":"","loadingProgress":..,
//  "error":"","warnings":[...],"lang":"en"|"zh-TW"}  (stateSeconds: how long the training side has been in the
//  state, e.g. when training ended; lang: the UI's language)
std::string lab_status_json(const Lab& lab, const FrameStats& frames, const std::vector<std::string>& warnings,
                            Language lang);

// [{"epoch":1,"loss":..,"acc":..,"valLoss":..,"valAcc":..,"seconds":..,"samplesPerSec":..}, ...]
std::string lab_history_json(const Lab& lab);

// Messages to an embedding page (posted with source: 'convlens'): a finished epoch, i of the history,
// {"type":"epoch","epoch":1,"loss":..,"acc":..,"valLoss":..,"valAcc":..,"log":"Epoch 1/10 ..."}; the state,
// {"type":"state","state":"training","error":""}.
std::string lab_epoch_event_json(const Lab& lab, size_t i);
std::string lab_state_event_json(const Lab& lab);

// The validation's confusion matrix after `epoch` (< 0: the last), or null:
// {"epoch":1,"classes":["0",...],"counts":[[...],...]} (row = true label, column = predicted).
std::string lab_confusion_json(const Lab& lab, int epoch);
// The last validation's mistakes, the most confident first, at most `limit`:
// [{"index":..,"label":..,"predicted":..,"probability":..}, ...] (index: in the training set).
std::string lab_mistakes_json(const Lab& lab, int limit);

// A call's outcome: {"ok":true|false,"error":"...","warnings":[...]}.
std::string json_result(const Status& s, const std::vector<std::string>& warnings);
// A feature map whose values JavaScript copies from the heap: {"name","title","shape":[h,w,c],"ptr","count"}.
std::string json_feature_map(const FeatureMap& map, uintptr_t ptr);
// Grad-CAM or saliency whose values JavaScript copies from the heap: {"shape":[h,w],"classIndex","ptr","count"}.
std::string json_explanation(const Explanation& e, uintptr_t ptr);
// The probe image, (H, W, C) values in [0, 1] at `ptr`, with its test-set index (-1: drawn):
// {"shape":[h,w,c],"index","ptr","count"}.
std::string lab_probe_json(const Lab& lab, uintptr_t ptr);
// An image JavaScript copies from the heap: {"ok":true,"name","width","height","ptr","count"} (RGBA bytes).
std::string json_image(const std::string& name, const RgbaImage& image, uintptr_t ptr);
// Bytes JavaScript copies from the heap: {"ptr":..,"count":..}.
std::string json_bytes(uintptr_t ptr, size_t count);
// benchmark(): {"trainSamplesPerSec","inferSamplesPerSec","gflops","inferGflops","gemmGflops","batch","steps",
// "runs","threads","simd","model"}.
std::string json_benchmark(const BenchResult& r, const BenchConfig& config, double gemm_gflops, int threads, bool simd,
                           const std::string& model);

// Where the UI put things, for the page's layout checks (layout()), in points: a named rectangle.
struct ScreenBox {
  std::string name;
  float x = 0, y = 0, w = 0, h = 0;
};
// {"width","height","windows":[{name,x,y,w,h}],"clipped":[...],"marks":[...]}.
std::string json_layout(float width, float height, const std::vector<ScreenBox>& windows,
                        const std::vector<ScreenBox>& clipped, const std::vector<ScreenBox>& marks);

// ["a","b"]
std::string json_strings(const std::vector<std::string>& texts);
// JSON string literal with quotes and escapes.
std::string json_quote(const std::string& text);
std::string json_number(double value);

}  // namespace convlens
