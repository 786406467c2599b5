// feature_grid.h: tiles one layer's feature maps into a grayscale image, like the book's
// display_feature_maps(feature_maps, layer_names, idx, fig_width, n_cols): one cell per channel, n_cols per row.
//
// Legend: H, W one map's rows and columns; C channels (= number of maps); cell the side of one cell in pixels.
// Each channel c of the (H, W, C) FeatureMap is one map, scaled nearest-neighbour to a cell x cell square and
// mapped to 0..255 by (v - min) / (max - min), with min and max taken per map or per layer. Cells are laid out
// row-major, `cols` per row, separated and surrounded by `gap` pixels of kGridGapGray.
// Produces pixels only: no file formats (see src/io/png_writer.h), no titles, no colour maps, no drawing API.
#pragma once
#include <cstdint>
#include <vector>

#include "feature_map.h"

namespace convlens {

enum class GridNormalize {
  PerMap,    // each map stretched over 0..255 on its own: shows every map's pattern, hides relative strength
  PerLayer,  // one min/max for the whole layer: brighter map = stronger activation (use for flat layers)
};

struct GrayImage {
  int width = 0;                // pixels per row
  int height = 0;               // rows
  std::vector<uint8_t> pixels;  // (height, width) row-major, 0 = black, 255 = white

  bool empty() const { return pixels.empty(); }
  uint8_t at(int x, int y) const { return pixels[size_t(y) * size_t(width) + size_t(x)]; }
};

struct GridLayout {
  int cols = 8;  // maps per row, clamped to [1, C]; rows = ceil(C / cols)
  int cell = 0;  // side of one cell in pixels, at most 512; 0 (or less) = auto: the map's larger side times the
                 // smallest whole factor that reaches 48 px (28 -> 56, 14 -> 56, 7 -> 49, 1 -> 48, 64 -> 64)
  int gap = 2;   // background pixels between cells and around the grid, clamped to [0, 64]
  GridNormalize normalize = GridNormalize::PerMap;
};

constexpr uint8_t kGridGapGray = 64;           // background between cells (and behind empty cells)
constexpr int kGridAutoCellMin = 48;           // auto cells are at least this many pixels per side
constexpr int kGridMaxCell = 512;              // larger cells are clamped to this
constexpr int kGridMaxGap = 64;                // larger gaps are clamped to this
constexpr int64_t kGridMaxPixels = 64LL << 20;  // a grid over 64 Mi pixels is refused (empty image)

// Renders fm as a grid. Pixel value: round(255 * (v - min) / (max - min)) with the map's (PerMap) or the
// layer's (PerLayer) range from feature_map_ranges' rules. If max == min the map is constant and renders BLACK
// (0), not mid-gray: a dead ReLU map (all zeros) then looks dead. So with PerMap every flat (1x1) map of a dense
// layer is black; pass PerLayer for fm.shape.is_flat(). NaN renders 0, +inf 255, -inf 0.
// Returns an empty image if fm has no values, its data size does not match its shape, or the grid would exceed
// kGridMaxPixels.
GrayImage feature_grid_render(const FeatureMap& fm, const GridLayout& layout);

// The pixel rectangle of map `c` inside the image feature_grid_render(fm, layout) returns, so the UI can find
// the map under the mouse. Uses the same clamping rules; all zero if c is out of range or the grid is empty.
struct GridCell {
  int x = 0, y = 0;  // top-left pixel
  int size = 0;      // side in pixels
};
GridCell feature_grid_cell(const FeatureMap& fm, const GridLayout& layout, int c);

// One map's value range, e.g. for a hover tooltip. Non-finite values (NaN, inf after divergence) are ignored;
// a map with no finite value has range {0, 0}.
struct MapRange {
  float min = 0.0f;
  float max = 0.0f;
};

// The range of each of the C maps, in channel order (empty if fm's data size does not match its shape).
std::vector<MapRange> feature_map_ranges(const FeatureMap& fm);

}  // namespace convlens
