// png_writer.h: writes grayscale and RGB images as PNG files, and titles a grayscale image with a tiny built-in
// 5x7 bitmap font (the book titles each feature-map grid "layer 2 conv2d_1 (1, 14, 14, 36)").
//
// PNG encoding is stb_image_write's; the file itself is written here so that every failure (cannot open, disk
// full, close error) becomes a Status naming the path. Native only (the CLI): no reading, no colour maps, no fonts
// beyond uppercase letters, digits and " ()_,.-" (lowercase is drawn as uppercase, anything else as '?').
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "feature_grid.h"
#include "status.h"

namespace convlens {

// Writes img (8-bit grayscale) to path. Fails, naming the path, if img is empty, its pixel count does not
// match width x height, or the file cannot be written.
Status png_write_gray(const GrayImage& img, const std::string& path);

// Writes an (h, w, 3) row-major RGB image (r, g, b bytes per pixel) to path. Same failures as png_write_gray.
Status png_write_rgb(int w, int h, const std::vector<uint8_t>& rgb, const std::string& path);

// Returns img with a band of kGridGapGray on top holding `title` in white, 2x scaled 5x7 glyphs. The result is
// widened (background on the right) if the title is wider than img. An empty title returns img unchanged;
// titles longer than 160 characters are cut. An inconsistent img (pixels != width x height) is returned as is.
GrayImage image_add_title(const GrayImage& img, const std::string& title);

}  // namespace convlens
