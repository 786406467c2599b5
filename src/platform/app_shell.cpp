// app_shell.cpp: window, GL context, ImGui and the frame (see app_shell.h).
#include "app_shell.h"

#include <algorithm>
#include <cstdio>

#include "clock.h"
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

// Drawing: every turn for kSettleSeconds after input (ImGui's hover, focus and drag need a few frames), for
// kOutsideSeconds after a change from outside (an API call, data: a new layout settles in two frames); while
// training, loading, preparing or evaluating goes on untouched, at most one frame per kBusyFrameSeconds,
// whatever asks for it (a change from outside, a new state's settling frames, a new view). With a training thread
// a frame competes with training for the cores (drawn without a GPU, a frame costs the browser about 50 ms of
// CPU, most of it in its GPU process): 5.5 frames/s. Without one, training and frames take turns on the main
// thread while the GPU process draws on another core: 8 frames/s.
constexpr double kSettleSeconds = 0.5;
constexpr double kOutsideSeconds = 0.1;
constexpr int kSettleFrames = 3;  // and at least this many frames, however slow: new widgets (a tab bar) show on
                                  // their second frame
constexpr double kBusyFrameSeconds[2] = {0.125, 0.18};  // [has a training thread]
constexpr int kPacedTurnsPerFrame = 9;  // turns of a paced main loop per frame (20 ms: a frame is late by < 1 turn)
// Training in the turns (no training thread): whole batches for about kUntouchedTrain per turn, so training gets
// most of the time (a turn under way delays an input by at most that); for kSettleSeconds after user input, a
// batch per turn, cut into chunks where it takes longer than kInteractiveTrain, so that an input is drawn
// within about 100 ms.
constexpr double kInteractiveTrain = 0.03, kUntouchedTrain = 0.05;

// The training thread: whole batches while there are any, asleep otherwise.
[[maybe_unused]] void* train_forever(void* arg) {  // unused where there are no threads
  Lab& lab = *static_cast<Lab*>(arg);
  while (!lab.work_stopped())
    if (lab.work(0) == 0) lab.wait_for_work(1.0);
  return nullptr;
}

bool busy(const Lab& lab) {
  return lab.state() == LabState::Training || lab.state() == LabState::Loading || lab.testing() || lab.view().preparing;
}

// The UI's font, and the Chinese one merged into it when the UI is in Chinese. Returns the language the fonts
// can show: English if the Chinese font cannot be read.
Language load_font(const ShellConfig& config, float scale) {
  ImGuiIO& io = ImGui::GetIO();
  FILE* f = config.font_path.empty() ? nullptr : std::fopen(config.font_path.c_str(), "rb");
  if (f) std::fclose(f);
  // Rasterise at the screen's pixel density and scale back: crisp text on HiDPI screens.
  if (f && io.Fonts->AddFontFromFileTTF(config.font_path.c_str(), config.font_size * scale)) {
    io.FontGlobalScale = 1.0f / scale;
  } else {
    io.Fonts->AddFontDefault();
    scale = 1;
  }
  if (config.language == Language::English) return Language::English;
  if (ui_merge_cjk_font(*io.Fonts, config.cjk_font_path, config.font_size * scale)) return config.language;
  return Language::English;
}

}  // namespace

void shell_apply_options(AppShell& s, const UrlOptions& o) {
  s.lab.settings() = o.settings;
  s.ui->embed = o.embed;
  s.ui->cam_show = o.gradcam;
  s.ui->warnings.insert(s.ui->warnings.end(), o.warnings.begin(), o.warnings.end());
  if (o.layer >= 0) s.ui->layer = o.layer;
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
  const Language shown = load_font(config, s.dpi_scale);  // before the renderer uploads the font atlas
  ui_set_language(shown);
  if (shown != config.language) {
    const std::string why = "lang: no Chinese font (" + config.cjk_font_path + " is missing); showing English";
    std::fprintf(stderr, "convlens: %s\n", why.c_str());
    s.ui->warnings.push_back(why);
  }
  if (!imgui_gl_init(config.gles)) return Status::fail("the GPU driver cannot compile the UI's shaders");
  s.awake_until = now_seconds() + kSettleSeconds;  // the first frames
  return Status::success();
}

bool shell_start_training_thread(AppShell& s) {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  (void)s;
  return false;
#else
  // pthread_create rather than std::thread: a thread that cannot start is a return code, not an exception
  // (which the browser build cannot catch).
  s.has_training_thread = pthread_create(&s.training_thread, nullptr, train_forever, &s.lab) == 0;
  return s.has_training_thread;
#endif
}

void shell_wake(AppShell& s) {
  s.awake_until = std::max(s.awake_until, now_seconds() + kOutsideSeconds);
  s.settle_frames = kSettleFrames;
}

