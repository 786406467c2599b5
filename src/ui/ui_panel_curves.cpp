// ui_panel_curves.cpp: loss and accuracy curves — train and validation per epoch, and the per-batch loss
// smoothed (exponential moving average), on an x axis in epochs so both kinds line up.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "imgui.h"
#include "ui_app.h"

namespace convlens {
namespace {

struct Series {
  const char* name;
  ImU32 color;
  std::vector<float> x, y;
  bool dots = false;  // per-epoch values: mark every point
};

// A line plot with a frame, min/max labels, a legend and a hover read-out.
void plot(const char* title, const std::vector<Series>& series, ImVec2 size, float x_max) {
  ImGui::TextUnformatted(title);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(title, size);
  const bool hovered = ImGui::IsItemHovered();
  const ImVec2 p1(p0.x + size.x, p0.y + size.y);
  dl->AddRectFilled(p0, p1, IM_COL32(25, 25, 30, 255));
  dl->AddRect(p0, p1, IM_COL32(90, 90, 100, 255));
  float lo = 1e30f, hi = -1e30f;
  for (const Series& s : series)
    for (float v : s.y)
      if (std::isfinite(v)) { lo = std::min(lo, v); hi = std::max(hi, v); }
  if (lo > hi) {
    dl->AddText(ImVec2(p0.x + 8, p0.y + 8), IM_COL32(140, 140, 140, 255), tr(Text::NoDataYet));
    return;
  }
  if (hi - lo < 1e-6f) { hi += 0.5f; lo -= 0.5f; }
  const float pad = 4;
  auto to_screen = [&](float x, float y) {
    return ImVec2(p0.x + pad + (size.x - 2 * pad) * (x / std::max(x_max, 1e-6f)),
                  p1.y - pad - (size.y - 2 * pad) * ((y - lo) / (hi - lo)));
  };
  // Epoch grid lines.
  for (int e = 1; e < int(x_max); ++e) {
    const float x = to_screen(float(e), lo).x;
    dl->AddLine(ImVec2(x, p0.y), ImVec2(x, p1.y), IM_COL32(50, 50, 58, 255));
  }
  for (const Series& s : series) {
    std::vector<ImVec2> pts;
    for (size_t i = 0; i < s.x.size(); ++i)
      if (std::isfinite(s.y[i])) pts.push_back(to_screen(s.x[i], s.y[i]));
    if (pts.size() > 1) dl->AddPolyline(pts.data(), int(pts.size()), s.color, 0, 1.5f);
    if (s.dots || pts.size() == 1)
      for (const ImVec2& p : pts) dl->AddCircleFilled(p, 3, s.color);
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", hi);
  dl->AddText(ImVec2(p0.x + 3, p0.y + 1), IM_COL32(150, 150, 150, 255), buf);
  std::snprintf(buf, sizeof buf, "%.3g", lo);
  dl->AddText(ImVec2(p0.x + 3, p1.y - ImGui::GetTextLineHeight() - 1), IM_COL32(150, 150, 150, 255), buf);
  // Legend on one line under the plot.
  for (size_t i = 0; i < series.size(); ++i) {
    if (i) ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, series[i].color);
    ImGui::TextUnformatted(series[i].name);
    ImGui::PopStyleColor();
  }
  if (hovered) {
    const float x = (ImGui::GetIO().MousePos.x - p0.x - pad) / (size.x - 2 * pad) * x_max;
    ImGui::BeginTooltip();
    ImGui::Text(tr(Text::EpochAt), x);
    for (const Series& s : series) {
      if (s.x.empty()) continue;
      size_t best = 0;
      for (size_t i = 1; i < s.x.size(); ++i)
        if (std::fabs(s.x[i] - x) < std::fabs(s.x[best] - x)) best = i;
      ImGui::Text("%s: %.4f", s.name, s.y[best]);
    }
    ImGui::EndTooltip();
  }
}

}  // namespace

void ui_panel_curves(const Lab& lab, UiState& ui) {
  const LabView& t = lab.view();
  if (ui.save_text && !t.history.empty()) {
    if (ImGui::SmallButton(tr_id(Text::SaveCsv, "save_csv").c_str()))
      ui.save_text("convlens-history.csv", lab_history_csv(lab));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(Text::SaveCsvTip));
  }
  const float per_epoch = float(std::max(1, t.batches_per_epoch));
  Series batch_loss{tr(Text::BatchSmoothed), IM_COL32(120, 120, 140, 255), {}, {}};
  Series batch_acc{tr(Text::BatchSmoothed), IM_COL32(120, 120, 140, 255), {}, {}};
  Series loss{"loss", IM_COL32(90, 160, 255, 255), {}, {}, true};
  Series val_loss{"val_loss", IM_COL32(255, 150, 60, 255), {}, {}, true};
  Series acc{"acc", IM_COL32(90, 160, 255, 255), {}, {}, true};
  Series val_acc{"val_acc", IM_COL32(255, 150, 60, 255), {}, {}, true};
  // Per-batch loss, smoothed; thinned to at most ~600 points so long runs stay cheap to draw.
  const auto& batches = t.batches;
  const size_t stride = std::max<size_t>(1, batches.size() / 600);
  float ema_loss = 0, ema_acc = 0;
  for (size_t i = 0; i < batches.size(); ++i) {
    ema_loss = i == 0 ? batches[i].loss : 0.95f * ema_loss + 0.05f * batches[i].loss;
    ema_acc = i == 0 ? batches[i].acc : 0.95f * ema_acc + 0.05f * batches[i].acc;
    if (i % stride == 0 || i + 1 == batches.size()) {
      const float x = float(batches[i].step) / per_epoch;
      batch_loss.x.push_back(x);
      batch_loss.y.push_back(ema_loss);
      batch_acc.x.push_back(x);
      batch_acc.y.push_back(ema_acc);
    }
  }
  for (const EpochRecord& e : t.history) {
    loss.x.push_back(float(e.epoch));
    loss.y.push_back(e.loss);
    acc.x.push_back(float(e.epoch));
    acc.y.push_back(e.acc);
    if (e.has_val) {
      val_loss.x.push_back(float(e.epoch));
      val_loss.y.push_back(e.val_loss);
      val_acc.x.push_back(float(e.epoch));
      val_acc.y.push_back(e.val_acc);
    }
  }
  const float x_max = std::max(1.0f, batch_loss.x.empty() ? 1.0f : std::ceil(batch_loss.x.back()));
  const float w = ImGui::GetContentRegionAvail().x;
  const float h = std::max(70.0f, (ImGui::GetContentRegionAvail().y - 4 * ImGui::GetTextLineHeightWithSpacing()) / 2);
  plot(tr(Text::Loss), {batch_loss, loss, val_loss}, ImVec2(w, h), x_max);
  plot(tr(Text::Accuracy), {batch_acc, acc, val_acc}, ImVec2(w, h), x_max);
}

}  // namespace convlens
