// test_model_spec.cpp: the one-line model spec (spec_parse / spec_to_string) and what model_build, model_summary
// and model_init make of it.
//
// Covers the MNIST and CIFAR-10 presets layer by layer, every token form and every parse error (each message must
// name the bad token), the Keras layer names, output shapes and parameter counts of the book's MNIST CNN, shape
// errors, and Glorot-uniform initialisation. Not here: forward/backward maths (test_layers), weights files
// (test_weights_file).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "model.h"
#include "model_spec.h"

using namespace convlens;
using Catch::Matchers::Contains;

namespace {

const std::string kMnistText = "conv16k5-pool2-conv36k5-pool2-drop.25-flat-dense128-drop.5-dense10";
const std::string kCifarText =
    "conv32k3-drop.25-pool2-conv64k3-drop.25-pool2-flat-drop.25-dense1024-drop.25-dense10";

bool same_layer(const LayerSpec& a, const LayerSpec& b) {
  return a.kind == b.kind && a.units == b.units && a.kernel == b.kernel && a.padding == b.padding &&
         a.relu == b.relu && a.pool == b.pool && a.rate == b.rate;
}

bool same_layers(const std::vector<LayerSpec>& a, const std::vector<LayerSpec>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!same_layer(a[i], b[i])) return false;
  return true;
}

// Parses `text`, failing the test (with the engine's message) when it does not parse.
std::vector<LayerSpec> parse_ok(const std::string& text) {
  Result<std::vector<LayerSpec>> r = spec_parse(text);
  INFO("spec: " << text << " error: " << r.error);
  REQUIRE(r.ok());
  return r.value;
}

// The error message for `text`, failing the test when it parses.
std::string parse_error(const std::string& text) {
  Result<std::vector<LayerSpec>> r = spec_parse(text);
  INFO("spec: " << text);
  REQUIRE_FALSE(r.ok());
  REQUIRE_FALSE(r.error.empty());
  return r.error;
}

Model build_ok(const std::string& spec, Shape input, int num_classes) {
  Result<Model> r = model_build(spec, input, num_classes);
  INFO("spec: " << spec << " error: " << r.error);
  REQUIRE(r.ok());
  return std::move(r.value);
}

std::string build_error(const std::string& spec, Shape input, int num_classes) {
  Result<Model> r = model_build(spec, input, num_classes);
  INFO("spec: " << spec);
  REQUIRE_FALSE(r.ok());
  REQUIRE_FALSE(r.error.empty());
  return r.error;
}

}  // namespace

// ---- spec_parse: presets ---------------------------------------------------------------------------------------

TEST_CASE("spec_parse: the MNIST preset, by text and by name", "[model_spec]") {
  for (const std::string& text : {kMnistText, std::string("mnist")}) {
    INFO("input: " << text);
    const std::vector<LayerSpec> l = parse_ok(text);
    REQUIRE(l.size() == 9);

    CHECK(l[0].kind == LayerKind::Conv2D);
    CHECK(l[0].units == 16);
    CHECK(l[0].kernel == 5);
    CHECK(l[0].padding == Padding::Same);
    CHECK(l[0].relu);

    CHECK(l[1].kind == LayerKind::MaxPool2D);
    CHECK(l[1].pool == 2);

    CHECK(l[2].kind == LayerKind::Conv2D);
    CHECK(l[2].units == 36);
    CHECK(l[2].kernel == 5);
    CHECK(l[2].padding == Padding::Same);
    CHECK(l[2].relu);

    CHECK(l[3].kind == LayerKind::MaxPool2D);
    CHECK(l[3].pool == 2);

    CHECK(l[4].kind == LayerKind::Dropout);
    CHECK(l[4].rate == Approx(0.25f));

    CHECK(l[5].kind == LayerKind::Flatten);

    CHECK(l[6].kind == LayerKind::Dense);
    CHECK(l[6].units == 128);
    CHECK(l[6].relu);

    CHECK(l[7].kind == LayerKind::Dropout);
    CHECK(l[7].rate == Approx(0.5f));

    CHECK(l[8].kind == LayerKind::Dense);
    CHECK(l[8].units == 10);
    CHECK_FALSE(l[8].relu);  // the logits are never ReLU'd
  }
}

