// test_model.cpp: the whole model — gradient check of the MNIST preset end to end, the book's feature-map
// shapes, feature maps leaving the training state alone, and bit-identical determinism.
#include <catch2/catch.hpp>

#include <cstring>

#include "gradcheck.h"
#include "model.h"
#include "optimizer.h"

using namespace convlens;

namespace {

Model mnist_model(uint64_t seed) {
  Result<Model> m = model_build("mnist", {28, 28, 1}, 10);
  REQUIRE(m.ok());
  model_init(m.value, seed);
  return m.value;
}

// A batch of n random-ish 28x28 "images" and labels, deterministic.
void random_batch(const Model& model, Workspace& ws, int n, uint64_t seed, std::vector<uint8_t>& labels) {
  Rng rng(seed);
  std::vector<uint8_t> pixels(size_t(n) * model.input.size());
  for (uint8_t& p : pixels) p = uint8_t(rng.below(256));
  labels.resize(size_t(n));
  for (uint8_t& l : labels) l = uint8_t(rng.below(10));
  workspace_reserve(ws, model, n);
  model_set_input_u8(model, ws, pixels.data(), n);
}

}  // namespace

TEST_CASE("the MNIST model's gradients match finite differences (dropout off)", "[model][gradcheck]") {
  Model model = mnist_model(3);
  Workspace ws;
  std::vector<uint8_t> labels;
  const int n = 2;
  random_batch(model, ws, n, 4, labels);
  const std::vector<float> input(ws.act[0].begin(), ws.act[0].begin() + n * 784);
  auto loss = [&] {
    std::copy(input.begin(), input.end(), ws.act[0].begin());
    model_forward(model, ws, n, false, nullptr);
    return model_softmax(model, ws, labels.data(), n, nullptr) / n;
  };
  loss();
  model_backward(model, ws, labels.data(), n, /*input_grad=*/true);
  const std::vector<float> dinput(ws.dact[0].begin(), ws.dact[0].begin() + n * 784);

  // Through 9 float32 layers a perturbation of a first-layer weight moves ~800 activations, some across a ReLU or
  // max-pool kink, so entries disagree by a few percent while the whole vector agrees to ~1% (a real bug, such
  // as a transposed weight layout, gives a relative error near 1). eps = 3e-4 balances kinks and rounding.
  const float eps = 3e-4f, tolerance = 3e-2;
  // Every parameterised layer's weights and biases, a spread of entries each.
  for (const Layer& l : model.layers) {
    if (l.param_count() == 0) continue;
    std::vector<size_t> idx;
    for (size_t i : convlens_test::spread_indices(l.w_count, 60)) idx.push_back(l.w_offset + i);
    for (size_t i : convlens_test::spread_indices(l.b_count, 10)) idx.push_back(l.b_offset + i);
    const auto r =
        convlens_test::compare_gradients(l.name + " params", model.params.data(), model.grads.data(), idx, loss, eps);
    CHECK(r.rel_error < tolerance);
  }
  // The input gradient (what saliency maps and Grad-CAM build on).
  std::vector<float> x = input;
  auto loss_x = [&] {
    std::copy(x.begin(), x.end(), ws.act[0].begin());
    model_forward(model, ws, n, false, nullptr);
    return model_softmax(model, ws, labels.data(), n, nullptr) / n;
  };
  const auto r = convlens_test::compare_gradients("input", x.data(), dinput.data(),
                                                  convlens_test::spread_indices(x.size(), 120), loss_x, eps);
  CHECK(r.rel_error < tolerance);
}

