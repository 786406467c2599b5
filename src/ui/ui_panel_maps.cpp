// ui_panel_maps.cpp: the centre panel — the probe's feature maps: the live grid of one layer, before vs after
// training side by side, the evolution timeline of every layer (scrub and play), and the conv filters.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui.h"
#include "ui_app.h"
#include "ui_texture.h"

namespace convlens {
namespace {

constexpr float kMaxFitCell = 160;  // the largest cell "fit" makes (and the slider's end)

// Cell side for `count` maps in rows of `cols`: the user's cell size (ui.view.cell > 0) if the width allows it,
// else (0: "fit") the largest that fits the room, both its width and its height (the grid fills the panel).
float fit_cell(ImVec2 room, int cols, int count, float wanted) {
  cols = std::max(cols, 1);
  const int rows = (std::max(count, 1) + cols - 1) / cols;
  const float across = (room.x - 2.0f * float(cols - 1)) / float(cols);
  const float down = (room.y - 2.0f * float(rows - 1)) / float(rows);
  return std::max(4.0f, wanted > 0 ? std::min(wanted, across) : std::min({across, down, kMaxFitCell}));
}

int cols_for(const FeatureMap& fm, const UiState& ui) { return std::max(1, std::min(ui.view.cols, fm.shape.c)); }

std::string layer_label(const Model& model, int i) {
  const Layer& l = model.layers[size_t(i)];
  return "layer " + std::to_string(i) + " " + l.name + " " + l.out.to_keras("1");
}

// A short description of snapshot i: "epoch 1 (end)" or "epoch 1, batch 125".
std::string snapshot_label(const Lab& lab, int i) {
  const Snapshot& s = lab.snapshot(i);
  char buf[96];
  if (s.epoch_end && s.epoch == 0) return tr(Text::BeforeTraining);
  const int per_epoch = std::max(1, lab.view().batches_per_epoch);
  if (s.epoch_end) std::snprintf(buf, sizeof buf, tr(Text::AfterEpoch), s.epoch);
  else std::snprintf(buf, sizeof buf, tr(Text::EpochBatch), s.epoch + 1, s.step - long(s.epoch) * per_epoch);
  return buf;
}

// Saves what the current tab shows as a PNG (through the platform): the live grid, before beside after, the
// timeline's snapshot, or the filters, in the chosen n_cols, normalisation and colour map.
void save_view(Lab& lab, UiState& ui) {
  GridLayout layout;
  layout.cols = ui.view.cols;
  layout.normalize = ui.view.normalize;
  const std::vector<FeatureMap>& live = lab.live_maps();
  if (size_t(ui.layer) >= live.size()) return;
  const size_t layer = size_t(ui.layer);
  FeatureMap shown = live[layer];
  const FeatureMap* right = nullptr;
  std::string moment = "now";
  const int snaps = lab.snapshot_count();
  if (ui.maps_tab == MapsTab::BeforeAfter && snaps > 0) {
    const int before = lab.snapshot_for_epoch(0);
    const bool after_live = ui.compare_snapshot < 0 || ui.compare_snapshot >= snaps;
    if (before >= 0 && lab.snapshot_maps(before).size() > layer) shown = lab.snapshot_maps(before)[layer];
    const std::vector<FeatureMap>& after = after_live ? live : lab.snapshot_maps(ui.compare_snapshot);
    if (after.size() > layer) right = &after[layer];
    moment = "before_vs_" + (after_live ? std::string("now") : "epoch" + std::to_string(lab.snapshot(ui.compare_snapshot).epoch));
  } else if (ui.maps_tab == MapsTab::Timeline && snaps > 0) {
    const int at = ui.timeline < 0 ? snaps - 1 : std::min(ui.timeline, snaps - 1);
    if (lab.snapshot_maps(at).size() > layer) shown = lab.snapshot_maps(at)[layer];
    moment = "batch" + std::to_string(lab.snapshot(at).step);
  } else if (ui.maps_tab == MapsTab::Filters) {
    shown = lab.conv_kernels(ui.filter_layer);
    if (shown.data.empty()) return;
    layout.cols = shown.shape.c / std::max(1, lab.model().layers[size_t(ui.filter_layer)].in.c);
    moment = "filters";
  }
  ui.save_image(maps_file_stem(shown, moment) + ".png", maps_image(shown, right, layout, ui.view.colormap));
}

void view_controls(Lab& lab, UiState& ui) {
  const Model& model = lab.model();
  const int layers = int(model.layers.size());
  ui.layer = std::clamp(ui.layer, 0, std::max(0, layers - 1));
  // One or more rows, as the panel's width allows.
  const std::string layer_id = tr_id(Text::Layer, "layer");
  const float combo_w = std::min(260.0f, ImGui::GetContentRegionAvail().x - ui_item_width(0, layer_id.c_str()));
  ImGui::SetNextItemWidth(combo_w);
  if (ImGui::BeginCombo(layer_id.c_str(), layers ? layer_label(model, ui.layer).c_str() : "-")) {
    for (int i = 0; i < layers; ++i)
      if (ImGui::Selectable(layer_label(model, i).c_str(), i == ui.layer)) ui.layer = i;
    ImGui::EndCombo();
  }
  ui_same_line_if_fits(ui_item_width(110, "n_cols"));
  ImGui::SetNextItemWidth(110);
  ImGui::SliderInt("n_cols", &ui.view.cols, 1, 36);
  ui_same_line_if_fits(ui_item_width(110, tr(Text::Cell)));
  ImGui::SetNextItemWidth(110);
  ImGui::SliderFloat(tr_id(Text::Cell, "cell").c_str(), &ui.view.cell, 0, kMaxFitCell,
                     ui.view.cell > 0 ? "%.0f px" : tr(Text::Fit));
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s", tr(Text::CellTip));
  const float radio = ImGui::GetFrameHeight();  // a radio button's circle
  int norm = ui.view.normalize == GridNormalize::PerLayer ? 1 : 0;
  if (ImGui::RadioButton(tr_id(Text::PerMap, "per_map").c_str(), norm == 0)) norm = 0;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(Text::PerMapTip));
  ui_same_line_if_fits(ui_item_width(radio, tr(Text::PerLayer)));
  if (ImGui::RadioButton(tr_id(Text::PerLayer, "per_layer").c_str(), norm == 1)) norm = 1;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(Text::PerLayerTip));
  ui.view.normalize = norm ? GridNormalize::PerLayer : GridNormalize::PerMap;
  int cmap = ui.view.colormap == Colormap::Viridis ? 1 : 0;
  ui_same_line_if_fits(ui_item_width(radio, tr(Text::Gray)), 24);
  if (ImGui::RadioButton(tr_id(Text::Gray, "gray").c_str(), cmap == 0)) cmap = 0;
  ui_same_line_if_fits(ui_item_width(radio, "viridis"));
  if (ImGui::RadioButton("viridis", cmap == 1)) cmap = 1;
  ui.view.colormap = cmap ? Colormap::Viridis : Colormap::Gray;
  if (ui.save_image) {
    ui_same_line_if_fits(ImGui::CalcTextSize(tr(Text::SavePng)).x + 2 * ImGui::GetStyle().FramePadding.x, 24);
    if (ImGui::Button(tr_id(Text::SavePng, "save_png").c_str())) save_view(lab, ui);
    ui_mark(ui, "Save PNG");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(Text::SavePngTip));
  }
}

