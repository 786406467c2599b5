// web_bridge.cpp: the C functions behind window.convlens (web/convlens_web.js) and the data hand-over.
//
// Strings go out as JSON built in lab_json.cpp; arrays go out as pointers into the WASM heap that JavaScript
// copies at once (valid until the next call). Options come in as query strings, parsed by url_params.cpp, so
// train({epochs: 3}) and ?epochs=3 accept and reject exactly the same values.
#include <emscripten.h>
#ifdef __EMSCRIPTEN_PTHREADS__
#include <emscripten/threading.h>
#endif

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "benchmark.h"
#include "data_import.h"
#include "kernels/simd_vec.h"
#include "kernels/threads.h"
#include "lab_export.h"
#include "lab_json.h"
#include "web_app.h"

using namespace convlens;

namespace convlens {

int web_set_threads(int asked, std::vector<std::string>& warnings) {
#ifdef __EMSCRIPTEN_PTHREADS__
  // Workers are preallocated (PTHREAD_POOL_SIZE in CMakeLists.txt: min(cores, 8)): the training thread and
  // the engine's helpers (threads - 1) come from them.
  const int most = std::max(1, std::min(emscripten_num_logical_cores(), 8));
  if (asked > most)
    warnings.push_back("threads: " + std::to_string(asked) + " is more than this computer's " + std::to_string(most) +
                       " cores; using " + std::to_string(most));
  web_app().shell.lab.set_threads(asked > 0 ? std::min(asked, most) : most);
  return most;
#else
  if (asked > 1)
    warnings.push_back("threads: " + std::to_string(asked) +
                       " needs the threaded build, which needs a cross-origin isolated page; using 1");
  web_app().shell.lab.set_threads(1);
  return 1;
#endif
}

}  // namespace convlens

namespace {

std::string g_out;              // the last string returned to JavaScript
FeatureMap g_map;               // the last featureMaps() result (its data is read from the heap)
std::vector<float> g_probs;     // the last predict() result
std::vector<uint8_t> g_bytes;   // the last saveModel() result
Explanation g_explanation;      // the last gradCam() or saliency() result
RgbaImage g_image;              // the last mapsImage() result

const char* out(std::string s) {
  g_out = std::move(s);
  return g_out.c_str();
}

// Applies API options (a query string) over the current settings; warnings also go to the UI.
std::vector<std::string> apply_query(const char* query) {
  WebApp& app = web_app();
  UrlOptions o;
  o.settings = app.shell.lab.settings();
  url_params_apply(query ? query : "", o);
  if (o.threads > 0) web_set_threads(o.threads, o.warnings);
  app.shell.lab.settings() = o.settings;
  if (o.layer >= 0) app.shell.ui->layer = o.layer;
  for (const std::string& w : o.warnings) app.shell.ui->warnings.push_back(w);
  if (!o.warnings.empty()) app.shell.ui->warnings_open = true;
  return o.warnings;
}

}  // namespace