TEST_CASE("feature maps of the MNIST preset: the book's first four shapes, every layer named", "[model][feature_maps]") {
  Model model = mnist_model(5);
  Workspace ws;
  std::vector<float> image(784, 0.0f);
  for (int i = 200; i < 600; i += 3) image[i] = 1.0f;
  const std::vector<FeatureMap> maps = model_feature_maps(model, ws, image.data());
  REQUIRE(maps.size() == model.layers.size());
  CHECK(maps[0].shape == Shape{28, 28, 16});
  CHECK(maps[1].shape == Shape{14, 14, 16});
  CHECK(maps[2].shape == Shape{14, 14, 36});
  CHECK(maps[3].shape == Shape{7, 7, 36});
  CHECK(maps[2].title() == "layer 2 conv2d_1 (1, 14, 14, 36)");
  for (const FeatureMap& fm : maps) CHECK(fm.data.size() == fm.shape.size());
  // Conv outputs are post-ReLU; the pooled map is the max of its window.
  for (float v : maps[0].data) REQUIRE(v >= 0.0f);
  const FeatureMap& c = maps[0];
  const FeatureMap& p = maps[1];
  for (int ch = 0; ch < 16; ++ch) {
    const float a = c.data[(0 * 28 + 0) * 16 + ch], b = c.data[(0 * 28 + 1) * 16 + ch];
    const float d = c.data[(1 * 28 + 0) * 16 + ch], e = c.data[(1 * 28 + 1) * 16 + ch];
    CHECK(p.data[ch] == std::max(std::max(a, b), std::max(d, e)));
  }
}

TEST_CASE("feature maps leave the training workspace and parameters untouched", "[model][feature_maps]") {
  Model model = mnist_model(6);
  Workspace train_ws, probe_ws;
  std::vector<uint8_t> labels;
  random_batch(model, train_ws, 4, 7, labels);
  Rng rng(1);
  model_forward(model, train_ws, 4, true, &rng);
  const FloatBuffer logits_before = train_ws.act.back();
  const FloatBuffer params_before = model.params;
  std::vector<float> image(784, 0.5f);
  model_feature_maps(model, probe_ws, image.data());
  CHECK(train_ws.act.back() == logits_before);
  CHECK(model.params == params_before);
}

TEST_CASE("same seed, same data: bit-identical weights after several Adam steps", "[model][determinism]") {
  auto train_steps = [](uint64_t seed) {
    Model model = mnist_model(seed);
    Workspace ws;
    Optimizer opt = optimizer_make(OptimizerConfig{}, model.params.size());
    Rng rng(seed);
    for (int step = 0; step < 3; ++step) {
      std::vector<uint8_t> labels;
      random_batch(model, ws, 8, 100 + step, labels);
      model_forward(model, ws, 8, true, &rng);  // dropout on: masks come from the seeded rng
      model_softmax(model, ws, labels.data(), 8, nullptr);
      model_backward(model, ws, labels.data(), 8);
      optimizer_step(opt, model.params.data(), model.grads.data(), model.params.size());
    }
    return model.params;
  };
  const FloatBuffer a = train_steps(11), b = train_steps(11), c = train_steps(12);
  REQUIRE(a.size() == b.size());
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
  CHECK(a != c);
}

TEST_CASE("training steps on a fixed batch drive the loss down", "[model][training]") {
  Result<Model> built = model_build("conv4k3-pool2-flat-dense16-dense3", {8, 8, 1}, 3);
  REQUIRE(built.ok());
  Model model = built.value;
  model_init(model, 2);
  Workspace ws;
  std::vector<uint8_t> labels;
  random_batch(model, ws, 12, 3, labels);
  for (uint8_t& l : labels) l = l % 3;
  OptimizerConfig config;
  config.lr = 0.01f;
  Optimizer opt = optimizer_make(config, model.params.size());
  const std::vector<float> input(ws.act[0].begin(), ws.act[0].begin() + 12 * 64);
  double first = 0, last = 0;
  for (int step = 0; step < 60; ++step) {
    std::copy(input.begin(), input.end(), ws.act[0].begin());
    model_forward(model, ws, 12, false, nullptr);
    const double loss = model_softmax(model, ws, labels.data(), 12, nullptr) / 12;
    if (step == 0) first = loss;
    last = loss;
    model_backward(model, ws, labels.data(), 12);
    optimizer_step(opt, model.params.data(), model.grads.data(), model.params.size());
  }
  INFO("loss " << first << " -> " << last);
  CHECK(last < 0.2 * first);
}