void live_tab(Lab& lab, UiState& ui) {
  const std::vector<FeatureMap>& maps = lab.live_maps();
  if (maps.empty() || ui.layer >= int(maps.size())) {
    ImGui::TextDisabled("%s", tr(Text::NoMapsYet));
    return;
  }
  const FeatureMap& fm = maps[size_t(ui.layer)];
  ui_map_title(fm);
  ImGui::SameLine();
  ImGui::TextDisabled("%s", tr(lab.state() == LabState::Training ? Text::LiveUpdating : Text::CurrentWeightsParen));
  MapViewOptions o = ui.view;
  o.cols = cols_for(fm, ui);
  o.cell = fit_cell(ImGui::GetContentRegionAvail(), o.cols, fm.shape.c, ui.view.cell);
  ImGui::BeginChild("live_grid");
  ImGui::BeginGroup();
  ui_map_grid("live", fm, lab.live_version(), ui.live_tex.at(size_t(ui.layer)), o);
  ImGui::EndGroup();
  ui_mark(ui, "feature maps");
  ImGui::EndChild();
}

void before_after_tab(Lab& lab, UiState& ui) {
  const int snaps = lab.snapshot_count();
  const int before = lab.snapshot_for_epoch(0);
  // The "after" side: an epoch-end snapshot the user picks, or the current weights.
  std::vector<int> ends;
  for (int i = 0; i < snaps; ++i)
    if (lab.snapshot(i).epoch_end && lab.snapshot(i).epoch > 0) ends.push_back(i);
  int pick = ui.compare_snapshot < 0 ? int(ends.size()) : int(std::find(ends.begin(), ends.end(), ui.compare_snapshot) - ends.begin());
  ImGui::SetNextItemWidth(260);
  const std::string now_label =
      pick >= int(ends.size()) ? tr(Text::CurrentWeights) : snapshot_label(lab, ends[size_t(pick)]);
  if (ImGui::SliderInt(tr_id(Text::After, "after").c_str(), &pick, 0, int(ends.size()), now_label.c_str()))
    ui.compare_snapshot = pick >= int(ends.size()) ? -1 : ends[size_t(pick)];

  const std::vector<FeatureMap>& live = lab.live_maps();
  if (live.empty() || ui.layer >= int(live.size())) return;
  const std::vector<FeatureMap>& left = before >= 0 ? lab.snapshot_maps(before) : live;
  const bool after_is_live = ui.compare_snapshot < 0 || ui.compare_snapshot >= snaps;
  const std::vector<FeatureMap>& right = after_is_live ? live : lab.snapshot_maps(ui.compare_snapshot);
  if (left.size() <= size_t(ui.layer) || right.size() <= size_t(ui.layer)) return;

  const float half = (ImGui::GetContentRegionAvail().x - 12) / 2;
  const float titles = 2 * ImGui::GetTextLineHeightWithSpacing() + 4;  // above each grid
  MapViewOptions o = ui.view;
  o.cols = cols_for(left[size_t(ui.layer)], ui);
  o.cell = fit_cell(ImVec2(half, ImGui::GetContentRegionAvail().y - titles - ImGui::GetTextLineHeightWithSpacing()),
                    o.cols, left[size_t(ui.layer)].shape.c, ui.view.cell);
  ImGui::BeginChild("before", ImVec2(half, 0));
  ImGui::TextUnformatted(tr(Text::BeforeEpoch0));
  ui_map_title(left[size_t(ui.layer)]);
  ui_map_grid("b", left[size_t(ui.layer)], before >= 0 ? lab.snapshot_version(before) : lab.live_version(),
              ui.before_tex.at(size_t(ui.layer)), o);
  ImGui::EndChild();
  ImGui::SameLine(0, 12);
  ImGui::BeginChild("after", ImVec2(half, 0));
  ImGui::TextUnformatted(after_is_live ? tr(Text::NowCurrentWeights) : snapshot_label(lab, ui.compare_snapshot).c_str());
  ui_map_title(right[size_t(ui.layer)]);
  const uint64_t version = after_is_live ? lab.live_version() : lab.snapshot_version(ui.compare_snapshot);
  ui_map_grid("a", right[size_t(ui.layer)], version ^ (uint64_t(after_is_live) << 63), ui.after_tex.at(size_t(ui.layer)), o);
  ImGui::EndChild();
  if (before < 0) ImGui::TextDisabled("%s", tr(Text::LeftKeepsUntrained));
}

