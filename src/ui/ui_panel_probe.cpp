// ui_panel_probe.cpp: the probe image whose feature maps every view shows — a test image picked by index, at
// random or by class, or a digit drawn with mouse or touch on a 28x28 pad — the model's prediction bars, and
// Grad-CAM over the probe (a layer, a class or every class, an opacity).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "colormap.h"
#include "explain.h"
#include "imgui.h"
#include "ui_app.h"
#include "ui_texture.h"

namespace convlens {
namespace {

constexpr float kPadSide = 196;  // the 28x28 pad on screen (7 points per pixel)

// Uploads an (H, W, C) image in [0, 1] as RGBA: colour if it has 3 channels, else its first channel as gray.
void upload_image(MapTexture& tex, const std::vector<float>& pixels, Shape in) {
  const size_t n = size_t(in.h) * size_t(in.w), c = size_t(in.c);
  std::vector<uint8_t> rgba(n * 4);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < 3; ++k)
      rgba[i * 4 + k] = uint8_t(std::lround(std::clamp(pixels[i * c + (c == 3 ? k : 0)], 0.0f, 1.0f) * 255));
    rgba[i * 4 + 3] = 255;
  }
  tex.texture = texture_update(tex.texture, in.w, in.h, rgba.data());
  tex.width = in.w;
  tex.height = in.h;
}

// A soft round brush like a pen stroke in MNIST (about 2.5 pixels wide).
void paint(std::vector<float>& pad, int side, float cx, float cy) {
  for (int y = int(cy) - 2; y <= int(cy) + 2; ++y)
    for (int x = int(cx) - 2; x <= int(cx) + 2; ++x) {
      if (x < 0 || y < 0 || x >= side || y >= side) continue;
      const float d = std::hypot(float(x) + 0.5f - cx, float(y) + 0.5f - cy);
      const float ink = std::clamp(1.6f - d, 0.0f, 1.0f);
      float& p = pad[size_t(y) * size_t(side) + size_t(x)];
      p = std::max(p, ink);
    }
}

void test_image_picker(Lab& lab, UiState& ui) {
  const Dataset& test = lab.test_data();
  if (test.size() == 0) return;
  int index = std::max(lab.probe_index(), 0);
  ImGui::SetNextItemWidth(110);
  if (ImGui::InputInt(tr_id(Text::TestImageInput, "test_image").c_str(), &index)) lab.set_probe_index(index);
  ImGui::SameLine();
  if (ImGui::Button(tr_id(Text::Random, "random").c_str())) {
    static std::mt19937 gen(12345);
    lab.set_probe_index(int(gen() % test.size()));
  }
  // Next test image of a class, after the current one.
  ImGui::SetNextItemWidth(110);
  if (ImGui::BeginCombo("##class", ui_class_name(lab, ui.by_class))) {
    for (int k = 0; k < 10; ++k)
      if (ImGui::Selectable(ui_class_name(lab, k), k == ui.by_class)) ui.by_class = k;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (ImGui::Button(tr_id(Text::NextOfClass, "next_of_class").c_str())) {
    const size_t n = test.size();
    for (size_t step = 1; step <= n; ++step) {
      const size_t i = (size_t(std::max(lab.probe_index(), 0)) + step) % n;
      if (test.labels[i] == ui.by_class) {
        lab.set_probe_index(int(i));
        break;
      }
    }
  }
}

void drawing_pad(Lab& lab, UiState& ui) {
  const Shape in = lab.model().input;
  if (in.c != 1) {
    ImGui::TextDisabled("%s", tr(Text::DrawingNeedsGray));
    return;
  }
  const size_t count = in.size();
  if (ui.pad.size() != count) ui.pad.assign(count, 0.0f);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("pad", ImVec2(kPadSide, kPadSide));
  bool changed = false;
  if (ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const ImVec2 d = ImGui::GetIO().MouseDelta;
    // Paint along the segment since the last frame so fast strokes stay continuous.
    const int steps = 1 + int(std::hypot(d.x, d.y) / 3);
    for (int s = 0; s < steps; ++s) {
      const float t = float(s + 1) / float(steps);
      const float x = (m.x - d.x * (1 - t) - origin.x) / kPadSide * float(in.w);
      const float y = (m.y - d.y * (1 - t) - origin.y) / kPadSide * float(in.h);
      paint(ui.pad, in.w, x, y);
    }
    changed = true;
  }
  if (changed || !ui.drawing) {
    ui.drawing = true;
    lab.set_probe_pixels(ui.pad);
  }
  if (ImGui::Button(tr_id(Text::Clear, "clear").c_str())) {
    std::fill(ui.pad.begin(), ui.pad.end(), 0.0f);
    lab.set_probe_pixels(ui.pad);
  }
  ImGui::SameLine();
  ImGui::TextDisabled("%s", tr(Text::DrawHint));
  // The pad itself is drawn from the probe texture below, under the invisible button.
  ImGui::GetWindowDrawList()->AddRect(origin, ImVec2(origin.x + kPadSide, origin.y + kPadSide),
                                      IM_COL32(200, 200, 90, 255));
}

// The Grad-CAM controls, and the overlay's layer (-1 if the model has none to explain).
int cam_controls(Lab& lab, UiState& ui) {
  ImGui::Checkbox(tr_id(Text::Explain, "explain").c_str(), &ui.cam_show);
  ui_mark(ui, "Explain");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(Text::ExplainTip));
  if (ui.cam_show) {
    ImGui::SameLine();
    if (ImGui::RadioButton("Grad-CAM", ui.explain == ExplainKind::GradCam)) ui.explain = ExplainKind::GradCam;
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", tr(Text::GradCamTip));
    ImGui::SameLine();
    if (ImGui::RadioButton(tr_id(Text::SaliencyLower, "saliency").c_str(), ui.explain == ExplainKind::Saliency))
      ui.explain = ExplainKind::Saliency;
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", tr(Text::SaliencyTip));
  }
  const std::vector<int> layers = lab.grad_cam_layers();  // as Grad-CAM is meant (the API also takes pooling layers)
  if (!ui.cam_show || layers.empty()) return -1;
  if (std::find(layers.begin(), layers.end(), ui.cam_layer) == layers.end()) ui.cam_layer = layers.back();
  if (ui.explain == ExplainKind::GradCam) {
    ImGui::SetNextItemWidth(150);
    if (ImGui::BeginCombo("##camlayer", lab.model().layers[size_t(ui.cam_layer)].name.c_str())) {
      for (int l : layers)
        if (ImGui::Selectable(lab.model().layers[size_t(l)].name.c_str(), l == ui.cam_layer)) ui.cam_layer = l;
      ImGui::EndCombo();
    }
    ImGui::SameLine();
  }
  ImGui::SetNextItemWidth(110);
  if (ImGui::BeginCombo("##camclass", ui.cam_class < 0 ? tr(Text::Predicted) : ui_class_name(lab, ui.cam_class))) {
    if (ImGui::Selectable(tr_id(Text::Predicted, "predicted").c_str(), ui.cam_class < 0)) ui.cam_class = -1;
    for (int k = 0; k < lab.model().num_classes && k < 10; ++k)
      if (ImGui::Selectable(ui_class_name(lab, k), k == ui.cam_class)) ui.cam_class = k;
    ImGui::EndCombo();
  }
  ImGui::Checkbox(tr_id(Text::EveryClass, "every_class").c_str(), &ui.cam_every_class);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  ImGui::SliderFloat("##camopacity", &ui.cam_opacity, 0.0f, 1.0f, tr(Text::Opacity));
  ui_upload_explanation(lab, ui, ui.cam_tex, ui.cam_class, -1);
  return ui.cam_layer;
}

