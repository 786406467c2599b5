// url_params.cpp: query-string parsing with a warning per ignored value (see url_params.h).
#include "url_params.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "model.h"

namespace convlens {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_bool(const std::string& text, bool& out) {
  if (text == "1" || text == "true" || text == "yes" || text == "on" || text.empty()) { out = true; return true; }
  if (text == "0" || text == "false" || text == "no" || text == "off") { out = false; return true; }
  return false;
}

std::string quoted(const std::string& value) {
  std::string v = value.size() > 40 ? value.substr(0, 40) + "..." : value;
  return "'" + v + "'";
}

std::string lower(std::string text) {
  for (char& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// `model` planned for the settings' data set (its input shape and classes).
Result<Model> plan_for(const LabSettings& s, const std::string& model) {
  const DatasetInfo* d = dataset_info(s.dataset);
  return model_plan(model, d->input, int(d->classes.size()));
}

struct Parser {
  UrlOptions& o;

  void warn(const std::string& key, const std::string& value, const std::string& why, const std::string& kept) {
    o.warnings.push_back(key + ": " + quoted(value) + " " + why + "; keeping " + kept);
  }

  template <class T>
  void whole(const std::string& key, const std::string& value, WholeRange range, T& field) {
    if (parse_in(value, range, field)) return;
    std::string kept = std::to_string(field);
    if constexpr (std::is_signed_v<T>) {
      if (field < 0) kept = "the default";
    }
    warn(key, value, "is not " + range.text(), kept);
  }

  void real(const std::string& key, const std::string& value, RealRange range, float& field) {
    if (!parse_in(value, range, field)) warn(key, value, "is not " + range.text(), number_text(field));
  }

  // scheme://host[:port], as browsers write an origin: http or https, no path, query, spaces or quotes.
  static bool is_origin(const std::string& text) {
    const size_t start = text.rfind("https://", 0) == 0 ? 8 : text.rfind("http://", 0) == 0 ? 7 : 0;
    if (start == 0 || text.size() == start || text.size() > 200) return false;
    for (size_t i = start; i < text.size(); ++i) {
      const char c = text[i];
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
        return false;
    }
    return true;
  }

  void origins(const std::string& key, const std::string& value) {
    std::vector<std::string> good;
    size_t at = 0;
    while (at <= value.size()) {
      size_t end = value.find(',', at);
      if (end == std::string::npos) end = value.size();
      std::string origin = value.substr(at, end - at);
      if (!origin.empty() && origin.back() == '/') origin.pop_back();
      if (is_origin(origin)) good.push_back(origin);
      else warn(key, origin, "is not an origin like https://example.org", "the others");
      at = end + 1;
    }
    if (good.empty()) o.warnings.push_back("allow_origin: no usable origin; any page may drive this one");
    o.allow_origins = good;
  }

  void language(const std::string& key, const std::string& value) {
    const std::string v = lower(value);
    if (v == "en") o.lang = Language::English;
    else if (v == "zh-tw") o.lang = Language::TraditionalChinese;
    else warn(key, value, "is not en or zh-TW", o.lang ? language_code(*o.lang) : "the default");
  }

  void flag(const std::string& key, const std::string& value, bool& field) {
    if (!parse_bool(value, field)) warn(key, value, "is not 0 or 1", field ? "1" : "0");
  }

  void set(const std::string& key, const std::string& value) {
    LabSettings& s = o.settings;
    if (key == "dataset") {
      if (dataset_info(value)) s.dataset = value;
      else warn(key, value, "is not a known data set (" + dataset_ids() + ")", s.dataset);
    } else if (key == "model") {
      Result<Model> m = plan_for(s, value);
      if (m.ok()) s.model = value;
      else warn(key, value, "is not a usable model (" + m.error + ")", s.model);
    } else if (key == "epochs") {
      whole(key, value, kEpochsRange, s.train.epochs);
    } else if (key == "batch") {
      whole(key, value, kBatchRange, s.train.batch);
    } else if (key == "lr") {
      real(key, value, kLrRange, s.train.optimizer.lr);
    } else if (key == "optimizer") {
      if (!optimizer_from_name(value, s.train.optimizer.kind))
        warn(key, value, "is not adam or sgd", optimizer_name(s.train.optimizer.kind));
    } else if (key == "momentum") {
      real(key, value, kMomentumRange, s.train.optimizer.momentum);
    } else if (key == "subset") {
      whole(key, value, kSubsetRange, s.train.subset);
    } else if (key == "seed") {
      whole(key, value, kSeedRange, s.train.seed);
    } else if (key == "val_split") {
      real(key, value, kValSplitRange, s.train.val_split);
    } else if (key == "layer") {
      whole(key, value, kLayerRange, o.layer);
    } else if (key == "probe") {
      whole(key, value, kProbeRange, o.probe);
    } else if (key == "threads") {
      whole(key, value, kThreadsRange, o.threads);
    } else if (key == "autostart") {
      flag(key, value, o.autostart);
    } else if (key == "embed") {
      flag(key, value, o.embed);
    } else if (key == "gradcam") {
      flag(key, value, o.gradcam);
    } else if (key == "lang") {
      language(key, value);
    } else if (key == "allow_origin") {
      origins(key, value);
    } else if (!key.empty()) {
      o.warnings.push_back("unknown parameter " + quoted(key) + " ignored");
    }
  }
};

}  // namespace

const char* language_code(Language lang) { return lang == Language::TraditionalChinese ? "zh-TW" : "en"; }

Language language_from_locale(const std::string& locale) {
  const std::string l = lower(locale);
  const bool chinese = l.rfind("zh", 0) == 0 && (l.size() == 2 || l[2] == '-' || l[2] == '_');
  return chinese ? Language::TraditionalChinese : Language::English;
}

std::string url_decode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
      out += char(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

void url_params_apply(const std::string& query, UrlOptions& into) {
  Parser parser{into};
  size_t at = (!query.empty() && query[0] == '?') ? 1 : 0;
  while (at <= query.size()) {
    size_t end = query.find('&', at);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(at, end - at);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      const std::string key = url_decode(pair.substr(0, eq));
      const std::string value = eq == std::string::npos ? "" : url_decode(pair.substr(eq + 1));
      parser.set(key, value);
    }
    at = end + 1;
  }
  // The model and the batch must fit the memory budget together, and the layer index exist in the model: both
  // can only be checked once the whole query is read.
  LabSettings& s = into.settings;
  Result<Model> plan = plan_for(s, s.model);
  const Status fits = plan.ok() ? lab_memory_check(plan.value, s.train.batch) : Status::success();
  if (!fits.ok()) {
    const LabSettings defaults;
    into.warnings.push_back("model, batch: " + fits.error + "; using " + defaults.model + " at batch " +
                            std::to_string(defaults.train.batch));
    s.model = defaults.model;
    s.train.batch = defaults.train.batch;
  }
  if (into.layer >= 0) {
    Result<Model> m = plan_for(s, s.model);
    const int count = m.ok() ? int(m.value.layers.size()) : 0;
    if (into.layer >= count) {
      into.warnings.push_back("layer: " + std::to_string(into.layer) + " is past the model's last layer (" +
                              std::to_string(count - 1) + "); showing layer 0");
      into.layer = 0;
    }
  }
}

namespace {

// Percent-encoding of one component: letters, digits and -._~ stay; everything else is %XX.
std::string url_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += char(c);
    else out += std::string("%") + hex[c >> 4] + hex[c & 15];
  }
  return out;
}

// The shortest %g that reads back as the same float (0.005, not 0.00499999989).
std::string float_query(float v) {
  char buf[32];
  for (int digits = 6; digits <= 9; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, double(v));
    if (std::strtof(buf, nullptr) == v) break;
  }
  return buf;
}

}  // namespace

