// cli_session.h: what the CLI commands share — turning options into a data set, a model and a probe image,
// with errors already worded for the terminal. Not here: training or printing logs (cmd_*.cpp).
#pragma once
#include <string>
#include <vector>

#include "cli_args.h"
#include "dataset.h"
#include "model.h"
#include "status.h"

namespace convlens {

constexpr int kExitData = 1;   // a data or file problem
constexpr int kExitUsage = 2;  // bad usage or settings

// Prints "convlens: <message>" to stderr and returns `code`.
int cli_fail(int code, const std::string& message);

// One image of the data set (datasets.h).
Shape cli_input_shape(const std::string& dataset);

// Loads the train (or test) split of opts.dataset from opts.data_dir (or the default folder). Returns 0, or
// prints the problem and returns the exit code: kExitUsage when the folder does not exist (a wrong --data),
// kExitData when a file is missing or bad.
int cli_load_dataset(const CliOptions& opts, bool train, Dataset& out);

// The model of --model (or the dataset's preset) for the dataset's input shape, planned (model_plan: nothing
// allocated), or built once a training run of it at `batch` fits the memory limit (--memory-limit).
Result<Model> cli_plan_model(const CliOptions& opts);
Result<Model> cli_build_model(const CliOptions& opts, int batch);
// Whether `need` bytes for `what` fit the memory limit; the message says what to change.
Status cli_memory_check(uint64_t need, const std::string& what);

// The image `index` of `data` as floats in [0, 1] (the probe whose feature maps are drawn).
std::vector<float> cli_probe_image(const Dataset& data, size_t index);

}  // namespace convlens
