// dataset.h: labelled image sets kept as uint8 (MNIST train is 47 MB this way, not 188 MB of floats), and the
// parsers for the two file formats the lab reads: IDX (MNIST, Fashion-MNIST) and CIFAR-10 binary batches.
//
// Parsers work on bytes already in memory, so the same code serves native files and browser fetches. They do
// NOT decompress: gzip is the caller's job (zlib natively, DecompressionStream in the browser). Every field of
// the file is validated (magic, dimensions, sizes, label range, truncation) before anything large is allocated;
// a bad file gives a Status naming the problem, never a crash.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "shape.h"
#include "status.h"

namespace convlens {

struct Dataset {
  std::string name;             // "mnist", "fashion", "cifar10", ...
  Shape shape;                  // one image: (28,28,1) for MNIST, (32,32,3) for CIFAR-10
  int num_classes = 10;
  std::vector<uint8_t> images;  // (N, H, W, C) NHWC, 0..255
  std::vector<uint8_t> labels;  // (N), each < num_classes

  size_t size() const { return labels.size(); }
  const uint8_t* image(size_t i) const { return images.data() + i * shape.size(); }
};

// Limits that reject absurd headers before any allocation.
constexpr uint32_t kMaxImages = 10'000'000;
constexpr uint32_t kMaxImageSide = 4096;

// One CIFAR-10 record: a label byte, then the R, G and B planes of a 32x32 image.
constexpr size_t kCifarRecordBytes = 3073;

// Parses an IDX image file (magic 0x00000803, dims N,H,W, uint8) and its IDX label file (magic 0x00000801,
// dim N) into `out` (C = 1). `what` names the pair in messages, e.g. "mnist train". Checks: magic numbers,
// plausible dimensions, exact byte sizes (truncated or trailing data), equal counts, labels < num_classes.
// The images are taken over, not copied (the header is cut off in place): a file costs its size once.
Status idx_parse(std::vector<uint8_t>&& image_bytes, const std::vector<uint8_t>& label_bytes,
                 const std::string& what, Dataset& out, int num_classes = 10);
inline Status idx_parse(const std::vector<uint8_t>& image_bytes, const std::vector<uint8_t>& label_bytes,
                        const std::string& what, Dataset& out, int num_classes = 10) {
  return idx_parse(std::vector<uint8_t>(image_bytes), label_bytes, what, out, num_classes);
}

// Parses CIFAR-10 binary batches: records of 1 label byte + 3072 bytes (1024 R, then 1024 G, then 1024 B, each
// 32x32 row-major), converted to NHWC (32,32,3). Appends to `out` so several batch files can be joined.
// Checks: non-empty, size a multiple of 3073, labels < 10.
Status cifar10_parse(const std::vector<uint8_t>& bytes, const std::string& what, Dataset& out);

// Keeps the first n samples (no-op if n >= size()).
void dataset_truncate(Dataset& d, size_t n);

}  // namespace convlens
