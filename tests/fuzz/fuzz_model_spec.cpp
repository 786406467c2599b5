// fuzz_model_spec.cpp: libFuzzer harness for model specs: spec_parse and spec_to_string (model_spec.h),
// model_build, and, for small models, a forward and backward pass over a tiny batch (model.h) whose Conv2D and
// Dense layers are checked against the reference: im2col / col2im and the triple-loop GEMM (layers.h, gemm.h).
//
// Input: fuzz_common.h's ModelInput: input shape (up to 32x32x4), classes, batch (1..4), flags, spec text.
// Checks beyond "no crash, no sanitizer report":
//   - spec_to_string reads back as the same layers (model_spec.h promises it);
//   - model_build accepts exactly the models fuzz_common.h's rules accept, with the parameter count they give;
//   - small models (kMaxParams, kMaxActivations, kMaxMacs, below): a finite loss, probabilities summing to 1,
//     finite gradients, the model's FLOP count, feature maps of the layers' shapes, and for every Conv2D and Dense
//     layer its output, weight, bias and input gradients against the reference (within kTolerance of the sum of
//     the absolute terms). This covers the Winograd forward pass (5x5 kernels on 8+ channels) and the sparse
//     gradients (a convolution before a max-pool), which the engine picks by itself.
// Models above those sizes are built only up to kMaxBuildParams parameters, and larger valid ones are skipped.
// Not here: training over many batches (tests/engine), threads (the engine's default of one thread is used).
#include <cmath>

#include "fuzz_common.h"
#include "kernels/gemm.h"
#include "layers.h"
#include "model.h"

using namespace convlens;
using namespace convlens_fuzz;

namespace {

constexpr double kMaxParams = 100'000, kMaxActivations = 50'000, kMaxMacs = 1'000'000;  // per image
constexpr double kMaxBuildParams = 1 << 20;
constexpr double kTolerance = 1e-4;

bool same_layers(const std::vector<LayerSpec>& a, const std::vector<LayerSpec>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const LayerSpec &x = a[i], &y = b[i];
    if (x.kind != y.kind || x.units != y.units || x.kernel != y.kernel || x.padding != y.padding ||
        x.relu != y.relu || x.pool != y.pool || x.rate != y.rate)
      return false;
  }
  return true;
}

bool all_finite(const float* v, size_t count) {
  for (size_t i = 0; i < count; ++i)
    if (!std::isfinite(v[i])) return false;
  return true;
}

std::vector<float> absolute(const float* v, size_t count) {
  std::vector<float> out(v, v + count);
  for (float& x : out) x = std::fabs(x);
  return out;
}

// |got - want| <= kTolerance * magnitude + 1e-5 everywhere; magnitude: the same sum over absolute values.
void check_close(const float* got, const std::vector<float>& want, const std::vector<float>& magnitude,
                 const char* what, const Layer& l) {
  for (size_t i = 0; i < want.size(); ++i) {
    const double error = std::fabs(double(got[i]) - want[i]);
    if (!(error <= kTolerance * magnitude[i] + 1e-5))
      fuzz_check(false, what, l.name + " element " + std::to_string(i) + ": got " + std::to_string(got[i]) +
                                  ", reference " + std::to_string(want[i]) + " (magnitude " +
                                  std::to_string(magnitude[i]) + ")");
  }
}

