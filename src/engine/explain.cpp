// explain.cpp: Grad-CAM and saliency through the model's own passes (see explain.h).
#include "explain.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace convlens {
namespace {

// Forward pass of `image` without Winograd, then backward from d score_c / d logits = one-hot(c), with the input
// gradient. Returns c (the predicted class when class_index < 0), or -1 if class_index is out of range.
int backward_from_score(Model& model, Workspace& ws, const float* image, int class_index) {
  workspace_reserve(ws, model, 1);
  std::copy(image, image + model.input.size(), ws.act[0].begin());
  ws.exact_ties = true;
  model_forward(model, ws, 1, false, nullptr);
  ws.exact_ties = false;
  const size_t count = model.layers.size();
  const float* logits = ws.act[count].data();
  const int k = model.num_classes;
  const int c = class_index < 0 ? int(std::max_element(logits, logits + k) - logits) : class_index;
  if (c >= k) return -1;
  std::fill(ws.dact[count].begin(), ws.dact[count].begin() + k, 0.0f);
  ws.dact[count][size_t(c)] = 1.0f;
  model_backward_from_logits(model, ws, 1, true);
  return c;
}

std::string class_error(const Model& model, int class_index) {
  return "class " + std::to_string(class_index) + " is not one of the model's classes 0.." +
         std::to_string(model.num_classes - 1);
}

}  // namespace

bool grad_cam_layer_ok(const Model& model, int layer) {
  if (layer < 0 || size_t(layer) >= model.layers.size()) return false;
  for (int i = 0; i <= layer; ++i)
    if (model.layers[size_t(i)].spec.kind == LayerKind::Flatten || model.layers[size_t(i)].spec.kind == LayerKind::Dense)
      return false;
  const Shape out = model.layers[size_t(layer)].out;
  return out.h * out.w > 1;
}

Result<Explanation> grad_cam(Model& model, Workspace& ws, const float* image, int layer, int class_index) {
  using R = Result<Explanation>;
  if (!grad_cam_layer_ok(model, layer))
    return R::fail("Grad-CAM needs a layer with feature maps (before flatten), not layer " + std::to_string(layer));
  Explanation e;
  e.layer = layer;
  e.class_index = backward_from_score(model, ws, image, class_index);
  if (e.class_index < 0) return R::fail(class_error(model, class_index));
  const Shape s = model.layers[size_t(layer)].out;  // A (h, w, F) is act[layer + 1], its gradient dact[layer + 1]
  const float* a = ws.act[size_t(layer) + 1].data();
  const float* da = ws.dact[size_t(layer) + 1].data();
  const int pixels = s.h * s.w;
  std::vector<double> alpha(size_t(s.c), 0.0);  // (F) the mean gradient of each map
  for (int p = 0; p < pixels; ++p)
    for (int f = 0; f < s.c; ++f) alpha[size_t(f)] += da[size_t(p) * s.c + f];
  for (double& v : alpha) v /= pixels;
  std::vector<float> cam(static_cast<size_t>(pixels));  // (h, w) ReLU(sum_f alpha_f A_f)
  for (int p = 0; p < pixels; ++p) {
    double sum = 0;
    for (int f = 0; f < s.c; ++f) sum += alpha[size_t(f)] * a[size_t(p) * s.c + f];
    cam[size_t(p)] = float(std::max(sum, 0.0));
  }
  e.shape = Shape{model.input.h, model.input.w, 1};
  e.data = resize_bilinear(cam.data(), s.h, s.w, e.shape.h, e.shape.w);
  const float top = *std::max_element(e.data.begin(), e.data.end());
  if (top > 0)
    for (float& v : e.data) v /= top;
  return R::success(std::move(e));
}

Result<Explanation> saliency(Model& model, Workspace& ws, const float* image, int class_index) {
  using R = Result<Explanation>;
  Explanation e;
  e.class_index = backward_from_score(model, ws, image, class_index);
  if (e.class_index < 0) return R::fail(class_error(model, class_index));
  const Shape in = model.input;
  const float* dx = ws.dact[0].data();  // (H, W, C)
  e.shape = Shape{in.h, in.w, 1};
  e.data.assign(size_t(in.h) * in.w, 0.0f);
  for (int p = 0; p < in.h * in.w; ++p)
    for (int c = 0; c < in.c; ++c) e.data[size_t(p)] = std::max(e.data[size_t(p)], std::fabs(dx[size_t(p) * in.c + c]));
  return R::success(std::move(e));
}

std::vector<float> resize_bilinear(const float* map, int h, int w, int out_h, int out_w) {
  assert(h > 0 && w > 0 && out_h > 0 && out_w > 0);
  std::vector<float> out(size_t(out_h) * out_w);
  // Source coordinate of an output pixel's centre, clamped to the map: (o + 0.5) * in / out - 0.5.
  auto source = [](int o, int in, int outn, int& i0, int& i1, float& t) {
    const float x = std::clamp((float(o) + 0.5f) * float(in) / float(outn) - 0.5f, 0.0f, float(in - 1));
    i0 = int(x);
    i1 = std::min(i0 + 1, in - 1);
    t = x - float(i0);
  };
  for (int y = 0; y < out_h; ++y) {
    int y0, y1;
    float ty;
    source(y, h, out_h, y0, y1, ty);
    for (int x = 0; x < out_w; ++x) {
      int x0, x1;
      float tx;
      source(x, w, out_w, x0, x1, tx);
      const float top = map[y0 * w + x0] * (1 - tx) + map[y0 * w + x1] * tx;
      const float bottom = map[y1 * w + x0] * (1 - tx) + map[y1 * w + x1] * tx;
      out[size_t(y) * out_w + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

}  // namespace convlens
