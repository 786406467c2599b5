// feature_map.h: one layer's output for one image — what the book's feature_map_model returns per layer.
//
// Produced by model_feature_maps() (model.h) and kept per epoch by the trainer's snapshots; drawn by the UI and
// written as PNG grids by the CLI. Plain data: no drawing here (see feature_grid.h for the tiled image).
#pragma once
#include <string>
#include <vector>

#include "shape.h"

namespace convlens {

struct FeatureMap {
  int layer_index = 0;      // position of the layer in the model, 0-based (the book's `idx`)
  std::string layer_name;   // Keras-style name, e.g. "conv2d_1"
  Shape shape;              // one sample's output (H, W, C); dense layers are (1, 1, units)
  std::vector<float> data;  // (H, W, C) NHWC, shape.size() floats

  // The book's title: "layer 2 conv2d_1 (1, 14, 14, 36)".
  std::string title() const {
    return "layer " + std::to_string(layer_index) + " " + layer_name + " " + shape.to_keras("1");
  }
};

}  // namespace convlens
