// test_optimizer.cpp: Adam and SGD (with and without momentum) against updates worked out by hand, and the
// validation of user-typed optimizer settings.
//
// Every expected number below is derived in the comment beside it from the tf.keras formulas in optimizer.h
// (b1 = 0.9, b2 = 0.999, eps = 1e-7 unless stated). Not here: training a model (test_trainer).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "optimizer.h"

using namespace convlens;
using Catch::Matchers::Contains;

namespace {

// Absolute tolerance 1e-6 only (Approx's default relative epsilon would be looser than that).
Approx near(double x, double margin = 1e-6) { return Approx(x).epsilon(0.0).margin(margin); }

// The second moment is checked relatively: in float, 1 - 0.999f = 0.0010000467, 5e-5 away from 0.001.
Approx near_rel(double x) { return Approx(x).epsilon(1e-4).margin(0.0); }

OptimizerConfig adam(float lr) {
  OptimizerConfig c;
  c.kind = OptimizerKind::Adam;
  c.lr = lr;
  return c;
}

OptimizerConfig sgd(float lr, float momentum) {
  OptimizerConfig c;
  c.kind = OptimizerKind::SGD;
  c.lr = lr;
  c.momentum = momentum;
  return c;
}

}  // namespace

TEST_CASE("optimizer_make: zeroed state of the right size", "[optimizer]") {
  const Optimizer a = optimizer_make(adam(0.1f), 5);
  CHECK(a.step == 0);
  CHECK(a.m == FloatBuffer(5, 0.0f));
  CHECK(a.v == FloatBuffer(5, 0.0f));
  const Optimizer s = optimizer_make(sgd(0.1f, 0.9f), 3);
  CHECK(s.m == FloatBuffer(3, 0.0f));
  CHECK(optimizer_name(OptimizerKind::Adam) == "adam");
  CHECK(optimizer_name(OptimizerKind::SGD) == "sgd");
}

TEST_CASE("Adam: two steps worked out by hand", "[optimizer]") {
  // Four independent parameters updated together, lr = 0.1.
  std::vector<float> p = {1.0f, -2.0f, 0.5f, 3.0f};
  Optimizer opt = optimizer_make(adam(0.1f), p.size());

  // ---- step 1: g = (0.5, -1, 0, 1000) ----
  // lr_1 = 0.1 * sqrt(1 - 0.999) / (1 - 0.9) = 0.1 * 0.0316227766 / 0.1 = 0.0316227766
  // p0: m = 0.1*0.5 = 0.05;  v = 0.001*0.25 = 0.00025;  sqrt(v) = 0.0158113883
  //     p = 1 - 0.0316227766 * 0.05 / (0.0158113883 + 1e-7) = 1 - 0.0999993675 = 0.9000006325
  // p1: m = -0.1;  v = 0.001;  sqrt(v) = 0.0316227766
  //     p = -2 - 0.0316227766 * (-0.1) / (0.0316227766 + 1e-7) = -2 + 0.0999996838 = -1.9000003162
  // p2: g = 0: m = v = 0, the update is 0 / (0 + eps) = 0: p stays 0.5
  // p3: m = 100;  v = 1000;  sqrt(v) = 31.6227766: p = 3 - 0.0316227766 * 100 / 31.6227767 = 2.9000000003
  //     (bias correction makes the first step ~lr whatever the gradient's scale)
  const std::vector<float> g1 = {0.5f, -1.0f, 0.0f, 1000.0f};
  optimizer_step(opt, p.data(), g1.data(), p.size());
  CHECK(opt.step == 1);
  CHECK(opt.m[0] == near(0.05, 1e-7));
  CHECK(opt.v[0] == near_rel(0.00025));
  CHECK(opt.m[1] == near(-0.1, 1e-7));
  CHECK(opt.v[1] == near_rel(0.001));
  CHECK(p[0] == near(0.9000006325));
  CHECK(p[1] == near(-1.9000003162));
  CHECK(p[2] == 0.5f);
  CHECK(p[3] == near(2.9000000003));

  // ---- step 2: g = (-0.2, 3, 0, 1000) ----
  // lr_2 = 0.1 * sqrt(1 - 0.999^2) / (1 - 0.9^2) = 0.1 * sqrt(0.001999) / 0.19 = 0.1 * 0.0447101778 / 0.19
  //      = 0.0235316725
  // p0: m = 0.9*0.05 + 0.1*(-0.2) = 0.025;  v = 0.999*0.00025 + 0.001*0.04 = 0.00028975;  sqrt(v) = 0.0170220445
  //     p = 0.9000006325 - 0.0235316725 * 0.025 / (0.0170220445 + 1e-7) = 0.9000006325 - 0.0345603818
  //       = 0.8654402507
  // p1: m = 0.9*(-0.1) + 0.1*3 = 0.21;  v = 0.999*0.001 + 0.001*9 = 0.009999;  sqrt(v) = 0.0999949999
  //     p = -1.9000003162 - 0.0235316725 * 0.21 / (0.0999949999 + 1e-7) = -1.9000003162 - 0.0494189339
  //       = -1.9494192501
  // p3: m = 90 + 100 = 190;  v = 999 + 1000 = 1999;  sqrt(v) = 44.7101778
  //     p = 2.9000000003 - 0.0235316725 * 190 / 44.7101779 = 2.9000000003 - 0.0999999998 = 2.8000000005
  const std::vector<float> g2 = {-0.2f, 3.0f, 0.0f, 1000.0f};
  optimizer_step(opt, p.data(), g2.data(), p.size());
  CHECK(opt.step == 2);
  CHECK(opt.m[0] == near(0.025, 1e-7));
  CHECK(opt.v[0] == near_rel(0.00028975));
  CHECK(opt.m[1] == near(0.21, 1e-7));
  CHECK(opt.v[1] == near_rel(0.009999));
  CHECK(p[0] == near(0.8654402507));
  CHECK(p[1] == near(-1.9494192501));
  CHECK(p[2] == 0.5f);
  CHECK(p[3] == near(2.8000000005));
}

