// test_weights_file.cpp: the saved-model format (weights_file.h) — byte layout, exact round trip, and rejection of
// every kind of damaged or mismatched file with a message, without crashing and without touching the model.
//
// Fuzz-ish cases cut a small model's file at every length and flip every byte of it. Not here: files on disk
// (the CLI's job) and optimizer state (not saved).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "model.h"
#include "weights_file.h"

using namespace convlens;
using Catch::Matchers::Contains;

namespace {

const std::string kMnistText = "conv16k5-pool2-conv36k5-pool2-drop.25-flat-dense128-drop.5-dense10";
const std::string kSmallSpec = "conv2k3-pool2-flat-dense10";  // on (8,8,1): 9*2+2 = 20 and 32*10+10 = 330 params

Model build_ok(const std::string& spec, Shape input, int num_classes) {
  Result<Model> r = model_build(spec, input, num_classes);
  INFO("spec: " << spec << " error: " << r.error);
  REQUIRE(r.ok());
  return std::move(r.value);
}

Model mnist_model(uint64_t seed) {
  Model m = build_ok("mnist", Shape{28, 28, 1}, 10);
  model_init(m, seed);
  return m;
}

Model small_model(uint64_t seed) {
  Model m = build_ok(kSmallSpec, Shape{8, 8, 1}, 10);
  model_init(m, seed);
  // Non-zero biases too, so every parameter byte of the file carries information.
  for (const Layer& l : m.layers)
    for (size_t i = 0; i < l.b_count; ++i) m.params[l.b_offset + i] = 0.01f * float(i + 1);
  return m;
}

uint32_t le32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 | uint32_t(b[at + 3]) << 24;
}

uint64_t le64(const std::vector<uint8_t>& b, size_t at) { return uint64_t(le32(b, at)) | uint64_t(le32(b, at + 4)) << 32; }

void set_le32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (8 * i));
}

// FNV-1a over bytes, written out independently of the engine's.
uint32_t fnv1a(const uint8_t* data, size_t size) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < size; ++i) {
    h ^= data[i];
    h *= 16777619u;
  }
  return h;
}

// `file` with its header's spec text replaced by `spec` (the rest unchanged).
std::vector<uint8_t> with_header_spec(const std::vector<uint8_t>& file, const std::string& spec) {
  std::vector<uint8_t> out(file.begin(), file.begin() + 16);
  set_le32(out, 12, uint32_t(spec.size()));
  out.insert(out.end(), spec.begin(), spec.end());
  out.insert(out.end(), file.begin() + long(16 + le32(file, 12)), file.end());
  return out;
}

bool same_bits(const FloatBuffer& a, const FloatBuffer& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// The error from deserializing `bytes` into a fresh small model; also checks the model was left untouched.
std::string small_load_error(const std::vector<uint8_t>& bytes) {
  Model target = small_model(99);
  const FloatBuffer before = target.params;
  const Status s = weights_deserialize(bytes, target);
  REQUIRE_FALSE(s.ok());
  REQUIRE_FALSE(s.error.empty());
  REQUIRE(same_bits(target.params, before));
  return s.error;
}

}  // namespace

TEST_CASE("weights file: the byte layout follows weights_file.h", "[weights_file]") {
  const Model m = small_model(3);
  const std::vector<uint8_t> bytes = weights_serialize(m);
  const size_t s = m.spec.size();
  const size_t p = m.params.size();
  REQUIRE(p == 350);
  REQUIRE(bytes.size() == 44 + s + 4 * p);
  CHECK(std::memcmp(bytes.data(), "CNVLWGHT", 8) == 0);
  CHECK(le32(bytes, 8) == 1);
  CHECK(le32(bytes, 12) == s);
  CHECK(std::string(bytes.begin() + 16, bytes.begin() + 16 + long(s)) == kSmallSpec);
  CHECK(le32(bytes, 16 + s) == 8);
  CHECK(le32(bytes, 20 + s) == 8);
  CHECK(le32(bytes, 24 + s) == 1);
  CHECK(le32(bytes, 28 + s) == 10);
  CHECK(le64(bytes, 32 + s) == p);
  for (size_t i : {size_t(0), size_t(19), p - 1}) {
    uint32_t bits;
    std::memcpy(&bits, &m.params[i], 4);
    INFO("param " << i);
    CHECK(le32(bytes, 40 + s + 4 * i) == bits);
  }
  CHECK(le32(bytes, 40 + s + 4 * p) == fnv1a(bytes.data() + 40 + s, 4 * p));
}

