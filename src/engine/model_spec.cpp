// model_spec.cpp: parsing and printing the one-line model spec (grammar in model_spec.h).
#include "model_spec.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstdio>

namespace convlens {
namespace {

const char* kMnistPreset = "conv16k5-pool2-conv36k5-pool2-drop.25-flat-dense128-drop.5-dense10";
const char* kCifarPreset =
    "conv32k3-drop.25-pool2-conv64k3-drop.25-pool2-flat-drop.25-dense1024-drop.25-dense10";

constexpr int kMaxUnits = 1 << 16;
constexpr int kMaxKernel = 63;

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

bool ends_with(std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size() || s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
  s.erase(s.size() - suffix.size());
  return true;
}

// Parses a whole decimal number in [lo, hi] from s[pos...] up to a non-digit; advances pos.
bool read_int(const std::string& s, size_t& pos, int lo, int hi, int& out) {
  size_t start = pos;
  long value = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
    value = value * 10 + (s[pos] - '0');
    if (value > hi) return false;
    ++pos;
  }
  if (pos == start || value < lo) return false;
  out = int(value);
  return true;
}

std::string token_error(size_t index, const std::string& token, const std::string& expected) {
  return "model spec token " + std::to_string(index + 1) + " '" + token + "': expected " + expected;
}

Result<LayerSpec> parse_token(size_t index, const std::string& token) {
  using R = Result<LayerSpec>;
  LayerSpec layer;
  std::string t = token;
  if (starts_with(t, "conv")) {
    layer.kind = LayerKind::Conv2D;
    layer.relu = !ends_with(t, "linear");
    if (ends_with(t, "valid")) layer.padding = Padding::Valid;
    else ends_with(t, "same");
    size_t pos = 4;
    const std::string expected = "conv<filters>k<kernel>[valid][linear], e.g. conv32k3, filters 1.." +
                                 std::to_string(kMaxUnits) + ", odd or even kernel 1.." + std::to_string(kMaxKernel);
    if (!read_int(t, pos, 1, kMaxUnits, layer.units) || pos >= t.size() || t[pos] != 'k') return R::fail(token_error(index, token, expected));
    ++pos;
    if (!read_int(t, pos, 1, kMaxKernel, layer.kernel) || pos != t.size()) return R::fail(token_error(index, token, expected));
    return R::success(layer);
  }
  if (starts_with(t, "pool")) {
    layer.kind = LayerKind::MaxPool2D;
    size_t pos = 4;
    if (!read_int(t, pos, 1, 64, layer.pool) || pos != t.size())
      return R::fail(token_error(index, token, "pool<size>, e.g. pool2 (size 1..64)"));
    return R::success(layer);
  }
  if (starts_with(t, "dense")) {
    layer.kind = LayerKind::Dense;
    layer.relu = !ends_with(t, "linear");
    size_t pos = 5;
    if (!read_int(t, pos, 1, kMaxUnits, layer.units) || pos != t.size())
      return R::fail(token_error(index, token, "dense<units>[linear], e.g. dense128 (units 1.." + std::to_string(kMaxUnits) + ")"));
    return R::success(layer);
  }
  if (starts_with(t, "drop")) {
    layer.kind = LayerKind::Dropout;
    const std::string number = t.substr(4);
    const bool plain = !number.empty() && number.find_first_not_of("0123456789.") == std::string::npos;
    char* end = nullptr;
    const float rate = plain ? std::strtof(number.c_str(), &end) : -1.0f;
    const bool whole = plain && end == number.c_str() + number.size();  // "drop.5.5" is not .5, "drop." not 0
    if (!whole || !(rate >= 0.0f && rate < 1.0f) || (rate > 0.0f && rate < 1e-6f))
      return R::fail(token_error(index, token, "drop<rate> with rate 0 or in [0.000001, 1), e.g. drop.25"));
    layer.rate = rate;
    return R::success(layer);
  }
  if (t == "flat" || t == "flatten") {
    layer.kind = LayerKind::Flatten;
    return R::success(layer);
  }
  if (t == "relu") {
    layer.kind = LayerKind::ReLU;
    return R::success(layer);
  }
  return R::fail(token_error(index, token, "one of conv<F>k<K>, pool<P>, relu, drop<R>, flat, dense<U>"));
}

// The shortest fixed-point text that reads back as the same float, without the leading 0: 0.25 -> ".25".
std::string rate_text(float rate) {
  if (rate == 0.0f) return "0";
  char text[32];
  for (int digits = 1; digits <= 12; ++digits) {
    std::snprintf(text, sizeof text, "%.*f", digits, double(rate));
    if (std::strtof(text, nullptr) == rate) break;
  }
  return text[0] == '0' ? std::string(text + 1) : std::string(text);
}

}  // namespace