// Layer i (Conv2D or Dense) of the batch of n just run forward and backward with input gradients, against the
// reference. As a GEMM: patches (M,KK) = im2col(x) for Conv2D, x itself (N,I) for Dense; y = patches w + b (then
// ReLU); dW = patches^T dy; dB = column sums of dy; dx = col2im(dy w^T) (dy w^T itself for Dense). dy is the
// layer's output gradient after its ReLU mask, as the backward pass leaves it in dact[i + 1]; dx is compared
// after the previous layer's fused ReLU masked it in place (where it has one).
void check_against_reference(const Model& model, const Workspace& ws, size_t i, int n) {
  const Layer& l = model.layers[i];
  const bool conv = l.spec.kind == LayerKind::Conv2D;
  const int k = conv ? l.spec.kernel : 1;
  const int m = conv ? n * l.out.h * l.out.w : n, kk = conv ? k * k * l.in.c : int(l.in.size()), f = l.out.c;
  const float* x = ws.act[i].data();
  std::vector<float> patches(size_t(m) * kk);
  if (conv) im2col(x, n, l.in, k, conv2d_pad_before(k, l.spec.padding), l.out, patches.data());
  else patches.assign(x, x + size_t(m) * kk);
  const float* w = model.weights(l);
  const float* b = model.biases(l);
  const std::vector<float> abs_patches = absolute(patches.data(), patches.size()), abs_w = absolute(w, l.w_count);

  std::vector<float> y(size_t(m) * f), y_mag(y.size());  // forward
  gemm_reference(Op::N, Op::N, m, f, kk, patches.data(), kk, w, f, y.data(), f, false);
  gemm_reference(Op::N, Op::N, m, f, kk, abs_patches.data(), kk, abs_w.data(), f, y_mag.data(), f, false);
  for (int r = 0; r < m; ++r)
    for (int j = 0; j < f; ++j) {
      float& v = y[size_t(r) * f + j];
      v += b[j];
      if (l.spec.relu && v < 0) v = 0;
      y_mag[size_t(r) * f + j] += std::fabs(b[j]);
    }
  check_close(ws.act[i + 1].data(), y, y_mag, "forward output against the reference", l);

  const float* dy = ws.dact[i + 1].data();  // weight and bias gradients
  const std::vector<float> abs_dy = absolute(dy, size_t(m) * f);
  if (l.spec.relu)
    for (size_t j = 0; j < y.size(); ++j)
      if (!(ws.act[i + 1][j] > 0.0f)) fuzz_check(dy[j] == 0.0f, "the ReLU masks the output gradient", l.name);
  std::vector<float> dw(l.w_count), dw_mag(l.w_count), db(f, 0.0f), db_mag(f, 0.0f);
  gemm_reference(Op::T, Op::N, kk, f, m, patches.data(), kk, dy, f, dw.data(), f, false);
  gemm_reference(Op::T, Op::N, kk, f, m, abs_patches.data(), kk, abs_dy.data(), f, dw_mag.data(), f, false);
  for (int r = 0; r < m; ++r)
    for (int j = 0; j < f; ++j) db[j] += dy[size_t(r) * f + j], db_mag[j] += abs_dy[size_t(r) * f + j];
  check_close(model.grads.data() + l.w_offset, dw, dw_mag, "weight gradient against the reference", l);
  check_close(model.grads.data() + l.b_offset, db, db_mag, "bias gradient against the reference", l);

  std::vector<float> dpatches(patches.size()), dpatches_mag(patches.size());  // input gradient
  gemm_reference(Op::N, Op::T, m, kk, f, dy, f, w, f, dpatches.data(), kk, false);
  gemm_reference(Op::N, Op::T, m, kk, f, abs_dy.data(), f, abs_w.data(), f, dpatches_mag.data(), kk, false);
  std::vector<float> dx(size_t(n) * l.in.size()), dx_mag(dx.size());
  if (conv) {
    col2im(dpatches.data(), n, l.in, k, conv2d_pad_before(k, l.spec.padding), l.out, dx.data());
    col2im(dpatches_mag.data(), n, l.in, k, conv2d_pad_before(k, l.spec.padding), l.out, dx_mag.data());
  } else {
    dx = dpatches, dx_mag = dpatches_mag;
  }
  const LayerSpec* previous = i > 0 ? &model.layers[i - 1].spec : nullptr;
  const bool masked = previous && previous->relu &&
                      (previous->kind == LayerKind::Conv2D || previous->kind == LayerKind::Dense);
  if (masked)
    for (size_t j = 0; j < dx.size(); ++j)
      if (!(x[j] > 0.0f)) dx[j] = 0.0f;
  check_close(ws.dact[i].data(), dx, dx_mag, "input gradient against the reference", l);
}

