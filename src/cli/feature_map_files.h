// feature_map_files.h: the book's display_feature_maps() as files — one titled PNG grid per layer.
//
// File names carry the moment, the layer and its shape so a directory listing compares before/after:
//   DIR/epoch00_layer2_conv2d_1_1x14x14x36.png      (epoch 0 = before training)
//   DIR/step000120_layer2_conv2d_1_1x14x14x36.png   (every-N-batches snapshots)
// Each image is titled like the book: "epoch 0 - layer 2 conv2d_1 (1, 14, 14, 36)".
#pragma once
#include <string>
#include <vector>

#include "feature_map.h"
#include "status.h"

namespace convlens {

// Writes one grid per map; `moment` is "epoch03" or "step000120". Creates DIR if needed.
Status feature_maps_write_pngs(const std::vector<FeatureMap>& maps, const std::string& moment, int cols,
                               const std::string& dir);

}  // namespace convlens
