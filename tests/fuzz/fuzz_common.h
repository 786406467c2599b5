// fuzz_common.h: what the libFuzzer harnesses of tests/fuzz share: a check that stops the run on a broken
// invariant, the byte layouts of inputs that hold more than one file (read by the harnesses, written by
// fuzz_seeds.cpp, side by side here so the two cannot drift apart), the size of a model worked out from its spec
// before anything is allocated, and model_build checked against it.
//
// Not here: any one harness's checks, and the engine's own memory budget. Until the engine refuses models too
// large for the machine, the harnesses skip them themselves (fuzz_model_cost), so that a fuzzer reports bugs,
// not the out-of-memory it was asked to cause.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "model.h"
#include "model_spec.h"
#include "shape.h"

namespace convlens_fuzz {

using Bytes = std::vector<uint8_t>;

// Stops with a message when `ok` is false: libFuzzer reports the abort as a crash and saves the input.
inline void fuzz_check(bool ok, const char* what, const std::string& detail = "") {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %s%s%s\n", what, detail.empty() ? "" : ": ", detail.c_str());
  std::abort();
}

// Writes `bytes` to the file at `path` (replacing it).
inline void fuzz_write_file(const std::string& path, const Bytes& bytes) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

// ---- two files in one input ------------------------------------------------------------------------------
// A little-endian u16 length L, then L bytes of the first file (fewer if the input ends first), then the
// second file: the rest of the input.
struct FilePair {
  Bytes first, second;
};

inline FilePair fuzz_split_pair(const uint8_t* data, size_t size) {
  FilePair pair;
  if (size < 2) return pair;
  const size_t length = std::min<size_t>(size_t(data[0]) | size_t(data[1]) << 8, size - 2);
  pair.first.assign(data + 2, data + 2 + length);
  pair.second.assign(data + 2 + length, data + size);
  return pair;
}

inline Bytes fuzz_join_pair(const Bytes& first, const Bytes& second) {
  Bytes out = {uint8_t(first.size()), uint8_t(first.size() >> 8)};  // the seeds' first files are < 64 KiB
  out.insert(out.end(), first.begin(), first.end());
  out.insert(out.end(), second.begin(), second.end());
  return out;
}

// ---- a model spec with the shape of its data (fuzz_model_spec) --------------------------------------------
// Six bytes, then the spec text: input rows, columns and channels, classes, batch size and flags, each byte b
// read as 1 + b % limit (the flags as they are).
struct ModelInput {
  convlens::Shape input;
  int num_classes = 0;
  int batch = 0;
  uint8_t flags = 0;  // bit 0: a training pass (dropout on)
  std::string spec;
};
constexpr int kModelMaxSide = 32, kModelMaxChannels = 4, kModelMaxClasses = 16, kModelMaxBatch = 4;
constexpr size_t kModelHeaderBytes = 6;

inline ModelInput fuzz_read_model_input(const uint8_t* data, size_t size) {
  ModelInput m;
  if (size < kModelHeaderBytes) return m;
  m.input = convlens::Shape{1 + data[0] % kModelMaxSide, 1 + data[1] % kModelMaxSide, 1 + data[2] % kModelMaxChannels};
  m.num_classes = 1 + data[3] % kModelMaxClasses;
  m.batch = 1 + data[4] % kModelMaxBatch;
  m.flags = data[5];
  m.spec.assign(reinterpret_cast<const char*>(data) + kModelHeaderBytes, size - kModelHeaderBytes);
  return m;
}

inline Bytes fuzz_write_model_input(const ModelInput& m) {
  Bytes out = {uint8_t(m.input.h - 1), uint8_t(m.input.w - 1), uint8_t(m.input.c - 1), uint8_t(m.num_classes - 1),
               uint8_t(m.batch - 1), m.flags};
  out.insert(out.end(), m.spec.begin(), m.spec.end());
  return out;
}

// ---- what a model would take, before building it -----------------------------------------------------------
// Per image, in doubles (no wrap-around whatever the shapes): parameters, activation values of every layer
// with the input, and multiply-adds of a forward pass. `valid` says whether model_build should accept the
// layers: every output at least 1x1, dense layers on flat inputs, the last one with `num_classes` units, within
// the engine's limits (2^26 values per image in any layer, 2^28 parameters). The rules are model.cpp's, written
// again so that the harness can check model_build against them.
struct ModelCost {
  double params = 0, activations = 0, macs = 0;
  bool valid = true;
};

inline ModelCost fuzz_model_cost(const std::vector<convlens::LayerSpec>& layers, convlens::Shape input,
                                 int num_classes) {
  using convlens::LayerKind;
  constexpr double kMaxActivation = double(1 << 26), kMaxParams = double(1 << 28), kMaxSide = double(1 << 16);
  ModelCost cost;
  double h = input.h, w = input.w, c = input.c;  // the shape flowing through the layers
  cost.activations = h * w * c;
  cost.valid = h >= 1 && w >= 1 && c >= 1 && h <= kMaxSide && w <= kMaxSide && c <= kMaxSide &&
               h * w * c <= kMaxActivation;  // each input side at most 65536 (model.cpp)
  for (const convlens::LayerSpec& s : layers) {
    switch (s.kind) {
      case LayerKind::Conv2D: {
        const double k = s.kernel, in_c = c;
        if (s.padding == convlens::Padding::Valid) h -= k - 1, w -= k - 1;
        c = s.units;
        cost.params += k * k * in_c * c + c;
        cost.macs += h * w * c * k * k * in_c;
        break;
      }
      case LayerKind::MaxPool2D: h = std::floor(h / s.pool), w = std::floor(w / s.pool); break;
      case LayerKind::ReLU:
      case LayerKind::Dropout: break;
      case LayerKind::Flatten: c = h * w * c, h = w = 1; break;
      case LayerKind::Dense:
        if (h != 1 || w != 1) cost.valid = false;
        cost.params += h * w * c * s.units + s.units;
        cost.macs += h * w * c * s.units;
        h = w = 1, c = s.units;
        break;
    }
    if (h < 1 || w < 1) cost.valid = false, h = std::max(h, 1.0), w = std::max(w, 1.0);  // bound the rest
    if (h * w * c > kMaxActivation || cost.params > kMaxParams) cost.valid = false;
    cost.activations += h * w * c;
  }
  if (c != num_classes) cost.valid = false;
  return cost;
}

// model_build(spec) checked against fuzz_model_cost(layers), `layers` being spec_parse(spec): it must accept
// exactly the models within the rules, with the parameter count they give. Valid models of more than max_params
// parameters are skipped, not built; one outside the rules is built all the same (model_build must refuse it before
// allocating anything).
struct BuiltModel {
  enum Outcome { kBuilt, kRefused, kSkipped } outcome = kRefused;
  convlens::Model model;  // when kBuilt
  ModelCost cost;
};

inline BuiltModel fuzz_build_model(const std::vector<convlens::LayerSpec>& layers, const std::string& spec,
                                   convlens::Shape input, int num_classes, double max_params) {
  BuiltModel b;
  b.cost = fuzz_model_cost(layers, input, num_classes);
  if (b.cost.valid && b.cost.params > max_params) {
    b.outcome = BuiltModel::kSkipped;
    return b;
  }
  convlens::Result<convlens::Model> built = convlens::model_build(spec, input, num_classes);
  fuzz_check(built.ok() == b.cost.valid, "model_build accepts exactly the models within its rules",
             spec + " on input " + std::to_string(input.h) + "x" + std::to_string(input.w) + "x" +
                 std::to_string(input.c) + ", " + std::to_string(num_classes) + " classes: " +
                 (built.ok() ? "built, though outside the rules" : built.error));
  if (!built.ok()) return b;
  const convlens::Model& m = built.value;
  fuzz_check(double(m.params.size()) == b.cost.params && m.grads.size() == m.params.size(), "parameter count", spec);
  b.model = std::move(built.value);
  b.outcome = BuiltModel::kBuilt;
  return b;
}

}  // namespace convlens_fuzz
