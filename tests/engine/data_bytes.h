// data_bytes.h: small IDX and CIFAR-10 files built in memory, with pixels that catch misplaced bytes: for the
// parsers' tests (test_dataset.cpp) and the page's data import (tests/app/test_data_import.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace convlens {

inline void put_be32(std::vector<uint8_t>& bytes, uint32_t v) {
  bytes.push_back(uint8_t(v >> 24));
  bytes.push_back(uint8_t(v >> 16));
  bytes.push_back(uint8_t(v >> 8));
  bytes.push_back(uint8_t(v));
}

// Pixel value of image i at (y, x): distinct enough to catch misplaced bytes.
inline uint8_t test_pixel(size_t i, size_t y, size_t x) { return uint8_t(i * 50 + y * 7 + x); }

// The header of an IDX image file: magic 0x00000803, then N, H, W.
inline std::vector<uint8_t> idx_image_header(uint32_t n, uint32_t h, uint32_t w) {
  std::vector<uint8_t> bytes;
  put_be32(bytes, 0x00000803);
  put_be32(bytes, n);
  put_be32(bytes, h);
  put_be32(bytes, w);
  return bytes;
}

// A whole IDX image file: n images of h x w, pixels from test_pixel().
inline std::vector<uint8_t> idx_images(uint32_t n, uint32_t h, uint32_t w) {
  std::vector<uint8_t> bytes = idx_image_header(n, h, w);
  for (size_t i = 0; i < n; ++i) {
    for (size_t y = 0; y < h; ++y) {
      for (size_t x = 0; x < w; ++x) bytes.push_back(test_pixel(i, y, x));
    }
  }
  return bytes;
}

// A whole IDX label file: magic 0x00000801, N, then the labels.
inline std::vector<uint8_t> idx_labels(const std::vector<uint8_t>& labels) {
  std::vector<uint8_t> bytes;
  put_be32(bytes, 0x00000801);
  put_be32(bytes, uint32_t(labels.size()));
  bytes.insert(bytes.end(), labels.begin(), labels.end());
  return bytes;
}

// CIFAR-10 pixel of record r, channel c, at (y, x) in the file's planar layout.
inline uint8_t cifar_pixel(size_t r, size_t c, size_t y, size_t x) { return uint8_t(r * 31 + c * 100 + y * 3 + x); }

// One CIFAR-10 record: label, then R, G, B planes of 32x32, pixels from cifar_pixel().
inline std::vector<uint8_t> cifar_record(size_t r, uint8_t label) {
  std::vector<uint8_t> bytes{label};
  for (size_t c = 0; c < 3; ++c) {
    for (size_t y = 0; y < 32; ++y) {
      for (size_t x = 0; x < 32; ++x) bytes.push_back(cifar_pixel(r, c, y, x));
    }
  }
  return bytes;
}

// A CIFAR-10 batch of records numbered first, first+1, ... with the given labels.
inline std::vector<uint8_t> cifar_batch(const std::vector<uint8_t>& labels, size_t first = 0) {
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i < labels.size(); ++i) {
    std::vector<uint8_t> record = cifar_record(first + i, labels[i]);
    bytes.insert(bytes.end(), record.begin(), record.end());
  }
  return bytes;
}

}  // namespace convlens
