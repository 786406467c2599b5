// datasets.h: what the app and the CLI know about each data set — id, title, class names, input shape, default
// model, file format and names — as one table generated at build time from assets/datasets.json (the one place
// a data set is described; build_wasm.sh reads the same file for what it fetches, checks and serves).
// Not here: reading the files (dataset.h parses, src/io finds them on disk, the page fetches them).
#pragma once
#include <string>
#include <vector>

#include "shape.h"

namespace convlens {

struct DatasetInfo {
  std::string id;                   // "mnist", "fashion", "cifar10"
  std::string title;                // "MNIST digits"
  bool bundled = false;             // fetched by setup and always served with the browser app; otherwise served
                                    // only if present at build time, and the page takes it from the user's disk
  std::string model;                // the preset the book trains on it ("mnist", "cifar10")
  Shape input;                      // (H, W, C) of one image
  std::string format;               // "idx" or "cifar10"
  std::vector<std::string> classes; // class names, by label
  std::vector<std::string> files;   // the files of the set, as setup and the page name them: training, then test
  int test_files = 0;               // the last test_files of `files` are the test set
  std::string archive;              // what the authors publish and the page unpacks ("cifar-10-binary.tar.gz"), or ""

  bool is_test_file(size_t i) const { return i + size_t(test_files) >= files.size(); }
  // The index of the file called `name` in `files` (folders in front ignored: "cifar-10-batches-bin/test_batch.bin"),
  // or -1.
  int file_index(const std::string& name) const;
};

// Every data set, in the order of assets/datasets.json (the order menus list them).
const std::vector<DatasetInfo>& datasets();
// The set called `id`, or nullptr.
const DatasetInfo* dataset_info(const std::string& id);
// The ids of every set, as "mnist, fashion or cifar10" (for messages).
std::string dataset_ids();

}  // namespace convlens
