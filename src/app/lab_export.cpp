// lab_export.cpp: the history and confusion matrices as CSV, feature-map grids as images (see lab_export.h).
#include "lab_export.h"

#include <algorithm>
#include <cstdio>

#include "datasets.h"

namespace convlens {
namespace {

std::string csv_number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

// A class name as a CSV field: quoted when it holds a comma or a quote ("T-shirt/top" needs neither).
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string q = "\"";
  for (char c : text) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

std::string lab_history_csv(const Lab& lab) {
  std::string csv = "epoch,loss,acc,val_loss,val_acc,seconds,samples_per_sec\n";
  for (const EpochRecord& e : lab.view().history) {
    csv += std::to_string(e.epoch) + "," + csv_number(e.loss) + "," + csv_number(e.acc) + "," +
           (e.has_val ? csv_number(e.val_loss) : "") + "," + (e.has_val ? csv_number(e.val_acc) : "") + "," +
           csv_number(e.seconds) + "," + csv_number(e.samples_per_sec) + "\n";
  }
  return csv;
}

std::string lab_confusion_csv(const Lab& lab, int epoch) {
  const auto& history = lab.view().history;
  if (history.empty()) return "";
  const size_t i = epoch < 0 ? history.size() - 1 : size_t(epoch - 1);
  if (epoch == 0 || i >= history.size() || !history[i].confusion) return "";
  const Confusion& c = *history[i].confusion;
  const DatasetInfo* d = dataset_info(lab.train_data().name);
  auto name = [&](int k) { return d && size_t(k) < d->classes.size() ? d->classes[size_t(k)] : std::to_string(k); };
  std::string csv = "true \\ predicted";
  for (int p = 0; p < c.classes; ++p) csv += "," + csv_field(name(p));
  csv += "\n";
  for (int t = 0; t < c.classes; ++t) {
    csv += csv_field(name(t));
    for (int p = 0; p < c.classes; ++p) csv += "," + std::to_string(c.at(t, p));
    csv += "\n";
  }
  return csv;
}

RgbaImage maps_image(const FeatureMap& fm, const FeatureMap* right, const GridLayout& layout, Colormap map) {
  const GrayImage a = feature_grid_render(fm, layout);
  GrayImage b;
  if (right) {
    GridLayout same = layout;
    same.cell = feature_grid_cell(fm, layout, 0).size;  // the right grid at the left one's cell size
    b = feature_grid_render(*right, same);
    if (b.empty()) return {};
  }
  if (a.empty()) return {};
  const int gap = std::max(layout.gap, 0) * 4;  // between the two grids
  GrayImage both;
  both.width = a.width + (right ? gap + b.width : 0);
  both.height = std::max(a.height, b.height);
  both.pixels.assign(size_t(both.width) * size_t(both.height), kGridGapGray);
  for (int y = 0; y < a.height; ++y) std::copy_n(&a.pixels[size_t(y) * size_t(a.width)], a.width, &both.pixels[size_t(y) * size_t(both.width)]);
  for (int y = 0; y < b.height; ++y)
    std::copy_n(&b.pixels[size_t(y) * size_t(b.width)], b.width, &both.pixels[size_t(y) * size_t(both.width) + size_t(a.width + gap)]);
  return {both.width, both.height, colormap_apply(both, map)};
}

std::string maps_file_stem(const FeatureMap& fm, const std::string& moment) {
  return "layer" + std::to_string(fm.layer_index) + "_" + fm.layer_name + "_1x" + std::to_string(fm.shape.h) + "x" +
         std::to_string(fm.shape.w) + "x" + std::to_string(fm.shape.c) + "_" + moment;
}

}  // namespace convlens
