// cli_args.h: the command line of the `convlens` tool, parsed into a struct.
//
//   convlens <command> [--flag value | --flag=value]...     commands: train, eval, gradcam, bench, summary, help
//
// cli_parse is a pure function: it prints nothing, never exits, reads no environment and touches no files
// (only the --threads default, every core, comes from the machine).
// It checks each value on its own (types, ranges, known names); it does NOT check combinations (e.g. eval
// without --load), whether files exist, or whether --model is a valid spec: the commands do that.
// A repeated flag keeps its last value; flags a command does not use are accepted and ignored.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/threads.h"
#include "memory.h"
#include "status.h"
#include "trainer.h"

namespace convlens {

// The ranges of the flags are in cli_args.cpp (kThreadsRange, ...), the run's in trainer.h and optimizer.h.
struct CliOptions {
  std::string command;            // "train", "eval", "bench", "summary", "help"
  std::string dataset = "mnist";  // --dataset: a data set of datasets.h
  std::string data_dir;           // --data DIR; empty = cli_default_data_dir(dataset)
  std::string model;              // --model SPEC|preset; empty = the data set's preset (datasets.h)
  // The run: --epochs, --batch (also the bench batch), --lr, --optimizer, --momentum, --seed, --val-split,
  // --subset N (the first N training images; 0 = all), --snapshot-every B (feature maps every B batches too),
  // with the engine's defaults and ranges (trainer.h, optimizer.h).
  TrainConfig train;
  int threads = engine_max_threads();  // --threads (also the bench threads); default: every core
  int memory_limit_mb = int(kDefaultMemoryLimit >> 20);  // --memory-limit MB: see memory.h
  std::string feature_maps_dir;   // --feature-maps DIR: write feature-map grid PNGs there; empty = none
  int probe = 0;                  // --probe I: index of the test image whose feature maps are drawn
  int cols = 8;                   // --cols: maps per row in the grids
  std::string save_path;          // --save FILE: weights after training; empty = not saved
  std::string load_path;          // --load FILE: weights to start from (required by eval and gradcam)
  std::string out_path;           // --out FILE: gradcam's PNG
  int layer = -1;                 // --layer L: gradcam's layer; -1 = the last convolution
  int class_index = -1;           // --class C: gradcam's class; -1 = the predicted one
  int bench_runs = 5;             // --runs: timed bench runs
  int bench_steps = 10;           // --steps: training steps per bench run
  bool quiet = false;             // --quiet: no per-batch progress line
};

// Parses args (without argv[0]): the command first, then flags. No args, "help", "--help" or "-h" (anywhere)
// give command "help". Errors are one line, e.g. "unknown flag --epoch (did you mean --epochs?)",
// "--epochs must be a whole number in 1..10000, got '0'", "missing value for --batch".
Result<CliOptions> cli_parse(const std::vector<std::string>& args);

// The default --data directory: $CONVLENS_DATA/<dataset> if CONVLENS_DATA is set and not empty, else
// CONVLENS_DEFAULT_DATA_ROOT/<dataset> (set by CMake to the checkout's data/), else ./data/<dataset>.
std::string cli_default_data_dir(const std::string& dataset);

// The help text: usage, commands and every flag with its default.
std::string cli_usage();

}  // namespace convlens
