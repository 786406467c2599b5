// fuzz_idx.cpp: libFuzzer harness for the IDX parser (idx_parse, dataset.h) and dataset_truncate.
//
// Input: one byte, the number of classes passed to the parser (0..255, so 0 tests its range check), then an
// image file and a label file as fuzz_common.h lays out two files. Checks beyond "no crash, no sanitizer report":
// a failure names its problem and leaves the dataset untouched; a success holds exactly the file's pixels and
// labels, every label below the class count; truncating keeps the first images.
// Not here: gzip and files on disk (fuzz_data_files.cpp).
#include <algorithm>

#include "dataset.h"
#include "fuzz_common.h"

using namespace convlens;
using namespace convlens_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int num_classes = data[0];
  const FilePair files = fuzz_split_pair(data + 1, size - 1);

  Dataset out;  // holds something beforehand, so that "left untouched" can be seen
  out.name = "before";
  out.shape = Shape{2, 1, 1};
  out.images = {7, 9};
  out.labels = {3};
  const Dataset before = out;
  const Status st = idx_parse(files.first, files.second, "fuzz", out, num_classes);
  if (!st.ok()) {
    fuzz_check(st.error.rfind("fuzz", 0) == 0, "an error starts with the name of the pair", st.error);
    fuzz_check(out.images == before.images && out.labels == before.labels && out.shape == before.shape,
               "a failed parse leaves the dataset untouched");
    return 0;
  }
  const size_t n = files.second.size() - 8;  // labels after the 8-byte header
  fuzz_check(out.size() == n && out.shape.c == 1 && out.num_classes == num_classes, "count, channels, classes");
  fuzz_check(out.images.size() == n * out.shape.size(), "pixel count is N*H*W");
  fuzz_check(std::equal(out.images.begin(), out.images.end(), files.first.begin() + 16), "pixels are the file's");
  fuzz_check(std::equal(out.labels.begin(), out.labels.end(), files.second.begin() + 8), "labels are the file's");
  for (uint8_t label : out.labels) fuzz_check(label < num_classes, "labels below the class count");

  const size_t keep = size % (n + 2);  // sometimes all, sometimes more than all
  const Bytes first_image(out.images.begin(), out.images.begin() + long(out.shape.size()));
  dataset_truncate(out, keep);
  fuzz_check(out.size() == std::min(keep, n) && out.images.size() == out.size() * out.shape.size(), "truncated sizes");
  if (out.size() > 0) fuzz_check(std::equal(first_image.begin(), first_image.end(), out.image(0)), "first image kept");
  return 0;
}
