// test_layers.cpp: every layer kernel — a tiny case computed by hand, then finite-difference gradient checks
// of inputs and parameters (loss = sum(y * r) for a fixed random r, so dL/dy = r).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "gradcheck.h"
#include "kernels/gemm.h"
#include "kernels/threads.h"
#include "layers.h"
#include "rng.h"
#include "test_vectors.h"

using namespace convlens;
using convlens_test::compare_gradients;
using convlens_test::dot;
using convlens_test::max_abs_diff;
using convlens_test::random_vector;
using convlens_test::spread_indices;
using convlens_test::TestThreadScratch;

TEST_CASE("conv2d forward: a 3x3 image, 2x2 kernel, valid padding, computed by hand", "[layers][conv2d]") {
  // x = 1 2 3 / 4 5 6 / 7 8 9 (one channel); w = [1 0; 0 -1] (one filter); b = 0.5
  // y(0,0) = 1*1 + 5*(-1) + .5 = -3.5; y(0,1) = 2 - 6 + .5 = -3.5; y(1,0) = 4 - 8 + .5; y(1,1) = 5 - 9 + .5
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<float> w = {1, 0, 0, -1};
  const float b = 0.5f;
  const Shape in{3, 3, 1}, out{2, 2, 1};
  std::vector<float> cols(conv2d_scratch_floats(1, in, 2, out)), y(4);
  TestThreadScratch threads(conv2d_thread_floats(1, in, 2, out));
  conv2d_forward(x.data(), 1, in, w.data(), &b, 2, Padding::Valid, false, out, cols.data(), threads.view, y.data());
  CHECK(y == std::vector<float>{-3.5f, -3.5f, -3.5f, -3.5f});
  // With the fused ReLU every output is clipped to 0.
  conv2d_forward(x.data(), 1, in, w.data(), &b, 2, Padding::Valid, true, out, cols.data(), threads.view, y.data());
  CHECK(y == std::vector<float>{0, 0, 0, 0});
}

TEST_CASE("conv2d forward: 'same' padding keeps the size and pads with zeros like Keras", "[layers][conv2d]") {
  // A 3x3 kernel of ones on a 3x3 image of ones sums the in-image neighbours: corners 4, edges 6, centre 9.
  const std::vector<float> x(9, 1.0f), w(9, 1.0f);
  const float b = 0.0f;
  const Shape in{3, 3, 1}, out{3, 3, 1};
  std::vector<float> cols(conv2d_scratch_floats(1, in, 3, out)), y(9);
  TestThreadScratch threads(conv2d_thread_floats(1, in, 3, out));
  conv2d_forward(x.data(), 1, in, w.data(), &b, 3, Padding::Same, false, out, cols.data(), threads.view, y.data());
  CHECK(y == std::vector<float>{4, 6, 4, 6, 9, 6, 4, 6, 4});
  // An even kernel (2x2) pads 0 before and 1 after, as TensorFlow does: the last row/column sees zeros.
  const Shape out2{3, 3, 1};
  std::vector<float> w2(4, 1.0f), cols2(conv2d_scratch_floats(1, in, 2, out2));
  TestThreadScratch threads2(conv2d_thread_floats(1, in, 2, out2));
  conv2d_forward(x.data(), 1, in, w2.data(), &b, 2, Padding::Same, false, out2, cols2.data(), threads2.view, y.data());
  CHECK(y == std::vector<float>{4, 4, 2, 4, 4, 2, 2, 2, 1});
}

TEST_CASE("conv2d forward: channels and filters follow the (K,K,C,F) weight layout", "[layers][conv2d]") {
  // 1x1 image, 2 channels (3, 5); 1x1 kernel, 2 filters: w(0,0,c,f) = [[1, 10], [100, 1000]].
  // y0 = 3*1 + 5*100 = 503, y1 = 3*10 + 5*1000 = 5030, plus biases 1 and 2.
  const std::vector<float> x = {3, 5}, w = {1, 10, 100, 1000}, b = {1, 2};
  std::vector<float> cols(conv2d_scratch_floats(1, {1, 1, 2}, 1, {1, 1, 2})), y(2);
  TestThreadScratch threads(conv2d_thread_floats(1, {1, 1, 2}, 1, {1, 1, 2}));
  conv2d_forward(x.data(), 1, {1, 1, 2}, w.data(), b.data(), 1, Padding::Same, false, {1, 1, 2}, cols.data(),
                 threads.view, y.data());
  CHECK(y == std::vector<float>{504, 5032});
}

