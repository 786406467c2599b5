// clock.h: the one clock of the engine, the app, the platform glue and the tests: now_seconds(), the steady
// (monotonic) clock in seconds as a double. Time stamps from it are only good for differences (durations,
// deadlines, budgets), never for dates; it does not sleep or wait.
#pragma once
#include <chrono>

namespace convlens {

// Seconds since the steady clock's epoch (an arbitrary point, e.g. boot): subtract two to get a duration.
inline double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace convlens
