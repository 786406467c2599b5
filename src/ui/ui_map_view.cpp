// ui_map_view.cpp: feature-map grids with hover tooltips (see ui_map_view.h).
#include "ui_map_view.h"

#include <algorithm>
#include <cmath>

#include "ui_text.h"
#include "ui_texture.h"

namespace convlens {
namespace {

constexpr float kGap = 2.0f;          // points between cells on screen
constexpr float kTooltipSide = 224;   // the hovered map, drawn large

// Packs fm into the texture: square-ish block of maps at their own resolution (units of flat layers are 1 px).
void refill(const FeatureMap& fm, const std::string& key, MapTexture& tex, const MapViewOptions& o) {
  GridLayout layout;
  layout.gap = 0;
  layout.cols = std::max(1, int(std::ceil(std::sqrt(double(fm.shape.c)))));
  if (fm.shape.is_flat()) {
    layout.normalize = GridNormalize::PerLayer;  // each unit alone would be a constant
    layout.cell = 1;
  } else {
    layout.normalize = o.normalize;
    layout.cell = std::max(fm.shape.h, fm.shape.w);
  }
  const GrayImage gray = feature_grid_render(fm, layout);
  tex.key = key;
  tex.layout = layout;
  tex.ranges = feature_map_ranges(fm);
  if (gray.empty()) {
    tex.width = tex.height = 0;
    return;
  }
  const std::vector<uint8_t> rgba = colormap_apply(gray, o.colormap);
  tex.texture = texture_update(tex.texture, gray.width, gray.height, rgba.data());
  tex.width = gray.width;
  tex.height = gray.height;
}

void cell_uv(const FeatureMap& fm, const MapTexture& tex, int c, ImVec2& uv0, ImVec2& uv1) {
  const GridCell cell = feature_grid_cell(fm, tex.layout, c);
  uv0 = ImVec2(float(cell.x) / float(tex.width), float(cell.y) / float(tex.height));
  uv1 = ImVec2(float(cell.x + cell.size) / float(tex.width), float(cell.y + cell.size) / float(tex.height));
}

void tooltip(const FeatureMap& fm, const MapTexture& tex, int c) {
  ImGui::BeginTooltip();
  ImVec2 uv0, uv1;
  cell_uv(fm, tex, c, uv0, uv1);
  ImGui::Image(tex.texture, ImVec2(kTooltipSide, kTooltipSide), uv0, uv1);
  const MapRange r = size_t(c) < tex.ranges.size() ? tex.ranges[size_t(c)] : MapRange{};
  ImGui::Text(tr(Text::ChannelOf), fm.layer_name.c_str(), c, fm.shape.c);
  ImGui::Text(tr(Text::ValuesRange), fm.shape.h, fm.shape.w, r.min, r.max);
  if (r.max == r.min) ImGui::TextDisabled("%s", tr(Text::DeadMap));
  ImGui::EndTooltip();
}

// A dense or flatten layer: one block, one pixel per unit; hovering names the unit.
int flat_block(const FeatureMap& fm, const MapTexture& tex, const MapViewOptions& o) {
  const float side = std::min(ImGui::GetContentRegionAvail().x, std::max(o.cell * 3.0f, 120.0f));
  const float scale = side / float(std::max(tex.width, tex.height));
  const ImVec2 size(float(tex.width) * scale, float(tex.height) * scale);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Image(tex.texture, size);
  if (!ImGui::IsItemHovered()) return -1;
  const ImVec2 m = ImGui::GetIO().MousePos;
  const int x = int((m.x - origin.x) / scale), y = int((m.y - origin.y) / scale);
  const int unit = y * tex.layout.cols + x;
  if (unit < 0 || unit >= fm.shape.c) return -1;
  if (o.tooltip) ImGui::SetTooltip(tr(Text::UnitValue), fm.layer_name.c_str(), unit, fm.data[size_t(unit)]);
  return unit;
}

}  // namespace

MapTexture::~MapTexture() {
  if (texture) texture_free(texture);
}

void ui_map_title(const FeatureMap& fm) { ImGui::TextUnformatted(fm.title().c_str()); }

int ui_map_grid(const char* id, const FeatureMap& fm, uint64_t version, MapTexture& tex, const MapViewOptions& o) {
  if (fm.data.empty() || fm.data.size() != fm.shape.size()) {
    ImGui::TextDisabled("%s", tr(Text::NoMaps));
    return -1;
  }
  const std::string key = std::to_string(version) + "/" + std::to_string(fm.layer_index) + "/" +
                          std::to_string(int(o.normalize)) + "/" + std::to_string(int(o.colormap)) + "/" +
                          std::to_string(fm.shape.c);
  if (key != tex.key) refill(fm, key, tex, o);
  if (tex.width == 0) {
    ImGui::TextDisabled("%s", tr(Text::TooLarge));
    return -1;
  }
  ImGui::PushID(id);
  int hovered = -1;
  if (fm.shape.is_flat()) {
    hovered = flat_block(fm, tex, o);
  } else {
    const int cols = std::max(1, o.cols);
    const int count = o.max_maps > 0 ? std::min(o.max_maps, fm.shape.c) : fm.shape.c;
    const bool one = o.only_map >= 0 && o.only_map < fm.shape.c;
    for (int c = one ? o.only_map : 0; c < (one ? o.only_map + 1 : count); ++c) {
      if (!one && c % cols != 0) ImGui::SameLine(0, kGap);
      ImVec2 uv0, uv1;
      cell_uv(fm, tex, c, uv0, uv1);
      ImGui::Image(tex.texture, ImVec2(o.cell, o.cell)  /* cells are square (feature_grid.h) */, uv0, uv1);
      if (ImGui::IsItemHovered()) {
        hovered = c;
        if (o.tooltip) tooltip(fm, tex, c);
      }
    }
  }
  ImGui::PopID();
  return hovered;
}

}  // namespace convlens
