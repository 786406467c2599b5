// test_ranges.cpp: the one parser of typed numbers and the wording of ranges (ranges.h) that the URL parser, the
// CLI and the engine's own checks share; and that the engine's checks accept exactly the settings' ranges.
#include <catch2/catch.hpp>

#include <climits>
#include <string>

#include "optimizer.h"
#include "ranges.h"
#include "trainer.h"

using namespace convlens;

TEST_CASE("parse_whole: the whole text is one whole number that fits 64 bits", "[ranges]") {
  long long v = 0;
  CHECK((parse_whole("12", v) && v == 12));
  CHECK((parse_whole("-7", v) && v == -7));
  CHECK((parse_whole("9223372036854775807", v) && v == LLONG_MAX));
  for (const char* bad : {"", " 1", "1 ", "+1", "1x", "12.5", "1e3", "0x10", "-", "9223372036854775808"}) {
    INFO("'" << bad << "'");
    CHECK_FALSE(parse_whole(bad, v));
  }
}

TEST_CASE("parse_real: finite numbers that fit a float, nothing else", "[ranges]") {
  double v = 0;
  CHECK((parse_real("0.5", v) && v == 0.5));
  CHECK((parse_real(".5", v) && v == 0.5));
  CHECK((parse_real("1e-3", v) && v == 1e-3));
  CHECK((parse_real("-2", v) && v == -2));
  for (const char* bad : {"", " 1", "1 ", "nan", "inf", "-inf", "1e999", "1e39", "0.1x", "x"}) {
    INFO("'" << bad << "'");
    CHECK_FALSE(parse_real(bad, v));
  }
}

TEST_CASE("ranges: ends open or closed, checked as the stored float, worded once", "[ranges]") {
  CHECK(kLrRange.text() == "a number in (0, 10]");
  CHECK(kValSplitRange.text() == "a number in [0, 1)");
  CHECK(kEpochsRange.text() == "a whole number in 1..10000");
  CHECK(kSeedRange.text() == "a whole number >= 0");
  CHECK_FALSE(kLrRange.contains(0.0f));
  CHECK(kLrRange.contains(10.0f));
  CHECK_FALSE(kLrRange.contains(10.001f));
  CHECK(kValSplitRange.contains(0.0f));
  CHECK_FALSE(kValSplitRange.contains(1.0f));
  float lr = 0.5f;
  CHECK_FALSE(parse_in("1e-50", kLrRange, lr));  // 0 as a float: outside (0, 10]
  CHECK(lr == 0.5f);
  int epochs = 3;
  CHECK_FALSE(parse_in("0", kEpochsRange, epochs));
  CHECK(epochs == 3);
  CHECK((parse_in("10000", kEpochsRange, epochs) && epochs == 10000));
  CHECK(number_text(1e-7) == "1e-07");
}

TEST_CASE("the engine's checks accept the settings' ranges and refuse just outside them", "[ranges]") {
  TrainConfig c;
  REQUIRE(train_config_validate(c, 100).ok());
  c.epochs = int(kEpochsRange.hi);
  c.batch = int(kBatchRange.hi);
  c.optimizer.lr = float(kLrRange.hi);
  CHECK(train_config_validate(c, 100).ok());
  c.epochs = int(kEpochsRange.hi) + 1;
  CHECK(train_config_validate(c, 100).error == "epochs must be a whole number in 1..10000, got 10001");
  c = TrainConfig();
  c.batch = int(kBatchRange.lo) - 1;
  CHECK_FALSE(train_config_validate(c, 100).ok());
  c = TrainConfig();
  c.val_split = 1.0f;
  CHECK(train_config_validate(c, 100).error == "validation split must be a number in [0, 1), got 1");
  c = TrainConfig();
  c.optimizer.momentum = 1.0f;
  CHECK(train_config_validate(c, 100).error == "momentum must be a number in [0, 1), got 1");
}