TEST_CASE("weights file: the MNIST model round-trips bit for bit", "[weights_file]") {
  const Model saved = mnist_model(1);
  const std::vector<uint8_t> bytes = weights_serialize(saved);
  CHECK(bytes.size() == 44 + kMnistText.size() + 4 * 242062);

  Model loaded = build_ok(kMnistText, Shape{28, 28, 1}, 10);
  REQUIRE_FALSE(same_bits(loaded.params, saved.params));  // all zero before loading
  const Status s = weights_deserialize(bytes, loaded);
  INFO(s.error);
  REQUIRE(s.ok());
  CHECK(same_bits(loaded.params, saved.params));

  // Loading over an already-initialised model replaces every parameter.
  Model other = mnist_model(2);
  REQUIRE_FALSE(same_bits(other.params, saved.params));
  REQUIRE(weights_deserialize(bytes, other).ok());
  CHECK(same_bits(other.params, saved.params));

  // And saving the loaded model gives the same bytes.
  CHECK(weights_serialize(loaded) == bytes);
}

TEST_CASE("weights file: special float values survive the round trip", "[weights_file]") {
  Model m = small_model(5);
  m.params[0] = -0.0f;
  m.params[1] = 1e-42f;  // denormal
  m.params[2] = 3.4e38f;
  m.params[3] = -1.5f;
  Model loaded = build_ok(kSmallSpec, Shape{8, 8, 1}, 10);
  REQUIRE(weights_deserialize(weights_serialize(m), loaded).ok());
  CHECK(same_bits(loaded.params, m.params));
}

TEST_CASE("weights_read_header: spec, input, classes and count", "[weights_file]") {
  const std::vector<uint8_t> bytes = weights_serialize(mnist_model(1));
  const Result<WeightsHeader> h = weights_read_header(bytes);
  INFO(h.error);
  REQUIRE(h.ok());
  CHECK(h.value.version == 1);
  CHECK(h.value.spec == kMnistText);
  CHECK(h.value.input == (Shape{28, 28, 1}));
  CHECK(h.value.num_classes == 10);
  CHECK(h.value.param_count == 242062);
  // The header is enough to rebuild the matching model.
  Model rebuilt = build_ok(h.value.spec, h.value.input, h.value.num_classes);
  CHECK(weights_deserialize(bytes, rebuilt).ok());
}

TEST_CASE("weights file: bad headers are errors naming the problem", "[weights_file]") {
  const Model m = small_model(7);
  const std::vector<uint8_t> good = weights_serialize(m);
  const size_t s = m.spec.size();

  SECTION("empty") {
    CHECK_THAT(small_load_error({}), Contains("magic"));
    CHECK_FALSE(weights_read_header({}).ok());
  }
  SECTION("wrong magic") {
    std::vector<uint8_t> bytes = good;
    bytes[0] = 'X';
    CHECK_THAT(small_load_error(bytes), Contains("magic"));
    bytes = good;
    bytes[7] = 'U';
    CHECK_THAT(small_load_error(bytes), Contains("magic"));
  }
  SECTION("unsupported version") {
    std::vector<uint8_t> bytes = good;
    set_le32(bytes, 8, 2);
    const std::string error = small_load_error(bytes);
    CHECK_THAT(error, Contains("version 2"));
    set_le32(bytes, 8, 0);
    CHECK_THAT(small_load_error(bytes), Contains("version 0"));
  }
  SECTION("absurd spec length") {
    std::vector<uint8_t> bytes = good;
    set_le32(bytes, 12, 0xFFFFFFFFu);
    CHECK_THAT(small_load_error(bytes), Contains("spec length"));
    set_le32(bytes, 12, uint32_t(bytes.size()));
    CHECK_THAT(small_load_error(bytes), Contains("spec length"));
  }
  SECTION("absurd parameter count") {
    std::vector<uint8_t> bytes = good;
    set_le32(bytes, 32 + s, 0xFFFFFFFFu);
    set_le32(bytes, 36 + s, 0xFFFFFFFFu);
    CHECK_THAT(small_load_error(bytes), Contains("parameters"));
    set_le32(bytes, 32 + s, 0);
    set_le32(bytes, 36 + s, 1);  // 2^32 parameters
    CHECK_THAT(small_load_error(bytes), Contains("parameters"));
  }
}

