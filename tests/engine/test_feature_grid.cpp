// test_feature_grid.cpp: feature_grid_render, feature_grid_cell and feature_map_ranges on hand-made maps whose
// every pixel is worked out by hand; plus auto cell sizes, clamping, flat layers and non-finite values.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "feature_grid.h"

using namespace convlens;

namespace {

// A (2, 2, 3) map, NHWC. Per channel (rows y, columns x):
//   map 0: [0 1; 2 3]     range 0..3
//   map 1: [51 0; 0 51]   range 0..51
//   map 2: [17 17; 17 17] constant
// The layer's range is 0..51, so per-layer shades are 5 * v.
FeatureMap tiny_map() {
  FeatureMap fm;
  fm.layer_index = 2;
  fm.layer_name = "conv2d_1";
  fm.shape = {2, 2, 3};
  fm.data = {0, 51, 17,   1, 0, 17,    // y 0: x 0, x 1
             2, 0, 17,    3, 51, 17};  // y 1
  return fm;
}

FeatureMap flat_map(int units) {
  FeatureMap fm;
  fm.shape = {1, 1, units};
  for (int i = 0; i < units; ++i) fm.data.push_back(float(i));
  return fm;
}

GridLayout layout(int cols, int cell, int gap, GridNormalize n = GridNormalize::PerMap) {
  GridLayout l;
  l.cols = cols;
  l.cell = cell;
  l.gap = gap;
  l.normalize = n;
  return l;
}

constexpr uint8_t G = kGridGapGray;

}  // namespace

TEST_CASE("feature grid: 2x2x3 map, cols 2, cell 2, gap 1, per-map normalisation", "[feature_grid]") {
  GrayImage img = feature_grid_render(tiny_map(), layout(2, 2, 1));
  REQUIRE(img.width == 7);  // 2 cells of 2 + 3 gaps
  REQUIRE(img.height == 7); // 2 rows (ceil(3 / 2))
  std::vector<uint8_t> expected = {
      G, G,   G,   G, G,   G,   G,  //
      G, 0,   85,  G, 255, 0,   G,  // map 0 | map 1
      G, 170, 255, G, 0,   255, G,  //
      G, G,   G,   G, G,   G,   G,  //
      G, 0,   0,   G, G,   G,   G,  // map 2 (constant: black) | no map: background
      G, 0,   0,   G, G,   G,   G,  //
      G, G,   G,   G, G,   G,   G,  //
  };
  CHECK(img.pixels == expected);
}

TEST_CASE("feature grid: per-layer normalisation shares one range", "[feature_grid]") {
  GrayImage img = feature_grid_render(tiny_map(), layout(2, 2, 1, GridNormalize::PerLayer));
  REQUIRE(img.width == 7);
  REQUIRE(img.height == 7);
  // map 0 is now dim (5 * v), map 1 spans the whole range, constant map 2 is 17 * 5 = 85.
  CHECK(img.at(1, 1) == 0);
  CHECK(img.at(2, 1) == 5);
  CHECK(img.at(1, 2) == 10);
  CHECK(img.at(2, 2) == 15);
  CHECK(img.at(4, 1) == 255);
  CHECK(img.at(5, 1) == 0);
  CHECK(img.at(1, 4) == 85);
  CHECK(img.at(2, 5) == 85);
  CHECK(img.at(4, 4) == G);
}

TEST_CASE("feature grid: one column stacks maps vertically, zero gap", "[feature_grid]") {
  GrayImage img = feature_grid_render(tiny_map(), layout(1, 2, 0));
  REQUIRE(img.width == 2);
  REQUIRE(img.height == 6);
  std::vector<uint8_t> expected = {0, 85, 170, 255, 255, 0, 0, 255, 0, 0, 0, 0};
  CHECK(img.pixels == expected);
}

TEST_CASE("feature grid: nearest-neighbour scaling repeats each value in a block", "[feature_grid]") {
  GrayImage img = feature_grid_render(tiny_map(), layout(3, 4, 0));
  REQUIRE(img.width == 12);
  REQUIRE(img.height == 4);
  // map 0's top-left value 0 fills a 2x2 block, its bottom-right value 3 (255) another.
  CHECK(img.at(0, 0) == 0);
  CHECK(img.at(1, 1) == 0);
  CHECK(img.at(2, 0) == 85);
  CHECK(img.at(3, 1) == 85);
  CHECK(img.at(0, 2) == 170);
  CHECK(img.at(3, 3) == 255);
  CHECK(img.at(4, 0) == 255);  // map 1 starts at x = 4
  CHECK(img.at(8, 0) == 0);    // map 2 (constant) at x = 8
}

TEST_CASE("feature grid: auto cell size is a whole multiple reaching 48 px", "[feature_grid]") {
  auto auto_cell = [](int side) {
    FeatureMap fm;
    fm.shape = {side, side, 1};
    fm.data.assign(fm.shape.size(), 0.0f);
    return feature_grid_cell(fm, layout(1, 0, 0), 0).size;
  };
  CHECK(auto_cell(1) == 48);
  CHECK(auto_cell(2) == 48);
  CHECK(auto_cell(5) == 50);
  CHECK(auto_cell(7) == 49);
  CHECK(auto_cell(14) == 56);
  CHECK(auto_cell(28) == 56);
  CHECK(auto_cell(32) == 64);
  CHECK(auto_cell(48) == 48);
  CHECK(auto_cell(64) == 64);

  GrayImage img = feature_grid_render(tiny_map(), layout(2, 0, 2));
  CHECK(img.width == 2 * (48 + 2) + 2);
  CHECK(img.height == 2 * (48 + 2) + 2);
}