extern "C" {

// Input listeners (web/convlens_web.js) call this: the main loop draws again if it was asleep.
EMSCRIPTEN_KEEPALIVE void cl_wake() { web_wake(web_app()); }

EMSCRIPTEN_KEEPALIVE const char* cl_status() {
  WebApp& app = web_api_read();
  return out(lab_status_json(app.shell.lab, app.shell.stats, app.shell.ui->warnings, ui_language()));
}

EMSCRIPTEN_KEEPALIVE const char* cl_history() {
  web_api_read();
  return out(lab_history_json(web_app().shell.lab));
}

// train(options): with options, new settings and fresh weights; without, start or resume.
EMSCRIPTEN_KEEPALIVE const char* cl_train(const char* query) {
  web_api_call();
  Lab& lab = web_app().shell.lab;
  const bool fresh = query && *query;
  const std::vector<std::string> warnings = apply_query(query);
  Status s;
  if (fresh && lab.state() != LabState::Loading) s = lab.reset();
  if (s.ok()) s = lab.train();
  return out(json_result(s, warnings));
}

EMSCRIPTEN_KEEPALIVE const char* cl_reset(const char* query) {
  web_api_call();
  const std::vector<std::string> warnings = apply_query(query);
  return out(json_result(web_app().shell.lab.reset(), warnings));
}

EMSCRIPTEN_KEEPALIVE void cl_pause() {
  web_api_call();
  web_app().shell.lab.pause();
}

EMSCRIPTEN_KEEPALIVE const char* cl_step(int batches) {
  web_api_call();
  return out(json_result(web_app().shell.lab.step(batches), {}));
}

// featureMaps(layer, epoch): epoch < 0 = the current weights. Returns {"name","shape","ptr","count"} or null.
EMSCRIPTEN_KEEPALIVE const char* cl_feature_maps(int layer, int epoch) {
  web_api_read();
  Lab& lab = web_app().shell.lab;
  const std::vector<FeatureMap>* maps = lab.maps_at_epoch(epoch);
  if (!maps || layer < 0 || size_t(layer) >= maps->size()) return out("null");
  g_map = (*maps)[size_t(layer)];
  return out(json_feature_map(g_map, uintptr_t(g_map.data.data())));
}

// probe(): the probe image and its test-set index (-1: drawn); JavaScript copies the values at once.
EMSCRIPTEN_KEEPALIVE const char* cl_probe() {
  const Lab& lab = web_api_read().shell.lab;
  return out(lab_probe_json(lab, uintptr_t(lab.probe().data())));
}

// layout(): where the last frame put the panels and marked items, and which windows cut their content off
// (ui_layout), for the page's layout checks.
EMSCRIPTEN_KEEPALIVE const char* cl_layout() {
  const UiLayout l = ui_layout(*web_api_read().shell.ui);
  return out(json_layout(l.width, l.height, l.windows, l.clipped, l.marks));
}

// historyCsv(), confusionCsv(epoch): the CSV text (lab_export.h); "" when there is nothing yet.
EMSCRIPTEN_KEEPALIVE const char* cl_history_csv() { return out(lab_history_csv(web_api_read().shell.lab)); }
EMSCRIPTEN_KEEPALIVE const char* cl_confusion_csv(int epoch) { return out(lab_confusion_csv(web_api_read().shell.lab, epoch)); }

// mapsImage(layer, epoch, beforeAfter, cols, viridis): a layer's grid (epoch < 0: the current weights) as RGBA, with
// the grid before training beside it if asked. Returns {"name","width","height","ptr","count"} or an error.
EMSCRIPTEN_KEEPALIVE const char* cl_maps_image(int layer, int epoch, int before_after, int cols, int viridis) {
  web_api_read();
  Lab& lab = web_app().shell.lab;
  const std::vector<FeatureMap>* maps = lab.maps_at_epoch(epoch);
  if (!maps || layer < 0 || size_t(layer) >= maps->size())
    return out(json_result(Status::fail("no maps of layer " + std::to_string(layer) + (epoch < 0 ? "" : " after epoch " + std::to_string(epoch))), {}));
  const FeatureMap after = (*maps)[size_t(layer)];
  const std::vector<FeatureMap>* before = before_after ? lab.maps_at_epoch(0) : nullptr;
  if (before_after && (!before || size_t(layer) >= before->size())) return out(json_result(Status::fail("no maps from before training"), {}));
  GridLayout layout;
  layout.cols = std::max(cols, 1);
  const std::string moment = epoch < 0 ? "now" : "epoch" + std::to_string(epoch);
  const FeatureMap& left = before_after ? (*before)[size_t(layer)] : after;
  g_image = maps_image(left, before_after ? &after : nullptr, layout, viridis ? Colormap::Viridis : Colormap::Gray);
  if (g_image.rgba.empty()) return out(json_result(Status::fail("the grid is too large"), {}));
  return out(json_image(maps_file_stem(after, before_after ? "before_vs_" + moment : moment), g_image, uintptr_t(g_image.rgba.data())));
}

EMSCRIPTEN_KEEPALIVE int cl_set_probe_index(int index) {
  WebApp& app = web_api_call();
  app.shell.ui->drawing = false;
  app.shell.lab.set_probe_index(index);
  return app.shell.lab.probe_index();
}

EMSCRIPTEN_KEEPALIVE const char* cl_set_probe_pixels(const float* pixels, int count) {
  WebApp& app = web_api_call();
  std::vector<float> p(pixels, pixels + (count > 0 ? count : 0));
  Status s = app.shell.lab.set_probe_pixels(p);
  if (s.ok()) {
    app.shell.ui->pad = app.shell.lab.probe();
    app.shell.ui->drawing = true;
  }
  return out(json_result(s, {}));
}

// predict(pixels): a pointer to the class probabilities, or 0 if the image has the wrong size.
EMSCRIPTEN_KEEPALIVE const float* cl_predict(const float* pixels, int count) {
  web_api_read();
  Lab& lab = web_app().shell.lab;
  if (count <= 0 || size_t(count) != lab.model().input.size()) return nullptr;
  std::vector<float> p(pixels, pixels + count);
  for (float& v : p) v = v == v ? (v < 0 ? 0 : (v > 1 ? 1 : v)) : 0;
  g_probs = lab.predict(p.data());
  return g_probs.data();
}

// gradCam(layer, classIndex, epoch) (kind 0) and saliency(classIndex, epoch) (kind 1) of the probe: the map as
// {"shape","classIndex","layer","ptr","count"}, or {"ok":false,"error"}. layer < 0: the last conv layer;
// classIndex < 0: the predicted class; epoch < 0: the current weights.
EMSCRIPTEN_KEEPALIVE const char* cl_explain(int kind, int layer, int class_index, int epoch) {
  web_api_read();
  Lab& lab = web_app().shell.lab;
  Result<Explanation> r = kind == 0 ? lab.grad_cam(layer, class_index, epoch) : lab.saliency(class_index, epoch);
  if (!r.ok()) return out(json_result(Status::fail(r.error), {}));
  g_explanation = std::move(r.value);
  return out(json_explanation(g_explanation, uintptr_t(g_explanation.data.data())));
}

// confusion(epoch): the validation's confusion matrix after that epoch (< 0: the last), or null.
EMSCRIPTEN_KEEPALIVE const char* cl_confusion(int epoch) {
  web_api_read();
  return out(lab_confusion_json(web_app().shell.lab, epoch));
}

// mistakes({limit}): the last validation's most confident mistakes.
EMSCRIPTEN_KEEPALIVE const char* cl_mistakes(int limit) {
  web_api_read();
  return out(lab_mistakes_json(web_app().shell.lab, limit));
}

// shareLink(): the query of the current settings, layer and test-image probe (url_params_query).
EMSCRIPTEN_KEEPALIVE const char* cl_share_query() {
  WebApp& app = web_api_read();
  return out(url_params_query(app.shell.lab.settings(), app.shell.ui->layer, app.shell.lab.probe_index()));
}

// saveModel(): the weights file of the newest weights, as {"ptr","count"} (JavaScript copies the bytes at once).
EMSCRIPTEN_KEEPALIVE const char* cl_save_model() {
  web_api_read();
  g_bytes = web_app().shell.lab.save_model();
  return out(json_bytes(uintptr_t(g_bytes.data()), g_bytes.size()));
}

// What the page's storage holds (convlens_web.js calls this at start and whenever it changes): whether the
// learner keeps trained models, and the one kept (present = 0: none), for the UI's offer.
EMSCRIPTEN_KEEPALIVE void cl_kept_model(int keep, int present, const char* when, const char* model,
                                        const char* dataset, int epochs, double accuracy, double megabytes) {
  WebApp& app = web_api_call();
  UiState& ui = *app.shell.ui;
  ui.keep_model_on = keep != 0;
  ui.kept = UiState::KeptModel{};
  if (!present) return;
  ui.kept = UiState::KeptModel{true, when, model, dataset, std::max(epochs, 0), accuracy, megabytes};
}

// The size of a weights file that fits the current model: JavaScript copies no more than that of a file into
// the heap (a larger one is refused from its first bytes).
EMSCRIPTEN_KEEPALIVE double cl_model_file_bytes() {
  web_api_read();
  return double(web_app().shell.lab.model_file_bytes());
}

// loadModel(bytes): `n` bytes of a file of `file_size` bytes. A refusal is also shown in the page.
EMSCRIPTEN_KEEPALIVE const char* cl_load_model(const uint8_t* bytes, int n, double file_size) {
  WebApp& app = web_api_call();
  const Status s = app.shell.lab.load_model(std::vector<uint8_t>(bytes, bytes + std::max(n, 0)),
                                            file_size > 0 ? uint64_t(file_size) : 0);
  if (!s.ok()) {
    app.shell.ui->warnings.push_back("Load model: " + s.error);
    app.shell.ui->warnings_open = true;
  }
  return out(json_result(s, {}));
}

// benchmark({batch, steps, runs}): training and inference throughput of the current model on synthetic data,
// plus a 512^3 GEMM in the same runtime. Blocks the page while it runs (seconds).
EMSCRIPTEN_KEEPALIVE const char* cl_benchmark(int batch, int steps, int runs) {
  web_api_read();
  const Model& model = web_app().shell.lab.model();
  if (model.layers.empty()) return out("null");
  const BenchConfig config{batch, steps, runs, 42};
  const BenchResult r = benchmark_model(model, config);
  const double gemm = benchmark_gemm_gflops(512, runs);
  return out(json_benchmark(r, config, gemm, engine_threads(), kSimd, model.spec));
}

EMSCRIPTEN_KEEPALIVE int cl_threads() { return engine_threads(); }

// setLayer(i): the feature-map layer the page shows (the book's idx), clamped to the model's layers; returns it.
EMSCRIPTEN_KEEPALIVE int cl_set_layer(int layer) {
  WebApp& app = web_api_call();
  const int count = int(app.shell.lab.model().layers.size());
  app.shell.ui->layer = std::max(0, std::min(layer, count - 1));
  return app.shell.ui->layer;
}

// The origins that may drive this page by postMessage (?allow_origin=...): a JSON array, empty = any.
EMSCRIPTEN_KEEPALIVE const char* cl_allow_origins() {
  return out(json_strings(web_app().options.allow_origins));
}

EMSCRIPTEN_KEEPALIVE int cl_num_classes() {
  web_api_read();
  return web_app().shell.lab.model().num_classes;
}

}  // extern "C"

