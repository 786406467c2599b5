// main_native.cpp: the desktop app (convlens-app): the browser app's UI in an SDL2 + OpenGL 3 window, reading
// the data sets from the folder ./build_wasm.sh setup fills.
//
//   convlens-app [--data DIR] [--threads N] [--lang en|zh-TW] [--frames N] [--until-done] [--screenshot FILE.png]
//                [OPTIONS]
//     OPTIONS as in the page's URL, e.g. "dataset=fashion&epochs=3&autostart=1"
//     --frames N stops after N frames drawn, --until-done once training and the test set are done (scripted and
//     CI smoke runs); --screenshot saves the last frame.
//     --threads N: engine threads (default: one per core; `threads=N` in OPTIONS means the same, as in the
//     page's URL). A thread of its own trains; the window draws beside it.
//     --lang zh-TW: the UI in Traditional Chinese (`lang=zh-TW` in OPTIONS, as in the page's URL); English by
//     default, and if the build's Chinese font is missing.
//
// The frame loop is app_shell's; this file only reads files, drives the turns (sleeping in SDL_WaitEvent while
// the app is idle) and saves the screenshot.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <SDL_opengl.h>

#include <vector>

#include "app_shell.h"
#include "data_files.h"
#include "png_writer.h"
#include "kernels/threads.h"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include "stb_image_write.h"

using namespace convlens;

