// ranges.h: the range of a setting a user types (URL, JS API, CLI, UI sliders), how it reads in a message, and
// the one strict parser of typed numbers. The ranges themselves are named beside the functions that validate
// them (trainer.h: epochs, batch, validation split, subset, seed; optimizer.h: learning rate, momentum), so
// every front end accepts and rejects the same values with the same words.
#pragma once
#include <string>

namespace convlens {

// Whole numbers in [lo, hi].
struct WholeRange {
  long long lo, hi;
  bool contains(long long v) const { return v >= lo && v <= hi; }
  std::string text() const;  // "a whole number in 1..10000" ("a whole number >= 0" when hi is the largest)
};

// Numbers from lo to hi, each end open or closed, checked as the float a setting stores (1e-50 is 0).
struct RealRange {
  double lo, hi;
  bool lo_open, hi_open;
  bool contains(float v) const;
  std::string text() const;  // "a number in (0, 10]"
};

// Strict parsers: the whole text is the number ("10x", "", " 10", "+10", "0x10" fail). Whole numbers fit in
// 64 bits; reals are finite and fit a float (no nan, inf, 1e999, 1e39).
bool parse_whole(const std::string& text, long long& out);
bool parse_real(const std::string& text, double& out);

// Parses `text` into `out` if it is a number in `range`; otherwise leaves `out` and returns false (the caller
// words the message with range.text()).
template <class T>
bool parse_in(const std::string& text, WholeRange range, T& out) {
  long long v = 0;
  if (!parse_whole(text, v) || !range.contains(v)) return false;
  out = T(v);
  return true;
}
bool parse_in(const std::string& text, RealRange range, float& out);

// "%g": 1e-07 and 1e+30, not std::to_string's 0.000000 or 31 digits.
std::string number_text(double v);

}  // namespace convlens
