// png_writer.cpp: PNG files via stb_image_write (encoding to memory only), and the 5x7 title font.
//
// stb's own file writer ignores fwrite/fclose errors, so it is compiled out (STBI_WRITE_NO_STDIO): stb encodes
// into a byte vector and write_file() checks every step. STB_IMAGE_WRITE_STATIC keeps stb's symbols private to
// this file, so another file may include the implementation too.
#include "png_writer.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#define STBI_WRITE_NO_STDIO
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include <stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace convlens {
namespace {

constexpr int64_t kMaxPngBytes = 1LL << 30;  // stb indexes with int: refuse raw images over 1 GiB

std::string cannot_write(const std::string& path, const std::string& why) {
  return "cannot write PNG '" + path + "': " + why;
}

// stb_image_write's output callback: appends the encoded bytes to a std::vector<uint8_t>.
void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  const auto* bytes = static_cast<const uint8_t*>(data);
  out->insert(out->end(), bytes, bytes + size);
}

Status write_file(const std::vector<uint8_t>& bytes, const std::string& path) {
  errno = 0;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::fail(cannot_write(path, errno ? std::strerror(errno) : "cannot open the file"));
  size_t written = std::fwrite(bytes.data(), 1, bytes.size(), f);
  int write_errno = errno;
  bool closed = std::fclose(f) == 0;
  if (written != bytes.size() || !closed) {
    int e = write_errno ? write_errno : errno;
    return Status::fail(cannot_write(path, e ? std::strerror(e) : "write failed"));
  }
  return Status::success();
}

// Encodes an (h, w, channels) 8-bit image and writes it to path.
Status png_write(int w, int h, int channels, const std::vector<uint8_t>& pixels, const std::string& path) {
  if (w <= 0 || h <= 0) return Status::fail(cannot_write(path, "the image is empty"));
  int64_t expected = int64_t(w) * h * channels;
  if (expected > kMaxPngBytes) return Status::fail(cannot_write(path, "the image is too large"));
  if (int64_t(pixels.size()) != expected) {
    return Status::fail(cannot_write(path, "got " + std::to_string(pixels.size()) + " bytes for a " +
                                               std::to_string(w) + "x" + std::to_string(h) + " image, expected " +
                                               std::to_string(expected)));
  }
  std::vector<uint8_t> png;
  if (!stbi_write_png_to_func(append_bytes, &png, w, h, channels, pixels.data(), w * channels)) {
    return Status::fail(cannot_write(path, "PNG encoding failed"));
  }
  return write_file(png, path);
}

// ---- title font ---------------------------------------------------------------------------------------------
// Each glyph is 7 rows of 5 pixels; in each row byte, bit 4 (0x10) is the leftmost pixel, bit 0 the rightmost.
constexpr int kGlyphW = 5, kGlyphH = 7;
constexpr int kTitleScale = 2;        // each font pixel is a 2x2 block
constexpr int kTitleMargin = 4;       // pixels around the text inside the band
constexpr size_t kTitleMaxChars = 160;
constexpr uint8_t kTitleInk = 255;

struct Glyph {
  char ch;
  uint8_t rows[kGlyphH];
};

const Glyph kFont[] = {
    {'A', {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}}, {'B', {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}},
    {'C', {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}}, {'D', {0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C}},
    {'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}}, {'F', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10}},
    {'G', {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}}, {'H', {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'I', {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}}, {'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C}},
    {'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}}, {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}},
    {'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}}, {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
    {'O', {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}}, {'P', {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10}},
    {'Q', {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D}}, {'R', {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}},
    {'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}}, {'T', {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
    {'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}}, {'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04}},
    {'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A}}, {'X', {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11}},
    {'Y', {0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04}}, {'Z', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F}},
    {'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}}, {'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}}, {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
    {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}}, {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
    {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}}, {'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
    {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}}, {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
    {' ', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}}, {'(', {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}},
    {')', {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}}, {',', {0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08}},
    {'_', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F}}, {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}},
    {'-', {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}}, {'?', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04}},
};

const Glyph& glyph_for(char ch) {
  char upper = char(std::toupper(static_cast<unsigned char>(ch)));
  for (const Glyph& g : kFont) {
    if (g.ch == upper) return g;
  }
  return kFont[std::size(kFont) - 1];  // '?'
}

// Draws glyph g with its top-left corner at (x0, y0), each font pixel a kTitleScale square.
void draw_glyph(const Glyph& g, int x0, int y0, GrayImage& img) {
  for (int row = 0; row < kGlyphH; ++row) {
    for (int col = 0; col < kGlyphW; ++col) {
      if (!(g.rows[row] & (0x10 >> col))) continue;
      for (int dy = 0; dy < kTitleScale; ++dy) {
        int y = y0 + row * kTitleScale + dy;
        uint8_t* line = img.pixels.data() + size_t(y) * size_t(img.width);
        std::fill_n(line + x0 + col * kTitleScale, kTitleScale, kTitleInk);
      }
    }
  }
}

}  // namespace

Status png_write_gray(const GrayImage& img, const std::string& path) {
  return png_write(img.width, img.height, 1, img.pixels, path);
}

Status png_write_rgb(int w, int h, const std::vector<uint8_t>& rgb, const std::string& path) {
  return png_write(w, h, 3, rgb, path);
}

GrayImage image_add_title(const GrayImage& img, const std::string& title) {
  if (title.empty() || img.pixels.size() != size_t(img.width) * size_t(img.height)) return img;
  const std::string text = title.substr(0, kTitleMaxChars);
  const int advance = (kGlyphW + 1) * kTitleScale;  // one blank font column between glyphs
  const int text_width = int(text.size()) * advance - kTitleScale;
  const int band = kGlyphH * kTitleScale + 2 * kTitleMargin;

  GrayImage out;
  out.width = std::max(img.width, text_width + 2 * kTitleMargin);
  out.height = img.height + band;
  out.pixels.assign(size_t(out.width) * size_t(out.height), kGridGapGray);
  for (int y = 0; y < img.height; ++y) {
    const uint8_t* src = img.pixels.data() + size_t(y) * size_t(img.width);
    std::copy_n(src, img.width, out.pixels.data() + size_t(band + y) * size_t(out.width));
  }
  for (size_t i = 0; i < text.size(); ++i) {
    draw_glyph(glyph_for(text[i]), kTitleMargin + int(i) * advance, kTitleMargin, out);
  }
  return out;
}

}  // namespace convlens
