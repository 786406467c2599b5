// data_import.h: a data set put together from its files as they arrive one at a time, as the page gets them:
// fetched from its own site (gzip'd, gunzipped by the browser) or unpacked from an archive the user gave
// (cifar-10-binary.tar.gz dropped on the page). The files go through the CLI's parsers (dataset.h) as they come,
// so at most one raw file is held beside the parsed images.
//
// Not here: fetching, gunzipping or reading tar archives (web/convlens_web.js does that in the browser; src/io
// reads folders natively), the session (lab.h takes the finished sets with set_data).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dataset.h"
#include "datasets.h"
#include "status.h"

namespace convlens {

// No file of a data set the lab knows is larger (MNIST's training images are 47 MB, a CIFAR-10 batch 31 MB): a
// larger one is refused before it is read into memory.
constexpr uint64_t kMaxDataFileBytes = 64ull << 20;

class DataImport {
 public:
  explicit DataImport(const DatasetInfo& info) : info_(&info), got_(info.files.size(), false), pending_(info.files.size()) {}

  const DatasetInfo& info() const { return *info_; }
  // Whether `name` (folders in front ignored) is a file of the set that has not come yet.
  bool wants(const std::string& name) const;
  // One file of the set, by the name assets/datasets.json gives it. Parsed at once where it can be (an IDX file
  // waits for its partner: images and labels are checked together). A file the set does not have, one that came
  // before, one larger than kMaxDataFileBytes or one that does not parse is refused, naming it.
  Status add(const std::string& name, std::vector<uint8_t> bytes);
  // The training and test sets, once enough has come: every file of an IDX set; the test batch and at least one
  // training batch of CIFAR-10. Otherwise says what is missing.
  Status finish(Dataset& train, Dataset& test);

 private:
  const DatasetInfo* info_;
  std::vector<bool> got_;                       // by index into info.files
  std::vector<std::vector<uint8_t>> pending_;   // IDX files waiting for their partner
  Dataset train_, test_;
};

}  // namespace convlens
