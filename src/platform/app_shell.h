// app_shell.h: the SDL2 window, GL context and Dear ImGui setup shared by the browser and desktop apps, and
// one frame of the app: events, a slice of training, the UI, rendering.
//
// The two mains (main_web.cpp, main_native.cpp) differ only in how they drive frames and fetch data, as in
// Dear ImGui's own examples; the GL version string is the one other difference and is passed in.
#pragma once
#include <SDL.h>

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
  float font_size = 15.0f;          // in UI points (pixels at scale 1)
};

struct AppShell {
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
  Lab lab;
  std::unique_ptr<UiState> ui = std::make_unique<UiState>();  // its textures die before the GL context
  double train_budget = 0.016;      // seconds of training per frame
  bool background_training = false;  // another thread trains the Lab (web_trainer.cpp): frames only draw
  double train_rest = 0;            // seconds that thread rests after each slice, set by the frame rate
  FrameStats stats;                 // frame rate and where the frame time goes
  double last_time = 0;
  double frame_interval = 0;        // smoothed seconds between frames
  float dpi_scale = 1;              // drawable pixels per UI point (HiDPI)
  std::function<void()> on_rendered;  // called with the finished frame in the back buffer (screenshots)
};

// URL (or command-line) options: settings, warnings and view choices, before any data is loaded.
void shell_apply_options(AppShell& shell, const UrlOptions& options);
// Options that need the data: the probe image and autostart. Call once, when the first data set is ready.
void shell_apply_data_options(AppShell& shell, const UrlOptions& options);

// Creates the window, the GL context and ImGui. On failure returns a message (nothing to clean up).
Status shell_init(AppShell& shell, const ShellConfig& config);
// One frame. Returns false when the user closed the window.
bool shell_frame(AppShell& shell);
void shell_shutdown(AppShell& shell);

}  // namespace convlens
