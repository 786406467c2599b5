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
  bool in_page = false;             // served with the browser app (the page's data-set menu)
  std::string model;                // the preset the book trains on it ("mnist", "cifar10")
  Shape input;                      // (H, W, C) of one image
  std::string format;               // "idx" or "cifar10"
  std::vector<std::string> classes; // class names, by label
  std::vector<std::string> files;   // the files of the set, as setup and the page name them
};

// Every data set, in the order of assets/datasets.json (the order menus list them).
const std::vector<DatasetInfo>& datasets();
// The set called `id`, or nullptr.
const DatasetInfo* dataset_info(const std::string& id);
// The ids of the sets for which `pick` holds, as "mnist, fashion or cifar10" (for messages).
std::string dataset_ids(bool in_page_only);

}  // namespace convlens