// ---- data hand-over ----------------------------------------------------------------------------------------
// The page fetches a data set the Lab asked for (state Loading), or unpacks one the user gave (an upload: the
// current run goes on until the new set is complete). Either way the files come one at a time: cl_data_begin,
// cl_data_file for each, cl_data_end; progress and errors go to the Lab (a request) or to the data panel (an
// upload). Each returns "" or the error, after which the import is over.

namespace {

// A failed import: a requested set leaves the Lab in state Error; a failed upload only warns.
const char* import_failed(WebApp& app, const std::string& error) {
  const bool upload = app.import_upload;
  const std::string title = app.import ? app.import->info().title : "the data set";
  app.import.reset();
  app.shell.ui->import_fraction = -1;
  if (!upload) {
    app.shell.lab.set_error(error);
  } else {
    app.shell.ui->warnings.push_back("Loading " + title + ": " + error);
    app.shell.ui->warnings_open = true;
  }
  return out(error);
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* cl_data_begin(const char* id, int upload) {
  WebApp& app = web_api_call();
  app.import.reset();
  app.import_upload = upload != 0;
  const DatasetInfo* info = dataset_info(id);
  if (!info) return import_failed(app, std::string("there is no data set ") + id + " (" + dataset_ids() + ")");
  app.import = std::make_unique<DataImport>(*info);
  return out("");
}

// The title of data set `id` as JSON ("CIFAR-10"), for the page's messages.
EMSCRIPTEN_KEEPALIVE const char* cl_dataset_title(const char* id) {
  const DatasetInfo* d = dataset_info(id);
  return out(json_quote(d ? d->title : id));
}

// The largest file an import takes (data_import.h): the page refuses a larger one before reading it.
EMSCRIPTEN_KEEPALIVE double cl_data_file_limit() { return double(kMaxDataFileBytes); }

// Whether the import wants a file called `name` (an archive's other entries are skipped unread).
EMSCRIPTEN_KEEPALIVE int cl_data_wants(const char* name) {
  WebApp& app = web_app();
  return app.import && app.import->wants(name) ? 1 : 0;
}

EMSCRIPTEN_KEEPALIVE const char* cl_data_file(const char* name, const uint8_t* bytes, int n) {
  WebApp& app = web_api_call();
  if (!app.import) return out("no data import was begun");
  const Status s = app.import->add(name, std::vector<uint8_t>(bytes, bytes + std::max(n, 0)));
  return s.ok() ? out("") : import_failed(app, s.error);
}

EMSCRIPTEN_KEEPALIVE const char* cl_data_end() {
  WebApp& app = web_api_call();
  if (!app.import) return out("no data import was begun");
  Dataset train, test;
  Status s = app.import->finish(train, test);
  if (!s.ok()) return import_failed(app, s.error);
  app.import.reset();
  app.shell.ui->import_fraction = -1;
  s = app.shell.lab.set_data(std::move(train), std::move(test));
  return out(s.ok() ? "" : s.error);
}

EMSCRIPTEN_KEEPALIVE void cl_data_progress(const char* what, double fraction) {
  WebApp& app = web_api_call();
  if (app.import_upload) {
    app.shell.ui->import_what = what;
    app.shell.ui->import_fraction = fraction;
  } else {
    app.shell.lab.set_loading(what, fraction);
  }
}

// An error of the page's own (a download, gzip or an archive): the import is over.
EMSCRIPTEN_KEEPALIVE void cl_data_error(const char* message) { import_failed(web_api_call(), message); }

// The data sets this site serves (data/index.json, written by build_wasm.sh), as "mnist fashion": the data-set
// menu offers the others from the user's disk.
EMSCRIPTEN_KEEPALIVE void cl_data_served(const char* ids) {
  WebApp& app = web_api_call();
  app.shell.ui->served.clear();
  for (const DatasetInfo& d : datasets())
    if ((" " + std::string(ids) + " ").find(" " + d.id + " ") != std::string::npos) app.shell.ui->served.push_back(d.id);
}

}  // extern "C"
