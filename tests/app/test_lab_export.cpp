// test_lab_export.cpp: what a learner keeps (lab_export.h): the history and a confusion matrix as CSV that add up
// to what the run reported, and feature-map grids as images (one grid; before beside after, at one cell size).
#include <catch2/catch.hpp>

#include <sstream>

#include "lab_export.h"
#include "test_data.h"

using namespace convlens;
using Catch::Matchers::StartsWith;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("exports: history and confusion CSV of a run; maps as images", "[lab][export]") {
  Lab lab;
  lab.settings().model = "conv4k3-pool2-flat-dense10";
  lab.settings().train.epochs = 2;
  lab.settings().train.batch = 16;
  REQUIRE(lab.set_data(squares(200, 1), squares(50, 2)).ok());
  CHECK(lines(lab_history_csv(lab)).size() == 1);  // the header only
  CHECK(lab_confusion_csv(lab, -1).empty());
  REQUIRE(lab.train().ok());
  for (int i = 0; i < 100000 && lab.state() == LabState::Training; ++i) lab.tick(0.01);
  REQUIRE(lab.state() == LabState::Done);

  const std::vector<std::string> history = lines(lab_history_csv(lab));
  REQUIRE(history.size() == 3);
  CHECK(history[0] == "epoch,loss,acc,val_loss,val_acc,seconds,samples_per_sec");
  CHECK_THAT(history[2], StartsWith("2,"));

  // Rows: true classes; their counts add up to the validation images (the last 20% of 200).
  const std::vector<std::string> confusion = lines(lab_confusion_csv(lab, 2));
  REQUIRE(confusion.size() == 11);
  CHECK_THAT(confusion[0], StartsWith("true \\ predicted,0,1,"));
  long total = 0;
  for (size_t r = 1; r < confusion.size(); ++r) {
    std::istringstream row(confusion[r]);
    std::string cell;
    std::getline(row, cell, ',');
    CHECK(cell == std::to_string(r - 1));
    while (std::getline(row, cell, ',')) total += std::stol(cell);
  }
  CHECK(total == 40);
  CHECK(lab_confusion_csv(lab, 3).empty());
  CHECK(lab_confusion_csv(lab, 0).empty());

  const std::vector<FeatureMap>* before = lab.maps_at_epoch(0);
  const std::vector<FeatureMap>* after = lab.maps_at_epoch(2);
  REQUIRE(before);
  REQUIRE(after);
  CHECK(lab.maps_at_epoch(3) == nullptr);
  GridLayout layout;
  layout.cols = 2;
  const RgbaImage one = maps_image((*after)[0], nullptr, layout, Colormap::Gray);
  const GrayImage gray = feature_grid_render((*after)[0], layout);
  REQUIRE(one.width == gray.width);
  REQUIRE(one.height == gray.height);
  CHECK(one.rgba.size() == size_t(one.width) * size_t(one.height) * 4);
  CHECK(one.rgba[(size_t(5) * size_t(one.width) + 7) * 4] == gray.at(7, 5));  // gray: r = the grid's value
  const RgbaImage pair = maps_image((*before)[0], &(*after)[0], layout, Colormap::Viridis);
  CHECK(pair.width == 2 * gray.width + 4 * layout.gap);
  CHECK(pair.height == gray.height);
  CHECK(maps_file_stem((*after)[0], "epoch2") == "layer0_conv2d_1x28x28x4_epoch2");
}
