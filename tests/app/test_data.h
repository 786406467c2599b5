// test_data.h: a small data set the app tests train on (no files): 28x28 images of 10 classes, class k a bright
// square at one of 10 places plus noise, so that a tiny model learns it in a few batches.
#pragma once
#include <cstdint>

#include "dataset.h"
#include "rng.h"

namespace convlens {

inline Dataset squares(size_t n, uint64_t seed, const char* name = "mnist") {
  Dataset d;
  d.name = name;
  d.shape = {28, 28, 1};
  Rng rng(seed);
  for (size_t i = 0; i < n; ++i) {
    const int k = int(rng.below(10));
    d.labels.push_back(uint8_t(k));
    const int y0 = (k / 5) * 12 + 2, x0 = (k % 5) * 5 + 1;
    for (int y = 0; y < 28; ++y)
      for (int x = 0; x < 28; ++x) {
        const bool on = y >= y0 && y < y0 + 8 && x >= x0 && x < x0 + 4;
        d.images.push_back(uint8_t(on ? 180 + rng.below(76) : rng.below(40)));
      }
  }
  return d;
}

}  // namespace convlens
