// lab_settings.h: what a user can set for one training run, its limits and its defaults — shared by the
// URL parser, the UI's sliders and the JS API, so a value means the same thing everywhere.
//
// The run's settings are the engine's TrainConfig, with its defaults (the book's: Adam at 1e-3, batch 200,
// 10 epochs, validation_split 0.2) and ranges (trainer.h, optimizer.h), as the CLI has them too.
// Not here: parsing (url_params.h), running (lab.h).
#pragma once
#include <cstdint>
#include <string>

#include "datasets.h"
#include "trainer.h"

namespace convlens {

struct LabSettings {
  std::string dataset = "mnist";  // an id of datasets.h
  std::string model = "mnist";    // a preset name or a one-line spec (model_spec.h)
  // The run: epochs, batch, validation split, subset, seed, optimizer, with the engine's defaults and ranges.
  // The Lab adds only its snapshot schedule; the seed also draws the initial weights.
  TrainConfig train;
};

// What a run of `plan` (model_plan) at `batch` needs in the app: the trainer's run (Trainer::memory_bytes) and
// the Lab's own copies of the weights. lab_memory_check compares it with the budget (memory.h), before anything
// is built: a message says how much is needed, how much there is, and what to change.
uint64_t lab_memory_bytes(const Model& plan, int batch);
Status lab_memory_check(const Model& plan, int batch);

}  // namespace convlens