TEST_CASE("weights file: truncated files are errors", "[weights_file]") {
  const Model m = small_model(7);
  const std::vector<uint8_t> good = weights_serialize(m);
  const size_t s = m.spec.size();
  const size_t p = m.params.size();
  struct Cut {
    size_t size;
    const char* where;
  };
  const Cut cuts[] = {
      {10, "inside the version"},
      {16 + s / 2, "inside the spec"},
      {16 + s, "right after the spec"},
      {16 + s + 10, "inside the input shape"},
      {36 + s, "inside the parameter count"},
      {40 + s, "before the parameters"},
      {40 + s + 2 * p, "in the middle of the parameters"},
      {40 + s + 4 * p, "without the checksum"},
      {good.size() - 1, "one byte short"},
  };
  for (const Cut& cut : cuts) {
    INFO("cut at " << cut.size << " (" << cut.where << ")");
    const std::vector<uint8_t> bytes(good.begin(), good.begin() + long(cut.size));
    const std::string error = small_load_error(bytes);
    if (cut.size >= 16) CHECK_THAT(error, Contains("truncated"));
    CHECK_FALSE(weights_read_header(bytes).ok());
  }
}

TEST_CASE("weights file: trailing bytes are an error", "[weights_file]") {
  std::vector<uint8_t> bytes = weights_serialize(small_model(7));
  bytes.push_back(0);
  CHECK_THAT(small_load_error(bytes), Contains("1 unexpected trailing bytes"));
  CHECK_FALSE(weights_read_header(bytes).ok());
}

TEST_CASE("weights file: a flipped parameter or checksum byte fails the checksum", "[weights_file]") {
  const Model m = small_model(7);
  const std::vector<uint8_t> good = weights_serialize(m);
  const size_t at = 40 + m.spec.size();
  for (size_t offset : {at, at + 123, good.size() - 5, good.size() - 1}) {
    INFO("flipped byte " << offset);
    std::vector<uint8_t> bytes = good;
    bytes[offset] ^= 0x01;
    CHECK_THAT(small_load_error(bytes), Contains("checksum"));
    CHECK(weights_read_header(bytes).ok());  // the header alone is still fine
  }
}

TEST_CASE("weights file: another architecture is rejected naming both specs", "[weights_file]") {
  SECTION("a different spec") {
    Model other = build_ok("conv8k3-pool2-flat-dense10", Shape{28, 28, 1}, 10);
    model_init(other, 1);
    const std::vector<uint8_t> bytes = weights_serialize(other);
    Model mnist = mnist_model(1);
    const FloatBuffer before = mnist.params;
    const Status s = weights_deserialize(bytes, mnist);
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.error, Contains("'conv8k3-pool2-flat-dense10'"));
    CHECK_THAT(s.error, Contains("'" + kMnistText + "'"));
    CHECK(same_bits(mnist.params, before));
  }
  SECTION("the same spec on another input shape") {
    Model other = build_ok("conv4k3-pool2-flat-dense10", Shape{32, 32, 1}, 10);
    Model target = build_ok("conv4k3-pool2-flat-dense10", Shape{28, 28, 1}, 10);
    const Status s = weights_deserialize(weights_serialize(other), target);
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.error, Contains("(None, 32, 32, 1)"));
    CHECK_THAT(s.error, Contains("(None, 28, 28, 1)"));
  }
  SECTION("the same spec and shape but another number of classes") {
    Model other = build_ok("flat-dense10", Shape{8, 8, 1}, 10);
    Model target = build_ok("flat-dense10", Shape{8, 8, 1}, 10);
    target.num_classes = 9;  // as if built for 9 classes from a spec with the same text
    CHECK_FALSE(weights_deserialize(weights_serialize(other), target).ok());
  }
}

