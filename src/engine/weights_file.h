// weights_file.h: the saved-model format, as bytes (the CLI writes them to a file; the browser to a download).
//
// Format "CONVLENS weights v1", all integers little-endian:
//   offset 0   8 bytes   magic "CNVLWGHT"
//          8   u32       format version (1)
//         12   u32       spec length S
//         16   S bytes   canonical model spec (model_spec.h), e.g. conv16k5-pool2-...-dense10
//       16+S   u32 x 4   input H, W, C, number of classes
//       32+S   u64       parameter count P
//       40+S   f32 x P   parameters in Model::params order (per layer: weights (K,K,C,F) or (I,O), then biases)
//   40+S+4P    u32       FNV-1a checksum of the parameter bytes
// Loading checks every field and rejects a file saved from another architecture with a message naming each field
// that differs, expected vs found (specs are compared in canonical form, so "mnist" or drop0.25 still fit).
// Not here: optimizer state and training history (a saved model is for inference and feature maps).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model.h"
#include "status.h"

namespace convlens {

struct WeightsHeader {
  uint32_t version = 0;
  std::string spec;
  Shape input;
  int num_classes = 0;
  uint64_t param_count = 0;
};

std::vector<uint8_t> weights_serialize(const Model& model);
// The size of the file weights_serialize writes for `model` (a plan will do).
uint64_t weights_file_bytes(const Model& model);
// Reads the header only: enough to build the matching model (convlens eval). `bytes` may be the first bytes of a
// file of `file_size` bytes (0: all of it), so that a file too large to hold can still be named and refused.
Result<WeightsHeader> weights_read_header(const std::vector<uint8_t>& bytes, uint64_t file_size = 0);
// Checks that the file fits the architecture of `model` (a plan will do: nothing is written) and, when all its
// bytes are there, the checksum of its parameters.
Status weights_check(const std::vector<uint8_t>& bytes, const Model& model, uint64_t file_size = 0);
// Copies the parameters into `model` after weights_check.
Status weights_deserialize(const std::vector<uint8_t>& bytes, Model& model);

}  // namespace convlens