// One map of the selected layer at every snapshot, in a row: how that map formed. Click a frame to jump to it.
void filmstrip(Lab& lab, UiState& ui, int at) {
  const std::vector<FeatureMap>& now = lab.snapshot_maps(at);
  if (now.size() <= size_t(ui.layer)) return;
  const FeatureMap& ref = now[size_t(ui.layer)];
  ui.film_channel = std::clamp(ui.film_channel, 0, ref.shape.c - 1);
  if (ref.shape.is_flat()) ImGui::Text(tr(Text::FilmstripUnits), ref.layer_name.c_str());
  else ImGui::Text(tr(Text::FilmstripMap), ref.layer_name.c_str(), ui.film_channel);
  MapViewOptions o = ui.view;
  o.only_map = ui.film_channel;
  o.tooltip = false;
  o.cell = 40;
  const float width = ImGui::GetContentRegionAvail().x;
  const int per_row = std::max(1, int(width / (o.cell + 4)));
  ImGui::BeginChild("filmstrip", ImVec2(0, (o.cell + 6) * float(std::min(3, (lab.snapshot_count() + per_row - 1) / per_row)) + 6));
  for (int i = 0; i < lab.snapshot_count(); ++i) {
    if (i % per_row != 0) ImGui::SameLine(0, 4);
    const std::vector<FeatureMap>& maps = lab.snapshot_maps(i);
    if (maps.size() <= size_t(ui.layer)) continue;
    ImGui::BeginGroup();
    ui_map_grid(("f" + std::to_string(i)).c_str(), maps[size_t(ui.layer)], lab.snapshot_version(i), ui.film_tex.at(size_t(i)), o);
    ImGui::EndGroup();
    if (i == at)
      ImGui::GetWindowDrawList()->AddRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), IM_COL32(255, 210, 80, 255), 0, 0, 2);
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("%s", snapshot_label(lab, i).c_str());
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        ui.timeline = i;
        ui.playing = false;
      }
    }
  }
  ImGui::EndChild();
}

