// app_shell.cpp: window, GL context, ImGui and the frame (see app_shell.h).
#include "app_shell.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "gl_imgui_renderer.h"
#include "imgui.h"
#include "imgui_impl_sdl.h"

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#include <SDL_opengl.h>
#endif

namespace convlens {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Training time per frame: what the UI leaves of kFrameWork, the main-thread work that still fits a 30 Hz
// frame with room to spare (the browser rasterises and composites on other threads meanwhile). If frames
// still come slower than kSlowFps (a busy machine), training gets less until they do not.
constexpr double kFrameWork = 0.026;
constexpr double kSlowFps = 30;
constexpr double kMinTrain = 0.002, kMaxTrain = 0.030;
// The training thread's rest after a slice (seconds), raised while frames come slower than kRestFps: a little
// above kSlowFps, since the rest acts on the frame rate with a delay and the rate hovers around the target.
constexpr double kRestStep = 0.0002, kMaxRest = 0.050, kRestFps = 31;

void load_font(const ShellConfig& config, float scale) {
  ImGuiIO& io = ImGui::GetIO();
  FILE* f = config.font_path.empty() ? nullptr : std::fopen(config.font_path.c_str(), "rb");
  if (f) {
    std::fclose(f);
    // Rasterise at the screen's pixel density and scale back: crisp text on HiDPI screens.
    if (io.Fonts->AddFontFromFileTTF(config.font_path.c_str(), config.font_size * scale)) {
      io.FontGlobalScale = 1.0f / scale;
      return;
    }
  }
  io.Fonts->AddFontDefault();
}

}  // namespace

void shell_apply_options(AppShell& s, const UrlOptions& o) {
  s.lab.settings() = o.settings;
  s.ui->embed = o.embed;
  s.ui->warnings = o.warnings;
  if (o.layer >= 0) s.ui->layer = o.layer;
  std::snprintf(s.ui->model_text, sizeof s.ui->model_text, "%s", o.settings.model.c_str());
}

void shell_apply_data_options(AppShell& s, const UrlOptions& o) {
  if (o.probe >= 0) {
    s.lab.set_probe_index(o.probe);
    if (s.lab.probe_index() != o.probe)
      s.ui->warnings.push_back("probe: " + std::to_string(o.probe) + " is past the last test image; showing " +
                               std::to_string(s.lab.probe_index()));
  }
  if (o.autostart) s.lab.train();
}

Status shell_init(AppShell& s, const ShellConfig& config) {
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) return Status::fail(std::string("SDL: ") + SDL_GetError());
  if (config.gles) {  // WebGL2
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  } else {  // desktop OpenGL 3.2 core
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, SDL_GL_CONTEXT_FORWARD_COMPATIBLE_FLAG);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 2);
  }
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  // 2D only: no depth or stencil buffer (in a browser, each would be one more full-screen clear per frame).
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
  const auto flags = SDL_WindowFlags(SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  s.window = SDL_CreateWindow(config.title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, config.width,
                              config.height, flags);
  if (!s.window) return Status::fail(std::string("cannot open a window: ") + SDL_GetError());
  s.gl = SDL_GL_CreateContext(s.window);
  if (!s.gl) {
    const std::string why = SDL_GetError();
    SDL_DestroyWindow(s.window);
    s.window = nullptr;
    return Status::fail("cannot create an OpenGL context (" + why + ")");
  }
  SDL_GL_MakeCurrent(s.window, s.gl);
  SDL_GL_SetSwapInterval(1);

  int win_w = 0, win_h = 0, px_w = 0, px_h = 0;
  SDL_GetWindowSize(s.window, &win_w, &win_h);
  SDL_GL_GetDrawableSize(s.window, &px_w, &px_h);
  s.dpi_scale = win_w > 0 ? std::max(1.0f, float(px_w) / float(win_w)) : 1.0f;

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing written to disk
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 0;
  style.FrameRounding = 3;
  style.WindowBorderSize = 1;
  // The panels tile the window, so their background is the GL clear colour: no window draws a background.
  // With software WebGL (no GPU) those full-window blended quads were most of each frame's cost.
  style.Colors[ImGuiCol_WindowBg].w = 0.0f;
  ImGui_ImplSDL2_InitForOpenGL(s.window, s.gl);
  load_font(config, s.dpi_scale);  // before the renderer uploads the font atlas
  if (!imgui_gl_init(config.gles)) return Status::fail("the GPU driver cannot compile the UI's shaders");
  s.last_time = now_seconds();
  return Status::success();
}

bool shell_frame(AppShell& s) {
  SDL_Event event;
  while (SDL_PollEvent(&event)) {
    ImGui_ImplSDL2_ProcessEvent(&event);
    if (event.type == SDL_QUIT) return false;
    if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE &&
        event.window.windowID == SDL_GetWindowID(s.window))
      return false;
  }
  const double t0 = now_seconds();
  const double dt = std::max(1e-4, t0 - s.last_time);
  s.last_time = t0;
  FrameStats& st = s.stats;
  // Frames per second from the smoothed frame interval (a smoothed 1/dt would overrate uneven frames).
  s.frame_interval = st.frames == 0 ? dt : 0.95 * s.frame_interval + 0.05 * dt;
  st.fps = 1.0 / s.frame_interval;

  if (!s.background_training) s.lab.tick(s.train_budget);
  const double t1 = now_seconds();
  st.train_ms = 0.95 * st.train_ms + 0.05 * (t1 - t0) * 1e3;

  ImGui_ImplSDL2_NewFrame();
  ImGui::NewFrame();
  s.ui->fps = st.fps;
  ui_draw(s.lab, *s.ui, dt);
  ImGui::Render();
  const ImGuiIO& io = ImGui::GetIO();
  glViewport(0, 0, int(io.DisplaySize.x * io.DisplayFramebufferScale.x), int(io.DisplaySize.y * io.DisplayFramebufferScale.y));
  glClearColor(0.06f, 0.06f, 0.06f, 1.0f);  // ImGui's dark WindowBg
  glClear(GL_COLOR_BUFFER_BIT);
  imgui_gl_render(ImGui::GetDrawData());
  if (s.on_rendered) s.on_rendered();
  const double ui_time = now_seconds() - t1;
  st.ui_ms = 0.95 * st.ui_ms + 0.05 * ui_time * 1e3;
  if (s.background_training) {  // it rests longer after each slice while frames are slow, less while they are not
    if (st.fps < kRestFps) s.train_rest = std::min(s.train_rest * 1.05 + kRestStep, kMaxRest);
    else s.train_rest = std::max(s.train_rest * 0.95 - kRestStep, 0.0);
  } else {  // training in the frames: a budget per frame, from what the UI leaves
    const double room = kFrameWork - ui_time;
    if (st.fps < kSlowFps) s.train_budget *= 0.95;
    else s.train_budget = std::min(s.train_budget * 1.05, room);
    s.train_budget = std::clamp(s.train_budget, kMinTrain, kMaxTrain);
  }
  st.training_thread = s.background_training;
  st.train_rest_ms = s.train_rest * 1e3;
  SDL_GL_SwapWindow(s.window);
  ++st.frames;
  return true;
}

void shell_shutdown(AppShell& s) {
  s.ui.reset();  // frees its textures while the context is alive
  imgui_gl_shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  if (s.gl) SDL_GL_DeleteContext(s.gl);
  if (s.window) SDL_DestroyWindow(s.window);
  SDL_Quit();
}

}  // namespace convlens
