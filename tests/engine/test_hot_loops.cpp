// test_hot_loops.cpp: the hot loops outside the GEMM (hot_loops.h). Their scalar references on small cases
// worked out by hand; built as WebAssembly, every SIMD128 version against its scalar reference on random data
// whose sizes are not multiples of four (so the scalar tails run too): they must agree to the bit.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/hot_loops.h"
#include "rng.h"

using namespace convlens;

TEST_CASE("hot loops: ReLU forward and backward, NaN passing through the forward pass", "[hot_loops]") {
  const std::vector<float> x = {-2.0f, 0.0f, 3.0f, std::nanf(""), -0.5f};
  std::vector<float> y(5);
  relu_forward_loop_scalar(x.data(), 5, y.data());
  CHECK(y[0] == 0.0f);
  CHECK(y[1] == 0.0f);
  CHECK(y[2] == 3.0f);
  CHECK(std::isnan(y[3]));  // divergence must reach the loss
  CHECK(y[4] == 0.0f);
  const std::vector<float> dy = {1, 2, 3, 4, 5};
  std::vector<float> dx(5);
  relu_backward_loop_scalar(dy.data(), y.data(), 5, dx.data());
  CHECK(dx == std::vector<float>{0, 0, 3, 0, 0});
}

TEST_CASE("hot loops: bias + ReLU, column sums, copies, by hand", "[hot_loops]") {
  const std::vector<float> x = {1, -5, 2, 3, -1, -4};  // (2, 3)
  const std::vector<float> b = {1, 2, -3};
  std::vector<float> y(6);
  bias_relu_scalar(x.data(), 2, 3, b.data(), true, y.data());
  CHECK(y == std::vector<float>{2, 0, 0, 4, 1, 0});
  bias_relu_scalar(x.data(), 2, 3, b.data(), false, y.data());
  CHECK(y == std::vector<float>{2, -3, -1, 4, 1, -7});
  std::vector<float> sums(3);
  column_sums_scalar(x.data(), 2, 3, sums.data());
  CHECK(sums == std::vector<float>{4, -6, -2});
  std::vector<float> dst = {1, 1, 1};
  add_floats_scalar(b.data(), 3, dst.data());
  CHECK(dst == std::vector<float>{2, 3, -2});
  copy_floats_scalar(b.data(), 2, dst.data());
  CHECK(dst == std::vector<float>{1, 2, -2});
}

TEST_CASE("hot loops: max-pool keeps each maximum and where it was, the first of equals", "[hot_loops]") {
  // One 2x2 image, 2 channels, pool 2: channel 0 = 1 4 / 3 2 (max 4 at pixel 1), channel 1 all 7 (first wins).
  const std::vector<float> x = {1, 7, 4, 7, 3, 7, 2, 7};
  std::vector<float> y(2);
  std::vector<int32_t> at(2);
  maxpool_forward_loop_scalar(x.data(), 1, Shape{2, 2, 2}, 2, Shape{1, 1, 2}, y.data(), at.data());
  CHECK(y == std::vector<float>{4, 7});
  CHECK(at == std::vector<int32_t>{2, 1});
}

// The scalar max-pool has a loop of its own for 2x2 windows: both it and the general one (3x3 here) against a
// plain reference, on odd sizes, several channels and many ties.
TEST_CASE("hot loops: max-pool with 2x2 and 3x3 windows agrees with a plain reference", "[hot_loops]") {
  convlens::Rng rng(3);
  for (int p : {2, 3}) {
    const Shape in{7, 8, 5}, out{7 / p, 8 / p, 5};
    const int n = 2;
    std::vector<float> x(n * in.size()), y(n * out.size());
    for (float& v : x) v = float(int(rng.below(6)));  // values 0..5: many equal maxima
    std::vector<int32_t> at(n * out.size());
    maxpool_forward_loop_scalar(x.data(), n, in, p, out, y.data(), at.data());
    for (int i = 0; i < n; ++i)
      for (int oy = 0; oy < out.h; ++oy)
        for (int ox = 0; ox < out.w; ++ox)
          for (int ch = 0; ch < in.c; ++ch) {
            int32_t want = -1;  // the first maximum, window scanned row by row
            for (int py = 0; py < p; ++py)
              for (int px = 0; px < p; ++px) {
                const int32_t idx = ((oy * p + py) * in.w + ox * p + px) * in.c + ch;
                if (want < 0 || x[i * in.size() + idx] > x[i * in.size() + want]) want = idx;
              }
            const size_t o = i * out.size() + (size_t(oy) * out.w + ox) * in.c + ch;
            INFO("p=" << p << " image " << i << " (" << oy << "," << ox << ") channel " << ch);
            REQUIRE(at[o] == want);
            REQUIRE(y[o] == x[i * in.size() + want]);
          }
  }
}

