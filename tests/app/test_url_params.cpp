// test_url_params.cpp: the page's URL parameters — every key with good values, decoding, and bad values that
// are ignored with a warning naming them while the rest still applies.
#include <catch2/catch.hpp>

#include "url_params.h"

using namespace convlens;

TEST_CASE("no query keeps the book's defaults and warns about nothing", "[url]") {
  for (const char* q : {"", "?", "&&", "?&"}) {
    const UrlOptions o = url_params_parse(q);
    CHECK(o.warnings.empty());
    CHECK(o.settings.dataset == "mnist");
    CHECK(o.settings.model == "mnist");
    CHECK(o.settings.train.epochs == 10);
    CHECK(o.settings.train.batch == LabSettings().train.batch);
    CHECK(o.settings.train.val_split == Approx(0.2));
    CHECK(o.layer == -1);
    CHECK_FALSE(o.autostart);
    CHECK_FALSE(o.embed);
  }
}

TEST_CASE("every key is read from a good query", "[url]") {
  const UrlOptions o = url_params_parse(
      "?dataset=fashion&model=conv8k3-pool2-flat-dense10&epochs=3&batch=64&lr=0.005&optimizer=sgd&momentum=0.8"
      "&subset=6000&seed=7&val_split=0.1&layer=2&probe=17&threads=2&autostart=1&embed=true&gradcam=1");
  INFO(o.warnings.size());
  CHECK(o.warnings.empty());
  CHECK(o.settings.dataset == "fashion");
  CHECK(o.settings.model == "conv8k3-pool2-flat-dense10");
  CHECK(o.settings.train.epochs == 3);
  CHECK(o.settings.train.batch == 64);
  CHECK(o.settings.train.optimizer.lr == Approx(0.005));
  CHECK(o.settings.train.optimizer.kind == OptimizerKind::SGD);
  CHECK(o.settings.train.optimizer.momentum == Approx(0.8));
  CHECK(o.settings.train.subset == 6000);
  CHECK(o.settings.train.seed == 7);
  CHECK(o.settings.train.val_split == Approx(0.1));
  CHECK(o.layer == 2);
  CHECK(o.probe == 17);
  CHECK(o.threads == 2);
  CHECK(o.autostart);
  CHECK(o.gradcam);
  CHECK(o.embed);
}

TEST_CASE("threads must be a whole number in 1..64", "[url][errors]") {
  CHECK(url_params_parse("threads=1").threads == 1);
  for (const char* bad : {"threads=0", "threads=65", "threads=two", "threads=-2", "threads=1.5"}) {
    const UrlOptions o = url_params_parse(bad);
    INFO(bad);
    CHECK(o.threads == 0);
    REQUIRE(o.warnings.size() == 1);
    CHECK(o.warnings[0].find("threads") == 0);
  }
}

TEST_CASE("values are percent-decoded and a bare flag means on", "[url]") {
  CHECK(url_decode("conv16k5%2Dpool2") == "conv16k5-pool2");
  CHECK(url_decode("a+b%20c") == "a b c");
  CHECK(url_decode("100%") == "100%");    // a broken escape is kept as typed
  CHECK(url_decode("%zz%4") == "%zz%4");
  const UrlOptions o = url_params_parse("model=conv16k5%2Dpool2%2Dflat%2Ddense10&autostart&embed=0");
  CHECK(o.warnings.empty());
  CHECK(o.settings.model == "conv16k5-pool2-flat-dense10");
  CHECK(o.autostart);
  CHECK_FALSE(o.embed);
}

