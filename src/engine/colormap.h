// colormap.h: grayscale images (feature_grid.h) turned into RGBA for display: plain gray, or viridis, a
// perceptually uniform map whose brightness rises steadily from dark blue through green to yellow, so equal
// steps in activation look like equal steps on screen (unlike jet/rainbow).
//
// Viridis is evaluated from a degree-6 polynomial fit of matplotlib's table (mattz, CC0; within ~1% of it).
// Not here: grid layout or normalisation (feature_grid.h), textures (platform).
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "feature_grid.h"

namespace convlens {

enum class Colormap { Gray, Viridis };

struct Rgb {
  float r = 0, g = 0, b = 0;  // each in [0, 1]
};

// The colour of t in [0, 1] (clamped; NaN = 0).
Rgb colormap_at(Colormap map, float t);

// 256 packed RGBA entries (byte order r, g, b, a = 255 in memory) for gray levels 0..255.
std::array<uint32_t, 256> colormap_lut(Colormap map);

// RGBA pixels (width * height * 4 bytes) of a grayscale image through the map.
std::vector<uint8_t> colormap_apply(const GrayImage& image, Colormap map);

}  // namespace convlens