// Regression (issue 13): a file whose only difference is its parameter count was refused with "weights file is for
// model 'X' on input S, not for 'X' on input S", naming the same model twice.
TEST_CASE("weights file: a mismatch names the field that differs, expected vs found", "[weights_file]") {
  SECTION("the parameter count") {
    std::vector<uint8_t> bytes = weights_serialize(small_model(1));
    const size_t count_at = 16 + kSmallSpec.size() + 16;
    REQUIRE(le64(bytes, count_at) == 350);
    set_le32(bytes, count_at, 349);  // one parameter fewer: drop its 4 bytes and fix the checksum
    bytes.erase(bytes.end() - 8, bytes.end() - 4);
    set_le32(bytes, bytes.size() - 4, fnv1a(bytes.data() + count_at + 8, 349 * 4));
    REQUIRE(weights_read_header(bytes).ok());
    const std::string error = small_load_error(bytes);
    CHECK_THAT(error, Contains("parameter count: expected 350, found 349"));
    CHECK_THAT(error, !Contains("'" + kSmallSpec + "'"));  // the spec is the same: not mentioned
  }
  SECTION("the spec, input shape and classes, each only when it differs") {
    Model other = build_ok("flat-dense10", Shape{8, 8, 1}, 10);
    Model target = build_ok("flat-dense10", Shape{8, 8, 1}, 10);
    target.num_classes = 9;  // as if built for 9 classes from a spec with the same text
    Status s = weights_deserialize(weights_serialize(other), target);
    CHECK_THAT(s.error, Contains("classes: expected 9, found 10"));
    CHECK_THAT(s.error, !Contains("spec") && !Contains("input shape") && !Contains("parameter count"));

    target = build_ok("flat-dense10", Shape{4, 4, 1}, 10);
    s = weights_deserialize(weights_serialize(other), target);
    CHECK_THAT(s.error, Contains("input shape: expected (None, 4, 4, 1), found (None, 8, 8, 1)"));
    CHECK_THAT(s.error, Contains("parameter count: expected 170, found 650"));
    CHECK_THAT(s.error, !Contains("spec"));

    target = build_ok("flat-dense20-dense10", Shape{8, 8, 1}, 10);
    s = weights_deserialize(weights_serialize(other), target);
    CHECK_THAT(s.error, Contains("spec: expected 'flat-dense20-dense10', found 'flat-dense10'"));
  }
}

// Regression (issue 13): a header spelling the same model non-canonically (a preset name, drop0.25 for drop.25)
// was refused for that very model.
TEST_CASE("weights file: a non-canonical spec in the header still fits the same model", "[weights_file]") {
  const Model m = mnist_model(5);
  const std::vector<uint8_t> good = weights_serialize(m);
  for (const std::string spec : {"mnist", "conv16k5-pool2-conv36k5-pool2-drop0.25-flatten-dense128-drop0.50-dense10"}) {
    INFO("header spec: " << spec);
    Model target = mnist_model(99);
    const Status s = weights_deserialize(with_header_spec(good, spec), target);
    INFO(s.error);
    CHECK(s.ok());
    CHECK(same_bits(target.params, m.params));
  }
  Model target = mnist_model(99);  // a name for another model is still refused
  CHECK_THAT(weights_deserialize(with_header_spec(good, "cifar10"), target).error,
             Contains("spec: expected '" + kMnistText + "', found 'cifar10'"));
}