// One small probe + its explanation per class, two rows of five: "why 7 and not 1?".
void cam_every_class(Lab& lab, UiState& ui) {
  const float side = std::min(48.0f, (ImGui::GetContentRegionAvail().x - 4 * ImGui::GetStyle().ItemSpacing.x) / 5);
  for (int k = 0; k < lab.model().num_classes && k < 10; ++k) {
    ui_upload_explanation(lab, ui, ui.cam_class_tex[k], k, -1);
    if (k % 5) ImGui::SameLine();
    ImGui::BeginGroup();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Image(ui.probe_tex.texture, ImVec2(side, side));
    ui_draw_overlay(ui.cam_class_tex[k], at, ImVec2(at.x + side, at.y + side), ui.cam_opacity);
    ImGui::TextDisabled("%.8s", ui_class_name(lab, k));
    ImGui::EndGroup();
  }
}

void prediction_bars(Lab& lab) {
  const std::vector<float> p = lab.live_probs();
  if (p.size() != 10) return;
  const int best = int(std::max_element(p.begin(), p.end()) - p.begin());
  const int truth = lab.probe_index() >= 0 && size_t(lab.probe_index()) < lab.test_data().size()
                        ? lab.test_data().labels[size_t(lab.probe_index())]
                        : -1;
  ImGui::Text(tr(Text::Prediction), ui_class_name(lab, best), p[size_t(best)] * 100);
  if (truth >= 0) {
    ImGui::SameLine();
    ImGui::TextColored(best == truth ? ImVec4(0.5f, 1, 0.5f, 1) : ImVec4(1, 0.5f, 0.4f, 1), tr(Text::LabelIs),
                       ui_class_name(lab, truth));
  }
  for (int k = 0; k < 10; ++k) {
    char overlay[48];
    std::snprintf(overlay, sizeof overlay, "%s  %.1f%%", ui_class_name(lab, k), p[size_t(k)] * 100);
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, k == best ? ImVec4(0.95f, 0.7f, 0.2f, 1) : ImVec4(0.3f, 0.5f, 0.8f, 1));
    ImGui::ProgressBar(p[size_t(k)], ImVec2(-1, 14), overlay);
    ImGui::PopStyleColor();
  }
}

}  // namespace

