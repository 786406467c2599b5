// test_png_writer.cpp: PNG files land on disk with a PNG signature, bad images and unwritable paths give a
// Status naming the path, and image_add_title adds a band with visible text.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "png_writer.h"

using namespace convlens;

namespace {

std::string temp_png(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/convlens_test_" + name + ".png";
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool has_png_signature(const std::vector<uint8_t>& bytes) {
  const std::vector<uint8_t> sig = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  return bytes.size() > sig.size() && std::equal(sig.begin(), sig.end(), bytes.begin());
}

// IHDR width and height: big-endian at bytes 16..23 of every PNG.
int png_width(const std::vector<uint8_t>& b) { return (b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19]; }
int png_height(const std::vector<uint8_t>& b) { return (b[20] << 24) | (b[21] << 16) | (b[22] << 8) | b[23]; }

GrayImage gradient(int w, int h) {
  GrayImage img;
  img.width = w;
  img.height = h;
  for (int i = 0; i < w * h; ++i) img.pixels.push_back(uint8_t(i * 7));
  return img;
}

}  // namespace

TEST_CASE("png writer: grayscale file has the PNG signature and the image size", "[png]") {
  std::string path = temp_png("gray");
  Status s = png_write_gray(gradient(13, 5), path);
  REQUIRE(s.ok());
  std::vector<uint8_t> bytes = read_bytes(path);
  REQUIRE(has_png_signature(bytes));
  CHECK(png_width(bytes) == 13);
  CHECK(png_height(bytes) == 5);
  CHECK(bytes[25] == 0);  // IHDR colour type 0: grayscale
  std::remove(path.c_str());
}

TEST_CASE("png writer: RGB file", "[png]") {
  std::string path = temp_png("rgb");
  std::vector<uint8_t> rgb(4 * 3 * 3, 200);
  REQUIRE(png_write_rgb(4, 3, rgb, path).ok());
  std::vector<uint8_t> bytes = read_bytes(path);
  REQUIRE(has_png_signature(bytes));
  CHECK(png_width(bytes) == 4);
  CHECK(png_height(bytes) == 3);
  CHECK(bytes[25] == 2);  // IHDR colour type 2: RGB
  std::remove(path.c_str());
}

TEST_CASE("png writer: errors name the path", "[png]") {
  Status s = png_write_gray(gradient(4, 4), "/nonexistent/dir/x.png");
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.error, Catch::Contains("'/nonexistent/dir/x.png'"));
  CHECK_THAT(s.error, Catch::Contains("No such file or directory"));

  std::string path = temp_png("bad");
  Status empty = png_write_gray(GrayImage{}, path);
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.error, Catch::Contains(path) && Catch::Contains("empty"));

  GrayImage wrong = gradient(4, 4);
  wrong.pixels.pop_back();
  Status mismatch = png_write_gray(wrong, path);
  REQUIRE_FALSE(mismatch.ok());
  CHECK_THAT(mismatch.error, Catch::Contains("got 15 bytes for a 4x4 image, expected 16"));

  Status rgb = png_write_rgb(2, 2, std::vector<uint8_t>(4), path);
  REQUIRE_FALSE(rgb.ok());
  CHECK_THAT(rgb.error, Catch::Contains("expected 12"));
  CHECK(read_bytes(path).empty());  // nothing was written
}

TEST_CASE("png writer: a failed write (disk full) is an error, not a silent truncation", "[png]") {
  if (!std::ifstream("/dev/full")) return;  // Linux only
  Status s = png_write_gray(gradient(64, 64), "/dev/full");
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.error, Catch::Contains("'/dev/full'") && Catch::Contains("No space left on device"));
}

TEST_CASE("png writer: title adds a band with text on top and keeps the image below", "[png][title]") {
  GrayImage img = gradient(400, 30);
  GrayImage titled = image_add_title(img, "layer 2 conv2d_1 (1, 14, 14, 36)");
  REQUIRE(titled.height > img.height);
  REQUIRE(titled.width == img.width);
  const int band = titled.height - img.height;

  int ink = 0, other = 0;  // band pixels: white text on the background gray, nothing else
  for (int y = 0; y < band; ++y) {
    for (int x = 0; x < titled.width; ++x) {
      ink += titled.at(x, y) == 255;
      other += titled.at(x, y) != 255 && titled.at(x, y) != kGridGapGray;
    }
  }
  CHECK(ink > 100);
  CHECK(other == 0);
  CHECK(titled.at(0, 0) == kGridGapGray);  // margin
  std::vector<uint8_t> below(titled.pixels.begin() + band * titled.width, titled.pixels.end());
  CHECK(below == img.pixels);
}

TEST_CASE("png writer: title wider than the image widens it and lowercase equals uppercase", "[png][title]") {
  GrayImage img = gradient(10, 10);
  GrayImage titled = image_add_title(img, "conv2d_1");
  CHECK(titled.width > img.width);
  CHECK(titled.at(img.width + 1, titled.height - 1) == kGridGapGray);  // padding right of the image

  GrayImage upper = image_add_title(img, "CONV2D_1");
  CHECK(titled.pixels == upper.pixels);

  // Unknown characters are drawn as '?', and differ from a space.
  CHECK(image_add_title(img, "a#b").pixels == image_add_title(img, "a?b").pixels);
  CHECK(image_add_title(img, "a#b").pixels != image_add_title(img, "a b").pixels);

  GrayImage untitled = image_add_title(img, "");
  CHECK(untitled.pixels == img.pixels);
  CHECK(untitled.height == img.height);
}

TEST_CASE("png writer: very long titles are cut", "[png][title]") {
  GrayImage img = gradient(10, 10);
  GrayImage a = image_add_title(img, std::string(1000, 'x'));
  GrayImage b = image_add_title(img, std::string(5000, 'x'));
  CHECK(a.width == b.width);
  CHECK(a.width < 2000);
}
