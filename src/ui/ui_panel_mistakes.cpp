// ui_panel_mistakes.cpp: what the model gets wrong, from the validation pass of each epoch — the confusion
// matrix (counts, colours normalised per true class, per-class accuracy on hover) and a gallery of the most
// confident mistakes. Clicking a cell or an image makes that image the probe, so the maps and Grad-CAM show why.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "colormap.h"
#include "imgui.h"
#include "ui_app.h"
#include "ui_texture.h"

namespace convlens {
namespace {

constexpr int kGalleryCols = 6;
constexpr int kGalleryImages = 36;

// The mistakes' images side by side in one gray texture (kGalleryCols per row), rebuilt when the view changes.
void upload_gallery(const Lab& lab, MapTexture& tex, size_t count) {
  const std::string key = std::to_string(lab.view().run) + "/" + std::to_string(lab.view().history.size());
  if (tex.key == key) return;
  tex.key = key;
  const Shape in = lab.train_data().shape;
  const int rows = int((count + kGalleryCols - 1) / kGalleryCols), w = kGalleryCols * in.w, h = std::max(rows, 1) * in.h;
  std::vector<uint8_t> rgba(size_t(w) * size_t(h) * 4, 0);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t* image = lab.train_data().image(lab.mistakes()[i].index);
    const int x0 = int(i % kGalleryCols) * in.w, y0 = int(i / kGalleryCols) * in.h;
    for (int y = 0; y < in.h; ++y)
      for (int x = 0; x < in.w; ++x) {
        uint8_t* p = &rgba[(size_t(y0 + y) * size_t(w) + size_t(x0 + x)) * 4];
        for (int c = 0; c < 3; ++c) p[c] = image[(size_t(y) * size_t(in.w) + size_t(x)) * size_t(in.c) + size_t(in.c > 1 ? c : 0)];
        p[3] = 255;
      }
  }
  tex.texture = texture_update(tex.texture, w, h, rgba.data());
  tex.width = w;
  tex.height = h;
}

void confusion_matrix(Lab& lab, UiState& ui, const Confusion& confusion) {
  const int k = confusion.classes;
  const float cell = std::clamp((ImGui::GetContentRegionAvail().x - 18) / float(k), 10.0f, 26.0f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  for (int r = 0; r < k; ++r) {
    uint32_t row_total = 0;
    for (int c = 0; c < k; ++c) row_total += confusion.at(r, c);
    for (int c = 0; c < k; ++c) {
      const uint32_t n = confusion.at(r, c);
      const float share = row_total ? float(n) / float(row_total) : 0;
      const ImVec2 p0(at.x + 16 + float(c) * cell, at.y + float(r) * cell), p1(p0.x + cell - 1, p0.y + cell - 1);
      const Rgb col = colormap_at(Colormap::Viridis, r == c ? share : std::sqrt(share));  // off-diagonal: small shares visible
      dl->AddRectFilled(p0, p1, IM_COL32(int(col.r * 255), int(col.g * 255), int(col.b * 255), 255));
      if (cell >= 20 && n > 0) {
        char text[8];
        std::snprintf(text, sizeof text, "%u", n);
        dl->AddText(ImGui::GetFont(), 10, ImVec2(p0.x + 2, p0.y + 2), share > 0.6f ? IM_COL32(0, 0, 0, 255) : IM_COL32_WHITE, text);
      }
      ImGui::SetCursorScreenPos(p0);
      ImGui::PushID(r * k + c);
      if (ImGui::InvisibleButton("cell", ImVec2(cell - 1, cell - 1)) && r != c) {
        for (const Mistake& m : lab.mistakes())  // the most confident image of this confusion, if kept
          if (m.label == r && m.predicted == c) {
            lab.set_probe_training_image(m.index);
            ui.drawing = false;
            break;
          }
      }
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip(tr(n == 1 ? Text::ConfusionTipOne : Text::ConfusionTipMany), ui_class_name(lab, r),
                          ui_class_name(lab, c), n, 100.0f * share, ui_class_name(lab, r),
                          r == c ? "" : tr(Text::ClickShowMostConfident));
      ImGui::PopID();
    }
    dl->AddText(ImVec2(at.x, at.y + float(r) * cell + (cell - 13) / 2), IM_COL32(180, 180, 190, 255),
                ui_class_name(lab, r), nullptr);
  }
  ImGui::SetCursorScreenPos(ImVec2(at.x, at.y + float(k) * cell + 2));
  ImGui::TextDisabled("%s", tr(Text::RowsColumns));
}

}  // namespace

void ui_panel_mistakes(Lab& lab, UiState& ui) {
  const std::vector<EpochRecord>& history = lab.view().history;
  if (history.empty() || !history.back().confusion) {
    ImGui::TextWrapped("%s", tr(Text::MistakesIntro));
    return;
  }
  const int last = int(history.size());
  if (ui.confusion_epoch < 1 || ui.confusion_epoch > last) ui.confusion_epoch = last;
  if (last > 1) {
    ImGui::SetNextItemWidth(ui.save_text ? -90 : -1);
    ImGui::SliderInt("##confusion_epoch", &ui.confusion_epoch, 1, last, tr(Text::AfterEpoch));
    if (ui.save_text) ImGui::SameLine();
  }
  if (ui.save_text && ImGui::SmallButton(tr_id(Text::SaveCsv, "save_csv").c_str()))
    ui.save_text("convlens-confusion-epoch" + std::to_string(ui.confusion_epoch) + ".csv",
                 lab_confusion_csv(lab, ui.confusion_epoch));
  const EpochRecord& e = history[size_t(ui.confusion_epoch - 1)];
  if (e.confusion) confusion_matrix(lab, ui, *e.confusion);

  const std::vector<Mistake>& mistakes = lab.mistakes();
  const size_t count = std::min<size_t>(mistakes.size(), kGalleryImages);
  ImGui::Text(tr(Text::MostConfident), last, mistakes.size());
  if (count == 0) return;
  upload_gallery(lab, ui.mistakes_tex, count);
  const Shape in = lab.train_data().shape;
  const float side = std::floor((ImGui::GetContentRegionAvail().x - float(kGalleryCols - 1) * 4) / kGalleryCols);
  for (size_t i = 0; i < count; ++i) {
    const Mistake& m = mistakes[i];
    const float u0 = float(i % kGalleryCols) * float(in.w) / float(ui.mistakes_tex.width);
    const float v0 = float(i / kGalleryCols) * float(in.h) / float(ui.mistakes_tex.height);
    const ImVec2 uv0(u0, v0), uv1(u0 + float(in.w) / float(ui.mistakes_tex.width), v0 + float(in.h) / float(ui.mistakes_tex.height));
    if (i % kGalleryCols) ImGui::SameLine(0, 4);
    ImGui::PushID(int(i));
    if (ImGui::ImageButton(ui.mistakes_tex.texture, ImVec2(side, side), uv0, uv1, 0)) {
      lab.set_probe_training_image(m.index);
      ui.drawing = false;
    }
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(tr(Text::MistakeTip), ui_class_name(lab, m.label),
                        ui_class_name(lab, m.predicted), 100.0 * m.probability);
    ImGui::PopID();
  }
}

}  // namespace convlens
