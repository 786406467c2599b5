// shape.h: the shape of one sample's activation, and the engine's one tensor layout.
//
// Layout (everywhere in the engine): NHWC, float32, row-major. A batch buffer holds N samples back to back,
// each sample H rows of W pixels of C channels: element (n, y, x, c) is at ((n*H + y)*W + x)*C + c.
// Dense activations are shape (1, 1, C). Flatten therefore matches Keras' channels-last Flatten order.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace convlens {

struct Shape {
  int h = 0;  // rows
  int w = 0;  // columns
  int c = 0;  // channels (or units, for dense activations)

  size_t size() const { return size_t(h) * size_t(w) * size_t(c); }
  // The same count without wrapping where size_t is 32 bits (WebAssembly): for limit checks on user input.
  uint64_t size64() const { return uint64_t(h) * uint64_t(w) * uint64_t(c); }
  bool operator==(const Shape& o) const { return h == o.h && w == o.w && c == o.c; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  bool is_flat() const { return h == 1 && w == 1; }
  // Keras-style with the batch dimension first: "(None, 28, 28, 16)" or "(None, 128)" for flat shapes.
  std::string to_keras(const std::string& batch = "None") const {
    if (is_flat()) return "(" + batch + ", " + std::to_string(c) + ")";
    return "(" + batch + ", " + std::to_string(h) + ", " + std::to_string(w) + ", " + std::to_string(c) + ")";
  }
};

}  // namespace convlens
