// rng.h: a small, seeded, platform-independent random number generator (xoshiro128** seeded by splitmix64), and
// a counter-based hash for drawing many numbers at once (counter_hash, below).
//
// The standard library's distributions are implementation-defined, so the engine draws every random number
// (initial weights, shuffles, the keys of dropout masks) from this generator: the same seed gives the same bits
// on every compiler, natively and in WebAssembly.
#pragma once
#include <cstdint>
#include <vector>

namespace convlens {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0) { reseed(seed); }

  void reseed(uint64_t seed) {
    uint64_t x = seed;
    for (uint32_t& word : s_) {
      x += 0x9E3779B97F4A7C15ull;  // splitmix64
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      word = uint32_t((z ^ (z >> 31)) >> 16);
    }
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
  }

  uint32_t next_u32() {
    const uint32_t result = rotl(s_[1] * 5, 7) * 9;
    const uint32_t t = s_[1] << 9;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 11);
    return result;
  }

  // Uniform in [0, 1), 24 random bits.
  float uniform() { return float(next_u32() >> 8) * (1.0f / 16777216.0f); }
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; the tiny bias is irrelevant here).
  uint32_t below(uint32_t n) { return uint32_t((uint64_t(next_u32()) * n) >> 32); }

  // Fisher-Yates shuffle.
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) {
      const size_t j = below(uint32_t(i));
      std::swap(v[i - 1], v[j]);
    }
  }

 private:
  static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
  uint32_t s_[4];
};

// A counter-based generator: counter_hash(key, i) is a well-mixed 32-bit value for every index i, so a loop can
// draw one per element in any order, split over any threads, and vectorise (dropout masks: layers.cpp). Two
// rounds of a 32-bit integer mixer (Chris Wellons' "lowbias32"), keyed by the two halves of `key`.
inline uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}
inline uint32_t counter_hash(uint64_t key, uint32_t i) { return mix32(mix32(i ^ uint32_t(key)) + uint32_t(key >> 32)); }

}  // namespace convlens
