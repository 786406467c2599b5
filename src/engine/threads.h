// threads.h: how many threads the engine's loops and Eigen's GEMMs may use (OpenMP when built with it).
// Without OpenMP (e.g. the single-threaded WebAssembly build) everything runs on the calling thread.
#pragma once

namespace convlens {

void engine_set_threads(int n);  // n >= 1
int engine_threads();

}  // namespace convlens
