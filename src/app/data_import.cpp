// data_import.cpp: a data set from its files, one at a time (see data_import.h).
#include "data_import.h"

#include <cassert>
#include <utility>

namespace convlens {

bool DataImport::wants(const std::string& name) const {
  const int i = info_->file_index(name);
  return i >= 0 && !got_[size_t(i)];
}

Status DataImport::add(const std::string& name, std::vector<uint8_t> bytes) {
  const DatasetInfo& d = *info_;
  const int index = d.file_index(name);
  if (index < 0) return Status::fail(name + " is not a file of " + d.title);
  const size_t i = size_t(index);
  if (got_[i]) return Status::fail(name + " came twice");
  if (bytes.size() > kMaxDataFileBytes)
    return Status::fail(name + " is " + std::to_string(bytes.size() >> 20) + " MB, larger than any file of " + d.title);
  got_[i] = true;
  const bool test = d.is_test_file(i);
  Dataset& out = test ? test_ : train_;
  const std::string what = d.id + (test ? " test " : " train ") + d.files[i];
  Status s;
  if (d.format == "cifar10") {
    // The heap keeps its peak, so the training set is allocated once, for as many batches as this one as the
    // set has (the official files are equal); a shorter upload is trimmed in finish().
    const size_t batches = test ? 1 : d.files.size() - size_t(d.test_files);
    if (out.size() == 0) out.images.reserve(bytes.size() / kCifarRecordBytes * batches * d.input.size());
    s = cifar10_parse(bytes, what, out);
  } else {
    // IDX: images then labels, train pair then test pair (datasets.json's order); parsed when both have come.
    assert(d.format == "idx" && d.files.size() == 4);
    pending_[i] = std::move(bytes);
    const size_t images = i & ~size_t(1), labels = images + 1;
    if (got_[images] && got_[labels]) {
      s = idx_parse(std::move(pending_[images]), pending_[labels], what, out, int(d.classes.size()));
      pending_[images] = {};
      pending_[labels] = {};
    }
  }
  if (s.ok() && out.size() > 0 && out.shape != d.input)
    s = Status::fail(what + " holds images of " + out.shape.to_keras("N") + ", not " + d.input.to_keras("N"));
  return s;
}

Status DataImport::finish(Dataset& train, Dataset& test) {
  const DatasetInfo& d = *info_;
  std::string missing;
  for (size_t i = 0; i < d.files.size(); ++i) {
    // CIFAR-10 trains on whichever training batches came (as the CLI does with a folder).
    const bool needed = d.format != "cifar10" || d.is_test_file(i);
    if (needed && !got_[i]) missing += (missing.empty() ? "" : ", ") + d.files[i];
  }
  if (train_.size() == 0 && missing.empty()) missing = "a training file";
  if (!missing.empty()) return Status::fail(d.title + " is incomplete: missing " + missing);
  for (Dataset* set : {&train_, &test_})
    if (set->images.capacity() > set->images.size() + set->images.size() / 4) set->images.shrink_to_fit();
  train_.name = test_.name = d.id;
  train = std::move(train_);
  test = std::move(test_);
  return Status::success();
}

}  // namespace convlens
