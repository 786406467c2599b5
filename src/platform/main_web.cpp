// main_web.cpp: the browser app: the shared shell driven by requestAnimationFrame (by a timer while training
// goes on untouched), paused while the app is idle (JavaScript's input listeners and every API call wake it:
// web_wake), the canvas kept at the window's size, data sets requested from JavaScript, and events posted to an
// embedding page.
//
// JavaScript (web/convlens_web.js) passes location.search as argv[1] and the browser's language
// (navigator.language, the UI's language when the URL has no lang) as argv[2], fetches and gunzips the data when asked
// (js_fetch_dataset) and hands it back through web_bridge.cpp.
#include <emscripten.h>
#include <emscripten/html5.h>

#include <cmath>
#include <string>

#include "lab_json.h"
#include "web_app.h"

using namespace convlens;

// The data set's id, title and files ('|'-separated), as datasets.h has them.
EM_JS(void, js_fetch_dataset, (const char* name, const char* title, const char* files),
      { convlensFetchDataset(UTF8ToString(name), UTF8ToString(title), UTF8ToString(files).split('|')); });
EM_JS(void, js_post_event, (const char* json), { convlensPostEvent(UTF8ToString(json)); });
EM_JS(void, js_fatal, (const char* message), { convlensFatal(UTF8ToString(message)); });
EM_JS(void, js_save_model, (), { convlensSaveModel(); });  // a download of convlens.saveModel()
EM_JS(void, js_pick_model, (), { convlensPickModel(); });  // a file picker whose file goes to convlens.loadModel
EM_JS(void, js_pick_data_files, (const char* id), { convlensPickDataFiles(UTF8ToString(id)); });  // to convlens.loadData
EM_JS(void, js_share_link, (), { convlensShareLink(); });  // copies convlens.shareLink() to the clipboard
EM_JS(void, js_save_text, (const char* name, const char* text), { convlensSaveText(UTF8ToString(name), UTF8ToString(text)); });
EM_JS(void, js_save_image, (const char* name, const uint8_t* rgba, int w, int h),  // a PNG download, encoded by a canvas
      { convlensSaveImage(UTF8ToString(name), HEAPU8.slice(rgba, rgba + w * h * 4), w, h); });
// The model kept in the browser (IndexedDB): opting in or out, storing the finished run's, restoring, forgetting.
EM_JS(void, js_keep_model, (int on), { convlens.keepModel(!!on); });
EM_JS(void, js_store_model, (), { convlensStoreModel(); });
EM_JS(void, js_restore_model, (), {  // a refused weights file is shown in the page (cl_load_model)
  convlens.restoreModel().then((r) => { if (!r.ok) console.warn('ConvLens: restore: ' + r.error); });
});
EM_JS(void, js_forget_model, (), { convlens.forgetModel(); });
EM_JS(void, js_remember, (const char* query), { convlensRemember(UTF8ToString(query)); });  // for the next visit

namespace convlens {

WebApp& web_app() {
  static WebApp app;
  return app;
}

void web_wake(WebApp& app) {
  shell_wake(app.shell);
  if (app.sleeping || app.paced) {  // turns at once, then every display refresh
    if (app.paced) emscripten_pause_main_loop();  // drops the pending timer turn
    app.sleeping = app.paced = false;
    emscripten_set_main_loop_timing(EM_TIMING_RAF, 1);
    emscripten_resume_main_loop();
  }
}

// Tells an embedding page about state changes and finished epochs: {source:'convlens', type, ...}. Each frame,
// and before an API call acts: a state that no frame saw yet (data arrived, then train() before the next frame)
// is still posted.
static void post_events(WebApp& app) {
  Lab& lab = app.shell.lab;
  const auto& epochs = lab.view().history;
  if (epochs.size() < app.last_epochs) app.last_epochs = 0;  // a reset
  for (; app.last_epochs < epochs.size(); ++app.last_epochs) js_post_event(lab_epoch_event_json(lab, app.last_epochs).c_str());
  if (lab.state() != app.last_state) {
    app.last_state = lab.state();
    if (lab.state() == LabState::Training)  // a run's settings are kept for the next visit (not the data)
      js_remember(url_params_query(lab.settings(), app.shell.ui->layer, -1).c_str());
    if (lab.state() == LabState::Done && app.shell.ui->keep_model_on) js_store_model();
    js_post_event(lab_state_event_json(lab).c_str());
  }
}

WebApp& web_api_read() {
  WebApp& app = web_app();
  app.shell.lab.sync();
  return app;
}

WebApp& web_api_call() {
  WebApp& app = web_api_read();
  post_events(app);
  web_wake(app);
  return app;
}

}  // namespace convlens

