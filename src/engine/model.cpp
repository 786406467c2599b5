// model.cpp: building a model from its spec, Keras-style naming and summary, and the batch passes that call
// the layer kernels of layers.h in order.
#include "model.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>

#include "kernels/scratch.h"
#include "kernels/threads.h"
#include "layers.h"

namespace convlens {
namespace {

constexpr size_t kMaxActivation = size_t(1) << 26;  // values per image in any layer (256 MB of floats)
constexpr int kMaxSide = 1 << 16;                    // an input's height, width or channels

// Output shape of one layer, or an error when the input is unsuitable.
Result<Shape> layer_output_shape(const LayerSpec& s, Shape in, const std::string& name) {
  using R = Result<Shape>;
  const std::string at = "layer " + name + " (input " + in.to_keras() + "): ";
  switch (s.kind) {
    case LayerKind::Conv2D: {
      if (!(in.h > 1 || in.w > 1) && s.kernel > 1 && s.padding == Padding::Valid)
        return R::fail(at + "a " + std::to_string(s.kernel) + "x" + std::to_string(s.kernel) + " valid convolution needs a larger image");
      Shape out{in.h, in.w, s.units};
      if (s.padding == Padding::Valid) { out.h = in.h - s.kernel + 1; out.w = in.w - s.kernel + 1; }
      if (out.h < 1 || out.w < 1)
        return R::fail(at + "the image is smaller than the " + std::to_string(s.kernel) + "x" + std::to_string(s.kernel) + " kernel");
      return R::success(out);
    }
    case LayerKind::MaxPool2D: {
      Shape out{in.h / s.pool, in.w / s.pool, in.c};
      if (out.h < 1 || out.w < 1) return R::fail(at + "the image is smaller than the pool size " + std::to_string(s.pool));
      return R::success(out);
    }
    case LayerKind::ReLU:
    case LayerKind::Dropout: return R::success(in);
    case LayerKind::Flatten:
      if (in.size64() > kMaxActivation) return R::fail(at + "too many values to flatten");
      return R::success(Shape{1, 1, int(in.size())});
    case LayerKind::Dense:
      if (!in.is_flat()) return R::fail(at + "dense layers need a flat input: put 'flat' before " + name);
      return R::success(Shape{1, 1, s.units});
  }
  return R::fail(at + "unknown layer kind");
}

std::string with_thousands(size_t v) {
  std::string digits = std::to_string(v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// The per-batch normalisation: uint8 pixels 0..255 to floats in [0, 1].
void pixels_to_unit(const uint8_t* pixels, size_t count, float* out) {
  for (size_t i = 0; i < count; ++i) out[i] = pixels[i] * (1.0f / 255.0f);
}

std::string pad_right(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

Result<Model> model_plan(const std::string& spec_or_preset, Shape input, int num_classes) {
  using R = Result<Model>;
  Result<std::vector<LayerSpec>> specs = spec_parse(spec_or_preset);
  if (!specs.ok()) return R::fail(specs.error);
  // Each side first: a product of three huge sides could wrap around 64 bits to a small size.
  if (input.h < 1 || input.w < 1 || input.c < 1 || input.h > kMaxSide || input.w > kMaxSide || input.c > kMaxSide ||
      input.size64() > kMaxActivation)
    return R::fail("input shape " + input.to_keras() + " is not usable");
  Model model;
  model.spec = spec_to_string(specs.value);
  model.input = input;
  model.num_classes = num_classes;
  std::map<std::string, int> seen;  // Keras numbering: conv2d, conv2d_1, conv2d_2, ...
  Shape shape = input;
  size_t offset = 0;
  for (const LayerSpec& s : specs.value) {
    Layer layer;
    layer.spec = s;
    const std::string base = layer_kind_base_name(s.kind);
    const int count = seen[base]++;
    layer.name = count == 0 ? base : base + "_" + std::to_string(count);
    layer.in = shape;
    Result<Shape> out = layer_output_shape(s, shape, layer.name);
    if (!out.ok()) return R::fail("model spec '" + model.spec + "': " + out.error);
    layer.out = out.value;
    if (layer.out.size64() > kMaxActivation)
      return R::fail("model spec '" + model.spec + "': " + layer.name + " would output " + layer.out.to_keras() +
                     ", more than " + std::to_string(kMaxActivation) + " values per image: too large for this lab");
    // Counted in 64 bits: size_t is 32 bits in WebAssembly, where an absurd model would wrap to a small one.
    uint64_t w_count = 0, b_count = 0;
    if (s.kind == LayerKind::Conv2D) w_count = uint64_t(s.kernel) * uint64_t(s.kernel) * uint64_t(shape.c) * uint64_t(s.units);
    if (s.kind == LayerKind::Dense) w_count = shape.size64() * uint64_t(s.units);
    if (s.kind == LayerKind::Conv2D || s.kind == LayerKind::Dense) b_count = uint64_t(s.units);
    if (uint64_t(offset) + w_count + b_count > (uint64_t(1) << 28))
      return R::fail("model spec '" + model.spec + "' has more than 268M parameters at " + layer.name + ": too large for this lab");
    layer.w_count = size_t(w_count);
    layer.b_count = size_t(b_count);
    layer.w_offset = offset;
    layer.b_offset = offset + layer.w_count;
    offset += layer.param_count();
    model.layers.push_back(layer);
    shape = layer.out;
  }
  if (shape.c != num_classes)
    return R::fail("model spec '" + model.spec + "': the last dense layer has " + std::to_string(shape.c) +
                   " units but the data has " + std::to_string(num_classes) + " classes");
  model.param_count = offset;
  return R::success(std::move(model));
}

Result<Model> model_build(const std::string& spec_or_preset, Shape input, int num_classes) {
  Result<Model> r = model_plan(spec_or_preset, input, num_classes);
  if (r.ok()) {
    r.value.params.assign(r.value.param_count, 0.0f);
    r.value.grads.assign(r.value.param_count, 0.0f);
  }
  return r;
}

void model_init(Model& model, uint64_t seed) {
  Rng rng(seed);
  for (const Layer& l : model.layers) {
    if (l.w_count == 0) continue;
    // Glorot uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out)); conv fans include the receptive field.
    const double receptive = l.spec.kind == LayerKind::Conv2D ? double(l.spec.kernel) * l.spec.kernel : 1.0;
    const double fan_in = receptive * (l.spec.kind == LayerKind::Conv2D ? l.in.c : double(l.in.size()));
    const double fan_out = receptive * l.spec.units;
    const float limit = float(std::sqrt(6.0 / (fan_in + fan_out)));
    float* w = model.params.data() + l.w_offset;
    for (size_t i = 0; i < l.w_count; ++i) w[i] = rng.uniform(-limit, limit);
    std::fill(model.params.begin() + l.b_offset, model.params.begin() + l.b_offset + l.b_count, 0.0f);
  }
}

std::string model_summary(const Model& model) {
  const size_t w1 = 36, w2 = 24, w3 = 12, total_width = w1 + w2 + w3;
  const std::string thin(total_width, '_'), thick(total_width, '=');
  std::string s = "Model: \"sequential\"\n" + thin + "\n";
  s += pad_right(" Layer (type)", w1) + pad_right("Output Shape", w2) + "Param #\n" + thick + "\n";
  size_t total = 0;
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& l = model.layers[i];
    total += l.param_count();
    s += pad_right(" " + l.name + " (" + layer_kind_class(l.spec.kind) + ")", w1) + pad_right(l.out.to_keras(), w2) +
         with_thousands(l.param_count()) + "\n";
    if (i + 1 < model.layers.size()) s += "\n";
  }
  s += thick + "\nTotal params: " + with_thousands(total) + "\nTrainable params: " + with_thousands(total) +
       "\nNon-trainable params: 0\n" + thin + "\n";
  return s;
}

double model_flops_per_sample(const Model& model, bool training) {
  double forward = 0.0, backward = 0.0;
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& l = model.layers[i];
    double macs = 0.0;
    if (l.spec.kind == LayerKind::Conv2D) macs = double(l.out.h) * l.out.w * l.out.c * l.spec.kernel * l.spec.kernel * l.in.c;
    if (l.spec.kind == LayerKind::Dense) macs = double(l.in.size()) * l.out.c;
    forward += 2.0 * macs;
    backward += 2.0 * macs * (i == 0 ? 1.0 : 2.0);  // weight gradient, plus input gradient except for layer 0
  }
  return training ? forward + backward : forward;
}

// The one place that sizes a Workspace: calls size(buffer, values) with each buffer a batch of n needs and its
// length (counted in 64 bits: a 32-bit size_t would wrap an absurd size to a small one). Buffer is the member
// it belongs to, e.g. &ws.act[3] (the vectors of buffers must already hold L + 1 and L entries).
template <class Size>
void workspace_layout(Workspace& ws, const Model& model, int n, Size&& size) {
  const uint64_t batch = uint64_t(n);
  size(&ws.act[0], batch * model.input.size64());
  size(&ws.dact[0], batch * model.input.size64());
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& l = model.layers[i];
    const uint64_t out = batch * l.out.size64();
    size(&ws.act[i + 1], out);
    size(&ws.dact[i + 1], out);
    if (l.spec.kind == LayerKind::Conv2D) size(&ws.scratch[i], conv2d_scratch_floats(n, l.in, l.spec.kernel, l.out));
    if (l.spec.kind == LayerKind::Dropout) size(&ws.scratch[i], out);
    if (l.spec.kind == LayerKind::MaxPool2D) size(&ws.argmax[i], out);
  }
  size(&ws.probs, batch * uint64_t(model.num_classes));
}

ThreadFloats model_thread_floats(const Model& model, int n) {
  ThreadFloats floats;  // the largest of any layer's: the layers run one at a time, each in the whole slices
  for (const Layer& l : model.layers) {
    if (l.spec.kind == LayerKind::Conv2D)
      floats = thread_floats_max(floats, conv2d_thread_floats(n, l.in, l.spec.kernel, l.out));
    if (l.spec.kind == LayerKind::Dense) floats = thread_floats_max(floats, dense_thread_floats(n, l.in.c, l.out.c));
  }
  return floats;
}

namespace {

// The workspace's per-thread scratch, grown (never shrunk) to hold `need` for `threads` threads.
ThreadScratch thread_scratch_reserve(Workspace& ws, ThreadFloats need, int threads) {
  ThreadFloats& have = ws.thread_floats;
  if (have.caller < need.caller || have.worker < need.worker || ws.threads < threads) {
    have = thread_floats_max(have, ThreadFloats{scratch_floats<float>(need.caller), scratch_floats<float>(need.worker)});
    ws.threads = std::max(ws.threads, threads);
    const uint64_t floats = thread_scratch_floats(have, ws.threads);
    assert(floats <= SIZE_MAX / sizeof(float));  // callers check memory_check (memory.h) first
    ws.thread_scratch.resize(size_t(floats));
  }
  return ThreadScratch{ws.thread_scratch.data(), have, ws.threads};
}

// The per-thread scratch for a pass over n samples on engine_threads() threads (grown if need be: the number of
// threads may have changed since workspace_reserve).
ThreadScratch thread_scratch(Workspace& ws, const Model& model, int n) {
  return thread_scratch_reserve(ws, model_thread_floats(model, n), engine_threads());
}

}  // namespace

void workspace_reserve(Workspace& ws, const Model& model, int n) {
  // Grows each buffer to what a batch of n needs and never shrinks one: a workspace serves batches of any size and
  // models of any shape in turn, and the first touch of its memory (page faults, most of a first batch) is paid once.
  const size_t count = model.layers.size();
  if (ws.act.size() < count + 1) ws.act.resize(count + 1), ws.dact.resize(count + 1);
  if (ws.scratch.size() < count) ws.scratch.resize(count), ws.argmax.resize(count);
  workspace_layout(ws, model, n, [](auto* buffer, uint64_t values) {
    assert(values <= SIZE_MAX / sizeof(float));  // callers check memory_check (memory.h) first
    if (buffer->size() < values) buffer->resize(size_t(values));
  });
  thread_scratch(ws, model, n);
}

uint64_t workspace_held_bytes(const Workspace& ws) {
  uint64_t bytes = (uint64_t(ws.probs.capacity()) + ws.thread_scratch.capacity()) * sizeof(float);
  for (const auto* list : {&ws.act, &ws.dact, &ws.scratch})
    for (const FloatBuffer& b : *list) bytes += uint64_t(b.capacity()) * sizeof(float);
  for (const std::vector<int32_t>& a : ws.argmax) bytes += uint64_t(a.capacity()) * sizeof(int32_t);
  return bytes;
}

uint64_t workspace_bytes(const Model& model, int n, int threads) {
  Workspace sizes;  // empty buffers: workspace_layout only names them
  sizes.act.resize(model.layers.size() + 1);
  sizes.dact.resize(model.layers.size() + 1);
  sizes.scratch.resize(model.layers.size());
  sizes.argmax.resize(model.layers.size());
  uint64_t bytes = 0;
  workspace_layout(sizes, model, n, [&](auto* buffer, uint64_t values) { bytes += values * sizeof((*buffer)[0]); });
  return bytes + thread_scratch_floats(model_thread_floats(model, n), threads) * sizeof(float);
}

uint64_t model_inference_bytes(const Model& model, int n, int threads) {
  return uint64_t(model.param_count) * sizeof(float) + workspace_bytes(model, n, threads);
}

void model_set_input_u8(const Model& model, Workspace& ws, const uint8_t* images, int n) {
  pixels_to_unit(images, size_t(n) * model.input.size(), ws.act[0].data());
}

void model_gather_batch(const Model& model, Workspace& ws, const Dataset& data, const uint32_t* indices, int n,
                        uint8_t* labels) {
  const size_t per = model.input.size();
  float* x = ws.act[0].data();
  for (int i = 0; i < n; ++i) {
    pixels_to_unit(data.image(indices[i]), per, x + size_t(i) * per);
    labels[i] = data.labels[indices[i]];
  }
}

void model_gather_range(const Model& model, Workspace& ws, const Dataset& data, size_t first, int n, uint8_t* labels) {
  model_set_input_u8(model, ws, data.image(first), n);
  std::copy(data.labels.begin() + long(first), data.labels.begin() + long(first) + n, labels);
}

void model_forward(const Model& model, Workspace& ws, int n, bool training, Rng* rng) {
  const ThreadScratch threads = thread_scratch(ws, model, n);
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& l = model.layers[i];
    const float* x = ws.act[i].data();
    float* y = ws.act[i + 1].data();
    const size_t count = size_t(n) * l.out.size();
    switch (l.spec.kind) {
      case LayerKind::Conv2D:
        conv2d_forward(x, n, l.in, model.weights(l), model.biases(l), l.spec.kernel, l.spec.padding, l.spec.relu,
                       l.out, ws.scratch[i].data(), threads, y, !ws.exact_ties);
        break;
      case LayerKind::MaxPool2D: maxpool_forward(x, n, l.in, l.spec.pool, l.out, y, ws.argmax[i].data()); break;
      case LayerKind::ReLU: relu_forward(x, count, y); break;
      case LayerKind::Dropout:
        dropout_forward(x, count, l.spec.rate, training ? rng : nullptr, ws.scratch[i].data(), y);
        break;
      case LayerKind::Flatten: std::copy(x, x + count, y); break;
      case LayerKind::Dense:
        dense_forward(x, n, int(l.in.size()), model.weights(l), model.biases(l), l.out.c, l.spec.relu, threads, y);
        break;
    }
  }
}

double model_softmax(const Model& model, Workspace& ws, const uint8_t* labels, int n, int* correct) {
  return softmax_xent_forward(ws.act.back().data(), labels, n, model.num_classes, ws.probs.data(), correct);
}

void model_backward(Model& model, Workspace& ws, const uint8_t* labels, int n, bool input_grad) {
  const size_t count = model.layers.size();
  softmax_xent_backward(ws.probs.data(), labels, n, model.num_classes, 1.0f / float(n), ws.dact[count].data());
  model_backward_from_logits(model, ws, n, input_grad);
}

void model_backward_from_logits(Model& model, Workspace& ws, int n, bool input_grad) {
  const ThreadScratch threads = thread_scratch(ws, model, n);
  const size_t count = model.layers.size();
  for (size_t i = count; i-- > 0;) {
    const Layer& l = model.layers[i];
    float* dy = ws.dact[i + 1].data();
    const float* y = ws.act[i + 1].data();
    const float* x = ws.act[i].data();
    float* dx = (i > 0 || input_grad) ? ws.dact[i].data() : nullptr;
    const size_t out_count = size_t(n) * l.out.size();
    float* dw = model.grads.data() + l.w_offset;
    float* db = model.grads.data() + l.b_offset;
    switch (l.spec.kind) {
      case LayerKind::Conv2D:
        conv2d_backward(dy, y, n, l.in, model.weights(l), l.spec.kernel, l.spec.padding, l.spec.relu, l.out,
                        ws.scratch[i].data(), threads, dw, db, dx);
        break;
      case LayerKind::MaxPool2D:
        if (dx) maxpool_backward(dy, n, l.in, l.out, ws.argmax[i].data(), dx);
        break;
      case LayerKind::ReLU:
        if (dx) relu_backward(dy, y, out_count, dx);
        break;
      case LayerKind::Dropout:
        if (dx) dropout_backward(dy, ws.scratch[i].data(), out_count, dx);
        break;
      case LayerKind::Flatten:
        if (dx) std::copy(dy, dy + out_count, dx);
        break;
      case LayerKind::Dense:
        dense_backward(dy, y, x, n, int(l.in.size()), model.weights(l), l.out.c, l.spec.relu, threads, dw, db, dx);
        break;
    }
  }
}

std::vector<FeatureMap> model_feature_maps(const Model& model, Workspace& ws, const float* image) {
  workspace_reserve(ws, model, 1);
  std::copy(image, image + model.input.size(), ws.act[0].begin());
  model_forward(model, ws, 1, false, nullptr);
  std::vector<FeatureMap> maps(model.layers.size());
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const Layer& l = model.layers[i];
    maps[i].layer_index = int(i);
    maps[i].layer_name = l.name;
    maps[i].shape = l.out;
    maps[i].data.assign(ws.act[i + 1].begin(), ws.act[i + 1].begin() + l.out.size());
  }
  return maps;
}

}  // namespace convlens