TEST_CASE("hot loops: one Adam step from zero moments moves every weight by about lr against its gradient", "[hot_loops]") {
  std::vector<float> p = {1, 1}, g = {0.5f, -2.0f}, m = {0, 0}, v = {0, 0};
  // With bias correction lr_t = lr sqrt(1 - b2) / (1 - b1), m = (1-b1) g and v = (1-b2) g^2: the step is ~lr sign(g).
  adam_update_scalar(p.data(), g.data(), m.data(), v.data(), 2, 0.001f * std::sqrt(0.001f) / 0.1f, 0.9f, 0.999f, 1e-7f);
  CHECK(p[0] == Approx(0.999f).margin(1e-6));
  CHECK(p[1] == Approx(1.001f).margin(1e-6));
}

#if CONVLENS_SIMD == 128  // the SIMD128 loops: WebAssembly only (hot_loops.h)
namespace {

std::vector<float> random_vector(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("hot loops: every SIMD128 version agrees with its scalar reference to the bit", "[hot_loops][simd]") {
  const size_t count = 1003;  // not a multiple of 4
  const std::vector<float> x = random_vector(count, 1), dy = random_vector(count, 2);
  std::vector<float> a(count), b(count);
  SECTION("relu forward") {
    relu_forward_loop_simd(x.data(), count, a.data());
    relu_forward_loop_scalar(x.data(), count, b.data());
    CHECK(same_bits(a, b));
  }
  SECTION("relu backward, in place as the layers call it") {
    a = dy, b = dy;
    relu_backward_loop_simd(a.data(), x.data(), count, a.data());
    relu_backward_loop_scalar(b.data(), x.data(), count, b.data());
    CHECK(same_bits(a, b));
  }
  SECTION("bias + relu, with and without the ReLU, rows of 16 and of 17") {
    for (int f : {16, 17})
      for (bool relu : {true, false}) {
        const long m = long(count) / f;
        const std::vector<float> bias = random_vector(size_t(f), 3);
        bias_relu_simd(x.data(), m, f, bias.data(), relu, a.data());
        bias_relu_scalar(x.data(), m, f, bias.data(), relu, b.data());
        CHECK(same_bits(a, b));
      }
  }
  SECTION("column sums, 36 and 10 columns") {
    for (int f : {36, 10}) {
      std::vector<float> sa(static_cast<size_t>(f)), sb(static_cast<size_t>(f));
      column_sums_simd(x.data(), long(count) / f, f, sa.data());
      column_sums_scalar(x.data(), long(count) / f, f, sb.data());
      CHECK(same_bits(sa, sb));
    }
  }
  SECTION("copy and add") {
    a = dy, b = dy;
    add_floats_simd(x.data(), count - 2, a.data() + 1);
    add_floats_scalar(x.data(), count - 2, b.data() + 1);
    CHECK(same_bits(a, b));
    copy_floats_simd(x.data() + 3, count - 5, a.data());
    copy_floats_scalar(x.data() + 3, count - 5, b.data());
    CHECK(same_bits(a, b));
  }
  SECTION("max-pool over 16 channels (SIMD) and 3 channels (scalar fallback), with ties") {
    for (int c : {16, 3}) {
      const Shape in{6, 6, c}, out{3, 3, c};
      std::vector<float> img = random_vector(2 * in.size(), 4);
      for (size_t i = 0; i < img.size(); i += 5) img[i] = 0.25f;  // plenty of equal values
      std::vector<float> ya(2 * out.size()), yb(2 * out.size());
      std::vector<int32_t> ia(2 * out.size()), ib(2 * out.size());
      maxpool_forward_loop_simd(img.data(), 2, in, 2, out, ya.data(), ia.data());
      maxpool_forward_loop_scalar(img.data(), 2, in, 2, out, yb.data(), ib.data());
      CHECK(same_bits(ya, yb));
      CHECK(ia == ib);
    }
  }
  SECTION("Adam") {
    std::vector<float> ma = random_vector(count, 5), va = random_vector(count, 6);
    for (float& v : va) v = std::fabs(v);
    std::vector<float> mb = ma, vb = va;
    a = x, b = x;
    adam_update_simd(a.data(), dy.data(), ma.data(), va.data(), count, 0.003f, 0.9f, 0.999f, 1e-7f);
    adam_update_scalar(b.data(), dy.data(), mb.data(), vb.data(), count, 0.003f, 0.9f, 0.999f, 1e-7f);
    CHECK(same_bits(a, b));
    CHECK(same_bits(ma, mb));
    CHECK(same_bits(va, vb));
  }
}
#endif
