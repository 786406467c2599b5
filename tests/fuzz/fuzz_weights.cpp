// fuzz_weights.cpp: libFuzzer harness for the weights file (weights_file.h), read the way `convlens eval` reads
// one: the header, then a model built from the header's spec and input shape, then the parameters into it.
//
// Input: a whole weights file. Checks beyond "no crash, no sanitizer report": an accepted header accounts for
// every byte of the file; model_build accepts the header's model exactly when fuzz_model_cost says it should (this
// is where an input shape whose value count wraps around in 64 bits would show); a file loaded into its model
// writes back the same header and parameters, byte for byte when its spec is in canonical form. Valid models of
// more than kMaxParams parameters are skipped (not built).
// Not here: running the loaded model (fuzz_model_spec.cpp runs models).
#include <algorithm>

#include "fuzz_common.h"
#include "model.h"
#include "weights_file.h"

using namespace convlens;
using namespace convlens_fuzz;

namespace {

constexpr double kMaxParams = 1 << 20;  // 8 MiB of parameters and gradients: quick to allocate and checksum

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Bytes bytes(data, data + size);
  const Result<WeightsHeader> header = weights_read_header(bytes);
  if (!header.ok()) {
    fuzz_check(!header.error.empty(), "a rejected header says why");
    return 0;
  }
  const WeightsHeader& h = header.value;
  fuzz_check(size == 16 + h.spec.size() + 24 + 4 * h.param_count + 4, "the header accounts for every byte");

  const Result<std::vector<LayerSpec>> layers = spec_parse(h.spec);
  if (!layers.ok()) return 0;
  BuiltModel built = fuzz_build_model(layers.value, h.spec, h.input, h.num_classes, kMaxParams);
  if (built.outcome == BuiltModel::kSkipped) return -1;  // too large to build here (not added to the corpus)
  if (built.outcome == BuiltModel::kRefused) return 0;
  Model& model = built.model;

  const Status st = weights_deserialize(bytes, model);
  if (!st.ok()) {
    fuzz_check(!st.error.empty(), "a rejected file says why");
    return 0;
  }
  // Written back: the same bytes, but for the spec, which is written in its canonical form.
  const Bytes written = weights_serialize(model);
  const size_t tail = 4 * size_t(h.param_count) + 4;  // parameters and checksum
  const Result<WeightsHeader> again = weights_read_header(written);
  fuzz_check(again.ok() && again.value.spec == model.spec && again.value.input == h.input &&
                 again.value.num_classes == h.num_classes && again.value.param_count == h.param_count,
             "a loaded file writes back the same header");
  fuzz_check(std::equal(written.end() - long(tail), written.end(), bytes.end() - long(tail)),
             "a loaded file writes back the same parameters");
  if (h.spec == model.spec)
    fuzz_check(written == bytes, "a loaded file with a canonical spec writes back byte for byte");
  return 0;
}