namespace {

// Keeps the SDL window (and so the canvas' drawing buffer) at the canvas' CSS size.
void follow_canvas_size(SDL_Window* window) {
  double css_w = 0, css_h = 0;
  if (emscripten_get_element_css_size("#canvas", &css_w, &css_h) != EMSCRIPTEN_RESULT_SUCCESS) return;
  int w = 0, h = 0;
  SDL_GetWindowSize(window, &w, &h);
  const int want_w = int(std::lround(css_w)), want_h = int(std::lround(css_h));
  if (want_w > 0 && want_h > 0 && (want_w != w || want_h != h)) SDL_SetWindowSize(window, want_w, want_h);
}

void frame(void*) {
  WebApp& app = web_app();
  follow_canvas_size(app.shell.window);
  const std::string wanted = app.shell.lab.take_data_request();
  if (const DatasetInfo* d = wanted.empty() ? nullptr : dataset_info(wanted)) {
    std::string files;
    for (const std::string& f : d->files) files += (files.empty() ? "" : "|") + f;
    js_fetch_dataset(d->id.c_str(), d->title.c_str(), files.c_str());
  }
  if (!app.data_seen && app.shell.lab.has_data()) {
    app.data_seen = true;
    shell_apply_data_options(app.shell, app.options);
  }
  shell_frame(app.shell);
  post_events(app);
  // While training goes on untouched, the loop turns on a timer, not on requestAnimationFrame: the browser then
  // runs no rendering pipeline for the turns that draw nothing (on a 2-core VM with software WebGL, 0.05 core
  // that training gets instead). Input and API calls switch back at once (web_wake).
  const bool paced = shell_paced(app.shell);
  if (paced != app.paced) {
    app.paced = paced;
    if (paced) emscripten_set_main_loop_timing(EM_TIMING_SETTIMEOUT, int(shell_paced_turn_seconds(app.shell) * 1e3));
    else emscripten_set_main_loop_timing(EM_TIMING_RAF, 1);
  }
  if (shell_idle(app.shell)) {  // nothing to draw until an event, an API call or data wakes the loop
    app.sleeping = true;
    emscripten_pause_main_loop();
  }
}

}  // namespace

int main(int argc, char** argv) {
  WebApp& app = web_app();
  app.options = url_params_parse(argc > 1 ? argv[1] : "");
  const int max_threads = web_set_threads(app.options.threads, app.options.warnings);
  ShellConfig config;
  config.gles = true;
  config.font_path = CONVLENS_FONT_PATH;  // embedded at link time (CMakeLists.txt)
  config.cjk_font_path = CONVLENS_CJK_FONT_PATH;
  config.language = app.options.lang.value_or(language_from_locale(argc > 2 ? argv[2] : ""));
  double css_w = 1280, css_h = 800;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  config.width = int(css_w);
  config.height = int(css_h);
  Status s = shell_init(app.shell, config);
  if (!s.ok()) {
    js_fatal(("This browser cannot run ConvLens: " + s.error + ". WebGL2 is required.").c_str());
    return 1;
  }
  shell_apply_options(app.shell, app.options);
  app.shell.ui->max_threads = max_threads;
  app.shell.ui->save_model = js_save_model;
  app.shell.ui->load_model = js_pick_model;
  app.shell.ui->share_link = js_share_link;
  app.shell.ui->keep_model = [](bool on) { js_keep_model(on); };
  app.shell.ui->restore_model = js_restore_model;
  app.shell.ui->forget_model = js_forget_model;
  app.shell.ui->save_text = [](const std::string& name, const std::string& text) { js_save_text(name.c_str(), text.c_str()); };
  app.shell.ui->save_image = [](const std::string& name, const RgbaImage& image) {
    if (!image.rgba.empty()) js_save_image(name.c_str(), image.rgba.data(), image.width, image.height);
  };
  app.shell.ui->pick_data_files = [](const std::string& id) { js_pick_data_files(id.c_str()); };
  for (const DatasetInfo& d : datasets())  // until the site's data/index.json says more (cl_data_served)
    if (d.bundled) app.shell.ui->served.push_back(d.id);
  app.shell.lab.reset();  // asks JavaScript for the data set
  shell_start_training_thread(app.shell);  // threaded build: whole batches beside the frames, not in them
  emscripten_set_main_loop_arg(frame, nullptr, 0, true);
  return 0;
}
