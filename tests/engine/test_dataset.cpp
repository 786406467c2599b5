// test_dataset.cpp: the IDX and CIFAR-10 parsers on small byte vectors built in memory.
//
// Covers valid files (values, CIFAR plane -> NHWC conversion pixel by pixel, appending batches) and every kind
// of bad file, each checked for a message that names the problem. No files on disk, no gzip: see
// tests/io/test_data_files.cpp for those.
#include <catch2/catch.hpp>

#include "dataset.h"
#include "data_bytes.h"

using namespace convlens;
using Catch::Matchers::Contains;

namespace {

// Parses and expects failure; returns the message. Also checks `out` was left untouched.
std::string idx_error(const std::vector<uint8_t>& images, const std::vector<uint8_t>& labels) {
  Dataset out;
  out.name = "keep";
  Status st = idx_parse(images, labels, "mnist train", out);
  REQUIRE_FALSE(st.ok());
  CHECK(out.images.empty());
  CHECK(out.labels.empty());
  CHECK(out.name == "keep");
  return st.error;
}

// Checks every pixel of out.image(i) against record r of the planar file layout.
void check_cifar_image(const Dataset& out, size_t i, size_t r) {
  const uint8_t* img = out.image(i);  // (32, 32, 3)
  for (size_t y = 0; y < 32; ++y) {
    for (size_t x = 0; x < 32; ++x) {
      for (size_t c = 0; c < 3; ++c) {
        if (img[(y * 32 + x) * 3 + c] != cifar_pixel(r, c, y, x)) {
          FAIL("image " << i << " pixel (" << y << ", " << x << ", " << c << ") is wrong");
        }
      }
    }
  }
}

}  // namespace

// ---- IDX: valid files -----------------------------------------------------------------------------------

TEST_CASE("idx_parse reads images and labels", "[dataset][idx]") {
  Dataset out;
  out.name = "mine";
  Status st = idx_parse(idx_images(3, 2, 4), idx_labels({7, 0, 9}), "mnist train", out);
  REQUIRE(st.ok());
  CHECK(out.name == "mine");  // left to the caller
  CHECK(out.shape == Shape{2, 4, 1});
  CHECK(out.num_classes == 10);
  REQUIRE(out.size() == 3);
  CHECK(out.labels == std::vector<uint8_t>{7, 0, 9});
  REQUIRE(out.images.size() == 3 * 2 * 4);
  for (size_t i = 0; i < 3; ++i) {
    for (size_t y = 0; y < 2; ++y) {
      for (size_t x = 0; x < 4; ++x) CHECK(out.image(i)[y * 4 + x] == test_pixel(i, y, x));
    }
  }
}

TEST_CASE("idx_parse honours num_classes and replaces previous contents", "[dataset][idx]") {
  Dataset out;
  REQUIRE(idx_parse(idx_images(5, 3, 3), idx_labels({0, 1, 2, 3, 4}), "a", out).ok());
  Status st = idx_parse(idx_images(2, 2, 2), idx_labels({2, 1}), "b", out, 3);
  REQUIRE(st.ok());
  CHECK(out.num_classes == 3);
  CHECK(out.size() == 2);
  CHECK(out.images.size() == 2 * 2 * 2);

  st = idx_parse(idx_images(2, 2, 2), idx_labels({2, 3}), "b", out, 3);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error, Contains("label 3 at index 1"));
}

// ---- IDX: bad headers -----------------------------------------------------------------------------------