// The probe's explanation (the Probe panel's Grad-CAM or saliency) before training and after each epoch, at most
// a dozen of them spread over the run: attention sharpening as the model learns. The scrubbed epoch is framed.
void explanation_strip(Lab& lab, UiState& ui, int scrubbed_epoch) {
  std::vector<int> epochs;
  const int last = int(lab.view().history.size());
  const int every = std::max(1, (last + 10) / 11);
  for (int e = 0; e <= last; e += every) epochs.push_back(e);
  if (epochs.back() != last) epochs.push_back(last);
  ImGui::TextDisabled(tr(Text::ExplanationEachEpoch),
                      ui.explain == ExplainKind::GradCam ? "Grad-CAM" : tr(Text::Saliency));
  const float side = std::min(64.0f, ImGui::GetContentRegionAvail().x / float(epochs.size()) - ImGui::GetStyle().ItemSpacing.x);
  for (size_t i = 0; i < epochs.size(); ++i) {
    MapTexture& tex = ui.cam_timeline_tex.at(i);
    ui_upload_explanation(lab, ui, tex, ui.cam_class, epochs[i]);
    if (i) ImGui::SameLine();
    ImGui::BeginGroup();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    if (ui.probe_tex.texture) ImGui::Image(ui.probe_tex.texture, ImVec2(side, side));
    else ImGui::Dummy(ImVec2(side, side));
    ui_draw_overlay(tex, p, ImVec2(p.x + side, p.y + side), ui.cam_opacity);
    if (epochs[i] == scrubbed_epoch)
      ImGui::GetWindowDrawList()->AddRect(p, ImVec2(p.x + side, p.y + side), IM_COL32(255, 215, 100, 255));
    ImGui::TextDisabled("%d", epochs[i]);
    ImGui::EndGroup();
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(tr(tex.texture ? Text::AfterEpoch : Text::AfterEpochGone), epochs[i]);
  }
}

