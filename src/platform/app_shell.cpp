// app_shell.cpp: window, GL context, ImGui and the frame (see app_shell.h).
#include "app_shell.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "imgui.h"
#include "imgui_impl_opengl3.h"
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

// Frame work (training + UI, not waiting for vsync) we aim for: under one 60 Hz frame, so the browser never
// has to skip to 30 Hz. Training gets what the UI leaves.
constexpr double kFrameWork = 0.014;
constexpr double kMinTrain = 0.004, kMaxTrain = 0.030;

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
  const char* glsl = nullptr;
  if (config.gles) {  // WebGL2
    glsl = "#version 300 es";
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  } else {  // desktop OpenGL 3.2 core
    glsl = "#version 150";
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, SDL_GL_CONTEXT_FORWARD_COMPATIBLE_FLAG);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 2);
  }
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
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
  ImGui_ImplSDL2_InitForOpenGL(s.window, s.gl);
  ImGui_ImplOpenGL3_Init(glsl);
  load_font(config, s.dpi_scale);
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
  s.fps = s.frames == 0 ? 1.0 / dt : 0.95 * s.fps + 0.05 / dt;

  s.lab.tick(s.train_budget);
  const double t1 = now_seconds();

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGui::NewFrame();
  s.ui->fps = s.fps;
  ui_draw(s.lab, *s.ui, dt);
  ImGui::Render();
  const ImGuiIO& io = ImGui::GetIO();
  glViewport(0, 0, int(io.DisplaySize.x * io.DisplayFramebufferScale.x), int(io.DisplaySize.y * io.DisplayFramebufferScale.y));
  glClearColor(0.08f, 0.08f, 0.1f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  // Training gets what the UI left of the frame's work time (measured before waiting for vsync).
  const double ui_time = now_seconds() - t1;
  s.train_budget = std::clamp(0.8 * s.train_budget + 0.2 * (kFrameWork - ui_time), kMinTrain, kMaxTrain);
  SDL_GL_SwapWindow(s.window);
  ++s.frames;
  return true;
}

void shell_shutdown(AppShell& s) {
  s.ui.reset();  // frees its textures while the context is alive
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  if (s.gl) SDL_GL_DeleteContext(s.gl);
  if (s.window) SDL_DestroyWindow(s.window);
  SDL_Quit();
}

}  // namespace convlens