TEST_CASE("idx_parse rejects a bad magic, naming found and expected values", "[dataset][idx]") {
  std::vector<uint8_t> labels = idx_labels({1});
  std::string msg = idx_error(labels, labels);  // a label file where the image file should be
  CHECK_THAT(msg, Contains("mnist train images: bad magic 0x00000801, expected 0x00000803 (an IDX image file)"));

  msg = idx_error(idx_images(1, 2, 2), idx_images(1, 2, 2));  // an image file where the label file should be
  CHECK_THAT(msg, Contains("mnist train labels: bad magic 0x00000803, expected 0x00000801 (an IDX label file)"));

  std::vector<uint8_t> text{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!', '!', '!', '!', '!'};
  msg = idx_error(text, idx_labels({1}));
  CHECK_THAT(msg, Contains("bad magic 0x68656c6c"));
  CHECK_THAT(msg, Contains("not an IDX file"));
}

TEST_CASE("idx_parse rejects element types other than uint8", "[dataset][idx]") {
  std::vector<uint8_t> images = idx_images(1, 2, 2);
  images[2] = 0x0d;  // float32
  std::string msg = idx_error(images, idx_labels({1}));
  CHECK_THAT(msg, Contains("bad magic 0x00000d03"));
  CHECK_THAT(msg, Contains("element type 0x0d is not supported"));
}

TEST_CASE("idx_parse rejects the wrong number of dimensions", "[dataset][idx]") {
  std::vector<uint8_t> images = idx_images(1, 2, 2);
  images[3] = 4;
  std::string msg = idx_error(images, idx_labels({1}));
  CHECK_THAT(msg, Contains("bad magic 0x00000804"));
  CHECK_THAT(msg, Contains("4 dimensions, expected 3"));

  std::vector<uint8_t> labels = idx_labels({1});
  labels[3] = 2;
  msg = idx_error(idx_images(1, 2, 2), labels);
  CHECK_THAT(msg, Contains("labels: bad magic 0x00000802"));
  CHECK_THAT(msg, Contains("2 dimensions, expected 1"));
}

TEST_CASE("idx_parse rejects empty input and headers that are too short", "[dataset][idx]") {
  CHECK_THAT(idx_error({}, idx_labels({1})), Contains("mnist train images: empty file"));
  CHECK_THAT(idx_error(idx_images(1, 2, 2), {}), Contains("mnist train labels: empty file"));

  std::vector<uint8_t> three_bytes{0, 0, 8};
  CHECK_THAT(idx_error(three_bytes, idx_labels({1})), Contains("file too short (3 bytes)"));

  std::vector<uint8_t> images = idx_images(1, 2, 2);
  images.resize(10);  // magic and part of the dims
  CHECK_THAT(idx_error(images, idx_labels({1})),
             Contains("file too short (10 bytes) for the 16-byte IDX images header"));

  std::vector<uint8_t> labels = idx_labels({1});
  labels.resize(6);
  CHECK_THAT(idx_error(idx_images(1, 2, 2), labels),
             Contains("file too short (6 bytes) for the 8-byte IDX labels header"));
}

TEST_CASE("idx_parse says when data is still gzip-compressed", "[dataset][idx]") {
  std::vector<uint8_t> gz{0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK_THAT(idx_error(gz, idx_labels({1})), Contains("gzip"));
}

// ---- IDX: bad dimensions and sizes ----------------------------------------------------------------------

TEST_CASE("idx_parse rejects absurd dimensions without allocating", "[dataset][idx]") {
  // 2^31 images in a 16-byte file: must fail on the header, not try to allocate 1.6 TB.
  std::string msg = idx_error(idx_image_header(1u << 31, 28, 28), idx_labels({1}));
  CHECK_THAT(msg, Contains("2147483648 images is more than the limit of 10000000"));

  // The largest allowed header: the expected size is computed without overflow and reported as truncated.
  msg = idx_error(idx_image_header(kMaxImages, kMaxImageSide, kMaxImageSide), idx_labels({1}));
  CHECK_THAT(msg, Contains("truncated: expected 167772160000016 bytes, got 16"));

  msg = idx_error(idx_image_header(1, 0xffffffffu, 0xffffffffu), idx_labels({1}));
  CHECK_THAT(msg, Contains("image size 4294967295x4294967295 is outside 1..4096"));
}

TEST_CASE("idx_parse rejects zero-size sides and zero images", "[dataset][idx]") {
  CHECK_THAT(idx_error(idx_image_header(1, 0, 28), idx_labels({1})), Contains("image size 0x28 is outside"));
  CHECK_THAT(idx_error(idx_image_header(1, 28, 0), idx_labels({1})), Contains("image size 28x0 is outside"));
  CHECK_THAT(idx_error(idx_image_header(0, 28, 28), idx_labels({})), Contains("0 images"));
}

TEST_CASE("idx_parse rejects truncated files and trailing data", "[dataset][idx]") {
  std::vector<uint8_t> images = idx_images(2, 3, 3);  // 16 + 18 = 34 bytes
  images.pop_back();
  CHECK_THAT(idx_error(images, idx_labels({1, 2})),
             Contains("mnist train images: truncated: expected 34 bytes, got 33"));

  images = idx_images(2, 3, 3);
  images.push_back(0);
  CHECK_THAT(idx_error(images, idx_labels({1, 2})),
             Contains("mnist train images: trailing data: expected 34 bytes, got 35"));

  std::vector<uint8_t> labels = idx_labels({1, 2});  // 8 + 2 = 10 bytes
  labels.pop_back();
  CHECK_THAT(idx_error(idx_images(2, 3, 3), labels),
             Contains("mnist train labels: truncated: expected 10 bytes, got 9"));

  labels = idx_labels({1, 2});
  labels.push_back(0);
  CHECK_THAT(idx_error(idx_images(2, 3, 3), labels),
             Contains("mnist train labels: trailing data: expected 10 bytes, got 11"));
}

TEST_CASE("idx_parse rejects a label count different from the image count", "[dataset][idx]") {
  std::string msg = idx_error(idx_images(3, 2, 2), idx_labels({1, 2}));
  CHECK_THAT(msg, Contains("2 labels but 3 images"));

  // An absurd label count is a mismatch too, not an allocation.
  std::vector<uint8_t> labels;
  put_be32(labels, 0x00000801);
  put_be32(labels, 0x80000000u);
  CHECK_THAT(idx_error(idx_images(3, 2, 2), labels), Contains("2147483648 labels but 3 images"));
}

TEST_CASE("idx_parse rejects labels out of range, naming index and value", "[dataset][idx]") {
  std::string msg = idx_error(idx_images(3, 2, 2), idx_labels({1, 9, 10}));
  CHECK_THAT(msg, Contains("mnist train labels: label 10 at index 2 is out of range (num_classes 10)"));
}

// ---- CIFAR-10 -------------------------------------------------------------------------------------------

TEST_CASE("cifar10_parse converts planar records to NHWC", "[dataset][cifar]") {
  Dataset out;
  Status st = cifar10_parse(cifar_batch({3, 9}), "cifar10 train", out);
  REQUIRE(st.ok());
  CHECK(out.shape == Shape{32, 32, 3});
  CHECK(out.num_classes == 10);
  REQUIRE(out.size() == 2);
  CHECK(out.labels == std::vector<uint8_t>{3, 9});
  REQUIRE(out.images.size() == 2 * 32 * 32 * 3);
  check_cifar_image(out, 0, 0);
  check_cifar_image(out, 1, 1);

  // Spot check by hand: record 1, green, (y=2, x=5) is 31 + 100 + 6 + 5 = 142, at ((2*32 + 5)*3 + 1).
  CHECK(out.image(1)[(2 * 32 + 5) * 3 + 1] == 142);
}

TEST_CASE("cifar10_parse appends batches", "[dataset][cifar]") {
  Dataset out;
  REQUIRE(cifar10_parse(cifar_batch({1, 2}, 0), "batch 1", out).ok());
  REQUIRE(cifar10_parse(cifar_batch({0}, 2), "batch 2", out).ok());
  REQUIRE(out.size() == 3);
  CHECK(out.labels == std::vector<uint8_t>{1, 2, 0});
  CHECK(out.images.size() == 3 * 32 * 32 * 3);
  for (size_t i = 0; i < 3; ++i) check_cifar_image(out, i, i);
}

TEST_CASE("cifar10_parse rejects empty input and sizes that are not whole records", "[dataset][cifar]") {
  Dataset out;
  Status st = cifar10_parse({}, "cifar10 test", out);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error, Contains("cifar10 test: empty file"));

  std::vector<uint8_t> bytes = cifar_batch({1, 2});
  bytes.pop_back();
  st = cifar10_parse(bytes, "cifar10 test", out);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error, Contains("size 6145 bytes is not a multiple of the 3073-byte CIFAR-10 record"));

  bytes = cifar_batch({1});
  bytes.push_back(0);
  st = cifar10_parse(bytes, "cifar10 test", out);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error, Contains("1 bytes left over"));
  CHECK(out.size() == 0);
}

