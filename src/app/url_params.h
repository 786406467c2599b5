// url_params.h: the page's query string (?dataset=fashion&epochs=3&autostart=1) turned into settings.
//
// Parsing never fails: a tutorial's typo must not break the page. Every value that cannot be used is ignored
// with a warning that names it and says what was kept ("epochs: 'banana' is not a whole number in 1..10000;
// keeping 10"). The same parser reads the options of the JS API's train(options) and reset(options), which
// the page passes on as a query string. Not here: applying the settings (lab.h), reading location.search (JS).
//
// Keys: dataset, model, epochs, batch, lr, optimizer, momentum, subset, seed, val_split, layer, probe,
// threads, autostart, embed, gradcam, lang (en or zh-TW; the browser's language when absent), allow_origin
// (comma-separated origins such as https://a.example). (threads=1 also makes the page load the single-threaded build: web/convlens_web.js.)
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "lab_settings.h"

namespace convlens {

// The page's own settings (the run's are in trainer.h and optimizer.h, a layer index's in model_spec.h).
constexpr WholeRange kProbeRange{0, 100'000'000};
constexpr WholeRange kThreadsRange{1, 64};

// The UI's language (src/ui/ui_text.h has its strings). Messages from the engine and the app stay English.
enum class Language { English, TraditionalChinese };

// "en" or "zh-TW", as ?lang= and status().lang write it.
const char* language_code(Language lang);
// The UI's language for a browser's (navigator.language, BCP 47 such as "zh-HK" or "en-US"): Traditional
// Chinese for any Chinese ("zh", "zh-TW", "zh-HK", "zh-Hant", ...), else English.
Language language_from_locale(const std::string& locale);

struct UrlOptions {
  LabSettings settings;               // defaults overridden by every valid value
  int layer = -1;                     // feature-map layer to show first (the book's idx); -1 = not given
  int probe = -1;                     // test image shown as the probe; -1 = not given
  int threads = 0;                    // engine threads; 0 = not given (as many as the build and the CPU allow)
  bool autostart = false;             // start training as soon as the data is loaded
  bool embed = false;                 // compact layout for iframes
  bool gradcam = false;               // show Grad-CAM over the probe
  std::optional<Language> lang;       // the UI's language; not given = the browser's (English natively)
  // Origins whose pages may drive an embedded page by postMessage (web/convlens_web.js); empty = any.
  std::vector<std::string> allow_origins;
  std::vector<std::string> warnings;  // one line per ignored value
};

// Parses `query` (with or without the leading '?'; '&'-separated key=value, %XX and '+' decoded) over
// `into`, appending warnings. Keys not given keep their value in `into`.
void url_params_apply(const std::string& query, UrlOptions& into);

// Convenience: url_params_apply over the defaults.
UrlOptions url_params_parse(const std::string& query);

// Percent-decoding of one component ('+' is a space; a bad %XX is kept as typed).
std::string url_decode(const std::string& text);

// The query that url_params_parse reads back into these settings, layer (>= 0) and test-image probe (>= 0; -1 =
// not given): only values that differ from the defaults, e.g. "epochs=3&lr=0.005&layer=2". The share link.
std::string url_params_query(const LabSettings& settings, int layer, int probe);

}  // namespace convlens
