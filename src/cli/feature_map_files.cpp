// feature_map_files.cpp: one titled PNG grid per layer (see feature_map_files.h).
#include "feature_map_files.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <system_error>

#include "feature_grid.h"
#include "png_writer.h"

namespace convlens {

Status feature_maps_write_pngs(const std::vector<FeatureMap>& maps, const std::string& moment, int cols,
                               const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::fail("cannot create " + dir + ": " + ec.message());
  for (const FeatureMap& fm : maps) {
    GridLayout layout;
    layout.cols = cols;
    // A dense layer's "maps" are single units: normalise them together (each alone would be a constant) and
    // draw them as a square block of small cells.
    if (fm.shape.is_flat()) {
      layout.normalize = GridNormalize::PerLayer;
      layout.cols = std::max(cols, int(std::ceil(std::sqrt(double(fm.shape.c)))));
      layout.cell = 12;
      layout.gap = 1;
    }
    const GrayImage grid = feature_grid_render(fm, layout);
    if (grid.empty()) return Status::fail("cannot draw the feature maps of " + fm.layer_name);
    const std::string shape = "1x" + std::to_string(fm.shape.h) + "x" + std::to_string(fm.shape.w) + "x" +
                              std::to_string(fm.shape.c);
    const std::string file = dir + "/" + moment + "_layer" + std::to_string(fm.layer_index) + "_" + fm.layer_name +
                             "_" + shape + ".png";
    Status s = png_write_gray(image_add_title(grid, moment + " - " + fm.title()), file);
    if (!s.ok()) return s;
  }
  return Status::success();
}

}  // namespace convlens
