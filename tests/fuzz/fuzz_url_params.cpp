// fuzz_url_params.cpp: libFuzzer harness for the page's query string (url_params.h): url_params_parse,
// url_params_apply and url_decode.
//
// Input: the query string. Checks beyond "no crash, no sanitizer report": every setting stays within its range
// (trainer.h, optimizer.h, url_params.h) whatever the input (bad values only warn); the model kept is one model_build accepts; the
// layer shown exists in it; applying the same query twice changes nothing more; decoding never lengthens text.
// Queries naming a model of more than kMaxParams parameters are skipped: the parser builds every model it is
// given (model_build allocates its parameters) and there is no memory budget yet to refuse a huge one.
// Not here: applying the settings to a session (lab.h).
#include "fuzz_common.h"
#include "model.h"
#include "url_params.h"

using namespace convlens;
using namespace convlens_fuzz;

namespace {

constexpr double kMaxParams = 300'000;  // the mnist preset has 242k; a build of it takes 20 ms with ASan

// Whether every model=... of the query (split and decoded as url_params_apply does) is small enough to build.
bool models_small_enough(const std::string& query) {
  size_t at = 0;
  while (at <= query.size()) {
    size_t end = query.find('&', at);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(at, end - at);
    const size_t eq = pair.find('=');
    if (url_decode(pair.substr(0, eq)) == "model" && eq != std::string::npos) {
      const Result<std::vector<LayerSpec>> layers = spec_parse(url_decode(pair.substr(eq + 1)));
      const ModelCost cost = layers.ok() ? fuzz_model_cost(layers.value, Shape{28, 28, 1}, 10) : ModelCost{};
      if (cost.valid && cost.params > kMaxParams) return false;  // one outside the rules is refused unbuilt
    }
    at = end + 1;
  }
  return true;
}

void check_within_limits(const UrlOptions& o) {
  const LabSettings& s = o.settings;
  fuzz_check(dataset_info(s.dataset) != nullptr, "a data set the page serves", s.dataset);
  const TrainConfig& t = s.train;
  fuzz_check(kEpochsRange.contains(t.epochs), "epochs within limits");
  fuzz_check(kBatchRange.contains(t.batch), "batch within limits");
  fuzz_check(kLrRange.contains(t.optimizer.lr), "learning rate within limits");
  fuzz_check(kMomentumRange.contains(t.optimizer.momentum), "momentum within limits");
  fuzz_check(kValSplitRange.contains(t.val_split), "validation split within limits");
  fuzz_check(kSubsetRange.contains((long long)t.subset), "subset within limits");
  fuzz_check(o.threads == 0 || kThreadsRange.contains(o.threads), "threads within limits");
  fuzz_check(o.probe >= -1, "probe -1 or an index");
  static const int default_layers = int(model_build(LabSettings().model, Shape{28, 28, 1}, 10).value.layers.size());
  int layers = default_layers;  // built once: model_build fills its parameters, which is most of a run's time
  if (s.model != LabSettings().model) {
    const Result<Model> m = model_build(s.model, Shape{28, 28, 1}, 10);
    fuzz_check(m.ok(), "the model kept builds", s.model);
    layers = int(m.value.layers.size());
  }
  fuzz_check(o.layer >= -1 && o.layer < layers, "the layer shown exists");
}

bool same_options(const UrlOptions& a, const UrlOptions& b) {
  const LabSettings &x = a.settings, &y = b.settings;
  const TrainConfig &u = x.train, &v = y.train;
  return x.dataset == y.dataset && x.model == y.model && u.epochs == v.epochs && u.batch == v.batch &&
         u.optimizer.lr == v.optimizer.lr && u.optimizer.kind == v.optimizer.kind &&
         u.optimizer.momentum == v.optimizer.momentum && u.val_split == v.val_split && u.subset == v.subset &&
         u.seed == v.seed && a.layer == b.layer && a.probe == b.probe &&
         a.threads == b.threads && a.autostart == b.autostart && a.embed == b.embed &&
         a.gradcam == b.gradcam && a.lang == b.lang &&
         a.allow_origins == b.allow_origins;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string query(reinterpret_cast<const char*>(data), size);
  fuzz_check(url_decode(query).size() <= query.size(), "decoding never lengthens text");
  if (!models_small_enough(query)) return -1;  // not added to the corpus

  UrlOptions once = url_params_parse(query);
  check_within_limits(once);
  for (const std::string& warning : once.warnings) fuzz_check(!warning.empty(), "warnings say something");
  UrlOptions twice = once;
  url_params_apply(query, twice);
  fuzz_check(same_options(once, twice), "applying a query twice changes nothing more");
  return 0;
}
