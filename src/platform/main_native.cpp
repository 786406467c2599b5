// main_native.cpp: the desktop app (convlens-app): the browser app's UI in an SDL2 + OpenGL 3 window, reading
// the data sets from the folder ./build_wasm.sh setup fills.
//
//   convlens-app [--data DIR] [OPTIONS]     OPTIONS as in the page's URL, e.g. "dataset=fashion&epochs=3&autostart=1"
//
// The frame loop is app_shell's; this file only reads files and drives frames.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "app_shell.h"
#include "data_files_native.h"

using namespace convlens;

namespace {

std::string default_data_root() {
  const char* env = std::getenv("CONVLENS_DATA");
  if (env && *env) return env;
#ifdef CONVLENS_DEFAULT_DATA_ROOT
  return CONVLENS_DEFAULT_DATA_ROOT;
#else
  return "data";
#endif
}

// Loads data set `name` from root/name; errors go to the Lab (shown in the UI).
bool load_dataset(Lab& lab, const std::string& root, const std::string& name) {
  const std::string dir = root + "/" + name;
  Dataset train, test;
  lab.set_loading("reading " + dir, 0.1);
  Status s = dataset_load_idx_dir(dir, name, true, train);
  if (s.ok()) s = dataset_load_idx_dir(dir, name, false, test);
  if (!s.ok()) {
    lab.set_error(s.error + " (run ./build_wasm.sh setup to fetch the data sets)");
    return false;
  }
  return lab.set_data(std::move(train), std::move(test)).ok();
}

}  // namespace

int main(int argc, char** argv) {
  std::string root = default_data_root(), query;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
      root = argv[++i];
    } else if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::printf("usage: convlens-app [--data DIR] [OPTIONS]\n"
                  "  OPTIONS as in the web page's URL: dataset=fashion&epochs=3&batch=64&autostart=1 ...\n"
                  "  DIR holds mnist/ and fashion/ (default %s)\n", root.c_str());
      return 0;
    } else {
      query += (query.empty() ? "" : "&") + std::string(argv[i]);
    }
  }
  const UrlOptions options = url_params_parse(query);
  for (const std::string& w : options.warnings) std::fprintf(stderr, "convlens-app: %s\n", w.c_str());

  AppShell shell;
  ShellConfig config;
  config.font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  Status s = shell_init(shell, config);
  if (!s.ok()) {
    std::fprintf(stderr, "convlens-app: %s\n", s.error.c_str());
    return 1;
  }
  shell_apply_options(shell, options);
  shell.lab.reset();  // asks for the data set
  bool first_data = true;
  while (true) {
    const std::string wanted = shell.lab.take_data_request();
    if (!wanted.empty() && load_dataset(shell.lab, root, wanted) && first_data) {
      first_data = false;
      shell_apply_data_options(shell, options);
    }
    if (!shell_frame(shell)) break;
  }
  shell_shutdown(shell);
  return 0;
}