namespace {

// Loads data set `name` from root/name; errors go to the Lab (shown in the UI).
bool load_dataset(Lab& lab, const std::string& root, const std::string& name) {
  const std::string dir = root + "/" + name;
  Dataset train, test;
  lab.set_loading("reading " + dir, 0.1);
  Status s = dataset_load_dir(dir, name, true, train);
  if (s.ok()) s = dataset_load_dir(dir, name, false, test);
  if (!s.ok()) {
    lab.set_error(s.error + " (run ./build_wasm.sh setup to fetch the data sets)");
    return false;
  }
  return lab.set_data(std::move(train), std::move(test)).ok();
}

// Writes the frame just rendered (the back buffer) as a PNG (rows flipped: GL starts at the bottom).
bool save_screenshot(SDL_Window* window, const std::string& path) {
  int w = 0, h = 0;
  SDL_GL_GetDrawableSize(window, &w, &h);
  std::vector<uint8_t> rgba(size_t(w) * size_t(h) * 4), flipped(rgba.size());
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  const size_t row = size_t(w) * 4;
  for (int y = 0; y < h; ++y) std::memcpy(&flipped[size_t(y) * row], &rgba[size_t(h - 1 - y) * row], row);
  return stbi_write_png(path.c_str(), w, h, 4, flipped.data(), int(row)) != 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string root = data_root_default(), query, screenshot;
  long max_frames = -1;
  bool until_done = false;
  int threads = 0;  // 0 = one per core
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
      root = argv[++i];
    } else if (std::strcmp(argv[i], "--frames") == 0 && i + 1 < argc) {
      max_frames = std::atol(argv[++i]);
      if (max_frames < 1) {
        std::fprintf(stderr, "convlens-app: --frames needs a whole number >= 1\n");
        return 2;
      }
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
      if (threads < 1 || threads > 256) {
        std::fprintf(stderr, "convlens-app: --threads needs a whole number in 1..256\n");
        return 2;
      }
    } else if (std::strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
      query += (query.empty() ? "lang=" : "&lang=") + std::string(argv[++i]);  // checked with the options
    } else if (std::strcmp(argv[i], "--until-done") == 0) {
      until_done = true;
    } else if (std::strcmp(argv[i], "--screenshot") == 0 && i + 1 < argc) {
      screenshot = argv[++i];
    } else if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::printf("usage: convlens-app [--data DIR] [--threads N] [--lang en|zh-TW] [--frames N] [--until-done]\n"
                  "                    [--screenshot FILE.png] [OPTIONS]\n"
                  "  OPTIONS as in the web page's URL: dataset=fashion&epochs=3&batch=64&autostart=1 ...\n"
                  "  DIR holds mnist/ and fashion/ (default %s)\n", root.c_str());
      return 0;
    } else {
      query += (query.empty() ? "" : "&") + std::string(argv[i]);
    }
  }
  const UrlOptions options = url_params_parse(query);
  if (threads == 0) threads = options.threads;  // threads=N among the options, as in the page's URL
  engine_set_threads(threads > 0 ? threads : engine_max_threads());
  for (const std::string& w : options.warnings) std::fprintf(stderr, "convlens-app: %s\n", w.c_str());

  AppShell shell;
  ShellConfig config;
  config.font_path = CONVLENS_FONT_PATH;  // CONVLENS_FONT in CMakeLists.txt
  config.cjk_font_path = CONVLENS_CJK_FONT_PATH;  // the build's subset of Noto Sans CJK TC (CMakeLists.txt)
  config.language = options.lang.value_or(Language::English);
  Status s = shell_init(shell, config);
  if (!s.ok()) {
    std::fprintf(stderr, "convlens-app: %s\n", s.error.c_str());
    return 1;
  }
  shell_apply_options(shell, options);
  shell.ui->max_threads = std::max(engine_max_threads(), engine_threads());
  for (const DatasetInfo& d : datasets()) shell.ui->served.push_back(d.id);  // a missing folder is an error
  // Save model / Load model: a weights file in the working directory (what `convlens eval --load` reads).
  const std::string model_file = "convlens-model.bin";
  shell.ui->save_model = [&shell, model_file] {
    const Status saved = file_write_bytes(model_file, shell.lab.save_model());
    shell.lab.log_line(saved.ok() ? "Saved the model to " + model_file : "Save model: " + saved.error);
  };
  shell.ui->load_model = [&shell, model_file] {
    Result<std::vector<uint8_t>> bytes = file_read_bytes(model_file);
    const Status loaded = bytes.ok() ? shell.lab.load_model(bytes.value) : Status::fail(bytes.error);
    if (!loaded.ok()) {
      shell.ui->warnings.push_back("Load model: " + loaded.error);
      shell.ui->warnings_open = true;
    }
  };
  // Save PNG / Save CSV: files in the working directory, named as the page names its downloads.
  shell.ui->save_text = [&shell](const std::string& name, const std::string& text) {
    const Status saved = file_write_bytes(name, std::vector<uint8_t>(text.begin(), text.end()));
    shell.lab.log_line(saved.ok() ? "Saved " + name : "Save: " + saved.error);
  };
  shell.ui->save_image = [&shell](const std::string& name, const RgbaImage& image) {
    std::vector<uint8_t> rgb;
    for (size_t i = 0; i < image.rgba.size(); i += 4) rgb.insert(rgb.end(), &image.rgba[i], &image.rgba[i + 3]);
    const Status saved = png_write_rgb(image.width, image.height, rgb, name);
    shell.lab.log_line(saved.ok() ? "Saved " + name : "Save PNG: " + saved.error);
  };
  shell.lab.reset();  // asks for the data set
  shell_start_training_thread(shell);
  bool first_data = true;
  bool saved = screenshot.empty();
  auto finished = [&] {
    const LabState st = shell.lab.state();
    return until_done && !shell.lab.testing() && (st == LabState::Done || st == LabState::Error);
  };
  while (true) {
    const bool last = (max_frames > 0 && shell.stats.frames == max_frames - 1) || finished();
    if (last) {
      shell_wake(shell);  // draw this turn
      if (!saved) shell.on_rendered = [&] { saved = save_screenshot(shell.window, screenshot); };
    }
    const std::string wanted = shell.lab.take_data_request();
    if (!wanted.empty() && load_dataset(shell.lab, root, wanted) && first_data) {
      first_data = false;
      shell_apply_data_options(shell, options);
      shell_wake(shell);
    }
    if (!shell_frame(shell)) break;
    if ((last && shell.drew) || (max_frames > 0 && shell.stats.frames >= max_frames)) break;
    if (!shell.drew) SDL_WaitEventTimeout(nullptr, shell_idle(shell) ? 500 : 10);  // asleep until an event
  }
  int code = 0;
  if (!screenshot.empty() && !saved && !save_screenshot(shell.window, screenshot)) {
    std::fprintf(stderr, "convlens-app: cannot write %s\n", screenshot.c_str());
    code = 1;
  }
  const Lab::Metrics m = shell.lab.metrics();
  std::printf("convlens-app: %ld frames, %.1f fps, state %s, epoch %d/%d, batch %d/%d, %.0f samples/s\n",
              shell.stats.frames, shell.stats.fps, lab_state_name(shell.lab.state()), m.epoch, m.epochs, m.batch,
              m.batches_per_epoch, m.samples_per_sec);
  if (shell.lab.state() == LabState::Error) {
    std::fprintf(stderr, "convlens-app: %s\n", shell.lab.error().c_str());
    code = 1;
  }
  shell_shutdown(shell);
  return code;
}