TEST_CASE("conv2d: the implicit GEMMs agree with im2col + GEMM, forward and backward", "[layers][conv2d]") {
  // The textbook formulas on the explicit patch matrix: y = cols w, dW = cols^T dy, dx = col2im(dy w^T).
  // (The book model's conv1 at batch 3 spans two runs of rows of the parallel bias gradient.)
  struct Case { Shape in; int k, filters; Padding pad; };
  const Case cases[] = {{{28, 28, 1}, 5, 16, Padding::Same},  {{14, 14, 16}, 5, 36, Padding::Same},
                        {{7, 6, 3}, 4, 5, Padding::Same},     {{9, 8, 2}, 3, 7, Padding::Valid},
                        {{3, 3, 4}, 3, 9, Padding::Valid}};
  for (const Case& tc : cases) {
    const int n = 3, k = tc.k;
    const Shape out = tc.pad == Padding::Same ? Shape{tc.in.h, tc.in.w, tc.filters}
                                              : Shape{tc.in.h - k + 1, tc.in.w - k + 1, tc.filters};
    INFO("in " << tc.in.h << "x" << tc.in.w << "x" << tc.in.c << " k=" << k << " f=" << tc.filters);
    const int m = n * out.h * out.w, kkc = k * k * tc.in.c, f = tc.filters;
    const std::vector<float> x = random_vector(n * tc.in.size(), 7), w = random_vector(size_t(kkc) * f, 8);
    const std::vector<float> b(f, 0.0f), dy0 = random_vector(size_t(m) * f, 9);
    std::vector<float> cols(size_t(m) * kkc), want_y(size_t(m) * f), want_dw(w.size()), dcols(cols.size());
    std::vector<float> want_dx(x.size());
    im2col(x.data(), n, tc.in, k, conv2d_pad_before(k, tc.pad), out, cols.data());
    gemm_reference(Op::N, Op::N, m, f, kkc, cols.data(), kkc, w.data(), f, want_y.data(), f, false);
    gemm_reference(Op::T, Op::N, kkc, f, m, cols.data(), kkc, dy0.data(), f, want_dw.data(), f, false);
    gemm_reference(Op::N, Op::T, m, kkc, f, dy0.data(), f, w.data(), f, dcols.data(), kkc, false);
    col2im(dcols.data(), n, tc.in, k, conv2d_pad_before(k, tc.pad), out, want_dx.data());

    std::vector<float> scratch(conv2d_scratch_floats(n, tc.in, k, out)), y(want_y.size()), dy = dy0;
    std::vector<float> dw(w.size()), db(f), dx(x.size());
    TestThreadScratch threads(conv2d_thread_floats(n, tc.in, k, out));
    conv2d_forward(x.data(), n, tc.in, w.data(), b.data(), k, tc.pad, false, out, scratch.data(), threads.view,
                   y.data());
    conv2d_backward(dy.data(), y.data(), n, tc.in, w.data(), k, tc.pad, false, out, scratch.data(), threads.view,
                    dw.data(), db.data(), dx.data());
    CHECK(max_abs_diff(y, want_y) < 1e-5 * std::sqrt(double(kkc)));
    CHECK(max_abs_diff(dw, want_dw) < 1e-5 * std::sqrt(double(m)));
    CHECK(max_abs_diff(dx, want_dx) < 1e-5 * std::sqrt(double(k * k * f)));
    std::vector<float> want_db(f, 0.0f);  // dB: the column sums of dy (summed in parallel runs by the layer)
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < f; ++j) want_db[j] += dy0[size_t(i) * f + j];
    CHECK(max_abs_diff(db, want_db) < 1e-5 * std::sqrt(double(m)));
  }
}