// ---- the probe's explanation as a heat overlay (also drawn by the timeline, ui_panel_maps.cpp) --------------

void ui_upload_explanation(Lab& lab, const UiState& ui, MapTexture& tex, int class_index, int epoch) {
  const bool cam = ui.explain == ExplainKind::GradCam;
  const std::string weights = epoch < 0 ? "live" + std::to_string(lab.live_version()) : "epoch" + std::to_string(epoch);
  const std::string key = weights + "/" + std::to_string(lab.probe_version()) + "/" + std::to_string(lab.view().run) +
                          (cam ? "/cam" + std::to_string(ui.cam_layer) : "/saliency") + "/" + std::to_string(class_index);
  if (tex.key == key) return;
  tex.key = key;
  Result<Explanation> e = cam ? lab.grad_cam(ui.cam_layer, class_index, epoch) : lab.saliency(class_index, epoch);
  if (!e.ok()) {
    texture_free(tex.texture);
    tex.texture = nullptr;
    return;
  }
  const std::vector<float>& v = e.value.data;
  const float most = std::max(1e-12f, *std::max_element(v.begin(), v.end()));  // saliency is not scaled
  std::vector<uint8_t> rgba(v.size() * 4);
  for (size_t i = 0; i < v.size(); ++i) {  // viridis colours, opaque where the map is high
    const float t = std::clamp(v[i] / most, 0.0f, 1.0f);
    const Rgb c = colormap_at(Colormap::Viridis, t);
    rgba[i * 4] = uint8_t(std::lround(c.r * 255));
    rgba[i * 4 + 1] = uint8_t(std::lround(c.g * 255));
    rgba[i * 4 + 2] = uint8_t(std::lround(c.b * 255));
    rgba[i * 4 + 3] = uint8_t(std::lround(t * 255));
  }
  tex.texture = texture_update(tex.texture, e.value.shape.w, e.value.shape.h, rgba.data());
  tex.width = e.value.shape.w;
  tex.height = e.value.shape.h;
}

void ui_draw_overlay(const MapTexture& tex, ImVec2 min, ImVec2 max, float opacity) {
  if (tex.texture)
    ImGui::GetWindowDrawList()->AddImage(tex.texture, min, max, ImVec2(0, 0), ImVec2(1, 1),
                                         IM_COL32(255, 255, 255, int(opacity * 255)));
}

void ui_panel_probe(Lab& lab, UiState& ui) {
  if (lab.model().layers.empty() || lab.test_data().size() == 0) {
    ImGui::TextDisabled("%s", tr(Text::WaitingForData));
    return;
  }
  int mode = ui.drawing ? 1 : 0;
  if (ImGui::RadioButton(tr_id(Text::TestImage, "test_mode").c_str(), mode == 0) && mode == 1) {
    ui.drawing = false;
    mode = 0;
    lab.set_probe_index(ui.last_test_probe);
  }
  ImGui::SameLine();
  if (ImGui::RadioButton(tr_id(Text::Draw, "draw_mode").c_str(), mode == 1) && mode == 0) {
    ui.last_test_probe = std::max(lab.probe_index(), 0);
    mode = 1;
  }

  const Shape in = lab.model().input;
  const std::string key = std::to_string(lab.probe_version());
  if (ui.probe_tex.key != key && lab.probe().size() == in.size()) {
    upload_image(ui.probe_tex, lab.probe(), in);
    ui.probe_tex.key = key;
  }
  const int cam_layer = cam_controls(lab, ui);
  if (mode == 1) {
    // The probe image is drawn first, the pad's invisible button and frame over it.
    const ImVec2 at = ImGui::GetCursorScreenPos();
    if (ui.probe_tex.texture)
      ImGui::GetWindowDrawList()->AddImage(ui.probe_tex.texture, at, ImVec2(at.x + kPadSide, at.y + kPadSide));
    if (cam_layer >= 0) ui_draw_overlay(ui.cam_tex, at, ImVec2(at.x + kPadSide, at.y + kPadSide), ui.cam_opacity);
    drawing_pad(lab, ui);
  } else {
    test_image_picker(lab, ui);
    if (ui.probe_tex.texture) {
      ImGui::Image(ui.probe_tex.texture, ImVec2(112, 112));
      if (cam_layer >= 0) ui_draw_overlay(ui.cam_tex, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), ui.cam_opacity);
    }
    if (lab.probe_index() >= 0) {
      ImGui::SameLine();
      ImGui::TextDisabled("#%d", lab.probe_index());
    }
  }
  if (cam_layer >= 0 && ui.cam_every_class && ui.probe_tex.texture) cam_every_class(lab, ui);
  prediction_bars(lab);
}

}  // namespace convlens