TEST_CASE("spec_parse: the CIFAR-10 preset, by text and by name", "[model_spec]") {
  const std::vector<LayerSpec> by_name = parse_ok("cifar10");
  const std::vector<LayerSpec> l = parse_ok(kCifarText);
  REQUIRE(l.size() == 11);
  CHECK(same_layers(by_name, l));
  const LayerKind kinds[11] = {LayerKind::Conv2D,  LayerKind::Dropout, LayerKind::MaxPool2D, LayerKind::Conv2D,
                               LayerKind::Dropout, LayerKind::MaxPool2D, LayerKind::Flatten, LayerKind::Dropout,
                               LayerKind::Dense,   LayerKind::Dropout, LayerKind::Dense};
  for (size_t i = 0; i < 11; ++i) {
    INFO("layer " << i);
    CHECK(l[i].kind == kinds[i]);
  }
  CHECK(l[0].units == 32);
  CHECK(l[0].kernel == 3);
  CHECK(l[3].units == 64);
  CHECK(l[3].kernel == 3);
  CHECK(l[8].units == 1024);
  CHECK(l[8].relu);
  CHECK(l[10].units == 10);
  CHECK_FALSE(l[10].relu);
  for (size_t i : {1, 4, 7, 9}) CHECK(l[i].rate == Approx(0.25f));
}

TEST_CASE("spec_preset_text: names map to the preset text, anything else passes through", "[model_spec]") {
  CHECK(spec_preset_text("mnist") == kMnistText);
  CHECK(spec_preset_text("cifar10") == kCifarText);
  CHECK(spec_preset_text("conv8k3-flat-dense10") == "conv8k3-flat-dense10");
  CHECK(spec_preset_text("MNIST") == "MNIST");
}

// ---- spec_parse: token forms -----------------------------------------------------------------------------------

TEST_CASE("spec_parse: conv suffixes valid and linear", "[model_spec]") {
  const std::vector<LayerSpec> l = parse_ok("conv8k3valid-conv4k5linear-conv2k1validlinear-conv3k3-flat-dense10");
  REQUIRE(l.size() == 6);
  CHECK(l[0].units == 8);
  CHECK(l[0].kernel == 3);
  CHECK(l[0].padding == Padding::Valid);
  CHECK(l[0].relu);

  CHECK(l[1].units == 4);
  CHECK(l[1].kernel == 5);
  CHECK(l[1].padding == Padding::Same);
  CHECK_FALSE(l[1].relu);

  CHECK(l[2].units == 2);
  CHECK(l[2].kernel == 1);
  CHECK(l[2].padding == Padding::Valid);
  CHECK_FALSE(l[2].relu);

  CHECK(l[3].padding == Padding::Same);
  CHECK(l[3].relu);
}

TEST_CASE("spec_parse: dense linear, relu layer, flatten alias", "[model_spec]") {
  const std::vector<LayerSpec> l = parse_ok("conv4k3linear-relu-flatten-dense64linear-dense32-dense10");
  REQUIRE(l.size() == 6);
  CHECK(l[1].kind == LayerKind::ReLU);
  CHECK(l[2].kind == LayerKind::Flatten);
  CHECK(l[3].kind == LayerKind::Dense);
  CHECK(l[3].units == 64);
  CHECK_FALSE(l[3].relu);
  CHECK(l[4].units == 32);
  CHECK(l[4].relu);
  CHECK(l[5].units == 10);
  CHECK_FALSE(l[5].relu);
  // "flatten" and "flat" are the same layer.
  CHECK(same_layers(parse_ok("flatten-dense10"), parse_ok("flat-dense10")));
}

TEST_CASE("spec_parse: dropout rates written 0.5, .5, 0 and .25", "[model_spec]") {
  const std::vector<LayerSpec> a = parse_ok("flat-drop0.5-dense10");
  const std::vector<LayerSpec> b = parse_ok("flat-drop.5-dense10");
  REQUIRE(a.size() == 3);
  CHECK(a[1].kind == LayerKind::Dropout);
  CHECK(a[1].rate == 0.5f);
  CHECK(same_layers(a, b));
  CHECK(parse_ok("flat-drop0-dense10")[1].rate == 0.0f);
  CHECK(parse_ok("flat-drop.25-dense10")[1].rate == 0.25f);
}