TEST_CASE("conv2d backward matches finite differences (inputs, weights, biases)", "[layers][conv2d][gradcheck]") {
  struct Case { Shape in; int k, filters; Padding pad; bool relu; };
  const Case cases[] = {
      {{6, 5, 2}, 3, 4, Padding::Same, false},
      {{6, 6, 3}, 5, 2, Padding::Same, true},
      {{7, 6, 2}, 3, 3, Padding::Valid, true},
      {{5, 5, 1}, 2, 3, Padding::Same, false},
  };
  for (const Case& tc : cases) {
    const int n = 2, k = tc.k;
    const Shape out = tc.pad == Padding::Same ? Shape{tc.in.h, tc.in.w, tc.filters}
                                              : Shape{tc.in.h - k + 1, tc.in.w - k + 1, tc.filters};
    const size_t kkc = size_t(k) * k * tc.in.c;
    std::vector<float> x = random_vector(n * tc.in.size(), 3), w = random_vector(kkc * tc.filters, 4, -0.5f, 0.5f);
    std::vector<float> b = random_vector(tc.filters, 5, -0.1f, 0.1f), r = random_vector(n * out.size(), 6);
    std::vector<float> cols(conv2d_scratch_floats(n, tc.in, k, out)), y(n * out.size());
    TestThreadScratch threads(conv2d_thread_floats(n, tc.in, k, out));
    auto loss = [&] {
      conv2d_forward(x.data(), n, tc.in, w.data(), b.data(), k, tc.pad, tc.relu, out, cols.data(), threads.view,
                     y.data());
      return dot(y, r);
    };
    loss();
    std::vector<float> dy = r, dx(x.size()), dw(w.size()), db(b.size());
    conv2d_backward(dy.data(), y.data(), n, tc.in, w.data(), k, tc.pad, tc.relu, out, cols.data(), threads.view,
                    dw.data(), db.data(), dx.data());
    CHECK(compare_gradients("conv2d dx", x.data(), dx.data(), spread_indices(x.size(), 200), loss).rel_error < 1e-3);
    CHECK(compare_gradients("conv2d dw", w.data(), dw.data(), spread_indices(w.size(), 200), loss).rel_error < 1e-3);
    CHECK(compare_gradients("conv2d db", b.data(), db.data(), spread_indices(b.size(), 200), loss).rel_error < 1e-3);
  }
}

TEST_CASE("maxpool forward: 2x2 windows by hand, odd sizes floor like Keras", "[layers][maxpool]") {
  // 4x4 image 0..15 row-major: the maxima of the 2x2 windows are 5, 7, 13, 15.
  std::vector<float> x(16);
  for (int i = 0; i < 16; ++i) x[i] = float(i);
  std::vector<float> y(4);
  std::vector<int32_t> arg(4);
  maxpool_forward(x.data(), 1, {4, 4, 1}, 2, {2, 2, 1}, y.data(), arg.data());
  CHECK(y == std::vector<float>{5, 7, 13, 15});
  CHECK(arg == std::vector<int32_t>{5, 7, 13, 15});
  // 5x5: floor(5/2) = 2; the last row and column are dropped. Maxima: 6, 8, 16, 18.
  std::vector<float> x5(25);
  for (int i = 0; i < 25; ++i) x5[i] = float(i);
  maxpool_forward(x5.data(), 1, {5, 5, 1}, 2, {2, 2, 1}, y.data(), arg.data());
  CHECK(y == std::vector<float>{6, 8, 16, 18});
  // Backward routes each gradient to its maximum only.
  std::vector<float> dy = {1, 2, 3, 4}, dx(25);
  maxpool_backward(dy.data(), 1, {5, 5, 1}, {2, 2, 1}, arg.data(), dx.data());
  CHECK(dx[6] == 1);
  CHECK(dx[8] == 2);
  CHECK(dx[16] == 3);
  CHECK(dx[18] == 4);
  double total = 0;
  for (float v : dx) total += v;
  CHECK(total == 10);
}

