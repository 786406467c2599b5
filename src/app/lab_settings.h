// lab_settings.h: what a user can set for one training run, its limits and its defaults — shared by the
// URL parser, the UI's sliders and the JS API, so a value means the same thing everywhere.
//
// Defaults are the book's: the MNIST CNN, Adam at 1e-3, validation_split 0.2, and Keras fit()'s batch of 32.
// Not here: parsing (url_params.h), running (lab.h).
#pragma once
#include <cstdint>
#include <string>

#include "optimizer.h"

namespace convlens {

struct LabSettings {
  std::string dataset = "mnist";  // "mnist" or "fashion"
  std::string model = "mnist";    // a preset name or a one-line spec (model_spec.h)
  int epochs = 10;
  int batch = 32;                 // Keras fit()'s default batch size
  float lr = 1e-3f;
  OptimizerKind optimizer = OptimizerKind::Adam;
  float momentum = 0.9f;          // SGD only
  float val_split = 0.2f;         // the last fraction of the training images, as Keras' validation_split
  long subset = 0;                // use only the first N training images (quick runs); 0 = all
  uint64_t seed = 42;             // initial weights, shuffling and dropout
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

}  // namespace convlens
