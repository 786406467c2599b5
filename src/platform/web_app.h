// web_app.h: the browser app's single instance, shared by its main loop (main_web.cpp) and the functions
// JavaScript calls (web_bridge.cpp), all on the page's main thread. In the threaded build the Lab is trained
// by a thread of its own (app_shell.h), which only touches the Lab's training side.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app_shell.h"
#include "data_import.h"
#include "url_params.h"

namespace convlens {

struct WebApp {
  AppShell shell;
  UrlOptions options;         // from location.search
  bool data_seen = false;     // the first data set arrived (probe and autostart applied)
  bool sleeping = false;      // the main loop is paused until something wakes it (web_wake)
  bool paced = false;         // the main loop turns on a timer (shell_paced), not on every display refresh
  LabState last_state = LabState::Loading;
  size_t last_epochs = 0;     // epochs already announced to the parent window
  std::unique_ptr<DataImport> import;  // a data set whose files are coming (web_bridge.cpp)
  bool import_upload = false;          // from the user's disk (the run goes on meanwhile), not a request
};

WebApp& web_app();

// For every call from JavaScript: takes the Lab's newest view; a call that changes what is shown also wakes the
// main loop (reading calls do not, so that a page polling status() lets an idle app sleep).
WebApp& web_api_read();
WebApp& web_api_call();
void web_wake(WebApp& app);

// Sets the engine's threads for ?threads=N (0 = not asked): the threaded build (convlens-mt) uses every core
// unless asked for fewer; the single-threaded build uses one. Asking for what the build cannot do warns.
// Returns the most threads this build can use (what the UI offers).
int web_set_threads(int asked, std::vector<std::string>& warnings);

}  // namespace convlens
