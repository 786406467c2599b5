// app_shell.h: the SDL2 window, GL context and Dear ImGui setup shared by the browser and desktop apps, the
// thread that trains the Lab where there are threads, and one turn of the main loop: events, a slice of training
// where no thread trains, and a frame drawn only when something on screen may have changed.
//
// When to draw: every turn while the user interacts (and for kSettleSeconds after each event or outside change,
// which ImGui needs to settle) and while an animation plays; a few times a second while training or loading
// goes on untouched (the live maps refresh at that rate anyway); otherwise never: the app is idle and the mains
// let the process sleep until the next event (shell_idle).
//
// The two mains (main_web.cpp, main_native.cpp) differ only in how they drive frames and fetch data, as in
// Dear ImGui's own examples; the GL version string is the one other difference and is passed in.
#pragma once
#include <SDL.h>
#include <pthread.h>

#include <functional>
#include <memory>
#include <string>

#include "lab.h"
#include "lab_json.h"
#include "ui_app.h"
#include "url_params.h"

namespace convlens {

struct ShellConfig {
  const char* title = "ConvLens";
  int width = 1280, height = 800;
  bool gles = false;                // WebGL2 (OpenGL ES 3.0) instead of desktop OpenGL 3.2 core
  std::string font_path;            // a TTF to load; the default ImGui font if empty or missing
  Language language = Language::English;  // the UI's language (ui_text.h)
  std::string cjk_font_path;        // the Chinese UI's font, merged over font_path; if missing: English
  float font_size = 15.0f;          // in UI points (pixels at scale 1)
};

struct AppShell {
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
  Lab lab;
  std::unique_ptr<UiState> ui = std::make_unique<UiState>();  // its textures die before the GL context
  bool has_training_thread = false;  // a thread of its own trains the Lab; else the turns do
  pthread_t training_thread{};
  FrameStats stats;                 // frame rate and where the frame time goes
  bool drew = false;                // the last turn drew a frame
  double awake_until = 0;           // draw every turn until then (seconds, steady clock)
  int settle_frames = 0;            // and draw at least this many more frames (after input, a wake, a new state)
  LabState drawn_state = LabState::Loading;  // the Lab's state in the last frame drawn
  double input_until = 0;           // the user is interacting until then (training in the turns yields)
  double last_draw = 0;             // when the last frame was drawn
  double frame_due = 0;             // when the next frame is due while training goes on untouched
  uint64_t drawn_view = 0, drawn_probe = 0;  // the Lab's view and probe versions the last frame showed
  double fps_window = 0;            // start of the current one-second window of frames
  long fps_frames = 0;              // frames drawn in it
  float dpi_scale = 1;              // drawable pixels per UI point (HiDPI)
  std::function<void()> on_rendered;  // called with the finished frame in the back buffer (screenshots)
};

// URL (or command-line) options: settings, warnings and view choices, before any data is loaded.
void shell_apply_options(AppShell& shell, const UrlOptions& options);
// Options that need the data: the probe image and autostart. Call once, when the first data set is ready.
void shell_apply_data_options(AppShell& shell, const UrlOptions& options);

// Creates the window, the GL context and ImGui. On failure returns a message (nothing to clean up).
Status shell_init(AppShell& shell, const ShellConfig& config);
// Starts the thread that trains the Lab in whole batches. Returns false where there are no threads (the
// single-threaded browser build) or one cannot start: the turns then train, in slices.
bool shell_start_training_thread(AppShell& shell);
// One turn of the main loop (see above); sets shell.drew. Returns false when the user closed the window.
bool shell_frame(AppShell& shell);
// Nothing on screen will change until an event, a call from outside (shell_wake) or data arrives: the main
// loop may sleep.
bool shell_idle(const AppShell& shell);
// Something outside the event queue changed what is shown (an API call, data): draw the next turns.
void shell_wake(AppShell& shell);
// Training (or loading, evaluating) goes on untouched on a training thread: frames come a few times a second,
// so the main loop may turn on a timer of shell_paced_turn_seconds() instead of every display refresh. An event
// or shell_wake ends it.
bool shell_paced(const AppShell& shell);
double shell_paced_turn_seconds(const AppShell& shell);
void shell_shutdown(AppShell& shell);

}  // namespace convlens
