// test_data_import.cpp: a data set put together from files arriving one at a time, as the page fetches them or
// unpacks them from an archive (data_import.h): IDX pairs in any order, CIFAR-10 batches with folders in their
// names, and every way an import goes wrong (a stranger file, a file twice, one too large, one that does not
// parse, images of another shape, a set left incomplete), each with a message naming it.
#include <catch2/catch.hpp>

#include "../engine/data_bytes.h"
#include "data_import.h"

using namespace convlens;
using Catch::Matchers::Contains;

namespace {

const DatasetInfo& info(const char* id) { return *dataset_info(id); }

}  // namespace

TEST_CASE("data import: the four IDX files in any order make MNIST's training and test sets", "[data_import]") {
  DataImport import(info("mnist"));
  CHECK(import.wants("t10k-labels-idx1-ubyte"));
  REQUIRE(import.add("t10k-labels-idx1-ubyte", idx_labels({3, 4})).ok());
  CHECK_FALSE(import.wants("t10k-labels-idx1-ubyte"));
  REQUIRE(import.add("train-images-idx3-ubyte", idx_images(3, 28, 28)).ok());
  REQUIRE(import.add("t10k-images-idx3-ubyte", idx_images(2, 28, 28)).ok());
  Dataset train, test;
  CHECK_THAT(import.finish(train, test).error, Contains("missing train-labels-idx1-ubyte"));
  REQUIRE(import.add("train-labels-idx1-ubyte", idx_labels({7, 0, 9})).ok());
  REQUIRE(import.finish(train, test).ok());
  CHECK(train.name == "mnist");
  CHECK(test.name == "mnist");
  CHECK(train.size() == 3);
  CHECK(test.size() == 2);
  CHECK(train.labels == std::vector<uint8_t>{7, 0, 9});
  CHECK(test.image(1)[28 * 5 + 6] == test_pixel(1, 5, 6));
}

TEST_CASE("data import: CIFAR-10 batches from an archive's folder; the test batch and one training batch suffice",
          "[data_import]") {
  DataImport import(info("cifar10"));
  CHECK(import.wants("cifar-10-batches-bin/data_batch_3.bin"));
  CHECK_FALSE(import.wants("cifar-10-batches-bin/batches.meta.txt"));
  REQUIRE(import.add("cifar-10-batches-bin/data_batch_1.bin", cifar_batch({1, 2, 3})).ok());
  REQUIRE(import.add("cifar-10-batches-bin/data_batch_2.bin", cifar_batch({4, 5}, 3)).ok());
  Dataset train, test;
  CHECK_THAT(import.finish(train, test).error, Contains("CIFAR-10 is incomplete: missing test_batch.bin"));
  REQUIRE(import.add("test_batch.bin", cifar_batch({9}, 7)).ok());
  REQUIRE(import.finish(train, test).ok());
  CHECK(train.name == "cifar10");
  CHECK(train.shape == Shape{32, 32, 3});
  CHECK(train.labels == std::vector<uint8_t>{1, 2, 3, 4, 5});
  CHECK(test.labels == std::vector<uint8_t>{9});
  CHECK(train.images.capacity() <= train.images.size() * 5 / 4);  // allocated for 5 batches, trimmed to 2
  // NHWC: record 4's green pixel at (2, 5).
  CHECK(train.image(4)[(2 * 32 + 5) * 3 + 1] == cifar_pixel(4, 1, 2, 5));
}

TEST_CASE("data import: refuses what is not the set's, twice, too large, unparsable, of another shape or incomplete",
          "[data_import]") {
  Dataset train, test;
  SECTION("a file of another data set (CIFAR-100's train.bin)") {
    DataImport import(info("cifar10"));
    CHECK_THAT(import.add("cifar-100-binary/train.bin", {1, 2}).error, Contains("train.bin is not a file of CIFAR-10"));
  }
  SECTION("the same file twice") {
    DataImport import(info("cifar10"));
    REQUIRE(import.add("data_batch_1.bin", cifar_batch({1})).ok());
    CHECK_THAT(import.add("a/data_batch_1.bin", cifar_batch({1})).error, Contains("data_batch_1.bin came twice"));
  }
  SECTION("a file larger than any of the set's") {
    DataImport import(info("cifar10"));
    std::vector<uint8_t> huge(size_t(kMaxDataFileBytes) + 1);
    CHECK_THAT(import.add("data_batch_1.bin", std::move(huge)).error, Contains("larger than any file of CIFAR-10"));
  }
  SECTION("a truncated batch") {
    DataImport import(info("cifar10"));
    std::vector<uint8_t> batch = cifar_batch({1, 2});
    batch.resize(batch.size() - 100);
    CHECK_THAT(import.add("test_batch.bin", batch).error, Contains("cifar10 test test_batch.bin"));
  }
  SECTION("IDX images of another size than the set's 28x28") {
    DataImport import(info("fashion"));
    REQUIRE(import.add("train-labels-idx1-ubyte", idx_labels({1, 2})).ok());
    CHECK_THAT(import.add("train-images-idx3-ubyte", idx_images(2, 5, 5)).error, Contains("(N, 5, 5, 1), not (N, 28, 28, 1)"));
  }
  SECTION("no training batch at all") {
    DataImport import(info("cifar10"));
    REQUIRE(import.add("test_batch.bin", cifar_batch({1})).ok());
    CHECK_THAT(import.finish(train, test).error, Contains("missing a training file"));
  }
}
