// feature_grid.cpp: the grid renderer and map ranges declared in feature_grid.h.
//
// The layout is resolved once (clamping cols, cell and gap) by grid_resolve, which both the renderer and
// feature_grid_cell use, so the UI's idea of where a map is always matches the pixels. No allocation happens
// before the size has been checked against kGridMaxPixels.
#include "feature_grid.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace convlens {
namespace {

// A GridLayout after clamping, plus the image size it implies. Empty (width 0) when nothing can be drawn.
struct Grid {
  int cols = 0, rows = 0;  // cells per row, rows of cells
  int cell = 0;            // cell side in pixels
  int gap = 0;             // pixels between and around cells
  int width = 0, height = 0;
};

bool map_is_valid(const FeatureMap& fm) {
  return fm.shape.h > 0 && fm.shape.w > 0 && fm.shape.c > 0 && fm.data.size() == fm.shape.size();
}

// The smallest whole multiple of the map's larger side that reaches kGridAutoCellMin (the side itself if larger).
int auto_cell(const Shape& s) {
  int side = std::max(s.h, s.w);
  int factor = std::max(1, (kGridAutoCellMin + side - 1) / side);
  return side * factor;
}

Grid grid_resolve(const FeatureMap& fm, const GridLayout& layout) {
  if (!map_is_valid(fm)) return {};
  Grid g;
  g.cols = std::clamp(layout.cols, 1, fm.shape.c);
  g.rows = (fm.shape.c + g.cols - 1) / g.cols;
  g.cell = std::min(layout.cell > 0 ? layout.cell : auto_cell(fm.shape), kGridMaxCell);
  g.gap = std::clamp(layout.gap, 0, kGridMaxGap);
  int64_t width = int64_t(g.cols) * (g.cell + g.gap) + g.gap;
  int64_t height = int64_t(g.rows) * (g.cell + g.gap) + g.gap;
  if (width * height > kGridMaxPixels) return {};
  g.width = int(width);
  g.height = int(height);
  return g;
}

// Where cell c sits: row-major, g.cols cells per row.
GridCell cell_of(const Grid& g, int c) {
  return {g.gap + (c % g.cols) * (g.cell + g.gap), g.gap + (c / g.cols) * (g.cell + g.gap), g.cell};
}

// Running min/max over finite values only.
struct RangeAccumulator {
  float lo = std::numeric_limits<float>::infinity();
  float hi = -std::numeric_limits<float>::infinity();

  void add(float v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  MapRange range() const { return lo <= hi ? MapRange{lo, hi} : MapRange{}; }
};

// The 0..255 shade of v in range r; 0 for a constant map (max == min) and for NaN.
uint8_t shade(float v, MapRange r) {
  if (!(r.max > r.min) || std::isnan(v)) return 0;
  double t = (double(v) - r.min) / (double(r.max) - r.min);  // double: max - min may overflow float
  t = std::clamp(t, 0.0, 1.0);
  return uint8_t(std::lround(t * 255.0));
}

// Draws map c (channel c of fm) into its cell of `img`, scaled nearest-neighbour.
void draw_map(const FeatureMap& fm, int c, MapRange r, const Grid& g, GrayImage& img) {
  const int H = fm.shape.h, W = fm.shape.w, C = fm.shape.c;
  GridCell cell = cell_of(g, c);
  for (int py = 0; py < g.cell; ++py) {
    int64_t sy = int64_t(py) * H / g.cell;  // source row
    uint8_t* row = img.pixels.data() + size_t(cell.y + py) * size_t(img.width) + size_t(cell.x);
    for (int px = 0; px < g.cell; ++px) {
      int64_t sx = int64_t(px) * W / g.cell;  // source column
      row[px] = shade(fm.data[size_t((sy * W + sx) * C + c)], r);
    }
  }
}

}  // namespace

std::vector<MapRange> feature_map_ranges(const FeatureMap& fm) {
  if (!map_is_valid(fm)) return {};
  const size_t C = size_t(fm.shape.c);
  std::vector<RangeAccumulator> acc(C);
  for (size_t i = 0; i < fm.data.size(); ++i) acc[i % C].add(fm.data[i]);  // NHWC: channel = index mod C
  std::vector<MapRange> ranges(C);
  for (size_t c = 0; c < C; ++c) ranges[c] = acc[c].range();
  return ranges;
}

GrayImage feature_grid_render(const FeatureMap& fm, const GridLayout& layout) {
  Grid g = grid_resolve(fm, layout);
  if (g.width == 0) return {};

  std::vector<MapRange> ranges = feature_map_ranges(fm);
  if (layout.normalize == GridNormalize::PerLayer) {
    RangeAccumulator all;
    for (float v : fm.data) all.add(v);
    std::fill(ranges.begin(), ranges.end(), all.range());
  }

  GrayImage img;
  img.width = g.width;
  img.height = g.height;
  img.pixels.assign(size_t(g.width) * size_t(g.height), kGridGapGray);
  for (int c = 0; c < fm.shape.c; ++c) draw_map(fm, c, ranges[size_t(c)], g, img);
  return img;
}

GridCell feature_grid_cell(const FeatureMap& fm, const GridLayout& layout, int c) {
  Grid g = grid_resolve(fm, layout);
  if (g.width == 0 || c < 0 || c >= fm.shape.c) return {};
  return cell_of(g, c);
}

}  // namespace convlens
