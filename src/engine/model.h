// model.h: a sequential CNN — its layers, its parameters in one flat buffer, and the passes over a batch.
//
// The Model holds only what defines the network (layers, shapes, parameters, gradients). Every per-batch buffer,
// the kernels' per-thread scratch included, lives in a Workspace, so several callers (the trainer, the feature-map
// probe, a test) can run the same model with their own scratch memory without touching each other's state.
// Workspaces grow once per batch size (and number of threads) and are then reused: no allocation on the training
// hot path; freeing the Workspace frees all of it.
//
// Legend: N batch, L number of layers, K classes. Layout NHWC (shape.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "aligned_buffer.h"
#include "dataset.h"
#include "feature_map.h"
#include "kernels/scratch.h"
#include "model_spec.h"
#include "rng.h"
#include "shape.h"
#include "status.h"

namespace convlens {

struct Layer {
  LayerSpec spec;
  std::string name;      // Keras-style unique name: conv2d, conv2d_1, max_pooling2d, dense_1, ...
  Shape in, out;         // one sample's input and output shape
  size_t w_offset = 0;   // weights in Model::params: Conv2D (K,K,C,F), Dense (I,O)
  size_t w_count = 0;
  size_t b_offset = 0;   // biases: (F) or (O)
  size_t b_count = 0;
  size_t param_count() const { return w_count + b_count; }
};

struct Model {
  std::string spec;           // canonical one-line spec (model_spec.h)
  Shape input;                // one input image, e.g. (28,28,1)
  int num_classes = 10;       // K = units of the last dense layer
  std::vector<Layer> layers;  // L layers in order
  size_t param_count = 0;     // P
  FloatBuffer params;         // every weight and bias (P), one allocation; layers hold offsets into it
  FloatBuffer grads;          // same layout as params; written by model_backward

  float* weights(const Layer& l) { return params.data() + l.w_offset; }
  const float* weights(const Layer& l) const { return params.data() + l.w_offset; }
  const float* biases(const Layer& l) const { return params.data() + l.b_offset; }
};

struct Workspace {
  std::vector<FloatBuffer> act;              // act[0] input (N, input); act[l+1] output of layer l (N, out)
  std::vector<FloatBuffer> dact;             // d(loss)/d(act), same sizes; dact[0] only with input gradients
  std::vector<FloatBuffer> scratch;          // per layer: Conv2D padded input etc. (layers.h); Dropout mask (N, out)
  std::vector<std::vector<int32_t>> argmax;  // per layer: MaxPool2D argmax (N, out)
  FloatBuffer probs;                         // (N, K) softmax of the last forward pass
  FloatBuffer thread_scratch;                // the kernels' per-thread scratch (kernels/scratch.h), one slice a thread
  ThreadFloats thread_floats;                // floats of the calling thread's slice and of each worker's (x16)
  int threads = 0;                           // slices: the calling thread's, then threads - 1 workers'
  bool exact_ties = false;                   // no Winograd: equal inputs give equal outputs (explain.h)
};

// Builds the layers, shapes and parameter layout from a spec or preset name. Parameters are zero: call
// model_init. Errors: bad spec, shapes that vanish (e.g. too many pools), last layer units != num_classes.
Result<Model> model_build(const std::string& spec_or_preset, Shape input, int num_classes);
// The same without allocating params and grads (they stay empty; param_count says how many): what a model
// would need can be checked (memory.h) before it is built.
Result<Model> model_plan(const std::string& spec_or_preset, Shape input, int num_classes);

// Keras defaults: Glorot-uniform kernels, zero biases, drawn from Rng(seed).
void model_init(Model& model, uint64_t seed);

// A table like Keras' model.summary(): layer (type), output shape, parameter count, totals.
std::string model_summary(const Model& model);

// Floating-point operations (multiply and add counted as 2) for one sample: forward, or forward + backward.
double model_flops_per_sample(const Model& model, bool training);

// Grows the workspace to hold batches of n of this model on engine_threads() threads (never shrinks; any earlier
// model's sizes stay).
void workspace_reserve(Workspace& ws, const Model& model, int n);
// The bytes workspace_reserve allocates for batches of n on `threads` threads in an empty workspace (model may be
// a plan): the per-layer buffers and `threads` slices of per-thread scratch.
uint64_t workspace_bytes(const Model& model, int n, int threads);
// The bytes `ws` holds now (its buffers' capacities): what workspace_bytes predicted, as allocated.
uint64_t workspace_held_bytes(const Workspace& ws);
// The per-thread scratch the layer kernels need for passes over batches of n (model may be a plan): the largest
// of any layer's, as the layers run one at a time.
ThreadFloats model_thread_floats(const Model& model, int n);
// What inference over batches of n on `threads` threads needs: the parameters and the workspace, per-thread
// scratch included (model may be a plan). Training adds its copies to this (Trainer::memory_bytes).
uint64_t model_inference_bytes(const Model& model, int n, int threads);

// Copies images (N, H, W, C) uint8 into act[0] as floats in [0, 1] (the per-batch normalisation).
void model_set_input_u8(const Model& model, Workspace& ws, const uint8_t* images, int n);
// Copies the samples `indices` of `data` into act[0] and their labels into `labels` (N).
void model_gather_batch(const Model& model, Workspace& ws, const Dataset& data, const uint32_t* indices, int n,
                        uint8_t* labels);
// The same for the consecutive samples [first, first + n).
void model_gather_range(const Model& model, Workspace& ws, const Dataset& data, size_t first, int n, uint8_t* labels);

// Forward pass over act[0] for n samples; logits end in act[L]. `training` switches dropout on (rng required).
// The passes grow the per-thread scratch if the engine has more threads than when the workspace was reserved.
void model_forward(const Model& model, Workspace& ws, int n, bool training, Rng* rng);
// Softmax of the logits into ws.probs; with labels, returns the SUMMED cross-entropy and counts correct ones.
double model_softmax(const Model& model, Workspace& ws, const uint8_t* labels, int n, int* correct);
// Backward pass of the batch-mean loss (after model_forward + model_softmax): writes model.grads.
// With input_grad, also d(loss)/d(input) into dact[0] (for gradient checks and saliency).
void model_backward(Model& model, Workspace& ws, const uint8_t* labels, int n, bool input_grad = false);
// The same pass from any gradient of the logits, written by the caller into ws.dact[L] (N, K): e.g. one-hot for
// the gradient of one class's score (explain.h). Writes model.grads and every ws.dact[l].
void model_backward_from_logits(Model& model, Workspace& ws, int n, bool input_grad);

// The book's feature_map_model: every layer's output for one image (H, W, C floats in [0, 1]), inference mode.
// Uses only `ws` (grown to 1 sample if needed), never the training state.
std::vector<FeatureMap> model_feature_maps(const Model& model, Workspace& ws, const float* image);

}  // namespace convlens