std::string spec_preset_text(const std::string& name_or_spec) {
  if (name_or_spec == "mnist" || name_or_spec == "fashion") return kMnistPreset;
  if (name_or_spec == "cifar10") return kCifarPreset;
  return name_or_spec;
}

Result<std::vector<LayerSpec>> spec_parse(const std::string& text_or_preset) {
  using R = Result<std::vector<LayerSpec>>;
  const std::string text = spec_preset_text(text_or_preset);
  if (text.empty()) return R::fail("model spec is empty: give a preset (mnist, cifar10) or layers like conv16k5-pool2-flat-dense10");
  std::vector<LayerSpec> layers;
  size_t start = 0;
  for (size_t index = 0;; ++index) {
    const size_t dash = text.find('-', start);
    const std::string token = text.substr(start, dash == std::string::npos ? std::string::npos : dash - start);
    if (token.empty()) return R::fail("model spec '" + text + "': empty layer at position " + std::to_string(index + 1) + " (two '-' in a row?)");
    Result<LayerSpec> layer = parse_token(index, token);
    if (!layer.ok()) return R::fail(layer.error);
    layers.push_back(layer.value);
    if (dash == std::string::npos) break;
    start = dash + 1;
  }
  if (layers.size() > size_t(kMaxLayers))
    return R::fail("model spec has " + std::to_string(layers.size()) + " layers; at most " + std::to_string(kMaxLayers) +
                   " are supported");
  // The last dense layer gives the logits: never ReLU.
  if (layers.back().kind != LayerKind::Dense)
    return R::fail("model spec must end with a dense layer (the softmax classifier), e.g. ...-flat-dense10");
  layers.back().relu = false;
  return R::success(layers);
}

std::string spec_to_string(const std::vector<LayerSpec>& layers) {
  std::string out;
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerSpec& l = layers[i];
    const bool last = i + 1 == layers.size();
    if (i) out += '-';
    switch (l.kind) {
      case LayerKind::Conv2D:
        out += "conv" + std::to_string(l.units) + "k" + std::to_string(l.kernel);
        if (l.padding == Padding::Valid) out += "valid";
        if (!l.relu) out += "linear";
        break;
      case LayerKind::MaxPool2D: out += "pool" + std::to_string(l.pool); break;
      case LayerKind::ReLU: out += "relu"; break;
      case LayerKind::Dropout: out += "drop" + rate_text(l.rate); break;
      case LayerKind::Flatten: out += "flat"; break;
      case LayerKind::Dense:
        out += "dense" + std::to_string(l.units);
        if (!l.relu && !last) out += "linear";
        break;
    }
  }
  return out;
}

const char* layer_kind_class(LayerKind kind) {
  switch (kind) {
    case LayerKind::Conv2D: return "Conv2D";
    case LayerKind::MaxPool2D: return "MaxPooling2D";
    case LayerKind::ReLU: return "ReLU";
    case LayerKind::Dropout: return "Dropout";
    case LayerKind::Flatten: return "Flatten";
    case LayerKind::Dense: return "Dense";
  }
  return "?";
}

const char* layer_kind_base_name(LayerKind kind) {
  switch (kind) {
    case LayerKind::Conv2D: return "conv2d";
    case LayerKind::MaxPool2D: return "max_pooling2d";
    case LayerKind::ReLU: return "re_lu";
    case LayerKind::Dropout: return "dropout";
    case LayerKind::Flatten: return "flatten";
    case LayerKind::Dense: return "dense";
  }
  return "?";
}

}  // namespace convlens