TEST_CASE("maxpool backward matches finite differences, several channels and a batch", "[layers][maxpool][gradcheck]") {
  const int n = 2;
  const Shape in{6, 7, 3}, out{3, 3, 3};
  std::vector<float> x = random_vector(n * in.size(), 7), r = random_vector(n * out.size(), 8);
  std::vector<float> y(n * out.size());
  std::vector<int32_t> arg(y.size());
  auto loss = [&] {
    maxpool_forward(x.data(), n, in, 2, out, y.data(), arg.data());
    return dot(y, r);
  };
  loss();
  std::vector<float> dx(x.size());
  maxpool_backward(r.data(), n, in, out, arg.data(), dx.data());
  // eps well below the gap between random values in a window, so the argmax does not change.
  CHECK(compare_gradients("maxpool dx", x.data(), dx.data(), spread_indices(x.size(), 252), loss, 1e-4f).rel_error < 1e-2);
}

TEST_CASE("relu and dropout: forward by hand, backward masks", "[layers][relu][dropout]") {
  const std::vector<float> x = {-2, -0.5f, 0, 0.5f, 2};
  std::vector<float> y(5), dx(5);
  relu_forward(x.data(), 5, y.data());
  CHECK(y == std::vector<float>{0, 0, 0, 0.5f, 2});
  const std::vector<float> dy = {1, 1, 1, 1, 1};
  relu_backward(dy.data(), y.data(), 5, dx.data());
  CHECK(dx == std::vector<float>{0, 0, 0, 1, 1});

  // Inverted dropout, rate 0.25: kept units are scaled by 1/0.75, about a quarter are dropped.
  const size_t count = 20000;
  std::vector<float> ones(count, 1.0f), out(count), mask(count);
  Rng rng(9);
  dropout_forward(ones.data(), count, 0.25f, &rng, mask.data(), out.data());
  size_t dropped = 0;
  for (size_t i = 0; i < count; ++i) {
    if (out[i] == 0.0f) ++dropped;
    else REQUIRE(out[i] == Approx(1.0f / 0.75f));
  }
  CHECK(double(dropped) / count == Approx(0.25).margin(0.015));
  std::vector<float> g(count, 2.0f), dg(count);
  dropout_backward(g.data(), mask.data(), count, dg.data());
  for (size_t i = 0; i < count; i += 997) CHECK(dg[i] == 2.0f * mask[i]);
  // Inference: the identity, whatever the rate.
  dropout_forward(x.data(), 5, 0.5f, nullptr, mask.data(), y.data());
  CHECK(y == x);
}

TEST_CASE("dropout: the mask depends on the generator's state only, not on the number of threads", "[layers][dropout]") {
  const size_t count = 200 * 1764;  // the book model's first dropout layer, batch 200: many runs of units
  const std::vector<float> x(count, 1.0f);
  std::vector<float> mask1(count), mask3(count), again(count), y(count);
  const int saved = engine_threads();
  Rng a(5), b(5);
  engine_set_threads(1);
  dropout_forward(x.data(), count, 0.5f, &a, mask1.data(), y.data());
  engine_set_threads(3);
  dropout_forward(x.data(), count, 0.5f, &b, mask3.data(), y.data());
  CHECK(mask1 == mask3);
  CHECK(a.next_u32() == b.next_u32());  // both generators advanced alike
  dropout_forward(x.data(), count, 0.5f, &a, again.data(), y.data());
  CHECK(again != mask1);  // the next batch gets a new mask
  engine_set_threads(saved);
}

