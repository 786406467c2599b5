// cmd_eval.cpp: the commands on a saved model (--load FILE, rebuilt from the file's own spec and checked against
// the data set): `convlens eval` reports test loss and accuracy (and the probe's feature maps with
// --feature-maps); `convlens gradcam` writes the probe's Grad-CAM (explain.h) over the image as a PNG.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli_session.h"
#include "colormap.h"
#include "commands.h"
#include "data_files.h"
#include "explain.h"
#include "feature_map_files.h"
#include "kernels/threads.h"
#include "png_writer.h"
#include "trainer.h"
#include "weights_file.h"

namespace convlens {
namespace {

constexpr int kGradCamScale = 8;  // output pixels per input pixel

int last_conv_layer(const Model& model) {
  int last = -1;
  for (size_t l = 0; l < model.layers.size(); ++l)
    if (model.layers[l].spec.kind == LayerKind::Conv2D) last = int(l);
  return last;
}

// The probe in gray with the Grad-CAM over it in viridis (opaque where it is high), each pixel scale x scale: RGB.
std::vector<uint8_t> grad_cam_overlay(const std::vector<float>& probe, Shape in, const Explanation& cam, int scale) {
  const int w = in.w * scale, h = in.h * scale;
  std::vector<uint8_t> rgb(size_t(w) * size_t(h) * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const size_t p = size_t(y / scale) * size_t(in.w) + size_t(x / scale);
      const float gray = probe[p * size_t(in.c)], t = std::clamp(cam.data[p], 0.0f, 1.0f) * 0.7f;
      const Rgb c = colormap_at(Colormap::Viridis, cam.data[p]);
      const float mix[3] = {c.r, c.g, c.b};
      for (int k = 0; k < 3; ++k)
        rgb[(size_t(y) * size_t(w) + size_t(x)) * 3 + size_t(k)] = uint8_t(std::lround(255 * (gray * (1 - t) + mix[k] * t)));
    }
  return rgb;
}

// Reads --load: the header's model is planned, checked against the file and the memory limit (for inference over
// batches of --batch on the test set), built, and given the file's weights; `test` is loaded on the way. Returns
// 0 or the exit code (the message is printed).
int load_saved_model(const CliOptions& opts, const char* command, Model& model, Dataset& test) {
  if (opts.load_path.empty())
    return cli_fail(kExitUsage, std::string(command) + " needs --load FILE (weights saved by 'convlens train --save')");
  engine_set_threads(opts.threads);
  Result<std::vector<uint8_t>> bytes = file_read_bytes(opts.load_path);
  if (!bytes.ok()) return cli_fail(kExitData, bytes.error);
  Result<WeightsHeader> header = weights_read_header(bytes.value);
  if (!header.ok()) return cli_fail(kExitData, opts.load_path + ": " + header.error);
  const WeightsHeader& h = header.value;
  Result<Model> built = model_plan(h.spec, h.input, h.num_classes);
  if (built.ok() && built.value.param_count != h.param_count)
    built.error = "the header's model " + built.value.spec + " has " + std::to_string(built.value.param_count) +
                  " parameters, the file " + std::to_string(h.param_count);
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
  model = std::move(built.value);
  Status s = weights_deserialize(bytes.value, model);
  if (!s.ok()) return cli_fail(kExitData, opts.load_path + ": " + s.error);
  if (test.shape != model.input)
    return cli_fail(kExitUsage, "the model in " + opts.load_path + " expects images " + model.input.to_keras() +
                                    " but " + opts.dataset + " has " + test.shape.to_keras());
  if (opts.probe < 0 || size_t(opts.probe) >= test.size())
    return cli_fail(kExitUsage, "--probe must be a test image index in 0.." + std::to_string(test.size() - 1));
  return 0;
}

}  // namespace

int cmd_eval(const CliOptions& opts) {
  Model model;
  Dataset test;
  if (int code = load_saved_model(opts, "eval", model, test)) return code;
  std::printf("Model %s from %s\n", model.spec.c_str(), opts.load_path.c_str());
  Workspace ws;
  const EvalResult r = model_evaluate(model, ws, test, 0, test.size(), opts.train.batch);
  std::printf("Test loss: %.4f - test acc: %.4f (%zu images)\n", r.loss, r.acc, r.count);
  if (!opts.feature_maps_dir.empty()) {
    const std::vector<float> probe = cli_probe_image(test, size_t(opts.probe));
    const Status s = feature_maps_write_pngs(model_feature_maps(model, ws, probe.data()), "eval", opts.cols, opts.feature_maps_dir);
    if (!s.ok()) return cli_fail(kExitData, s.error);
    std::printf("Feature maps of test image %d written to %s\n", opts.probe, opts.feature_maps_dir.c_str());
  }
  return 0;
}

int cmd_gradcam(const CliOptions& opts) {
  if (opts.out_path.empty()) return cli_fail(kExitUsage, "gradcam needs --out FILE.png");
  Model model;
  Dataset test;
  if (int code = load_saved_model(opts, "gradcam", model, test)) return code;
  const std::vector<float> probe = cli_probe_image(test, size_t(opts.probe));
  Workspace ws;
  const int layer = opts.layer >= 0 ? opts.layer : last_conv_layer(model);
  Result<Explanation> cam = grad_cam(model, ws, probe.data(), layer, opts.class_index);
  if (!cam.ok()) return cli_fail(kExitUsage, cam.error);
  const Status s = png_write_rgb(cam.value.shape.w * kGradCamScale, cam.value.shape.h * kGradCamScale,
                                 grad_cam_overlay(probe, model.input, cam.value, kGradCamScale), opts.out_path);
  if (!s.ok()) return cli_fail(kExitData, s.error);
  std::printf("Grad-CAM of layer %d (%s) for class %d on test image %d (label %d) written to %s\n", layer,
              model.layers[size_t(layer)].name.c_str(), cam.value.class_index, opts.probe,
              int(test.labels[size_t(opts.probe)]), opts.out_path.c_str());
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
