// optimizer.cpp: Adam and SGD-with-momentum updates (formulas in optimizer.h).
#include "optimizer.h"

#include <cmath>
#include <cstdio>

#include "kernels/hot_loops.h"

namespace convlens {

Status optimizer_validate(const OptimizerConfig& c) {
  if (!kLrRange.contains(c.lr))
    return Status::fail("learning rate must be " + kLrRange.text() + ", got " + number_text(double(c.lr)));
  if (!(c.beta1 >= 0.0f && c.beta1 < 1.0f) || !(c.beta2 >= 0.0f && c.beta2 < 1.0f))
    return Status::fail("Adam betas must be in [0, 1)");
  if (!std::isfinite(c.epsilon) || c.epsilon <= 0.0f) return Status::fail("Adam epsilon must be > 0");
  if (!kMomentumRange.contains(c.momentum))
    return Status::fail("momentum must be " + kMomentumRange.text() + ", got " + number_text(double(c.momentum)));
  return Status::success();
}

bool optimizer_from_name(const std::string& name, OptimizerKind& kind) {
  for (OptimizerKind k : {OptimizerKind::Adam, OptimizerKind::SGD}) {
    if (name == optimizer_name(k)) {
      kind = k;
      return true;
    }
  }
  return false;
}

Optimizer optimizer_make(const OptimizerConfig& config, size_t param_count) {
  Optimizer opt;
  opt.config = config;
  opt.m.assign(param_count, 0.0f);
  if (config.kind == OptimizerKind::Adam) opt.v.assign(param_count, 0.0f);
  return opt;
}

void optimizer_step(Optimizer& opt, float* params, const float* grads, size_t count) {
  const OptimizerConfig& c = opt.config;
  ++opt.step;
  float* m = opt.m.data();
  if (c.kind == OptimizerKind::SGD) {
    for (size_t i = 0; i < count; ++i) {
      m[i] = c.momentum * m[i] - c.lr * grads[i];
      params[i] += m[i];
    }
    return;
  }
  const double t = double(opt.step);
  const float lr_t = float(c.lr * std::sqrt(1.0 - std::pow(double(c.beta2), t)) / (1.0 - std::pow(double(c.beta1), t)));
  adam_update(params, grads, m, opt.v.data(), count, lr_t, c.beta1, c.beta2, c.epsilon);  // hot_loops.h
}

std::string optimizer_name(OptimizerKind kind) { return kind == OptimizerKind::Adam ? "adam" : "sgd"; }

}  // namespace convlens
