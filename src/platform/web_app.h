// web_app.h: the browser app's single instance, shared by its main loop (main_web.cpp) and the functions
// JavaScript calls (web_bridge.cpp).
//
// In the threaded build the Lab is trained on a thread of its own (web_trainer.cpp), beside the frames: the
// frames, JavaScript's calls and the trainer each hold lab_mutex (through LabLock) while they touch the shell.
#pragma once
#include <atomic>
#include <mutex>

#include "app_shell.h"
#include "url_params.h"

namespace convlens {

struct WebApp {
  AppShell shell;
  UrlOptions options;         // from location.search
  bool data_seen = false;     // the first data set arrived (probe and autostart applied)
  LabState last_state = LabState::Loading;
  size_t last_epochs = 0;     // epochs already announced to the parent window
  std::recursive_mutex lab_mutex;      // the shell (Lab and UI state) is used by one thread at a time
  std::atomic<int> main_waiting{0};    // main-thread LabLocks waiting: the trainer lets them in first
};

WebApp& web_app();

// The main thread's hold on the shell, for a frame or a call from JavaScript. Waits for the trainer's current
// slice (a few milliseconds) to end.
class LabLock {
 public:
  explicit LabLock(WebApp& app) : app_(app) {
    ++app_.main_waiting;
    app_.lab_mutex.lock();
    --app_.main_waiting;
  }
  ~LabLock() { app_.lab_mutex.unlock(); }
  LabLock(const LabLock&) = delete;
  LabLock& operator=(const LabLock&) = delete;

 private:
  WebApp& app_;
};

// Threaded build: starts the thread that trains the Lab in slices, and tells the shell's frames not to.
// Returns false (and changes nothing) where there are no threads: the frames then train, as in the
// single-threaded build.
bool web_start_trainer(WebApp& app);

// Sets the engine's threads for ?threads=N (0 = not asked): the threaded build (convlens-mt) uses every core
// unless asked for fewer; the single-threaded build uses one. Asking for what the build cannot do warns.
void web_set_threads(int asked, std::vector<std::string>& warnings);

}  // namespace convlens