void timeline_tab(Lab& lab, UiState& ui, double dt) {
  const int snaps = lab.snapshot_count();
  if (snaps == 0) {
    ImGui::TextWrapped("%s", tr(Text::TimelineIntro));
    return;
  }
  // Follow the newest snapshot unless the user scrubbed or is playing.
  if (ui.playing) {
    ui.play_clock += dt * double(ui.play_speed);
    if (ui.timeline < 0) ui.timeline = 0;
    while (ui.play_clock >= 1.0) {
      ui.play_clock -= 1.0;
      ui.timeline = (ui.timeline + 1) % snaps;
    }
  }
  int at = ui.timeline < 0 ? snaps - 1 : std::min(ui.timeline, snaps - 1);
  if (ImGui::Button(tr_id(ui.playing ? Text::Pause : Text::Play, "play").c_str(), ImVec2(60, 0))) {
    ui.playing = !ui.playing;
    if (ui.playing && at == snaps - 1) at = 0;
    ui.timeline = at;
    ui.play_clock = 0;
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::max(120.0f, ImGui::GetContentRegionAvail().x - 260));
  if (ImGui::SliderInt("##timeline", &at, 0, snaps - 1, snapshot_label(lab, at).c_str())) {
    ui.timeline = at;
    ui.playing = false;
  }
  ImGui::SameLine();
  if (ImGui::SmallButton(tr_id(Text::Latest, "latest").c_str())) {
    ui.timeline = -1;
    ui.playing = false;
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  ImGui::SliderFloat(tr_id(Text::Speed, "speed").c_str(), &ui.play_speed, 0.5f, 10, "%.1f/s");
  const Snapshot& s = lab.snapshot(at);
  const auto& batches = lab.view().batches;  // by step: a long run merges its records (trainer.h)
  const auto record = std::lower_bound(batches.begin(), batches.end(), s.step,
                                       [](const BatchRecord& r, long step) { return r.step < step; });
  if (s.step > 0 && record != batches.end())
    ImGui::TextDisabled(tr(Text::BatchLossAcc), s.step, record->loss, record->acc);
  else
    ImGui::TextDisabled("%s", tr(Text::RandomInitialWeights));

  filmstrip(lab, ui, at);
  if (ui.cam_show) explanation_strip(lab, ui, s.epoch);

  const std::vector<FeatureMap>& maps = lab.snapshot_maps(at);
  ImGui::BeginChild("timeline_layers");
  const float width = ImGui::GetContentRegionAvail().x;
  for (size_t l = 0; l < maps.size(); ++l) {
    const LayerKind kind = lab.model().layers[l].spec.kind;
    if (kind == LayerKind::Dropout || kind == LayerKind::Flatten) continue;  // copies of the layer before
    const FeatureMap& fm = maps[l];
    ImGui::PushStyleColor(ImGuiCol_Text, int(l) == ui.layer ? ImVec4(1, 0.85f, 0.4f, 1) : ImGui::GetStyle().Colors[ImGuiCol_Text]);
    ui_map_title(fm);
    ImGui::PopStyleColor();
    MapViewOptions o = ui.view;
    o.cols = fm.shape.is_flat() ? 1 : std::min(fm.shape.c, std::max(ui.view.cols, 12));
    o.cell = fit_cell(ImVec2(width, 0), o.cols, fm.shape.c, ui.view.cell > 0 ? std::min(ui.view.cell, 40.0f) : 40.0f);
    const int hovered = ui_map_grid(("t" + std::to_string(l)).c_str(), fm, lab.snapshot_version(at),
                                    ui.timeline_tex.at(l), o);
    if (hovered >= 0 && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {  // follow this map in the filmstrip
      ui.layer = int(l);
      ui.film_channel = hovered;
    }
    ImGui::Spacing();
  }
  ImGui::EndChild();
}

// The filters of a layer that sees colour (3 input channels) as colour patches: filter f's red, green and blue
// weights, scaled together so that 0 is mid-gray and its largest |weight| reaches black or full colour.
// k is the layer's kernels as Lab::conv_kernels gives them, (K, K, 3*F), channel c*F + f.
void colour_filters(const FeatureMap& k, int filters, uint64_t version, MapTexture& tex, float cell, int cols) {
  const int side = k.shape.h;
  const std::string key = std::to_string(version) + " colour";
  if (tex.key != key) {
    std::vector<uint8_t> rgba(size_t(filters) * size_t(side) * size_t(side) * 4);
    for (int f = 0; f < filters; ++f) {
      float most = 1e-12f;
      for (int p = 0; p < side * side; ++p)
        for (int c = 0; c < 3; ++c) most = std::max(most, std::fabs(k.data[size_t(p) * size_t(k.shape.c) + size_t(c * filters + f)]));
      for (int p = 0; p < side * side; ++p) {
        uint8_t* px = &rgba[(size_t(p / side) * size_t(filters * side) + size_t(f * side + p % side)) * 4];
        for (int c = 0; c < 3; ++c) {
          const float w = k.data[size_t(p) * size_t(k.shape.c) + size_t(c * filters + f)];
          px[c] = uint8_t(std::lround(std::clamp(0.5f + 0.5f * w / most, 0.0f, 1.0f) * 255));
        }
        px[3] = 255;
      }
    }
    tex.texture = texture_update(tex.texture, filters * side, side, rgba.data());
    tex.width = filters * side;
    tex.height = side;
    tex.key = key;
  }
  for (int f = 0; f < filters; ++f) {
    if (f % cols) ImGui::SameLine();
    const float u0 = float(f) / float(filters), u1 = float(f + 1) / float(filters);
    ImGui::Image(tex.texture, ImVec2(cell, cell), ImVec2(u0, 0), ImVec2(u1, 1));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip(tr(Text::FilterN), f);
  }
}

void filters_tab(Lab& lab, UiState& ui) {
  const std::vector<int> convs = lab.conv_layers();
  if (convs.empty()) {
    ImGui::TextDisabled("%s", tr(Text::NoConvLayer));
    return;
  }
  if (std::find(convs.begin(), convs.end(), ui.filter_layer) == convs.end()) ui.filter_layer = convs[0];
  for (int l : convs) {
    if (l != convs[0]) ImGui::SameLine();
    if (ImGui::RadioButton(lab.model().layers[size_t(l)].name.c_str(), ui.filter_layer == l)) ui.filter_layer = l;
  }
  const FeatureMap k = lab.conv_kernels(ui.filter_layer);
  const Layer& layer = lab.model().layers[size_t(ui.filter_layer)];
  ImGui::TextDisabled(tr(Text::FiltersOf),
                      layer.out.c, layer.spec.kernel, layer.spec.kernel, layer.in.c,
                      tr(lab.state() == LabState::Training ? Text::WeightsLive : Text::WeightsNow));
  if (layer.in.c == 3) ImGui::Checkbox(tr_id(Text::InColour, "in_colour").c_str(), &ui.filters_in_colour);
  MapViewOptions o = ui.view;
  ImGui::BeginChild("filters");
  if (layer.in.c == 3 && ui.filters_in_colour) {
    o.cols = std::min(layer.out.c, 16);
    const float cell = fit_cell(ImGui::GetContentRegionAvail(), o.cols, layer.out.c, ui.view.cell);
    colour_filters(k, layer.out.c, lab.live_version(), ui.colour_filter_tex, cell, o.cols);
  } else {
    o.cols = layer.out.c;
    o.cell = fit_cell(ImGui::GetContentRegionAvail(), o.cols, k.shape.c, ui.view.cell);
    ui_map_grid("k", k, lab.live_version(), ui.filter_tex.at(size_t(ui.filter_layer)), o);
  }
  ImGui::EndChild();
}

}  // namespace

void ui_panel_maps(Lab& lab, UiState& ui, double dt) {
  if (lab.model().layers.empty()) {
    ImGui::TextDisabled("%s", tr(Text::Loading));
    return;
  }
  lab.live_maps();  // keeps live_version current for every tab
  view_controls(lab, ui);
  if (!ImGui::BeginTabBar("views")) return;
  if (ui_tab(ui, Text::TabLive, "live")) {
    ui.maps_tab = MapsTab::Live;
    live_tab(lab, ui);
    ImGui::EndTabItem();
  }
  if (ui_tab(ui, Text::TabBeforeAfter, "before_after")) {
    ui.maps_tab = MapsTab::BeforeAfter;
    before_after_tab(lab, ui);
    ImGui::EndTabItem();
  }
  if (ui_tab(ui, Text::TabTimeline, "timeline")) {
    ui.maps_tab = MapsTab::Timeline;
    timeline_tab(lab, ui, dt);
    ImGui::EndTabItem();
  }
  if (ui_tab(ui, Text::TabFilters, "filters")) {
    ui.maps_tab = MapsTab::Filters;
    filters_tab(lab, ui);
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

}  // namespace convlens
