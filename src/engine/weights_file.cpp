// weights_file.cpp: writing and checking the versioned weights format described in weights_file.h.
#include "weights_file.h"

#include <cassert>
#include <cstring>

#include "model_spec.h"

namespace convlens {
namespace {

constexpr char kMagic[8] = {'C', 'N', 'V', 'L', 'W', 'G', 'H', 'T'};
constexpr uint32_t kVersion = 1;

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
}
void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(uint8_t(v >> (8 * i)));
}

uint32_t fnv1a(const uint8_t* data, size_t size) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 16777619u;
  return h;
}

// A bounds-checked little-endian reader.
struct Reader {
  const std::vector<uint8_t>& bytes;
  size_t pos = 0;
  bool has(size_t n) const { return n <= bytes.size() - pos; }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(bytes[pos + i]) << (8 * i);
    pos += 4;
    return v;
  }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t(bytes[pos + i]) << (8 * i);
    pos += 8;
    return v;
  }
};

// The canonical form of a spec or preset name (model_spec.h); a spec that does not parse is kept as written.
std::string canonical_spec(const std::string& text) {
  Result<std::vector<LayerSpec>> layers = spec_parse(text);
  return layers.ok() ? spec_to_string(layers.value) : text;
}

}  // namespace

std::vector<uint8_t> weights_serialize(const Model& model) {
  std::vector<uint8_t> out(kMagic, kMagic + 8);
  put_u32(out, kVersion);
  put_u32(out, uint32_t(model.spec.size()));
  out.insert(out.end(), model.spec.begin(), model.spec.end());
  put_u32(out, uint32_t(model.input.h));
  put_u32(out, uint32_t(model.input.w));
  put_u32(out, uint32_t(model.input.c));
  put_u32(out, uint32_t(model.num_classes));
  put_u64(out, model.params.size());
  const size_t at = out.size();
  out.resize(at + model.params.size() * 4);
  for (size_t i = 0; i < model.params.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &model.params[i], 4);
    for (int b = 0; b < 4; ++b) out[at + 4 * i + b] = uint8_t(bits >> (8 * b));
  }
  put_u32(out, fnv1a(out.data() + at, model.params.size() * 4));
  return out;
}

uint64_t weights_file_bytes(const Model& model) {
  return 16 + model.spec.size() + 24 + uint64_t(model.param_count) * 4 + 4;
}

Result<WeightsHeader> weights_read_header(const std::vector<uint8_t>& bytes, uint64_t file_size) {
  using R = Result<WeightsHeader>;
  if (file_size == 0) file_size = bytes.size();
  assert(file_size >= bytes.size());
  Reader r{bytes};
  WeightsHeader h;
  if (!r.has(16) || std::memcmp(bytes.data(), kMagic, 8) != 0)
    return R::fail("not a ConvLens weights file (no CNVLWGHT magic at the start)");
  r.pos = 8;
  h.version = r.u32();
  if (h.version != kVersion)
    return R::fail("weights file version " + std::to_string(h.version) + " is not supported (this build reads version 1)");
  const uint32_t spec_size = r.u32();
  if (spec_size > 65536 || !r.has(spec_size)) return R::fail("weights file is truncated or corrupt (bad spec length)");
  h.spec.assign(bytes.begin() + long(r.pos), bytes.begin() + long(r.pos + spec_size));
  r.pos += spec_size;
  if (!r.has(24)) return R::fail("weights file is truncated (header ends early)");
  h.input.h = int(r.u32());
  h.input.w = int(r.u32());
  h.input.c = int(r.u32());
  h.num_classes = int(r.u32());
  h.param_count = r.u64();
  const uint64_t end = h.param_count <= (uint64_t(1) << 28) ? r.pos + h.param_count * 4 + 4 : UINT64_MAX;
  if (end > file_size)
    return R::fail("weights file is truncated: it announces " + std::to_string(h.param_count) + " parameters");
  if (end != file_size)
    return R::fail("weights file has " + std::to_string(file_size - end) + " unexpected trailing bytes");
  return R::success(h);
}

Status weights_check(const std::vector<uint8_t>& bytes, const Model& model, uint64_t file_size) {
  Result<WeightsHeader> header = weights_read_header(bytes, file_size);
  if (!header.ok()) return Status::fail(header.error);
  const WeightsHeader& h = header.value;
  // Each field that differs, as "what: expected X, found Y"; specs compared in canonical form ("mnist" and
  // "...-drop0.25-..." are the same model as the model's own canonical spec).
  std::string differences;
  auto differ = [&](const std::string& what, const std::string& expected, const std::string& found) {
    differences += (differences.empty() ? "" : "; ") + what + ": expected " + expected + ", found " + found;
  };
  if (canonical_spec(h.spec) != model.spec) differ("spec", "'" + model.spec + "'", "'" + h.spec + "'");
  if (h.input != model.input) differ("input shape", model.input.to_keras(), h.input.to_keras());
  if (h.num_classes != model.num_classes)
    differ("classes", std::to_string(model.num_classes), std::to_string(h.num_classes));
  if (h.param_count != model.param_count)
    differ("parameter count", std::to_string(model.param_count), std::to_string(h.param_count));
  if (!differences.empty()) return Status::fail("weights file does not fit this model (" + differences + ")");
  if (bytes.size() < file_size) return Status::success();  // the header fits; the parameters are not here to check
  const size_t at = bytes.size() - size_t(h.param_count) * 4 - 4;
  Reader r{bytes, bytes.size() - 4};
  if (r.u32() != fnv1a(bytes.data() + at, size_t(h.param_count) * 4))
    return Status::fail("weights file is corrupt: the checksum of the parameters does not match");
  return Status::success();
}

Status weights_deserialize(const std::vector<uint8_t>& bytes, Model& model) {
  const Status s = weights_check(bytes, model);
  if (!s.ok()) return s;
  assert(model.params.size() == model.param_count);
  const size_t at = bytes.size() - model.params.size() * 4 - 4;
  for (size_t i = 0; i < model.params.size(); ++i) {
    uint32_t bits = 0;
    for (int b = 0; b < 4; ++b) bits |= uint32_t(bytes[at + 4 * i + b]) << (8 * b);
    std::memcpy(&model.params[i], &bits, 4);
  }
  return Status::success();
}

}  // namespace convlens
