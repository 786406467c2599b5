// optimizer.h: Adam and SGD with momentum over the model's one flat parameter buffer — one loop each.
//
// Formulas follow tf.keras (so results compare with the book):
//   Adam:  t += 1; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
//          lr_t = lr sqrt(1 - b2^t) / (1 - b1^t);  p -= lr_t m / (sqrt(v) + eps)     (eps is Keras' "epsilon hat")
//   SGD:   v = momentum v - lr g;  p += v                                             (momentum 0: p -= lr g)
// Not here: learning-rate schedules, weight decay, gradient clipping.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "aligned_buffer.h"
#include "status.h"

namespace convlens {

enum class OptimizerKind { Adam, SGD };

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::Adam;
  float lr = 1e-3f;        // learning rate
  float beta1 = 0.9f;      // Adam
  float beta2 = 0.999f;    // Adam
  float epsilon = 1e-7f;   // Adam
  float momentum = 0.0f;   // SGD
};

// Checks a configuration a user typed: finite, lr > 0, betas and momentum in [0, 1), epsilon > 0.
Status optimizer_validate(const OptimizerConfig& config);

struct Optimizer {
  OptimizerConfig config;
  long step = 0;          // t: updates done so far
  FloatBuffer m;          // Adam first moment / SGD velocity, one per parameter
  FloatBuffer v;          // Adam second moment, one per parameter
};

Optimizer optimizer_make(const OptimizerConfig& config, size_t param_count);
// One update of params (P) from grads (P).
void optimizer_step(Optimizer& opt, float* params, const float* grads, size_t count);

std::string optimizer_name(OptimizerKind kind);  // "adam" / "sgd"

}  // namespace convlens