TEST_CASE("feature grid: feature_grid_cell matches the rendered layout", "[feature_grid]") {
  FeatureMap fm = tiny_map();
  GridCell c2 = feature_grid_cell(fm, layout(2, 2, 1), 2);
  CHECK(c2.x == 1);
  CHECK(c2.y == 4);
  CHECK(c2.size == 2);
  GridCell c1 = feature_grid_cell(fm, layout(2, 2, 1), 1);
  CHECK(c1.x == 4);
  CHECK(c1.y == 1);
  CHECK(feature_grid_cell(fm, layout(2, 2, 1), 3).size == 0);
  CHECK(feature_grid_cell(fm, layout(2, 2, 1), -1).size == 0);
}

TEST_CASE("feature grid: flat maps (dense units) become one cell per unit", "[feature_grid]") {
  FeatureMap fm = flat_map(10);  // units 0..9
  GrayImage layer = feature_grid_render(fm, layout(4, 0, 2, GridNormalize::PerLayer));
  REQUIRE(layer.width == 4 * 50 + 2);
  REQUIRE(layer.height == 3 * 50 + 2);
  GridCell first = feature_grid_cell(fm, layout(4, 0, 2), 0);
  GridCell last = feature_grid_cell(fm, layout(4, 0, 2), 9);
  CHECK(layer.at(first.x + 10, first.y + 10) == 0);
  CHECK(layer.at(last.x + 47, last.y + 47) == 255);
  CHECK(last.x == 2 + 50);
  CHECK(last.y == 2 + 2 * 50);
  CHECK(layer.at(3 * 50 + 10, 2 * 50 + 10) == G);  // unused cell 11 of 12

  // Per map, each 1x1 map is constant: black, as documented.
  GrayImage per_map = feature_grid_render(fm, layout(4, 0, 2));
  CHECK(per_map.at(last.x + 10, last.y + 10) == 0);
}

TEST_CASE("feature grid: absurd layouts are clamped", "[feature_grid]") {
  FeatureMap fm = tiny_map();
  GrayImage zero_cols = feature_grid_render(fm, layout(0, 2, 1));
  CHECK(zero_cols.width == 4);  // one column
  CHECK(zero_cols.height == 10);
  CHECK(feature_grid_render(fm, layout(-7, 2, 1)).width == 4);
  CHECK(feature_grid_render(fm, layout(100, 2, 1)).width == 3 * 3 + 1);  // cols clamped to C = 3
  CHECK(feature_grid_render(fm, layout(3, 2, -5)).width == 6);            // gap clamped to 0
  CHECK(feature_grid_cell(fm, layout(3, 2, 1000), 0).x == kGridMaxGap);
  GridCell huge = feature_grid_cell(fm, layout(3, 100000, 0), 0);
  CHECK(huge.size == kGridMaxCell);

  FeatureMap many = flat_map(1024);  // 1024 cells of 512 px in one column: about 270 Mi pixels
  CHECK(feature_grid_render(many, layout(1, 512, 2)).empty());
  CHECK(feature_grid_render(many, layout(32, 48, 2)).width == 32 * 50 + 2);
}

TEST_CASE("feature grid: invalid maps give an empty image and no ranges", "[feature_grid]") {
  FeatureMap empty;
  CHECK(feature_grid_render(empty, GridLayout{}).empty());
  CHECK(feature_map_ranges(empty).empty());

  FeatureMap short_data = tiny_map();
  short_data.data.pop_back();
  CHECK(feature_grid_render(short_data, GridLayout{}).empty());
  CHECK(feature_map_ranges(short_data).empty());
  CHECK(feature_grid_cell(short_data, GridLayout{}, 0).size == 0);
}

TEST_CASE("feature grid: ranges per map", "[feature_grid]") {
  std::vector<MapRange> r = feature_map_ranges(tiny_map());
  REQUIRE(r.size() == 3);
  CHECK(r[0].min == 0.0f);
  CHECK(r[0].max == 3.0f);
  CHECK(r[1].min == 0.0f);
  CHECK(r[1].max == 51.0f);
  CHECK(r[2].min == 17.0f);
  CHECK(r[2].max == 17.0f);
}

TEST_CASE("feature grid: non-finite values are ignored by ranges and drawn black or white", "[feature_grid]") {
  const float inf = std::numeric_limits<float>::infinity();
  FeatureMap fm;
  fm.shape = {2, 2, 2};
  fm.data = {0, NAN, 1, NAN, inf, NAN, 2, NAN};  // map 0: [0 1; inf 2], map 1: all NaN
  std::vector<MapRange> r = feature_map_ranges(fm);
  REQUIRE(r.size() == 2);
  CHECK(r[0].min == 0.0f);
  CHECK(r[0].max == 2.0f);
  CHECK(r[1].min == 0.0f);
  CHECK(r[1].max == 0.0f);

  GrayImage img = feature_grid_render(fm, layout(2, 2, 0));
  REQUIRE(img.width == 4);
  CHECK(img.at(0, 0) == 0);
  CHECK(img.at(1, 0) == 128);  // 1 of 0..2: 127.5 rounds up
  CHECK(img.at(0, 1) == 255);  // +inf
  CHECK(img.at(1, 1) == 255);
  CHECK(img.at(2, 0) == 0);    // NaN map
}