TEST_CASE("bad values are ignored, one warning each, and good ones still apply", "[url][errors]") {
  const UrlOptions o = url_params_parse(
      "?epochs=banana&lr=-5&layer=99&model=conv3k&batch=0&val_split=1&dataset=cifar99&optimizer=rmsprop"
      "&subset=-5&seed=-1&autostart=maybe&epochs2=4&probe=1.5&seed=9");
  CHECK(o.settings.train.epochs == 10);
  CHECK(o.settings.train.optimizer.lr == Approx(1e-3));
  CHECK(o.settings.model == "mnist");
  CHECK(o.settings.train.batch == LabSettings().train.batch);
  CHECK(o.settings.train.val_split == Approx(0.2));
  CHECK(o.settings.dataset == "mnist");
  CHECK(o.settings.train.optimizer.kind == OptimizerKind::Adam);
  CHECK(o.settings.train.subset == 0);
  CHECK(o.settings.train.seed == 9);  // the later, good value wins
  CHECK_FALSE(o.autostart);
  CHECK(o.probe == -1);
  CHECK(o.layer == 0);  // past the model's last layer: the first layer instead
  // 12 bad values in query order, then the layer checked against the model.
  REQUIRE(o.warnings.size() == 13);
  CHECK(o.warnings[0] == "epochs: 'banana' is not a whole number in 1..10000; keeping 10");
  CHECK(o.warnings[1] == "lr: '-5' is not a number in (0, 10]; keeping 0.001");
  CHECK_THAT(o.warnings[2], Catch::StartsWith("model: 'conv3k' is not a usable model"));
  CHECK_THAT(o.warnings[5], Catch::StartsWith("dataset: 'cifar99' is not a known data set"));
  CHECK(o.warnings[10] == "unknown parameter 'epochs2' ignored");
  CHECK_THAT(o.warnings.back(), Catch::Contains("past the model's last layer"));
}

TEST_CASE("a model and batch that need more memory than the budget fall back to the defaults, with a warning",
          "[url][errors][memory]") {
  // 1 GB of parameters; then a model that fits at batch 1 but not at 4096.
  for (const char* q : {"model=conv65536k63-pool28-flat-dense10", "model=conv256k5-flat-dense10&batch=4096"}) {
    INFO(q);
    const UrlOptions o = url_params_parse(q);
    CHECK(o.settings.model == LabSettings().model);
    CHECK(o.settings.train.batch == LabSettings().train.batch);
    REQUIRE(o.warnings.size() == 1);
    CHECK_THAT(o.warnings[0], Catch::Contains("needs") && Catch::Contains("GB") && Catch::Contains("lower the batch"));
  }
  const UrlOptions fits = url_params_parse("model=conv256k5-flat-dense10&batch=32");
  CHECK(fits.warnings.empty());
  CHECK(fits.settings.train.batch == 32);
}

TEST_CASE("absurd numbers and junk never crash the parser", "[url][errors]") {
  for (const char* q : {"epochs=99999999999999999999999", "lr=1e999", "lr=nan", "lr=inf", "lr=1e-50", "batch=%00", "=5",
                        "epochs==3", "%", "layer=-0", "seed=18446744073709551616", "subset=-10"}) {
    INFO(q);
    const UrlOptions o = url_params_parse(q);
    CHECK(o.settings.train.epochs == 10);
    CHECK(o.settings.train.optimizer.lr == Approx(1e-3));
    CHECK(o.settings.train.batch == LabSettings().train.batch);
  }
}

TEST_CASE("the page's defaults are the book's recipe, the same as the engine's and the CLI's", "[url]") {
  const LabSettings s;
  CHECK(s.train.batch == 200);
  CHECK(s.train.epochs == 10);
  CHECK(s.train.val_split == 0.2f);
  CHECK(s.train.optimizer.lr == 1e-3f);
  CHECK(s.train.optimizer.kind == OptimizerKind::Adam);
  CHECK(s.model == "mnist");
}

