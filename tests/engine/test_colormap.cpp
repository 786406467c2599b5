// test_colormap.cpp: the gray and viridis maps — endpoints match matplotlib's viridis table, brightness rises
// monotonically (what makes it perceptual), and images map pixel by pixel.
#include <catch2/catch.hpp>

#include <cstring>

#include "colormap.h"

using namespace convlens;

namespace {
float luminance(Rgb c) { return 0.2126f * c.r + 0.7152f * c.g + 0.0722f * c.b; }
}  // namespace

TEST_CASE("viridis matches matplotlib at its ends and middle", "[colormap]") {
  // matplotlib's _viridis_data entries 0, 128 and 255.
  const Rgb lo = colormap_at(Colormap::Viridis, 0.0f);
  const Rgb mid = colormap_at(Colormap::Viridis, 128.0f / 255.0f);
  const Rgb hi = colormap_at(Colormap::Viridis, 1.0f);
  CHECK(lo.r == Approx(0.267004).margin(0.02));
  CHECK(lo.g == Approx(0.004874).margin(0.02));
  CHECK(lo.b == Approx(0.329415).margin(0.02));
  CHECK(mid.r == Approx(0.128729).margin(0.02));
  CHECK(mid.g == Approx(0.563265).margin(0.02));
  CHECK(mid.b == Approx(0.551229).margin(0.02));
  CHECK(hi.r == Approx(0.993248).margin(0.02));
  CHECK(hi.g == Approx(0.906157).margin(0.02));
  CHECK(hi.b == Approx(0.143936).margin(0.02));
}

TEST_CASE("both maps get brighter at every step, and out-of-range input is clamped", "[colormap]") {
  for (Colormap map : {Colormap::Gray, Colormap::Viridis}) {
    float last = -1;
    for (int i = 0; i <= 255; ++i) {
      const float y = luminance(colormap_at(map, float(i) / 255.0f));
      CHECK(y > last);
      last = y;
    }
    CHECK(luminance(colormap_at(map, -3.0f)) == luminance(colormap_at(map, 0.0f)));
    CHECK(luminance(colormap_at(map, 7.0f)) == luminance(colormap_at(map, 1.0f)));
    CHECK(luminance(colormap_at(map, std::nanf(""))) == luminance(colormap_at(map, 0.0f)));
  }
}

TEST_CASE("colormap_apply maps each gray pixel through the table", "[colormap]") {
  GrayImage img;
  img.width = 3;
  img.height = 1;
  img.pixels = {0, 128, 255};
  const std::vector<uint8_t> gray = colormap_apply(img, Colormap::Gray);
  CHECK(gray == std::vector<uint8_t>{0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255});
  const std::vector<uint8_t> vir = colormap_apply(img, Colormap::Viridis);
  const auto lut = colormap_lut(Colormap::Viridis);
  REQUIRE(vir.size() == 12);
  uint32_t px;
  std::memcpy(&px, &vir[4], 4);
  CHECK(px == lut[128]);
  CHECK(vir[3] == 255);
}