bool shell_idle(const AppShell& s) {
  return now_seconds() >= s.awake_until && s.settle_frames == 0 && !s.ui->playing && !busy(s.lab) &&
         s.lab.view().version == s.drawn_view && s.lab.probe_version() == s.drawn_probe;
}

bool shell_paced(const AppShell& s) {
  return s.has_training_thread && busy(s.lab) && now_seconds() >= s.awake_until;
}

double shell_paced_turn_seconds(const AppShell& s) {
  return kBusyFrameSeconds[s.has_training_thread] / kPacedTurnsPerFrame;
}

bool shell_frame(AppShell& s) {
  s.drew = false;
  SDL_Event event;
  bool input = false;
  while (SDL_PollEvent(&event)) {
    ImGui_ImplSDL2_ProcessEvent(&event);
    input = true;
    if (event.type == SDL_QUIT) return false;
    if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE &&
        event.window.windowID == SDL_GetWindowID(s.window))
      return false;
  }
  FrameStats& st = s.stats;
  const double t0 = now_seconds();
  if (input) {
    s.input_until = t0 + kSettleSeconds;
    s.awake_until = std::max(s.awake_until, s.input_until);
    s.settle_frames = kSettleFrames;
  }
  const bool interacting = t0 < s.awake_until;  // input, or a change from outside (API calls, data)
  const bool touched = t0 < s.input_until;      // input
  if (s.has_training_thread) {
    s.lab.sync();
  } else if (s.lab.tick(touched ? kInteractiveTrain : kUntouchedTrain, touched) > 0) {
    st.train_ms = 0.9 * st.train_ms + 0.1 * (now_seconds() - t0) * 1e3;
  }
  st.training_thread = s.has_training_thread;

  const double t1 = now_seconds();
  const bool changed = s.lab.view().version != s.drawn_view || s.lab.probe_version() != s.drawn_probe;
  if (!interacting && !s.ui->playing && !changed && s.settle_frames == 0) return true;
  // Busy and untouched, every reason to draw waits for its turn (a frame costs the cores training needs), on a
  // steady cadence: a frame drawn a little late (the turns come every so often) does not delay the next one.
  const double period = kBusyFrameSeconds[s.has_training_thread];
  const bool paced = busy(s.lab) && !touched;
  if (paced && t1 < s.frame_due) return true;
  s.frame_due = paced && t1 - s.frame_due < period ? s.frame_due + period : t1 + period;
  if (s.lab.state() != s.drawn_state) {  // a new state shows other widgets: let them settle too
    s.drawn_state = s.lab.state();
    s.settle_frames = kSettleFrames;
  }
  if (s.settle_frames > 0) --s.settle_frames;

  const double dt = s.last_draw > 0 ? std::min(t1 - s.last_draw, 1.0) : 1.0 / 60;
  s.last_draw = t1;
  s.drawn_view = s.lab.view().version;
  s.drawn_probe = s.lab.probe_version();
  ImGui_ImplSDL2_NewFrame();
  ImGui::NewFrame();
  ui_draw(s.lab, *s.ui, dt);
  ImGui::Render();
  const ImGuiIO& io = ImGui::GetIO();
  glViewport(0, 0, int(io.DisplaySize.x * io.DisplayFramebufferScale.x), int(io.DisplaySize.y * io.DisplayFramebufferScale.y));
  glClearColor(0.06f, 0.06f, 0.06f, 1.0f);  // ImGui's dark WindowBg
  glClear(GL_COLOR_BUFFER_BIT);
  imgui_gl_render(ImGui::GetDrawData());
  if (s.on_rendered) s.on_rendered();
  st.ui_ms = 0.9 * st.ui_ms + 0.1 * (now_seconds() - t1) * 1e3;
  SDL_GL_SwapWindow(s.window);
  s.drew = true;
  ++st.frames;
  ++s.fps_frames;
  if (t1 - s.fps_window >= 1.0) {  // frames drawn over the last second or so
    st.fps = s.fps_window > 0 ? double(s.fps_frames) / (t1 - s.fps_window) : 0;
    s.fps_window = t1;
    s.fps_frames = 0;
  }
  return true;
}

void shell_shutdown(AppShell& s) {
  if (s.has_training_thread) {
    s.lab.stop_work();
    pthread_join(s.training_thread, nullptr);
    s.has_training_thread = false;
  }
  s.ui.reset();  // frees its textures while the context is alive
  imgui_gl_shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  if (s.gl) SDL_GL_DeleteContext(s.gl);
  if (s.window) SDL_DestroyWindow(s.window);
  SDL_Quit();
}

}  // namespace convlens
