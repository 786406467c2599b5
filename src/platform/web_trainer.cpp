// web_trainer.cpp: in the threaded browser build, training runs on a thread of its own instead of in slices of
// the frames. On a machine without a GPU the browser rasterises every frame on the CPU, and a slice of training
// in each frame only got what the rasteriser left of the frame (a quarter of the time, on 2 cores); on a thread
// of its own it trains all the time while the frames go on beside it.
//
// The trainer runs the Lab in slices of kSliceSeconds, each under the shell's lock (web_app.h), and steps aside
// whenever the main thread waits for the lock, so a frame waits at most one slice. After each slice it rests
// for the shell's train_rest, which the frames raise while they come slower than 31/s (app_shell.cpp): where
// the CPU draws the frames, training leaves it what the frame rate needs. Its parallel loops use the engine's
// thread pool as the main thread's did (threads.h).
#include <pthread.h>

#include <chrono>
#include <thread>

#include "web_app.h"

namespace convlens {

#ifdef __EMSCRIPTEN_PTHREADS__
namespace {

constexpr double kSliceSeconds = 0.008;  // training per hold of the lock: the longest a frame waits
constexpr auto kIdlePoll = std::chrono::milliseconds(10);  // while not training

void* train_forever(void* arg) {
  WebApp* app = static_cast<WebApp*>(arg);
  for (;;) {
    while (app->main_waiting.load() > 0) std::this_thread::yield();  // a frame or a JS call goes first
    int units = 0;
    double rest = 0;
    {
      std::lock_guard<std::recursive_mutex> lock(app->lab_mutex);
      units = app->shell.lab.tick(kSliceSeconds);
      rest = app->shell.train_rest;
    }
    if (units == 0) std::this_thread::sleep_for(kIdlePoll);
    else if (rest > 0) std::this_thread::sleep_for(std::chrono::duration<double>(rest));
  }
}

}  // namespace
#endif

bool web_start_trainer(WebApp& app) {
#ifdef __EMSCRIPTEN_PTHREADS__
  // pthread_create rather than std::thread: a thread that cannot start is a return code, not an exception
  // (which this build cannot catch); the frames then go on training as in the single-threaded build.
  pthread_t thread;
  if (pthread_create(&thread, nullptr, train_forever, &app) != 0) return false;
  pthread_detach(thread);  // runs as long as the page
  app.shell.background_training = true;  // (read by the frames, on this thread)
  return true;
#else
  (void)app;
  return false;
#endif
}

}  // namespace convlens