TEST_CASE("spec_parse: a single dense layer is a whole model and the last dense is always linear", "[model_spec]") {
  const std::vector<LayerSpec> l = parse_ok("dense10");
  REQUIRE(l.size() == 1);
  CHECK(l[0].units == 10);
  CHECK_FALSE(l[0].relu);
  CHECK_FALSE(parse_ok("flat-dense10linear")[1].relu);
}

// ---- spec_to_string: round trips -------------------------------------------------------------------------------

TEST_CASE("spec_to_string: presets and canonical specs print back exactly", "[model_spec]") {
  const std::vector<std::string> specs = {
      kMnistText,
      kCifarText,
      "dense10",
      "flat-dense10",
      "conv8k3valid-pool3-conv4k1linear-relu-flat-dense64linear-drop.75-dense3",
      "conv2k7validlinear-pool1-flat-drop0-dense5",
      "conv65536k63-flat-dense65536",
  };
  for (const std::string& text : specs) {
    INFO("spec: " << text);
    const std::vector<LayerSpec> layers = parse_ok(text);
    CHECK(spec_to_string(layers) == text);
    CHECK(same_layers(parse_ok(spec_to_string(layers)), layers));
  }
  CHECK(spec_to_string(parse_ok("mnist")) == kMnistText);
  CHECK(spec_to_string(parse_ok("cifar10")) == kCifarText);
}

TEST_CASE("spec_to_string: non-canonical spellings print in canonical form", "[model_spec]") {
  CHECK(spec_to_string(parse_ok("flatten-drop0.5-dense10")) == "flat-drop.5-dense10");
  CHECK(spec_to_string(parse_ok("conv8k3same-flat-dense10linear")) == "conv8k3-flat-dense10");
}

// Regression: rates were once printed with 6 significant digits, so rates just below 1 printed as "drop1"
// (rejected), tiny rates as "drop1e-05" (whose '-' splits the token) and 7-digit rates lost precision.
TEST_CASE("spec_to_string: every parsed dropout rate survives a round trip", "[model_spec]") {
  for (const std::string text : {"flat-drop0.9999999-dense10", "flat-drop0.00001-dense10", "flat-drop0.1234567-dense10",
                                 "flat-drop0.3-dense10", "flat-drop0.001-dense10"}) {
    INFO("spec: " << text);
    const std::vector<LayerSpec> layers = parse_ok(text);
    const std::string printed = spec_to_string(layers);
    INFO("printed: " << printed);
    Result<std::vector<LayerSpec>> again = spec_parse(printed);
    CHECK(again.ok());
    if (again.ok()) CHECK(same_layers(again.value, layers));
  }
}

// Regression: "drop0.99999999" (< 1 as a double) was once stored as rate 1.0f: a dropout that drops everything
// and scales by 1/(1-1) = inf while training. It must be rejected or stored below 1.
TEST_CASE("spec_parse: a rate that rounds to 1.0f is never stored", "[model_spec]") {
  Result<std::vector<LayerSpec>> r = spec_parse("flat-drop0.99999999-dense10");
  const bool rejected_or_below_one = !r.ok() || r.value[1].rate < 1.0f;
  CHECK(rejected_or_below_one);
}

// ---- spec_parse: errors ----------------------------------------------------------------------------------------

TEST_CASE("spec_parse: an empty spec is an error", "[model_spec]") {
  CHECK_THAT(parse_error(""), Contains("empty"));
}

TEST_CASE("spec_parse: unknown or malformed tokens are errors naming the token", "[model_spec]") {
  struct Case {
    std::string spec;
    std::string token;
    std::string position;
  };
  const std::vector<Case> cases = {
      {"conv16x5-flat-dense10", "'conv16x5'", "token 1"},
      {"conv16k5-maxpool2-flat-dense10", "'maxpool2'", "token 2"},
      {"flat-dense", "'dense'", "token 2"},
      {"conv16-flat-dense10", "'conv16'", "token 1"},
      {"conv16k-flat-dense10", "'conv16k'", "token 1"},
      {"convk5-flat-dense10", "'convk5'", "token 1"},
      {"conv16k5valid2-flat-dense10", "'conv16k5valid2'", "token 1"},
      {"conv16k5linearvalid-flat-dense10", "'conv16k5linearvalid'", "token 1"},
      {"pool-flat-dense10", "'pool'", "token 1"},
      {"pool0-flat-dense10", "'pool0'", "token 1"},
      {"pool2x-flat-dense10", "'pool2x'", "token 1"},
      {"flat-dense10x", "'dense10x'", "token 2"},
      {"flat-dense0", "'dense0'", "token 2"},
      {"flat-dense10valid", "'dense10valid'", "token 2"},
      {"Conv16k5-flat-dense10", "'Conv16k5'", "token 1"},
      {"flat-softmax-dense10", "'softmax'", "token 2"},
      {" flat-dense10", "' flat'", "token 1"},
  };
  for (const Case& c : cases) {
    INFO("spec: " << c.spec);
    const std::string error = parse_error(c.spec);
    CHECK_THAT(error, Contains(c.token));
    CHECK_THAT(error, Contains(c.position));
  }
}

