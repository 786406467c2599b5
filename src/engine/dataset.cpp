// dataset.cpp: the IDX and CIFAR-10 binary parsers declared in dataset.h, and dataset_truncate.
//
// Every check runs on the headers and byte counts first; `out` is written only once the whole input has been
// validated, so a bad file leaves `out` untouched and never triggers a large allocation. Dimensions are
// range-checked before any size is computed, and sizes are uint64_t, so absurd headers cannot overflow.
// No decompression and no file access here (see src/io/data_files.h).
#include "dataset.h"

#include <cstdio>

namespace convlens {
namespace {

constexpr uint8_t kIdxTypeUint8 = 0x08;

constexpr int kCifarSide = 32;
constexpr int kCifarChannels = 3;
constexpr int kCifarClasses = 10;
constexpr size_t kCifarPlane = kCifarSide * kCifarSide;            // 1024 pixels in one colour plane
static_assert(kCifarRecordBytes == 1 + kCifarChannels * kCifarPlane, "label, then the R, G and B planes");

// What one IDX file must be.
struct IdxKind {
  const char* noun;         // "images" / "labels": the second word of every message
  const char* description;  // "an IDX image file"
  uint32_t magic;           // bytes 0, 0, type 0x08 (uint8), number of dims
  uint32_t ndims;           // 3 (N, H, W) for images, 1 (N) for labels
};

const IdxKind kIdxImages = {"images", "an IDX image file", 0x00000803, 3};
const IdxKind kIdxLabels = {"labels", "an IDX label file", 0x00000801, 1};

uint32_t read_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", unsigned(v));
  return buf;
}

std::string hex8(uint8_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", unsigned(v));
  return buf;
}

std::string shape_str(const Shape& s) {
  return "(" + std::to_string(s.h) + ", " + std::to_string(s.w) + ", " + std::to_string(s.c) + ")";
}

bool looks_gzipped(const std::vector<uint8_t>& bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

// ---- IDX ------------------------------------------------------------------------------------------------
// `where` starts every message: what + " images" or what + " labels", e.g. "mnist train images".

// Explains why `magic` is not `kind.magic`: not IDX at all, another element type, or another number of dims.
std::string idx_magic_problem(uint32_t magic, const IdxKind& kind) {
  std::string msg = "bad magic " + hex32(magic) + ", expected " + hex32(kind.magic) + " (" + kind.description + ")";
  uint8_t type = uint8_t(magic >> 8);
  uint32_t ndims = magic & 0xff;
  if ((magic >> 16) != 0) return msg + "; not an IDX file";
  if (type != kIdxTypeUint8) return msg + "; element type " + hex8(type) + " is not supported, only 0x08 (uint8)";
  return msg + "; " + std::to_string(ndims) + " dimensions, expected " + std::to_string(kind.ndims);
}

// Checks an IDX file's magic and header length, and reads its kind.ndims dimensions into `dims`.
Status idx_read_header(const std::vector<uint8_t>& bytes, const IdxKind& kind, const std::string& where,
                       std::vector<uint32_t>& dims) {
  if (bytes.empty()) return Status::fail(where + ": empty file, expected " + kind.description);
  if (looks_gzipped(bytes)) return Status::fail(where + ": data is still gzip-compressed; decompress it first");
  if (bytes.size() < 4) {
    return Status::fail(where + ": file too short (" + std::to_string(bytes.size()) + " bytes) for an IDX magic");
  }
  uint32_t magic = read_be32(bytes.data());
  if (magic != kind.magic) return Status::fail(where + ": " + idx_magic_problem(magic, kind));

  size_t header_bytes = 4 + 4 * size_t(kind.ndims);
  if (bytes.size() < header_bytes) {
    return Status::fail(where + ": file too short (" + std::to_string(bytes.size()) + " bytes) for the " +
                        std::to_string(header_bytes) + "-byte IDX " + kind.noun + " header");
  }
  dims.resize(kind.ndims);
  for (uint32_t i = 0; i < kind.ndims; ++i) dims[i] = read_be32(bytes.data() + 4 + 4 * i);
  return Status::success();
}

// Rejects image dims (N, H, W) outside 1..kMaxImages and 1..kMaxImageSide.
Status idx_check_image_dims(const std::vector<uint32_t>& dims, const std::string& where) {
  uint32_t n = dims[0], h = dims[1], w = dims[2];
  if (n == 0) return Status::fail(where + ": the file holds 0 images");
  if (n > kMaxImages) {
    return Status::fail(where + ": " + std::to_string(n) + " images is more than the limit of " +
                        std::to_string(kMaxImages));
  }
  if (h < 1 || h > kMaxImageSide || w < 1 || w > kMaxImageSide) {
    return Status::fail(where + ": image size " + std::to_string(h) + "x" + std::to_string(w) +
                        " is outside 1.." + std::to_string(kMaxImageSide) + " per side");
  }
  return Status::success();
}

// Checks the file is exactly header + payload bytes (uint8 elements: one byte each).
Status idx_check_length(const std::vector<uint8_t>& bytes, uint64_t header_bytes, uint64_t payload_bytes,
                        const std::string& where) {
  uint64_t expected = header_bytes + payload_bytes;
  uint64_t got = bytes.size();
  std::string sizes = "expected " + std::to_string(expected) + " bytes, got " + std::to_string(got);
  if (got < expected) return Status::fail(where + ": truncated: " + sizes);
  if (got > expected) return Status::fail(where + ": trailing data: " + sizes);
  return Status::success();
}

// Checks every label is < num_classes; names the first one that is not.
Status check_labels(const uint8_t* labels, size_t n, int num_classes, const std::string& where) {
  for (size_t i = 0; i < n; ++i) {
    if (labels[i] >= num_classes) {
      return Status::fail(where + ": label " + std::to_string(labels[i]) + " at index " + std::to_string(i) +
                          " is out of range (num_classes " + std::to_string(num_classes) + ")");
    }
  }
  return Status::success();
}

// ---- CIFAR-10 -------------------------------------------------------------------------------------------

// One record's pixels: planes is (C, H, W) = (3, 32, 32), out is (H, W, C) = (32, 32, 3).
void cifar_planes_to_nhwc(const uint8_t* planes, uint8_t* out) {
  for (size_t p = 0; p < kCifarPlane; ++p) {
    for (size_t c = 0; c < size_t(kCifarChannels); ++c) out[p * kCifarChannels + c] = planes[c * kCifarPlane + p];
  }
}

}  // namespace

Status idx_parse(std::vector<uint8_t>&& image_bytes, const std::vector<uint8_t>& label_bytes,
                 const std::string& what, Dataset& out, int num_classes) {
  if (num_classes < 1 || num_classes > 256) {
    return Status::fail(what + ": num_classes " + std::to_string(num_classes) + " is outside 1..256");
  }
  const std::string image_where = what + " images";
  const std::string label_where = what + " labels";

  std::vector<uint32_t> image_dims;  // (N, H, W)
  Status st = idx_read_header(image_bytes, kIdxImages, image_where, image_dims);
  if (!st.ok()) return st;
  st = idx_check_image_dims(image_dims, image_where);
  if (!st.ok()) return st;
  uint64_t n = image_dims[0], h = image_dims[1], w = image_dims[2];
  st = idx_check_length(image_bytes, 16, n * h * w, image_where);
  if (!st.ok()) return st;

  std::vector<uint32_t> label_dims;  // (N)
  st = idx_read_header(label_bytes, kIdxLabels, label_where, label_dims);
  if (!st.ok()) return st;
  if (label_dims[0] != n) {
    return Status::fail(label_where + ": " + std::to_string(label_dims[0]) + " labels but " + std::to_string(n) +
                        " images (count mismatch)");
  }
  st = idx_check_length(label_bytes, 8, n, label_where);
  if (!st.ok()) return st;
  st = check_labels(label_bytes.data() + 8, n, num_classes, label_where);
  if (!st.ok()) return st;

  // All checks passed: only now touch `out`.
  out.shape = Shape{int(h), int(w), 1};
  out.num_classes = num_classes;
  image_bytes.erase(image_bytes.begin(), image_bytes.begin() + 16);
  out.images = std::move(image_bytes);
  out.labels.assign(label_bytes.begin() + 8, label_bytes.end());
  return Status::success();
}

Status cifar10_parse(const std::vector<uint8_t>& bytes, const std::string& what, Dataset& out) {
  if (bytes.empty()) return Status::fail(what + ": empty file, expected CIFAR-10 records of 3073 bytes");
  if (looks_gzipped(bytes)) return Status::fail(what + ": data is still gzip-compressed; decompress it first");
  if (bytes.size() % kCifarRecordBytes != 0) {
    return Status::fail(what + ": size " + std::to_string(bytes.size()) +
                        " bytes is not a multiple of the 3073-byte CIFAR-10 record (" +
                        std::to_string(bytes.size() % kCifarRecordBytes) + " bytes left over)");
  }
  const size_t n = bytes.size() / kCifarRecordBytes;
  const Shape shape{kCifarSide, kCifarSide, kCifarChannels};
  if (out.size() > 0 && (out.shape != shape || out.num_classes != kCifarClasses)) {
    return Status::fail(what + ": cannot append CIFAR-10 images " + shape_str(shape) +
                        " with 10 classes to a dataset of shape " + shape_str(out.shape) + " with " +
                        std::to_string(out.num_classes) + " classes");
  }
  if (out.size() + n > kMaxImages) {
    return Status::fail(what + ": " + std::to_string(out.size() + n) + " images in total is more than the limit of " +
                        std::to_string(kMaxImages));
  }
  for (size_t r = 0; r < n; ++r) {
    uint8_t label = bytes[r * kCifarRecordBytes];
    if (label >= kCifarClasses) {
      return Status::fail(what + ": label " + std::to_string(label) + " at record " + std::to_string(r) +
                          " is out of range (CIFAR-10 has 10 classes)");
    }
  }

  // All checks passed: append.
  const size_t first = out.size();
  out.shape = shape;
  out.num_classes = kCifarClasses;
  out.labels.resize(first + n);
  out.images.resize((first + n) * shape.size());
  for (size_t r = 0; r < n; ++r) {
    const uint8_t* record = bytes.data() + r * kCifarRecordBytes;
    out.labels[first + r] = record[0];
    cifar_planes_to_nhwc(record + 1, out.images.data() + (first + r) * shape.size());
  }
  return Status::success();
}

void dataset_truncate(Dataset& d, size_t n) {
  if (n >= d.size()) return;
  d.labels.resize(n);
  d.images.resize(n * d.shape.size());
  d.labels.shrink_to_fit();  // give the memory back: browser heaps are small
  d.images.shrink_to_fit();
}

}  // namespace convlens
