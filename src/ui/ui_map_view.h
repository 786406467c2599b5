// ui_map_view.h: draws one layer's feature maps (or a conv layer's kernels) as an ImGui grid — the book's
// display_feature_maps(feature_maps, layer_names, idx, fig_width, n_cols) — with a tooltip that shows the map
// under the mouse large, with its channel index and value range.
//
// A MapTexture caches the layer's maps as ONE texture (maps packed at their own resolution, no gaps) and is
// refilled only when the caller's version, the normalisation or the colour map change; each cell is then drawn
// as a sub-rectangle of it. Flat layers (dense, flatten) are drawn as one block of units, normalised together.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "colormap.h"
#include "feature_grid.h"
#include "feature_map.h"
#include "imgui.h"

namespace convlens {

struct MapViewOptions {
  int cols = 8;                                     // n_cols: maps per row
  float cell = 0;                                   // side of one map on screen, in UI points (fig_width / n_cols);
                                                    // in UiState::view, 0 = as large as the panel allows
  GridNormalize normalize = GridNormalize::PerMap;  // per map, or one range for the layer
  Colormap colormap = Colormap::Gray;
  bool tooltip = true;                              // large view of the hovered map
  int max_maps = 0;                                 // draw only the first N maps; 0 = all
  int only_map = -1;                                // draw just this channel (filmstrips); -1 = the grid
};

struct MapTexture {
  MapTexture() = default;
  MapTexture(const MapTexture&) = delete;
  MapTexture& operator=(const MapTexture&) = delete;
  ImTextureID texture = nullptr;
  int width = 0, height = 0;       // texture size in pixels
  GridLayout layout;               // how maps are packed into the texture (feature_grid_cell gives each rect)
  std::string key;                 // what is in it: version, normalisation, colour map
  std::vector<MapRange> ranges;    // per map, for the tooltip
  ~MapTexture();
};

// Textures for a list of grids (one per layer, say), created on first use.
struct TexturePool {
  std::vector<std::unique_ptr<MapTexture>> items;
  MapTexture& at(size_t i) {
    while (items.size() <= i) items.push_back(std::make_unique<MapTexture>());
    return *items[i];
  }
};

// Draws fm; `version` must change whenever fm's values do (e.g. the Lab's live_version or a snapshot index).
// Returns the channel under the mouse, or -1.
int ui_map_grid(const char* id, const FeatureMap& fm, uint64_t version, MapTexture& tex, const MapViewOptions& o);

// The book's grid title: "layer 2 conv2d_1 (1, 14, 14, 36)".
void ui_map_title(const FeatureMap& fm);

}  // namespace convlens