TEST_CASE("spec_parse: empty layers ('--', leading or trailing '-') are errors", "[model_spec]") {
  CHECK_THAT(parse_error("conv16k5--flat-dense10"), Contains("empty layer at position 2"));
  CHECK_THAT(parse_error("-flat-dense10"), Contains("empty layer at position 1"));
  CHECK_THAT(parse_error("flat-dense10-"), Contains("empty layer at position 3"));
  CHECK_THAT(parse_error("-"), Contains("empty layer"));
}

TEST_CASE("spec_parse: dropout rates outside 0 to 1 or not numbers are errors naming the token", "[model_spec]") {
  for (const std::string token : {"drop1.0", "drop1", "drop-0.1", "dropabc", "drop", "drop.5x", "dropnan", "dropinf",
                                  "drop1e999", "drop 0.5", "drop+.5"}) {
    // "drop-0.1" splits at its '-' into "drop" and "0.1": the first of those is the bad token.
    const std::string named = token == "drop-0.1" ? "'drop'" : "'" + token + "'";
    INFO("token: " << token);
    CHECK_THAT(parse_error("flat-" + token + "-dense10"), Contains(named));
  }
}

// Regression (issue 13): "drop.5.5" was read as drop.5 (strtof stopped at the second '.') and "drop." as drop0.
TEST_CASE("spec_parse: trailing characters after any token's number are errors naming the token", "[model_spec]") {
  for (const std::string token : {"drop.5.5", "drop0.25.0", "drop.", "drop..", "drop..5", "drop.5.", "conv16k5.5",
                                  "conv16.5k5", "conv16k5.5valid", "pool2.2", "pool2.", "dense10.5", "dense10.5linear"}) {
    INFO("token: " << token);
    Result<std::vector<LayerSpec>> r = spec_parse("flat-" + token + "-dense10");
    CHECK_FALSE(r.ok());
    CHECK_THAT(r.error, Contains("'" + token + "'"));
  }
  CHECK(parse_ok("flat-drop0.-dense10")[1].rate == 0.0f);  // one whole number, written with a trailing point
}

TEST_CASE("spec_parse: zero and out-of-range numbers are errors naming the token", "[model_spec]") {
  for (const std::string token : {"conv0k3", "conv16k0", "conv99999999k3", "conv16k99999999", "conv65537k3", "conv16k64",
                                  "conv99999999999999999999999k3", "pool65", "pool99999999999999999999"}) {
    INFO("token: " << token);
    CHECK_THAT(parse_error(token + "-flat-dense10"), Contains("'" + token + "'"));
  }
  CHECK_THAT(parse_error("flat-dense99999999"), Contains("'dense99999999'"));
  CHECK_THAT(parse_error("flat-dense65537"), Contains("'dense65537'"));
}

TEST_CASE("spec_parse: a spec must end with a dense layer", "[model_spec]") {
  CHECK_THAT(parse_error("conv16k5-pool2-flat"), Contains("end with a dense"));
  CHECK_THAT(parse_error("dense10-drop.5"), Contains("end with a dense"));
  CHECK_THAT(parse_error("conv16k5"), Contains("end with a dense"));
}

TEST_CASE("spec_parse: more than 256 layers is an error", "[model_spec]") {
  std::string text;
  for (int i = 0; i < 257; ++i) text += "relu-";
  text += "flat-dense10";
  CHECK_THAT(parse_error(text), Contains("256"));
}

// ---- model_build -----------------------------------------------------------------------------------------------