TEST_CASE("Adam: custom betas and epsilon are used", "[optimizer]") {
  // b1 = 0.5, b2 = 0.75, eps = 0.1, lr = 1, p = 0, g = 2:
  // m = 0.5*2 = 1;  v = 0.25*4 = 1;  lr_1 = 1 * sqrt(1 - 0.75) / (1 - 0.5) = 0.5 / 0.5 = 1
  // p = 0 - 1 * 1 / (1 + 0.1) = -0.9090909091
  OptimizerConfig c = adam(1.0f);
  c.beta1 = 0.5f;
  c.beta2 = 0.75f;
  c.epsilon = 0.1f;
  REQUIRE(optimizer_validate(c).ok());
  Optimizer opt = optimizer_make(c, 1);
  float p = 0.0f;
  const float g = 2.0f;
  optimizer_step(opt, &p, &g, 1);
  CHECK(p == near(-0.9090909091));
}

TEST_CASE("SGD without momentum: p -= lr g", "[optimizer]") {
  // lr = 0.1, p = 1; g = 0.5, -0.2, 1.0:
  // p = 1 - 0.05 = 0.95;  p = 0.95 + 0.02 = 0.97;  p = 0.97 - 0.1 = 0.87
  std::vector<float> p = {1.0f, -3.0f};
  Optimizer opt = optimizer_make(sgd(0.1f, 0.0f), p.size());
  const float grads[3][2] = {{0.5f, 2.0f}, {-0.2f, 0.0f}, {1.0f, -4.0f}};
  const double expected[3][2] = {{0.95, -3.2}, {0.97, -3.2}, {0.87, -2.8}};  // second: -3 - 0.2 - 0 + 0.4
  for (int s = 0; s < 3; ++s) {
    INFO("step " << s + 1);
    optimizer_step(opt, p.data(), grads[s], p.size());
    CHECK(p[0] == near(expected[s][0]));
    CHECK(p[1] == near(expected[s][1]));
  }
  CHECK(opt.step == 3);
}

