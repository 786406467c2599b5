// web_app.h: the browser app's single instance, shared by its main loop (main_web.cpp) and the functions
// JavaScript calls (web_bridge.cpp).
#pragma once
#include "app_shell.h"
#include "url_params.h"

namespace convlens {

struct WebApp {
  AppShell shell;
  UrlOptions options;         // from location.search
  bool data_seen = false;     // the first data set arrived (probe and autostart applied)
  LabState last_state = LabState::Loading;
  size_t last_epochs = 0;     // epochs already announced to the parent window
};

WebApp& web_app();

// Sets the engine's threads for ?threads=N (0 = not asked): the threaded build (convlens-mt) uses every core
// unless asked for fewer; the single-threaded build uses one. Asking for what the build cannot do warns.
void web_set_threads(int asked, std::vector<std::string>& warnings);

}  // namespace convlens