TEST_CASE("allow_origin: a list of origins; anything else warns and is left out", "[url]") {
  UrlOptions o = url_params_parse("allow_origin=https://a.example,http://127.0.0.1:8081/");
  CHECK(o.allow_origins == std::vector<std::string>{"https://a.example", "http://127.0.0.1:8081"});
  CHECK(o.warnings.empty());
  o = url_params_parse("allow_origin=https://a.example/path,javascript:alert(1),https://b.example");
  CHECK(o.allow_origins == std::vector<std::string>{"https://b.example"});
  REQUIRE(o.warnings.size() == 2);
  CHECK(o.warnings[0] == "allow_origin: 'https://a.example/path' is not an origin like https://example.org; keeping the others");
  o = url_params_parse("allow_origin=*");
  CHECK(o.allow_origins.empty());
  CHECK(o.warnings.back() == "allow_origin: no usable origin; any page may drive this one");
  CHECK(url_params_parse("").allow_origins.empty());
}

TEST_CASE("url_params_query writes what differs from the defaults, and reads back the same settings", "[url]") {
  CHECK(url_params_query(LabSettings(), -1, -1).empty());
  LabSettings s;
  s.dataset = "fashion";
  s.model = "conv8k3-pool2-flat-dense10";
  s.train.epochs = 3;
  s.train.optimizer.lr = 0.0007f;
  s.train.optimizer.kind = OptimizerKind::SGD;
  s.train.optimizer.momentum = 0.85f;
  s.train.subset = 6000;
  s.train.seed = 9;
  s.train.val_split = 0.1f;
  const std::string q = url_params_query(s, 2, 17);
  CHECK(q.rfind("dataset=fashion&model=conv8k3-pool2-flat-dense10&epochs=3&lr=0.0007&optimizer=sgd&momentum=0.85&", 0) == 0);
  const UrlOptions o = url_params_parse(q);
  CHECK(o.warnings.empty());
  CHECK(o.settings.dataset == s.dataset);
  CHECK(o.settings.model == s.model);
  CHECK(o.settings.train.epochs == 3);
  CHECK(o.settings.train.optimizer.lr == s.train.optimizer.lr);
  CHECK(o.settings.train.optimizer.kind == OptimizerKind::SGD);
  CHECK(o.settings.train.optimizer.momentum == s.train.optimizer.momentum);
  CHECK(o.settings.train.subset == 6000);
  CHECK(o.settings.train.seed == 9);
  CHECK(o.settings.train.val_split == s.train.val_split);
  CHECK(o.layer == 2);
  CHECK(o.probe == 17);
  s.model = "conv4k3 & more";  // encoded, so it reads back as typed (and is then refused as a spec)
  CHECK(url_params_query(s, -1, -1).find("model=conv4k3%20%26%20more") != std::string::npos);
}

TEST_CASE("lang is en or zh-TW; anything else warns and leaves the default", "[url]") {
  CHECK_FALSE(url_params_parse("").lang.has_value());
  CHECK(url_params_parse("lang=zh-TW").lang == Language::TraditionalChinese);
  CHECK(url_params_parse("lang=zh-tw").lang == Language::TraditionalChinese);
  CHECK(url_params_parse("lang=en").lang == Language::English);
  for (const char* bad : {"lang=fr", "lang=zh", "lang=", "lang=zh-TWX"}) {
    const UrlOptions o = url_params_parse(bad);
    INFO(bad);
    CHECK_FALSE(o.lang.has_value());
    REQUIRE(o.warnings.size() == 1);
    CHECK(o.warnings[0].find("lang: ") == 0);
  }
  CHECK(std::string(language_code(Language::TraditionalChinese)) == "zh-TW");
  CHECK(std::string(language_code(Language::English)) == "en");
}

TEST_CASE("the browser's language picks Traditional Chinese for any Chinese, else English", "[url]") {
  for (const char* zh : {"zh-TW", "zh-HK", "zh-Hant", "zh-Hant-TW", "zh", "zh-CN", "ZH-tw", "zh_TW"})
    CHECK(language_from_locale(zh) == Language::TraditionalChinese);
  for (const char* en : {"en-US", "en", "fr-FR", "", "z", "zha"}) CHECK(language_from_locale(en) == Language::English);
}