TEST_CASE("SGD with momentum 0.9: v = 0.9 v - lr g then p += v", "[optimizer]") {
  // lr = 0.1, p = 1; g = 0.5, -0.2, 1.0:
  // step 1: v = 0 - 0.05 = -0.05;                       p = 1 - 0.05 = 0.95
  // step 2: v = 0.9*(-0.05) - 0.1*(-0.2) = -0.045 + 0.02 = -0.025;  p = 0.95 - 0.025 = 0.925
  // step 3: v = 0.9*(-0.025) - 0.1*1.0 = -0.0225 - 0.1 = -0.1225;   p = 0.925 - 0.1225 = 0.8025
  float p = 1.0f;
  Optimizer opt = optimizer_make(sgd(0.1f, 0.9f), 1);
  const float grads[3] = {0.5f, -0.2f, 1.0f};
  const double velocity[3] = {-0.05, -0.025, -0.1225};
  const double expected[3] = {0.95, 0.925, 0.8025};
  for (int s = 0; s < 3; ++s) {
    INFO("step " << s + 1);
    optimizer_step(opt, &p, &grads[s], 1);
    CHECK(opt.m[0] == near(velocity[s]));
    CHECK(p == near(expected[s]));
  }
}

TEST_CASE("optimizer_validate: sensible settings pass", "[optimizer]") {
  CHECK(optimizer_validate(OptimizerConfig{}).ok());
  CHECK(optimizer_validate(adam(10.0f)).ok());
  CHECK(optimizer_validate(adam(1e-6f)).ok());
  CHECK(optimizer_validate(sgd(0.01f, 0.0f)).ok());
  CHECK(optimizer_validate(sgd(0.01f, 0.99f)).ok());
  OptimizerConfig zero_betas = adam(0.001f);
  zero_betas.beta1 = 0.0f;
  zero_betas.beta2 = 0.0f;
  CHECK(optimizer_validate(zero_betas).ok());
}

// Regression (issue 13): `--lr 1e30` was reported as "learning rate 1000000015047466219876688855040.000000".
TEST_CASE("optimizer_validate: a huge learning rate is printed short, %g-style", "[optimizer]") {
  CHECK(optimizer_validate(adam(1e30f)).error == "learning rate must be a number in (0, 10], got 1e+30");
  CHECK(optimizer_validate(sgd(12.5f, 0.0f)).error == "learning rate must be a number in (0, 10], got 12.5");
}

TEST_CASE("optimizer_validate: absurd settings are errors with a message", "[optimizer]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();

  for (float lr : {0.0f, -0.001f, nan, inf, -inf}) {
    INFO("lr " << lr);
    const Status s = optimizer_validate(adam(lr));
    CHECK_FALSE(s.ok());
    CHECK_THAT(s.error, Contains("learning rate"));
    CHECK_FALSE(optimizer_validate(sgd(lr, 0.0f)).ok());
  }
  for (float lr : {10.5f, 11.0f, 1e6f}) {
    INFO("lr " << lr);
    const Status s = optimizer_validate(adam(lr));
    CHECK_FALSE(s.ok());
    CHECK_THAT(s.error, Contains("learning rate"));
  }

  for (float momentum : {1.0f, 1.5f, -0.1f, nan, inf}) {
    INFO("momentum " << momentum);
    const Status s = optimizer_validate(sgd(0.01f, momentum));
    CHECK_FALSE(s.ok());
    CHECK_THAT(s.error, Contains("momentum"));
  }

  for (float beta : {1.0f, 1.1f, -0.1f, nan}) {
    INFO("beta " << beta);
    OptimizerConfig c1 = adam(0.001f);
    c1.beta1 = beta;
    const Status s1 = optimizer_validate(c1);
    CHECK_FALSE(s1.ok());
    CHECK_THAT(s1.error, Contains("beta"));
    OptimizerConfig c2 = adam(0.001f);
    c2.beta2 = beta;
    const Status s2 = optimizer_validate(c2);
    CHECK_FALSE(s2.ok());
    CHECK_THAT(s2.error, Contains("beta"));
  }

  for (float eps : {0.0f, -1e-7f, nan, inf}) {
    INFO("epsilon " << eps);
    OptimizerConfig c = adam(0.001f);
    c.epsilon = eps;
    const Status s = optimizer_validate(c);
    CHECK_FALSE(s.ok());
    CHECK_THAT(s.error, Contains("epsilon"));
  }
}
