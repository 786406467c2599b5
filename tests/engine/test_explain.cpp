// test_explain.cpp: Grad-CAM and saliency (explain.h) — a hand-built model whose answer is known, saliency
// against finite differences of the class score, bad layers and classes, and the exact-ties forward pass the
// explanations use (equal inputs give equal convolution outputs, which Winograd's rounding does not promise).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "explain.h"
#include "model.h"
#include "rng.h"

using namespace convlens;
using Catch::Matchers::Contains;

namespace {

Model build(const std::string& spec, Shape input, int classes) {
  Result<Model> r = model_build(spec, input, classes);
  INFO(r.error);
  REQUIRE(r.ok());
  return std::move(r.value);
}

// conv1k1 (w 1, b 0, ReLU) on (4,4,1), then dense2 with W[:,0] = 1 and W[:,1] = -1: score_0 = sum x, score_1 = -sum x.
Model one_filter_model() {
  Model m = build("conv1k1-flat-dense2", Shape{4, 4, 1}, 2);
  std::fill(m.params.begin(), m.params.end(), 0.0f);
  const Layer& conv = m.layers[0];
  m.params[conv.w_offset] = 1.0f;
  const Layer& dense = m.layers[2];
  for (int i = 0; i < 16; ++i) {
    m.params[dense.w_offset + size_t(i) * 2] = 1.0f;
    m.params[dense.w_offset + size_t(i) * 2 + 1] = -1.0f;
  }
  return m;
}

float logit(Model& m, Workspace& ws, const std::vector<float>& image, int c) {
  workspace_reserve(ws, m, 1);
  std::copy(image.begin(), image.end(), ws.act[0].begin());
  ws.exact_ties = true;
  model_forward(m, ws, 1, false, nullptr);
  ws.exact_ties = false;
  return ws.act.back()[size_t(c)];
}

}  // namespace

TEST_CASE("Grad-CAM and saliency of a one-filter model are what the formulas give", "[explain]") {
  Model m = one_filter_model();
  Workspace ws;
  std::vector<float> x(16);
  for (int i = 0; i < 16; ++i) x[size_t(i)] = 0.1f + 0.05f * float(i);  // all > 0: the ReLU passes everything
  // Class 0: alpha = mean d(sum x)/dA = 1, cam = ReLU(A) = x, scaled to a largest value of 1.
  Result<Explanation> cam = grad_cam(m, ws, x.data(), 0, 0);
  REQUIRE(cam.ok());
  CHECK(cam.value.class_index == 0);
  CHECK(cam.value.shape == Shape{4, 4, 1});
  for (int i = 0; i < 16; ++i) CHECK(cam.value.data[size_t(i)] == Approx(x[size_t(i)] / x[15]).epsilon(1e-6));
  // Class 1: alpha = -1, cam = ReLU(-A) = 0.
  cam = grad_cam(m, ws, x.data(), 0, 1);
  REQUIRE(cam.ok());
  CHECK(*std::max_element(cam.value.data.begin(), cam.value.data.end()) == 0.0f);
  // No class given: the predicted one (score_0 = sum x > 0 > score_1).
  CHECK(grad_cam(m, ws, x.data(), 0, -1).value.class_index == 0);
  // Saliency: |d score_c / d x| = |W[:, c]| = 1 where the ReLU passes.
  for (int c : {0, 1}) {
    Result<Explanation> s = saliency(m, ws, x.data(), c);
    REQUIRE(s.ok());
    for (float v : s.value.data) CHECK(v == Approx(1.0f));
  }
}

