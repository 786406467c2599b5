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
#include "ranges.h"
#include "status.h"

namespace convlens {

enum class OptimizerKind { Adam, SGD };

// Defaults: tf.keras' Adam (the book's); SGD's momentum is the usual 0.9 (Adam ignores it).
struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::Adam;
  float lr = 1e-3f;        // learning rate, in kLrRange
  float beta1 = 0.9f;      // Adam
  float beta2 = 0.999f;    // Adam
  float epsilon = 1e-7f;   // Adam
  float momentum = 0.9f;   // SGD, in kMomentumRange
};

// What a user may set (every front end reads these), checked by optimizer_validate.
constexpr RealRange kLrRange{0, 10, true, false};       // (0, 10]
constexpr RealRange kMomentumRange{0, 1, false, true};  // [0, 1)

// Checks a configuration a user typed: lr and momentum in their ranges, betas in [0, 1), epsilon > 0.
Status optimizer_validate(const OptimizerConfig& config);
// "adam" or "sgd" into `kind`; false for any other name.
bool optimizer_from_name(const std::string& name, OptimizerKind& kind);

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
