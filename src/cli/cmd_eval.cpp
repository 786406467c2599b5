// cmd_eval.cpp: `convlens eval --load FILE` — rebuilds the saved model from the file's own spec, checks it fits
// the data set, and reports test loss and accuracy (and the probe's feature maps with --feature-maps).
#include <algorithm>
#include <cstdio>

#include "cli_session.h"
#include "commands.h"
#include "data_files.h"
#include "feature_map_files.h"
#include "kernels/threads.h"
#include "trainer.h"
#include "weights_file.h"

namespace convlens {

int cmd_eval(const CliOptions& opts) {
  if (opts.load_path.empty()) return cli_fail(kExitUsage, "eval needs --load FILE (weights saved by 'convlens train --save')");
  engine_set_threads(opts.threads);
  Result<std::vector<uint8_t>> bytes = file_read_bytes(opts.load_path);
  if (!bytes.ok()) return cli_fail(kExitData, bytes.error);
  Result<WeightsHeader> header = weights_read_header(bytes.value);
  if (!header.ok()) return cli_fail(kExitData, opts.load_path + ": " + header.error);
  // The header's model is planned, and checked against the file and the memory limit, before it is built.
  const WeightsHeader& h = header.value;
  Result<Model> built = model_plan(h.spec, h.input, h.num_classes);
  if (built.ok() && built.value.param_count != h.param_count)
    built.error = "the header's model " + built.value.spec + " has " + std::to_string(built.value.param_count) +
                  " parameters, the file " + std::to_string(h.param_count);
  Dataset test;
  if (built.ok()) {
    if (int code = cli_load_dataset(opts, false, test)) return code;
    const int batch = int(std::min(size_t(opts.train.batch), std::max<size_t>(test.size(), 1)));
    // The file's bytes are held while the model is read from them: its parameters count twice.
    const Status fits = cli_memory_check(uint64_t(h.param_count) * sizeof(float) +
                                             model_inference_bytes(built.value, batch, engine_threads()),
                                         "the model " + built.value.spec + " at batch " + std::to_string(batch));
    if (!fits.ok()) built.error = fits.error;
  }
  if (built.ok()) built = model_build(h.spec, h.input, h.num_classes);
  if (!built.ok()) return cli_fail(kExitData, opts.load_path + ": " + built.error);
  Model model = std::move(built.value);
  Status s = weights_deserialize(bytes.value, model);
  if (!s.ok()) return cli_fail(kExitData, opts.load_path + ": " + s.error);

  if (test.shape != model.input)
    return cli_fail(kExitUsage, "the model in " + opts.load_path + " expects images " + model.input.to_keras() +
                                    " but " + opts.dataset + " has " + test.shape.to_keras());
  std::printf("Model %s from %s\n", model.spec.c_str(), opts.load_path.c_str());
  Workspace ws;
  const EvalResult r = model_evaluate(model, ws, test, 0, test.size(), opts.train.batch);
  std::printf("Test loss: %.4f - test acc: %.4f (%zu images)\n", r.loss, r.acc, r.count);
  if (!opts.feature_maps_dir.empty()) {
    if (opts.probe < 0 || size_t(opts.probe) >= test.size())
      return cli_fail(kExitUsage, "--probe must be a test image index in 0.." + std::to_string(test.size() - 1));
    const std::vector<float> probe = cli_probe_image(test, size_t(opts.probe));
    s = feature_maps_write_pngs(model_feature_maps(model, ws, probe.data()), "eval", opts.cols, opts.feature_maps_dir);
    if (!s.ok()) return cli_fail(kExitData, s.error);
    std::printf("Feature maps of test image %d written to %s\n", opts.probe, opts.feature_maps_dir.c_str());
  }
  return 0;
}

int cmd_summary(const CliOptions& opts) {
  Result<Model> built = cli_plan_model(opts);  // a plan: printing needs no parameters
  if (!built.ok()) return cli_fail(kExitUsage, built.error);
  std::printf("%s", model_summary(built.value).c_str());
  std::printf("Spec: %s\nFLOPs per sample: %.2f M forward, %.2f M training step\n", built.value.spec.c_str(),
              model_flops_per_sample(built.value, false) / 1e6, model_flops_per_sample(built.value, true) / 1e6);
  return 0;
}

}  // namespace convlens
