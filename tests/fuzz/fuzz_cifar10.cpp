// fuzz_cifar10.cpp: libFuzzer harness for the CIFAR-10 binary batch parser (cifar10_parse, dataset.h).
//
// Input: one flags byte, then a batch file. Flags: bit 0 starts from a dataset of another shape (28x28x1, one
// image: appending must fail), bit 1 parses the batch a second time into the same dataset (the append path).
// Checks beyond "no crash, no sanitizer report": a failure leaves the dataset untouched; a success appends one
// image per 3073-byte record, labels below 10, and turns record r's planes (R, G, B; 32x32 each) into NHWC pixels.
// Not here: gzip and files on disk (fuzz_data_files.cpp).
#include "dataset.h"
#include "fuzz_common.h"

using namespace convlens;
using namespace convlens_fuzz;

namespace {

constexpr size_t kRecord = 3073, kPlane = 1024;

// Parses `bytes` into `out`, checks what it appended (or that it appended nothing) against the bytes.
void parse_and_check(const Bytes& bytes, Dataset& out) {
  const Dataset before = out;
  const Status st = cifar10_parse(bytes, "fuzz", out);
  if (!st.ok()) {
    fuzz_check(st.error.rfind("fuzz", 0) == 0, "an error starts with the name of the batch", st.error);
    fuzz_check(out.images == before.images && out.labels == before.labels && out.shape == before.shape,
               "a failed parse leaves the dataset untouched");
    return;
  }
  const size_t first = before.size(), n = bytes.size() / kRecord;
  fuzz_check(bytes.size() % kRecord == 0 && n > 0, "only whole records are accepted");
  fuzz_check(out.shape == Shape{32, 32, 3} && out.num_classes == 10, "CIFAR-10 shape and classes");
  fuzz_check(out.size() == first + n && out.images.size() == out.size() * 3072, "appended sizes");
  fuzz_check(before.size() == 0 || before.shape == out.shape, "appended only to a dataset of the same shape");
  for (size_t r = 0; r < n; ++r) {
    const uint8_t* record = bytes.data() + r * kRecord;
    fuzz_check(out.labels[first + r] == record[0] && record[0] < 10, "label of each record");
    const uint8_t* pixels = out.image(first + r);
    for (size_t p : {size_t(0), size_t(33), r % kPlane, kPlane - 1})  // a few pixels of every record
      for (size_t c = 0; c < 3; ++c) fuzz_check(pixels[p * 3 + c] == record[1 + c * kPlane + p], "planes to NHWC");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  const Bytes batch(data + 1, data + size);
  Dataset out;
  if (flags & 1) {  // one MNIST-shaped image already there
    out.shape = Shape{28, 28, 1};
    out.images.assign(784, 0);
    out.labels = {1};
  }
  parse_and_check(batch, out);
  if (flags & 2) parse_and_check(batch, out);
  return 0;
}
