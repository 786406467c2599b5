// ui_app.cpp: the window layout and the panels' frames (see ui_app.h).
#include "ui_app.h"

#include <algorithm>

#include "imgui.h"

namespace convlens {
namespace {

constexpr ImGuiWindowFlags kPanel = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                    ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;

bool begin_panel(const char* title, ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos, ImGuiCond_Always);
  ImGui::SetNextWindowSize(size, ImGuiCond_Always);
  return ImGui::Begin(title, nullptr, kPanel);
}

constexpr float kNarrowWidth = 900;  // below this width (phones, tablets, narrow iframes): one column of tabs

void curves_and_mistakes(Lab& lab, UiState& ui) {
  if (!ImGui::BeginTabBar("##results")) return;
  if (ImGui::BeginTabItem(tr_id(Text::Curves, "curves").c_str())) {
    ui_panel_curves(lab, ui);
    ImGui::EndTabItem();
  }
  if (ImGui::BeginTabItem(tr_id(Text::Mistakes, "mistakes").c_str())) {
    ui_panel_mistakes(lab, ui);
    ImGui::EndTabItem();
  }
  ImGui::EndTabBar();
}

void warnings_box(UiState& ui) {
  if (ui.warnings.empty() || !ui.warnings_open) return;
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.8f, 0.3f, 1.0f));
  ImGui::TextWrapped("%s", tr(Text::NotEverythingDone));
  for (const std::string& w : ui.warnings) {
    ImGui::Bullet();
    ImGui::TextWrapped("%s", w.c_str());
  }
  ImGui::PopStyleColor();
  if (ImGui::SmallButton(tr_id(Text::Dismiss, "dismiss").c_str())) ui.warnings_open = false;
  ImGui::Separator();
}

// Narrow screens: one window the size of the screen, each panel a tab of it, at the full width.
void narrow_layout(Lab& lab, UiState& ui, double dt, ImVec2 display) {
  if (begin_panel("ConvLens", ImVec2(0, 0), display) && ImGui::BeginTabBar("##panels")) {
    if (ImGui::BeginTabItem(tr_id(Text::Train, "train").c_str())) {
      warnings_box(ui);
      ui_panel_data_model(lab, ui);
      ui_panel_training(lab, ui);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem(tr_id(Text::FeatureMaps, "maps").c_str())) {
      ui_panel_maps(lab, ui, dt);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem(tr_id(Text::Probe, "probe").c_str())) {
      ui_panel_probe(lab, ui);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem(tr_id(Text::Results, "results").c_str())) {
      curves_and_mistakes(lab, ui);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::End();
}


}  // namespace

const char* ui_class_name(const Lab& lab, int k) {
  const DatasetInfo* d = dataset_info(lab.train_data().name);
  if (!d || k < 0 || size_t(k) >= d->classes.size()) return "?";
  return d->classes[size_t(k)].c_str();
}

void ui_draw(Lab& lab, UiState& ui, double dt) {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  // Fingers need bigger targets than a mouse pointer; narrow screens are mostly touch screens.
  ImGui::GetStyle().TouchExtraPadding = display.x < kNarrowWidth ? ImVec2(4, 4) : ImVec2(0, 0);
  if (display.x < kNarrowWidth) {
    narrow_layout(lab, ui, dt, display);
    return;
  }
  // Column widths: fixed side panels, the centre takes the rest (at least 360 points).
  const float left_w = ui.embed ? 300.0f : std::clamp(display.x * 0.28f, 300.0f, 400.0f);
  const float right_w = ui.embed ? 250.0f : std::clamp(display.x * 0.24f, 260.0f, 340.0f);
  const float centre_w = std::max(360.0f, display.x - left_w - right_w);
  const float h = display.y;

  if (begin_panel(tr_id(Text::DataAndTraining, "Data & training").c_str(), ImVec2(0, 0), ImVec2(left_w, h))) {
    warnings_box(ui);
    ui_panel_data_model(lab, ui);
    ui_panel_training(lab, ui);
  }
  ImGui::End();

  if (begin_panel(tr_id(Text::FeatureMaps, "Feature maps").c_str(), ImVec2(left_w, 0), ImVec2(centre_w, h)))
    ui_panel_maps(lab, ui, dt);
  ImGui::End();

  const float probe_h = std::min(h * 0.6f, 500.0f);
  if (begin_panel(tr_id(Text::Probe, "Probe").c_str(), ImVec2(left_w + centre_w, 0), ImVec2(right_w, probe_h)))
    ui_panel_probe(lab, ui);
  ImGui::End();
  if (begin_panel(tr_id(Text::Curves, "Curves").c_str(), ImVec2(left_w + centre_w, probe_h), ImVec2(right_w, h - probe_h)))
    curves_and_mistakes(lab, ui);
  ImGui::End();
}

}  // namespace convlens
