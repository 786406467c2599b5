// colormap.cpp: gray and viridis colour maps (see colormap.h).
#include "colormap.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace convlens {

Rgb colormap_at(Colormap map, float t) {
  t = std::isnan(t) ? 0.0f : std::clamp(t, 0.0f, 1.0f);
  if (map == Colormap::Gray) return {t, t, t};
  // Viridis, polynomial fit c0 + t*(c1 + t*(c2 + ... + t*c6)) per channel.
  static const float c[7][3] = {
      {0.2777273272234177f, 0.005407344544966578f, 0.3340998053353061f},
      {0.1050930431085774f, 1.404613529898575f, 1.384590162594685f},
      {-0.3308618287255563f, 0.214847559468213f, 0.09509516302823659f},
      {-4.634230498983486f, -5.799100973351585f, -19.33244095627987f},
      {6.228269936347081f, 14.17993336680509f, 56.69055260068105f},
      {4.776384997670288f, -13.74514537774601f, -65.35303263337234f},
      {-5.435455855934631f, 4.645852612178535f, 26.3124352495832f},
  };
  float rgb[3];
  for (int ch = 0; ch < 3; ++ch) {
    float v = c[6][ch];
    for (int k = 5; k >= 0; --k) v = c[k][ch] + t * v;
    rgb[ch] = std::clamp(v, 0.0f, 1.0f);
  }
  return {rgb[0], rgb[1], rgb[2]};
}

std::array<uint32_t, 256> colormap_lut(Colormap map) {
  std::array<uint32_t, 256> lut{};
  for (int i = 0; i < 256; ++i) {
    const Rgb c = colormap_at(map, float(i) / 255.0f);
    const uint8_t px[4] = {uint8_t(std::lround(c.r * 255)), uint8_t(std::lround(c.g * 255)),
                           uint8_t(std::lround(c.b * 255)), 255};
    std::memcpy(&lut[size_t(i)], px, 4);
  }
  return lut;
}

std::vector<uint8_t> colormap_apply(const GrayImage& image, Colormap map) {
  const std::array<uint32_t, 256> lut = colormap_lut(map);
  std::vector<uint8_t> rgba(image.pixels.size() * 4);
  for (size_t i = 0; i < image.pixels.size(); ++i) std::memcpy(&rgba[i * 4], &lut[image.pixels[i]], 4);
  return rgba;
}

}  // namespace convlens
