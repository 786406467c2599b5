// cli_session.cpp: data, model and probe set-up shared by the CLI commands (see cli_session.h).
#include "cli_session.h"

#include <cstdio>
#include <filesystem>

#include "data_files.h"
#include "datasets.h"
#include "kernels/threads.h"
#include "memory.h"
#include "trainer.h"

namespace convlens {

int cli_fail(int code, const std::string& message) {
  std::fprintf(stderr, "convlens: %s\n", message.c_str());
  return code;
}

Shape cli_input_shape(const std::string& dataset) { return dataset_info(dataset)->input; }

int cli_load_dataset(const CliOptions& opts, bool train, Dataset& out) {
  const std::string dir = opts.data_dir.empty() ? cli_default_data_dir(opts.dataset) : opts.data_dir;
  const Status s = dataset_load_dir(dir, opts.dataset, train, out);
  if (s.ok()) return 0;
  // The loader's message says what is wrong and how to get the data; only the exit code is decided here.
  std::error_code ec;
  return cli_fail(std::filesystem::is_directory(dir, ec) ? kExitData : kExitUsage, s.error);
}

Result<Model> cli_plan_model(const CliOptions& opts) {
  const DatasetInfo& d = *dataset_info(opts.dataset);
  return model_plan(opts.model.empty() ? d.model : opts.model, d.input, int(d.classes.size()));
}

Status cli_memory_check(uint64_t need, const std::string& what) {
  return memory_check(need, what, "lower --batch, or the model's filters and units (or raise --memory-limit)");
}

Result<Model> cli_build_model(const CliOptions& opts, int batch) {
  Result<Model> plan = cli_plan_model(opts);
  if (!plan.ok()) return plan;
  const Status fits = cli_memory_check(Trainer::memory_bytes(plan.value, batch, engine_threads()),
                                       "the model " + plan.value.spec + " at batch " + std::to_string(batch));
  if (!fits.ok()) return Result<Model>::fail(fits.error);
  return model_build(plan.value.spec, plan.value.input, plan.value.num_classes);
}

std::vector<float> cli_probe_image(const Dataset& data, size_t index) {
  const uint8_t* img = data.image(index);
  std::vector<float> probe(data.shape.size());
  for (size_t i = 0; i < probe.size(); ++i) probe[i] = img[i] / 255.0f;
  return probe;
}

}  // namespace convlens