TEST_CASE("weights file: every prefix of a small file is rejected without a crash", "[weights_file]") {
  const Model m = small_model(11);
  const std::vector<uint8_t> good = weights_serialize(m);
  {
    Model check = build_ok(kSmallSpec, Shape{8, 8, 1}, 10);
    REQUIRE(weights_deserialize(good, check).ok());  // the whole file is fine
  }
  Model target = small_model(99);
  const FloatBuffer before = target.params;
  size_t accepted = 0, headers_accepted = 0, unchanged = 0;
  for (size_t size = 0; size < good.size(); ++size) {
    const std::vector<uint8_t> prefix(good.begin(), good.begin() + long(size));
    accepted += weights_deserialize(prefix, target).ok();
    headers_accepted += weights_read_header(prefix).ok();
    unchanged += same_bits(target.params, before);
  }
  CHECK(accepted == 0);
  CHECK(headers_accepted == 0);
  CHECK(unchanged == good.size());
}

TEST_CASE("weights file: every single flipped byte of a small file is rejected", "[weights_file]") {
  // Each byte belongs to a field that is checked: magic, version, lengths, spec text, shape, count, parameters
  // (FNV-1a changes whenever exactly one byte changes) or the checksum itself.
  const Model m = small_model(11);
  const std::vector<uint8_t> good = weights_serialize(m);
  Model target = small_model(99);
  const FloatBuffer before = target.params;
  for (uint8_t mask : {uint8_t(0x01), uint8_t(0x80), uint8_t(0xFF)}) {
    size_t accepted = 0;
    for (size_t i = 0; i < good.size(); ++i) {
      std::vector<uint8_t> bytes = good;
      bytes[i] ^= mask;
      const Status s = weights_deserialize(bytes, target);
      if (s.ok()) {
        ++accepted;
        UNSCOPED_INFO("accepted with byte " << i << " ^ " << int(mask));
      } else {
        REQUIRE_FALSE(s.error.empty());
      }
    }
    CHECK(accepted == 0);
  }
  CHECK(same_bits(target.params, before));
}

TEST_CASE("weights file: a file's first bytes are enough to read its header and refuse another model", "[weights_file]") {
  const Model small = small_model(3);
  const std::vector<uint8_t> file = weights_serialize(small);
  REQUIRE(weights_file_bytes(small) == file.size());
  const Model mnist = mnist_model(1);
  REQUIRE(weights_file_bytes(mnist) == weights_serialize(mnist).size());
  const std::vector<uint8_t> head(file.begin(), file.begin() + 80);  // past the header (66 bytes), before the parameters end
  Result<WeightsHeader> h = weights_read_header(head, file.size());
  REQUIRE(h.ok());
  CHECK(h.value.param_count == small.param_count);
  CHECK_FALSE(weights_read_header(head, file.size() + 1).ok());  // the size it names must be the file's
  CHECK_THAT(weights_read_header(head, file.size() - 1).error, Contains("truncated"));
  // Checked against a plan (no parameters allocated): another architecture is named from the header alone.
  Result<Model> plan = model_plan("mnist", Shape{28, 28, 1}, 10);
  REQUIRE(plan.ok());
  const Status other = weights_check(head, plan.value, file.size());
  CHECK_THAT(other.error, Contains(plan.value.spec) && Contains(kSmallSpec));
  // The same architecture passes from its header; the checksum is checked once every byte is there.
  Result<Model> same = model_plan(kSmallSpec, Shape{8, 8, 1}, 10);
  REQUIRE(same.ok());
  CHECK(weights_check(head, same.value, file.size()).ok());
  CHECK(weights_check(file, same.value).ok());
  std::vector<uint8_t> flipped = file;
  flipped[file.size() - 10] ^= 1;
  CHECK_THAT(weights_check(flipped, same.value).error, Contains("checksum"));
}