// The masks come from a counter-based hash of the unit's index (rng.h): check that they look independent.
TEST_CASE("dropout: masks drop the asked share, neighbours and successive batches independently", "[layers][dropout]") {
  const size_t count = 200 * 1764;
  const std::vector<float> x(count, 1.0f);
  std::vector<float> first(count), second(count), y(count);
  Rng rng(11);
  for (float rate : {0.1f, 0.5f, 0.9f}) {
    INFO("rate " << rate);
    dropout_forward(x.data(), count, rate, &rng, first.data(), y.data());
    dropout_forward(x.data(), count, rate, &rng, second.data(), y.data());
    size_t dropped = 0, both_neighbours = 0, same_as_next_batch = 0;
    for (size_t i = 0; i < count; ++i) {
      dropped += first[i] == 0.0f;
      both_neighbours += i + 1 < count && first[i] == 0.0f && first[i + 1] == 0.0f;
      same_as_next_batch += (first[i] == 0.0f) == (second[i] == 0.0f);
    }
    const double p = rate;
    CHECK(double(dropped) / count == Approx(p).margin(0.005));
    CHECK(double(both_neighbours) / count == Approx(p * p).margin(0.005));
    CHECK(double(same_as_next_batch) / count == Approx(p * p + (1 - p) * (1 - p)).margin(0.005));
  }
}

TEST_CASE("dense forward by hand and backward against finite differences", "[layers][dense][gradcheck]") {
  // x = [1, 2]; w = [[1, 2, 3], [4, 5, 6]]; b = [0.5, -20, 0] -> y = [9.5, -8, 15]; ReLU -> [9.5, 0, 15].
  const std::vector<float> x = {1, 2}, w = {1, 2, 3, 4, 5, 6}, b = {0.5f, -20, 0};
  std::vector<float> y(3);
  TestThreadScratch threads(dense_thread_floats(3, 7, 5));  // the largest case below
  dense_forward(x.data(), 1, 2, w.data(), b.data(), 3, false, threads.view, y.data());
  CHECK(y == std::vector<float>{9.5f, -8, 15});
  dense_forward(x.data(), 1, 2, w.data(), b.data(), 3, true, threads.view, y.data());
  CHECK(y == std::vector<float>{9.5f, 0, 15});

  for (bool relu : {false, true}) {
    const int n = 3, in_units = 7, out_units = 5;
    std::vector<float> xs = random_vector(n * in_units, 10), ws = random_vector(in_units * out_units, 11);
    std::vector<float> bs = random_vector(out_units, 12), r = random_vector(n * out_units, 13), ys(n * out_units);
    auto loss = [&] {
      dense_forward(xs.data(), n, in_units, ws.data(), bs.data(), out_units, relu, threads.view, ys.data());
      return dot(ys, r);
    };
    loss();
    std::vector<float> dy = r, dx(xs.size()), dw(ws.size()), db(bs.size());
    dense_backward(dy.data(), ys.data(), xs.data(), n, in_units, ws.data(), out_units, relu, threads.view, dw.data(),
                   db.data(), dx.data());
    CHECK(compare_gradients("dense dx", xs.data(), dx.data(), spread_indices(xs.size(), 100), loss).rel_error < 1e-3);
    CHECK(compare_gradients("dense dw", ws.data(), dw.data(), spread_indices(ws.size(), 100), loss).rel_error < 1e-3);
    CHECK(compare_gradients("dense db", bs.data(), db.data(), spread_indices(bs.size(), 100), loss).rel_error < 1e-3);
  }
}

