// lab_export.h: what a learner keeps from a session besides the model: the history and a confusion matrix as
// CSV, and a layer's feature maps as an image (one grid, or before beside after) to save as a PNG.
//
// Not here: file formats beyond CSV text, downloads or files (the platform encodes the PNG and saves it: a
// canvas in the browser, src/io natively), the weights file (weights_file.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "colormap.h"
#include "feature_grid.h"
#include "lab.h"

namespace convlens {

// history.csv: epoch,loss,acc,val_loss,val_acc,seconds,samples_per_sec (empty values where there was no
// validation), one line per epoch.
std::string lab_history_csv(const Lab& lab);

// confusion.csv of the validation pass after `epoch` (< 0: the latest): a header of the predicted classes' names,
// then one line per true class with its counts. "" if there is no such epoch or it had no validation.
std::string lab_confusion_csv(const Lab& lab, int epoch);

struct RgbaImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;  // (height, width, 4)
};

// A grid of `fm` (feature_grid.h's layout) through colour map `map`, and, with `right`, a second grid beside
// it (Before vs after), both at the same cell size. Empty if a grid is refused (too large).
RgbaImage maps_image(const FeatureMap& fm, const FeatureMap* right, const GridLayout& layout, Colormap map);

// A file name for a layer's maps at a moment ("before", "epoch3", "now"): "layer2_conv2d_1_1x14x14x36_epoch3".
std::string maps_file_stem(const FeatureMap& fm, const std::string& moment);

}  // namespace convlens