// One forward (training or inference) and backward pass over a batch of n, with every check of the header comment.
void run_small_model(Model& model, const ModelInput& in, const ModelCost& cost) {
  const int n = in.batch;
  model_init(model, in.flags);
  Workspace ws;
  workspace_reserve(ws, model, n);
  Rng rng(uint64_t(in.spec.size()) * 7919 + in.flags);
  std::vector<uint8_t> pixels(size_t(n) * model.input.size()), labels(n);
  for (uint8_t& p : pixels) p = uint8_t(rng.next_u32());
  for (int s = 0; s < n; ++s) labels[s] = uint8_t(s % model.num_classes);
  model_set_input_u8(model, ws, pixels.data(), n);

  const bool training = in.flags & 1;
  model_forward(model, ws, n, training, &rng);
  int correct = -1;
  const double loss = model_softmax(model, ws, labels.data(), n, &correct);
  fuzz_check(std::isfinite(loss) && loss >= 0 && correct >= 0 && correct <= n, "a finite loss, a correct count");
  for (int s = 0; s < n; ++s) {
    double sum = 0;
    for (int j = 0; j < model.num_classes; ++j) sum += ws.probs[size_t(s) * model.num_classes + j];
    fuzz_check(std::fabs(sum - 1.0) < 1e-4, "probabilities sum to 1");
  }
  model_backward(model, ws, labels.data(), n, true);
  fuzz_check(all_finite(model.grads.data(), model.grads.size()), "finite parameter gradients");
  fuzz_check(all_finite(ws.dact[0].data(), size_t(n) * model.input.size()), "finite input gradient");
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const LayerKind kind = model.layers[i].spec.kind;
    if (kind == LayerKind::Conv2D || kind == LayerKind::Dense) check_against_reference(model, ws, i, n);
  }
  fuzz_check(model_flops_per_sample(model, false) == 2 * cost.macs, "forward FLOPs are 2 per multiply-add");

  Workspace probe;  // the feature maps of the first image, in inference mode
  const std::vector<FeatureMap> maps = model_feature_maps(model, probe, ws.act[0].data());
  fuzz_check(maps.size() == model.layers.size(), "one feature map per layer");
  for (size_t i = 0; i < maps.size(); ++i)
    fuzz_check(maps[i].shape == model.layers[i].out && maps[i].data.size() == maps[i].shape.size(),
               "feature map shapes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < kModelHeaderBytes) return 0;
  const ModelInput in = fuzz_read_model_input(data, size);
  const Result<std::vector<LayerSpec>> layers = spec_parse(in.spec);
  if (!layers.ok()) {
    fuzz_check(!layers.error.empty(), "a rejected spec says why");
    return 0;
  }
  const std::string canonical = spec_to_string(layers.value);
  const Result<std::vector<LayerSpec>> again = spec_parse(canonical);
  fuzz_check(again.ok() && same_layers(again.value, layers.value), "spec_to_string reads back the same", canonical);
  fuzz_check(spec_to_string(again.value) == canonical, "the canonical form is stable", canonical);

  BuiltModel built = fuzz_build_model(layers.value, in.spec, in.input, in.num_classes, kMaxBuildParams);
  if (built.outcome == BuiltModel::kSkipped) return -1;  // too large to build here (not added to the corpus)
  if (built.outcome == BuiltModel::kRefused) return 0;
  Model& model = built.model;
  const ModelCost& cost = built.cost;
  fuzz_check(model.spec == canonical && model.layers.size() == layers.value.size(), "the model's spec and layers");
  fuzz_check(!model_summary(model).empty(), "a summary");
  if (cost.params > kMaxParams || cost.activations > kMaxActivations || cost.macs > kMaxMacs) return 0;
  run_small_model(model, in, cost);
  return 0;
}