TEST_CASE("dense: the small-batch loops and the GEMM path give the same outputs and gradients", "[layers][dense]") {
  // 5 rows take the small-batch loops; the same 5 rows padded with 15 zero rows take the GEMM path.
  const int small = 5, big = 20, in = 37, out = 11;
  Rng rng(21);
  auto random = [&](size_t count) {
    std::vector<float> v(count);
    for (float& f : v) f = rng.uniform(-1.0f, 1.0f);
    return v;
  };
  std::vector<float> w = random(size_t(in) * out), b = random(size_t(out)), x = random(size_t(small) * in);
  x[3] = 0.0f;  // a zero input, which the loops skip
  std::vector<float> dy = random(size_t(small) * out);
  std::vector<float> xb(size_t(big) * in, 0.0f), dyb(size_t(big) * out, 0.0f);
  std::copy(x.begin(), x.end(), xb.begin());
  std::copy(dy.begin(), dy.end(), dyb.begin());
  TestThreadScratch threads(dense_thread_floats(big, in, out));
  for (bool relu : {false, true}) {
    std::vector<float> y(size_t(small) * out), yb(size_t(big) * out);
    dense_forward(x.data(), small, in, w.data(), b.data(), out, relu, threads.view, y.data());
    dense_forward(xb.data(), big, in, w.data(), b.data(), out, relu, threads.view, yb.data());
    for (size_t i = 0; i < y.size(); ++i) REQUIRE(y[i] == Approx(yb[i]).margin(1e-5));
    std::vector<float> dw(w.size()), dwb(w.size()), db(b.size()), dbb(b.size()), dx(x.size()), dxb(xb.size());
    std::vector<float> dy1 = dy, dy2 = dyb;  // backward applies the ReLU mask in place
    dense_backward(dy1.data(), y.data(), x.data(), small, in, w.data(), out, relu, threads.view, dw.data(), db.data(),
                   dx.data());
    dense_backward(dy2.data(), yb.data(), xb.data(), big, in, w.data(), out, relu, threads.view, dwb.data(), dbb.data(),
                   dxb.data());
    for (size_t i = 0; i < dw.size(); ++i) REQUIRE(dw[i] == Approx(dwb[i]).margin(1e-5));
    for (size_t i = 0; i < db.size(); ++i) REQUIRE(db[i] == Approx(dbb[i]).margin(1e-5));
    for (size_t i = 0; i < dx.size(); ++i) REQUIRE(dx[i] == Approx(dxb[i]).margin(1e-5));
  }
}

TEST_CASE("softmax cross-entropy: values by hand, stable for huge logits, gradient", "[layers][softmax][gradcheck]") {
  // logits [0, ln 3] -> probs [1/4, 3/4]; label 1 -> loss -ln(3/4).
  const std::vector<float> z = {0.0f, std::log(3.0f)};
  const uint8_t label = 1;
  std::vector<float> p(2);
  int correct = -1;
  const double loss = softmax_xent_forward(z.data(), &label, 1, 2, p.data(), &correct);
  CHECK(p[0] == Approx(0.25f));
  CHECK(p[1] == Approx(0.75f));
  CHECK(loss == Approx(-std::log(0.75)));
  CHECK(correct == 1);
  // Logits of 1000 would overflow exp() without the max shift.
  const std::vector<float> big = {1000.0f, 0.0f, -1000.0f};
  const uint8_t wrong = 2;
  std::vector<float> pb(3);
  const double big_loss = softmax_xent_forward(big.data(), &wrong, 1, 3, pb.data(), &correct);
  CHECK(std::isfinite(big_loss));
  CHECK(big_loss == Approx(2000.0));
  CHECK(pb[0] == Approx(1.0f));
  CHECK(correct == 0);

  // Probabilities sum to 1 and the gradient of the mean loss matches finite differences.
  const int n = 4, k = 10;
  std::vector<float> logits = random_vector(n * k, 14, -3, 3), probs(n * k), dlogits(n * k);
  const std::vector<uint8_t> labels = {3, 0, 9, 5};
  auto mean_loss = [&] { return softmax_xent_forward(logits.data(), labels.data(), n, k, probs.data(), nullptr) / n; };
  mean_loss();
  for (int i = 0; i < n; ++i) {
    double s = 0;
    for (int j = 0; j < k; ++j) s += probs[i * k + j];
    CHECK(s == Approx(1.0));
  }
  softmax_xent_backward(probs.data(), labels.data(), n, k, 1.0f / n, dlogits.data());
  CHECK(compare_gradients("softmax dlogits", logits.data(), dlogits.data(), spread_indices(logits.size(), 40), mean_loss,
                          1e-3f).rel_error < 1e-3);
}
