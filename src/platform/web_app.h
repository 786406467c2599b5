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

}  // namespace convlens
