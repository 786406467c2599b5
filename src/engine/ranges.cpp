// ranges.cpp: range wording and the strict number parsers (see ranges.h).
#include "ranges.h"

#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace convlens {

std::string WholeRange::text() const {
  if (hi == LLONG_MAX) return "a whole number >= " + std::to_string(lo);
  return "a whole number in " + std::to_string(lo) + ".." + std::to_string(hi);
}

bool RealRange::contains(float v) const {
  return (lo_open ? v > float(lo) : v >= float(lo)) && (hi_open ? v < float(hi) : v <= float(hi));
}

std::string RealRange::text() const {
  return std::string("a number in ") + (lo_open ? "(" : "[") + number_text(lo) + ", " + number_text(hi) +
         (hi_open ? ")" : "]");
}

bool parse_whole(const std::string& text, long long& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

bool parse_real(const std::string& text, double& out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);  // no locale is set, so '.' is the decimal point
  if (end != text.c_str() + text.size() || !std::isfinite(d) || std::fabs(d) > std::numeric_limits<float>::max())
    return false;
  out = d;
  return true;
}

bool parse_in(const std::string& text, RealRange range, float& out) {
  double v = 0;
  if (!parse_real(text, v) || !range.contains(float(v))) return false;
  out = float(v);
  return true;
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace convlens
