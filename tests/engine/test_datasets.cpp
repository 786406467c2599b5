// test_datasets.cpp: the data sets' table (datasets.h), generated from assets/datasets.json: every set is
// complete, and the model the book trains on each builds for its input and classes.
#include <catch2/catch.hpp>

#include "datasets.h"
#include "model.h"

using namespace convlens;

TEST_CASE("datasets: the table generated from assets/datasets.json is complete", "[datasets]") {
  REQUIRE(datasets().size() >= 3);
  for (const DatasetInfo& d : datasets()) {
    INFO(d.id);
    CHECK(dataset_info(d.id) == &d);
    CHECK_FALSE(d.title.empty());
    CHECK(d.classes.size() == 10);
    CHECK(d.input.size() > 0);
    CHECK((d.format == "idx" || d.format == "cifar10"));
    CHECK(d.files.size() == (d.format == "idx" ? 4u : 6u));
    Result<Model> m = model_plan(d.model, d.input, int(d.classes.size()));
    CHECK(m.ok());
  }
  REQUIRE(dataset_info("mnist"));
  CHECK(dataset_info("mnist")->title == "MNIST digits");
  CHECK(dataset_info("mnist")->bundled);
  CHECK(dataset_info("fashion")->classes[9] == "Ankle boot");
  CHECK(dataset_info("cifar10")->input == Shape{32, 32, 3});
  CHECK_FALSE(dataset_info("cifar10")->bundled);
  CHECK(dataset_info("mnist")->is_test_file(2));
  CHECK_FALSE(dataset_info("mnist")->is_test_file(1));
  CHECK(dataset_info("cifar10")->file_index("cifar-10-batches-bin/test_batch.bin") == 5);
  CHECK(dataset_info("cifar10")->is_test_file(5));
  CHECK_FALSE(dataset_info("cifar10")->is_test_file(4));
  CHECK(dataset_info("cifar10")->file_index("train.bin") == -1);
  CHECK(dataset_info("imagenet") == nullptr);
  CHECK(dataset_ids() == "mnist, fashion or cifar10");
}