TEST_CASE("model_build: the MNIST CNN has Keras names, shapes and parameter counts", "[model]") {
  const Model m = build_ok("mnist", Shape{28, 28, 1}, 10);
  CHECK(m.spec == kMnistText);
  CHECK(m.input == (Shape{28, 28, 1}));
  CHECK(m.num_classes == 10);
  REQUIRE(m.layers.size() == 9);

  const char* names[9] = {"conv2d",  "max_pooling2d", "conv2d_1", "max_pooling2d_1", "dropout",
                          "flatten", "dense",         "dropout_1", "dense_1"};
  const Shape shapes[9] = {{28, 28, 16}, {14, 14, 16}, {14, 14, 36}, {7, 7, 36}, {7, 7, 36},
                           {1, 1, 1764}, {1, 1, 128},  {1, 1, 128},  {1, 1, 10}};
  // conv 5*5*1*16+16 = 416; conv 5*5*16*36+36 = 14436; dense 1764*128+128 = 225920; dense 128*10+10 = 1290.
  const size_t counts[9] = {416, 0, 14436, 0, 0, 0, 225920, 0, 1290};
  size_t total = 0, expected_offset = 0;
  Shape previous = m.input;
  for (size_t i = 0; i < 9; ++i) {
    const Layer& l = m.layers[i];
    INFO("layer " << i << " " << l.name);
    CHECK(l.name == names[i]);
    CHECK(l.in == previous);
    CHECK(l.out == shapes[i]);
    CHECK(l.param_count() == counts[i]);
    if (l.param_count() > 0) {
      // Weights then biases, packed back to back in one buffer.
      CHECK(l.w_offset == expected_offset);
      CHECK(l.b_offset == l.w_offset + l.w_count);
      CHECK(l.b_count == size_t(l.spec.units));
      expected_offset += l.param_count();
    }
    total += l.param_count();
    previous = l.out;
  }
  CHECK(total == 242062);
  CHECK(m.params.size() == 242062);
  CHECK(m.grads.size() == 242062);
  CHECK(m.layers[0].w_count == 400);
  CHECK(m.layers[8].w_count == 1280);
}

TEST_CASE("model_build: the CIFAR-10 CNN on (32,32,3)", "[model]") {
  const Model m = build_ok("cifar10", Shape{32, 32, 3}, 10);
  REQUIRE(m.layers.size() == 11);
  // conv  3*3*3*32 + 32      =       896
  // conv  3*3*32*64 + 64     =    18,496
  // dense 8*8*64*1024 + 1024 = 4,195,328   (32 -> pool -> 16 -> pool -> 8; 8*8*64 = 4096 inputs)
  // dense 1024*10 + 10       =    10,250
  // total                      4,224,970
  CHECK(m.layers[0].param_count() == 896);
  CHECK(m.layers[3].param_count() == 18496);
  CHECK(m.layers[6].out == (Shape{1, 1, 4096}));
  CHECK(m.layers[8].param_count() == 4195328);
  CHECK(m.layers[10].param_count() == 10250);
  CHECK(m.params.size() == 4224970);
  CHECK(m.layers[9].name == "dropout_3");
  CHECK(m.layers[10].name == "dense_1");
}

TEST_CASE("model_build: valid padding and odd pool sizes", "[model]") {
  const Model valid = build_ok("conv8k5valid-flat-dense10", Shape{28, 28, 1}, 10);
  CHECK(valid.layers[0].out == (Shape{24, 24, 8}));  // 28 - 5 + 1
  CHECK(valid.layers[1].out == (Shape{1, 1, 24 * 24 * 8}));

  const Model same = build_ok("conv8k4-flat-dense10", Shape{28, 28, 1}, 10);
  CHECK(same.layers[0].out == (Shape{28, 28, 8}));  // 'same' keeps the size, even kernels too

  const Model pool3 = build_ok("pool3-flat-dense10", Shape{28, 28, 2}, 10);
  CHECK(pool3.layers[0].out == (Shape{9, 9, 2}));  // floor(28 / 3)
  CHECK(pool3.layers[0].param_count() == 0);

  const Model rect = build_ok("conv3k3valid-pool2-flat-dense4", Shape{10, 7, 2}, 4);
  CHECK(rect.layers[0].out == (Shape{8, 5, 3}));
  CHECK(rect.layers[1].out == (Shape{4, 2, 3}));
  CHECK(rect.layers[0].param_count() == 3 * 3 * 2 * 3 + 3);
  CHECK(rect.layers[3].param_count() == 4 * 2 * 3 * 4 + 4);
}