std::string url_params_query(const LabSettings& s, int layer, int probe) {
  const LabSettings d;
  const TrainConfig &t = s.train, &dt = d.train;
  std::string q;
  auto add = [&q](const char* key, const std::string& value) { q += (q.empty() ? "" : "&") + std::string(key) + "=" + url_encode(value); };
  if (s.dataset != d.dataset) add("dataset", s.dataset);
  if (s.model != d.model) add("model", s.model);
  if (t.epochs != dt.epochs) add("epochs", std::to_string(t.epochs));
  if (t.batch != dt.batch) add("batch", std::to_string(t.batch));
  if (t.optimizer.lr != dt.optimizer.lr) add("lr", float_query(t.optimizer.lr));
  if (t.optimizer.kind != dt.optimizer.kind) add("optimizer", optimizer_name(t.optimizer.kind));
  if (t.optimizer.momentum != dt.optimizer.momentum) add("momentum", float_query(t.optimizer.momentum));
  if (t.subset != dt.subset) add("subset", std::to_string(t.subset));
  if (t.seed != dt.seed) add("seed", std::to_string(t.seed));
  if (t.val_split != dt.val_split) add("val_split", float_query(t.val_split));
  if (layer >= 0) add("layer", std::to_string(layer));
  if (probe >= 0) add("probe", std::to_string(probe));
  return q;
}

UrlOptions url_params_parse(const std::string& query) {
  UrlOptions o;
  url_params_apply(query, o);
  return o;
}

}  // namespace convlens
