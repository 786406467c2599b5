// lab_settings.h: what a user can set for one training run, its limits and its defaults — shared by the
// URL parser, the UI's sliders and the JS API, so a value means the same thing everywhere.
//
// Defaults are the book's, as the engine's TrainConfig has them (so the page and the CLI agree): the MNIST CNN,
// Adam at 1e-3, batch 200, 10 epochs, validation_split 0.2.
// Not here: parsing (url_params.h), running (lab.h).
#pragma once
#include <cstdint>
#include <string>

#include "trainer.h"

namespace convlens {

struct LabSettings {
  std::string dataset = "mnist";  // "mnist" or "fashion"
  std::string model = "mnist";    // a preset name or a one-line spec (model_spec.h)
  int epochs = TrainConfig().epochs;
  int batch = TrainConfig().batch;
  float lr = OptimizerConfig().lr;
  OptimizerKind optimizer = OptimizerConfig().kind;
  float momentum = 0.9f;          // SGD only
  float val_split = TrainConfig().val_split;  // the last fraction of the training images, as Keras'
  long subset = 0;                // use only the first N training images (quick runs); 0 = all
  uint64_t seed = TrainConfig().seed;  // initial weights, shuffling and dropout
};

// Limits of what the UI and the URL accept (the engine's own limits are wider).
constexpr int kLabMaxEpochs = 1000;
constexpr int kLabMaxBatch = 4096;
constexpr float kLabMaxLr = 10.0f;
constexpr float kLabMaxValSplit = 0.9f;
constexpr long kLabMinSubset = 10;

// The data sets the app knows, in the order the UI lists them.
constexpr const char* kLabDatasets[] = {"mnist", "fashion"};
bool lab_dataset_known(const std::string& name);
const char* lab_dataset_title(const std::string& name);  // "MNIST digits", "Fashion-MNIST"

// What a run of `plan` (model_plan) at `batch` needs in the app: the trainer's run (Trainer::memory_bytes) and
// the Lab's own copies of the weights. lab_memory_check compares it with the budget (memory.h), before anything
// is built: a message says how much is needed, how much there is, and what to change.
uint64_t lab_memory_bytes(const Model& plan, int batch);
Status lab_memory_check(const Model& plan, int batch);

}  // namespace convlens