TEST_CASE("model_build: errors", "[model]") {
  const Shape mnist{28, 28, 1};
  SECTION("a bad spec passes its message through") {
    CHECK_THAT(build_error("conv16x5-flat-dense10", mnist, 10), Contains("'conv16x5'"));
  }
  SECTION("dense without flat") {
    CHECK_THAT(build_error("conv8k3-dense10", mnist, 10), Contains("flat"));
  }
  SECTION("too many pools") {
    // 28 -> 14 -> 7 -> 3 -> 1 -> 0: the fifth pool vanishes the image.
    const std::string error = build_error("pool2-pool2-pool2-pool2-pool2-flat-dense10", mnist, 10);
    CHECK_THAT(error, Contains("max_pooling2d_4"));
    CHECK_THAT(error, Contains("pool size 2"));
    build_ok("pool2-pool2-pool2-pool2-flat-dense10", mnist, 10);  // four fit
  }
  SECTION("last dense units differ from the number of classes") {
    const std::string error = build_error("flat-dense5", mnist, 10);
    CHECK_THAT(error, Contains("5 units"));
    CHECK_THAT(error, Contains("10 classes"));
  }
  SECTION("valid kernel larger than the image") {
    CHECK_THAT(build_error("conv8k5valid-flat-dense10", Shape{4, 4, 1}, 10), Contains("5x5"));
    CHECK_THAT(build_error("conv8k3valid-flat-dense10", Shape{1, 1, 1}, 10), Contains("3x3"));
    CHECK_THAT(build_error("conv8k3valid-flat-dense10", Shape{28, 2, 1}, 10), Contains("3x3"));
    build_ok("conv8k5valid-flat-dense10", Shape{5, 5, 1}, 10);  // exactly fits: 1x1 output
  }
  SECTION("unusable input shapes") {
    CHECK_THAT(build_error("flat-dense10", Shape{0, 28, 1}, 10), Contains("input shape"));
    CHECK_THAT(build_error("flat-dense10", Shape{28, 28, -1}, 10), Contains("input shape"));
  }
  SECTION("too many parameters") {
    // 28*28*1 * 65536 * 2 dense weights is far beyond 2^28.
    CHECK_THAT(build_error("conv64k3-flat-dense65536-dense10", mnist, 10), Contains("parameters"));
  }
}

// Regression: Flatten's width once wrapped past 2^31 floats (4096*4096*256 = 2^32 -> 0) and nothing bounded
// activation sizes; model_build must refuse such a model instead of allocating 16 GiB per sample.
// The same limits hold where size_t is 32 bits (the WebAssembly build runs these tests too).
TEST_CASE("model_build: an activation too large to hold is an error, not a wrapped shape", "[model]") {
  Result<Model> r = model_build("conv256k1-flat-dense10", Shape{4096, 4096, 1}, 10);
  CHECK_FALSE(r.ok());
  // 8192 x 8192 inputs to a dense layer of 65536 units: 2^42 weights, 0 modulo 2^32.
  r = model_build("flat-dense65536-dense10", Shape{8192, 8192, 1}, 10);
  CHECK_FALSE(r.ok());
  r = model_build("conv1k1-flat-dense65536-dense10", Shape{1024, 1024, 1}, 10);  // 2^36 weights
  CHECK_FALSE(r.ok());
}

// ---- model_summary ---------------------------------------------------------------------------------------------

TEST_CASE("model_summary: the Keras-style table of the MNIST CNN", "[model]") {
  const std::string s = model_summary(build_ok("mnist", Shape{28, 28, 1}, 10));
  CHECK_THAT(s, Contains("conv2d (Conv2D)"));
  CHECK_THAT(s, Contains("conv2d_1 (Conv2D)"));
  CHECK_THAT(s, Contains("max_pooling2d_1 (MaxPooling2D)"));
  CHECK_THAT(s, Contains("flatten (Flatten)"));
  CHECK_THAT(s, Contains("dense_1 (Dense)"));
  CHECK_THAT(s, Contains("(None, 28, 28, 16)"));
  CHECK_THAT(s, Contains("(None, 14, 14, 36)"));
  CHECK_THAT(s, Contains("(None, 1764)"));
  CHECK_THAT(s, Contains("(None, 10)"));
  CHECK_THAT(s, Contains("14,436"));
  CHECK_THAT(s, Contains("225,920"));
  CHECK_THAT(s, Contains("1,290"));
  CHECK_THAT(s, Contains("Total params: 242,062"));
  CHECK_THAT(s, Contains("Trainable params: 242,062"));
  CHECK_THAT(s, Contains("Non-trainable params: 0"));
  // Layers appear in order.
  CHECK(s.find("conv2d (Conv2D)") < s.find("conv2d_1 (Conv2D)"));
  CHECK(s.find("dense (Dense)") < s.find("dense_1 (Dense)"));
}

