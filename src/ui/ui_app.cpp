// ui_app.cpp: the window layout and the panels' frames (see ui_app.h).
#include "ui_app.h"

#include <algorithm>

#include "imgui.h"
#include "imgui_internal.h"  // the window list, for ui_layout

namespace convlens {
namespace {

constexpr ImGuiWindowFlags kPanel = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                    ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;

bool begin_panel(const char* title, ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos, ImGuiCond_Always);
  ImGui::SetNextWindowSize(size, ImGuiCond_Always);
  return ImGui::Begin(title, nullptr, kPanel);
}

// The three columns' narrowest widths; below their sum (phones, tablets, narrow iframes) the panels are tabs of
// one window.
constexpr float kMinLeft = 300, kMinCentre = 360, kMinRight = 260;
constexpr float kNarrowWidth = kMinLeft + kMinCentre + kMinRight;

void curves_and_mistakes(Lab& lab, UiState& ui) {
  if (!ImGui::BeginTabBar("##results")) return;
  if (ui_tab(ui, Text::Curves, "curves")) {
    ui_panel_curves(lab, ui);
    ImGui::EndTabItem();
  }
  if (ui_tab(ui, Text::Mistakes, "mistakes")) {
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
    if (ui_tab(ui, Text::Train, "train")) {
      warnings_box(ui);
      ui_panel_data_model(lab, ui);
      ui_panel_training(lab, ui);
      ImGui::EndTabItem();
    }
    if (ui_tab(ui, Text::FeatureMaps, "maps")) {
      ui_panel_maps(lab, ui, dt);
      ImGui::EndTabItem();
    }
    if (ui_tab(ui, Text::Probe, "probe")) {
      ui_panel_probe(lab, ui);
      ImGui::EndTabItem();
    }
    if (ui_tab(ui, Text::Results, "results")) {
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

void ui_same_line_if_fits(float width, float spacing) {
  const float gap = spacing < 0 ? ImGui::GetStyle().ItemSpacing.x : spacing;
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + gap + width <= right) ImGui::SameLine(0, spacing);
}

float ui_item_width(float item_width, const char* label) {
  const float text = ImGui::CalcTextSize(label, nullptr, true).x;
  return item_width + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0);
}

void ui_mark(UiState& ui, const char* name) {
  const ImRect clip = ImGui::GetCurrentWindow()->ClipRect;
  const ImVec2 lo = ImMax(ImGui::GetItemRectMin(), clip.Min), hi = ImMin(ImGui::GetItemRectMax(), clip.Max);
  ui.marks.push_back({name, lo.x, lo.y, std::max(0.0f, hi.x - lo.x), std::max(0.0f, hi.y - lo.y)});
}

bool ui_tab(UiState& ui, Text label, const char* id) {
  const bool open = ImGui::BeginTabItem(tr_id(label, id).c_str());
  ui_mark(ui, ("tab " + std::string(id)).c_str());
  return open;
}

UiLayout ui_layout(const UiState& ui) {
  UiLayout l;
  l.width = ImGui::GetIO().DisplaySize.x;
  l.height = ImGui::GetIO().DisplaySize.y;
  l.marks = ui.marks;
  for (const ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
    if (!w->WasActive || w->Hidden || (w->Flags & (ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Popup))) continue;
    const ScreenBox box{w->Name, w->Pos.x, w->Pos.y, w->Size.x, w->Size.y};
    if (!(w->Flags & ImGuiWindowFlags_ChildWindow) && std::string(w->Name) != "Debug##Default") l.windows.push_back(box);
    if (w->ContentSize.x > w->InnerRect.GetWidth() + 1 && !w->ScrollbarX) l.clipped.push_back(box);
  }
  return l;
}

void ui_draw(Lab& lab, UiState& ui, double dt) {
  ui.marks.clear();
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  // Fingers need bigger targets than a mouse pointer; narrow screens are mostly touch screens.
  ImGui::GetStyle().TouchExtraPadding = display.x < kNarrowWidth ? ImVec2(4, 4) : ImVec2(0, 0);
  if (display.x < kNarrowWidth) {
    narrow_layout(lab, ui, dt, display);
    return;
  }
  // Column widths: fixed side panels, the centre takes the rest (at least 360 points).
  const float left_w = ui.embed ? kMinLeft : std::clamp(display.x * 0.28f, kMinLeft, 400.0f);
  const float right_w = ui.embed ? kMinRight : std::clamp(display.x * 0.24f, kMinRight, 340.0f);
  const float centre_w = std::max(kMinCentre, display.x - left_w - right_w);
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