TEST_CASE("saliency is |d score / d image| by finite differences", "[explain]") {
  Model m = build("conv4k3-pool2-conv6k3-flat-dense10", Shape{8, 8, 1}, 10);
  model_init(m, 3);
  Rng rng(11);
  std::vector<float> x(64);
  for (float& v : x) v = rng.uniform();  // no ties: the max-pools route the gradient one way
  Workspace ws;
  for (int c : {2, 7}) {
    Result<Explanation> s = saliency(m, ws, x.data(), c);
    REQUIRE(s.ok());
    double worst = 0;
    for (int i = 0; i < 64; ++i) {
      const float h = 1e-3f, keep = x[size_t(i)];
      x[size_t(i)] = keep + h;
      const double up = logit(m, ws, x, c);
      x[size_t(i)] = keep - h;
      const double down = logit(m, ws, x, c);
      x[size_t(i)] = keep;
      worst = std::max(worst, std::fabs(std::fabs(up - down) / (2 * h) - s.value.data[size_t(i)]));
    }
    INFO("class " << c);
    CHECK(worst < 2e-3);
  }
}

TEST_CASE("Grad-CAM refuses layers without maps and classes the model lacks", "[explain]") {
  Model m = build("conv4k3-pool2-flat-dense10", Shape{8, 8, 1}, 10);
  model_init(m, 1);
  Workspace ws;
  std::vector<float> x(64, 0.5f);
  CHECK(grad_cam_layer_ok(m, 0));
  CHECK(grad_cam_layer_ok(m, 1));
  CHECK_FALSE(grad_cam_layer_ok(m, 2));  // flatten
  CHECK_FALSE(grad_cam_layer_ok(m, 3));
  CHECK_FALSE(grad_cam_layer_ok(m, -1));
  CHECK_THAT(grad_cam(m, ws, x.data(), 2, 0).error, Contains("before flatten"));
  CHECK_THAT(grad_cam(m, ws, x.data(), 0, 10).error, Contains("class 10"));
  CHECK_THAT(saliency(m, ws, x.data(), 12).error, Contains("0..9"));
  // Layer 1 (pooled, 4x4) is resized to the image's 8x8.
  Result<Explanation> cam = grad_cam(m, ws, x.data(), 1, -1);
  REQUIRE(cam.ok());
  CHECK(cam.value.data.size() == 64);
}

TEST_CASE("the explanations' forward pass keeps ties: equal inputs, equal outputs", "[explain]") {
  // The book's model on a blank image: conv1 gives the same output everywhere inside; so must conv2 (5x5 on 16
  // channels, which training runs as Winograd) at every pixel whose 5x5 window lies inside the blank.
  Model m = build("mnist", Shape{28, 28, 1}, 10);
  model_init(m, 5);
  Rng rng(2);
  for (const Layer& l : m.layers)
    for (int f = 0; f < int(l.b_count); ++f) m.params[l.b_offset + size_t(f)] = 0.1f * rng.uniform();
  Workspace ws;
  const std::vector<float> blank(784, 0.0f);
  logit(m, ws, blank, 0);  // exact_ties, as grad_cam and saliency run it
  const Shape out = m.layers[2].out;  // conv2d_1: (14, 14, 36)
  const float* y = ws.act[3].data();
  int differ = 0;
  for (int py = 2; py < out.h - 2; ++py)
    for (int px = 2; px < out.w - 2; ++px)
      for (int f = 0; f < out.c; ++f) differ += y[(size_t(py) * out.w + px) * out.c + f] != y[(2 * size_t(out.w) + 2) * out.c + f];
  CHECK(differ == 0);
}

TEST_CASE("resize_bilinear: same size is a copy, constant stays constant, corners stay put", "[explain]") {
  const std::vector<float> map = {1, 2, 3, 4};  // (2, 2)
  CHECK(resize_bilinear(map.data(), 2, 2, 2, 2) == map);
  const std::vector<float> big = resize_bilinear(map.data(), 2, 2, 4, 4);
  CHECK(big[0] == 1.0f);
  CHECK(big[15] == 4.0f);
  CHECK(big[5] == Approx(1.0f * 0.5625f + 2.0f * 0.1875f + 3.0f * 0.1875f + 4.0f * 0.0625f));
  const std::vector<float> flat(9, 0.25f);
  for (float v : resize_bilinear(flat.data(), 3, 3, 28, 28)) CHECK(v == Approx(0.25f));
}