TEST_CASE("model_summary: totals above a million get two separators", "[model]") {
  CHECK_THAT(model_summary(build_ok("cifar10", Shape{32, 32, 3}, 10)), Contains("Total params: 4,224,970"));
}

// ---- model_init ------------------------------------------------------------------------------------------------

TEST_CASE("model_init: seeded, deterministic, zero biases", "[model]") {
  Model a = build_ok("mnist", Shape{28, 28, 1}, 10);
  Model b = build_ok("mnist", Shape{28, 28, 1}, 10);
  Model c = build_ok("mnist", Shape{28, 28, 1}, 10);
  std::fill(b.params.begin(), b.params.end(), 7.0f);  // init must overwrite everything, biases included
  model_init(a, 42);
  model_init(b, 42);
  model_init(c, 43);
  CHECK(a.params == b.params);
  CHECK(a.params != c.params);

  for (const Layer& l : a.layers) {
    if (l.param_count() == 0) continue;
    INFO("layer " << l.name);
    const float* w = a.weights(l);
    const float* bias = a.biases(l);
    size_t zero_weights = 0;
    for (size_t i = 0; i < l.w_count; ++i) zero_weights += w[i] == 0.0f;
    CHECK(zero_weights < l.w_count / 100 + 1);
    for (size_t i = 0; i < l.b_count; ++i) CHECK(bias[i] == 0.0f);
  }
  for (const Layer& l : b.layers) {
    for (size_t i = 0; i < l.b_count; ++i) REQUIRE(b.biases(l)[i] == 0.0f);
  }
}

TEST_CASE("model_init: Glorot-uniform limits and variance", "[model]") {
  Model m = build_ok("mnist", Shape{28, 28, 1}, 10);
  model_init(m, 1);
  struct Check {
    size_t layer;
    double fan_in, fan_out;
  };
  // conv2d: fans include the 5x5 receptive field: 25*1 in, 25*16 out.
  // conv2d_1: 25*16 in, 25*36 out. dense: 1764 in, 128 out. dense_1: 128 in, 10 out.
  const Check checks[4] = {{0, 25.0 * 1, 25.0 * 16}, {2, 25.0 * 16, 25.0 * 36}, {6, 1764, 128}, {8, 128, 10}};
  for (const Check& c : checks) {
    const Layer& l = m.layers[c.layer];
    INFO("layer " << l.name);
    const double limit = std::sqrt(6.0 / (c.fan_in + c.fan_out));
    const float* w = m.weights(l);
    double sum = 0.0, sum_sq = 0.0, max_abs = 0.0;
    size_t negative = 0;
    for (size_t i = 0; i < l.w_count; ++i) {
      sum += w[i];
      sum_sq += double(w[i]) * w[i];
      max_abs = std::max(max_abs, double(std::fabs(w[i])));
      negative += w[i] < 0.0f;
    }
    const double n = double(l.w_count);
    const double mean = sum / n;
    const double variance = (sum_sq - n * mean * mean) / (n - 1);
    CHECK(max_abs <= limit * (1.0 + 1e-6));
    CHECK(max_abs > 0.9 * limit);                      // the whole range is used, not a narrower one
    CHECK(std::fabs(mean) < 4.0 * limit / std::sqrt(3.0 * n));  // ~4 standard errors of the mean
    CHECK(variance == Approx(limit * limit / 3.0).epsilon(0.10));  // U(-a, a) has variance a^2/3
    CHECK(negative > l.w_count / 3);
    CHECK(negative < 2 * l.w_count / 3);
  }
  // The first layer's limit, spelled out: sqrt(6 / (25*1 + 25*16)) = sqrt(6/425) ~ 0.1188.
  CHECK(std::sqrt(6.0 / (25 * 1 + 25 * 16)) == Approx(0.11882).epsilon(1e-4));
}