TEST_CASE("cifar10_parse rejects label 10, naming the record", "[dataset][cifar]") {
  Dataset out;
  Status st = cifar10_parse(cifar_batch({0, 9, 10}), "cifar10 train", out);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error, Contains("cifar10 train: label 10 at record 2 is out of range"));
  CHECK(out.size() == 0);
  CHECK(out.images.empty());
}

TEST_CASE("cifar10_parse refuses to append to a dataset of another shape", "[dataset][cifar]") {
  Dataset out;
  REQUIRE(idx_parse(idx_images(2, 28, 28), idx_labels({1, 2}), "mnist", out).ok());
  Status st = cifar10_parse(cifar_batch({1}), "cifar10 train", out);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error, Contains("cannot append CIFAR-10 images (32, 32, 3)"));
  CHECK_THAT(st.error, Contains("shape (28, 28, 1)"));
  CHECK(out.size() == 2);  // unchanged
  CHECK(out.shape == Shape{28, 28, 1});
}

// ---- dataset_truncate -----------------------------------------------------------------------------------

TEST_CASE("dataset_truncate keeps the first n samples", "[dataset]") {
  Dataset d;
  REQUIRE(idx_parse(idx_images(4, 2, 3), idx_labels({4, 5, 6, 7}), "t", d).ok());
  dataset_truncate(d, 10);  // no-op
  CHECK(d.size() == 4);
  dataset_truncate(d, 4);  // no-op
  CHECK(d.size() == 4);

  dataset_truncate(d, 2);
  REQUIRE(d.size() == 2);
  CHECK(d.labels == std::vector<uint8_t>{4, 5});
  REQUIRE(d.images.size() == 2 * 2 * 3);
  CHECK(d.image(1)[5] == test_pixel(1, 1, 2));

  dataset_truncate(d, 0);
  CHECK(d.size() == 0);
  CHECK(d.images.empty());
}
