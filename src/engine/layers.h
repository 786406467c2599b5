// layers.h: every layer's forward pass with its backward pass right below it, as plain functions on raw
// NHWC float buffers. The model (model.h) owns the buffers and calls these in order.
//
// Legend: N batch, H/W input rows/cols, C input channels, Ho/Wo output rows/cols, F filters (output channels),
//         K kernel side, P pool size, I/O dense input/output units, M = N*Ho*Wo, KKC = K*K*C.
// Gradient buffers carry a `d` prefix. Backward functions OVERWRITE parameter gradients (one use per batch).
// threads: the kernels' per-thread scratch (kernels/scratch.h), holding *_thread_floats() for at least
// engine_threads() threads; the layers keep no memory of their own.
// Not here: buffer allocation, parameter initialisation, the order of layers (model.cpp).
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/scratch.h"
#include "model_spec.h"
#include "rng.h"
#include "shape.h"

namespace convlens {

// ---- Conv2D: stride 1, 'same' or 'valid' padding, optional fused ReLU; implicit GEMMs (no im2col) ----------
// x (N,H,W,C), w (K,K,C,F), b (F), y (N,Ho,Wo,F). scratch: conv2d_scratch_floats() floats, 64-byte aligned; the
// forward pass leaves a zero-padded copy of x there for the backward pass (and the implicit GEMMs' offset tables).
int conv2d_pad_before(int k, Padding pad);  // zero rows/cols added above/left ('same': (K-1)/2, like Keras)
uint64_t conv2d_scratch_floats(int n, Shape in, int k, Shape out);  // 64-bit: see workspace_bytes
// The per-thread scratch of this layer's passes over a batch of n: GEMM packing, the bias gradient's partial
// sums, the Winograd and sparse kernels' own (one at a time).
ThreadFloats conv2d_thread_floats(int n, Shape in, int k, Shape out);
// winograd: 5x5 kernels may run as Winograd F(2x2,5x5) (2.8x fewer FLOPs, other rounding); false computes every
// output as the GEMM does, so that equal inputs give equal outputs (max-pool ties stay ties: explain.h).
void conv2d_forward(const float* x, int n, Shape in, const float* w, const float* b, int k, Padding pad,
                    bool relu, Shape out, float* scratch, ThreadScratch threads, float* y, bool winograd = true);
// dy (N,Ho,Wo,F) is modified in place (ReLU mask); scratch as the forward pass left it.
// dw (K,K,C,F), db (F); dx (N,H,W,C) may be null when the input gradient is not needed (first layer).
void conv2d_backward(float* dy, const float* y, int n, Shape in, const float* w, int k, Padding pad, bool relu,
                     Shape out, float* scratch, ThreadScratch threads, float* dw, float* db, float* dx);

// ---- MaxPool2D: size = stride = P, floor (Ho = H/P) ------------------------------------------------------
// x (N,H,W,C), y (N,Ho,Wo,C), argmax (N,Ho,Wo,C): flat index into x of each maximum.
void maxpool_forward(const float* x, int n, Shape in, int p, Shape out, float* y, int32_t* argmax);
// dx (N,H,W,C) is overwritten: zero except at the maxima.
void maxpool_backward(const float* dy, int n, Shape in, Shape out, const int32_t* argmax, float* dx);

// ---- ReLU --------------------------------------------------------------------------------------------------
void relu_forward(const float* x, size_t count, float* y);
void relu_backward(const float* dy, const float* y, size_t count, float* dx);

// ---- Dropout (inverted): training multiplies by mask (0 or 1/(1-rate)); inference is the identity -----------
// mask (count) is written by the forward pass. rng: the training run's generator (it advances by one draw), or
// null for inference. The mask depends only on rng's state, not on the number of threads.
void dropout_forward(const float* x, size_t count, float rate, Rng* rng, float* mask, float* y);
void dropout_backward(const float* dy, const float* mask, size_t count, float* dx);

// ---- Dense: y = x w + b, optional fused ReLU -----------------------------------------------------------------
// x (N,I), w (I,O), b (O), y (N,O)
// The per-thread scratch of this layer's passes (GEMM packing, the bias gradient's partial sums).
ThreadFloats dense_thread_floats(int n, int in_units, int out_units);
void dense_forward(const float* x, int n, int in_units, const float* w, const float* b, int out_units, bool relu,
                   ThreadScratch threads, float* y);
// dy (N,O) is modified in place (ReLU mask). dw (I,O), db (O); dx (N,I) may be null.
void dense_backward(float* dy, const float* y, const float* x, int n, int in_units, const float* w, int out_units,
                    bool relu, ThreadScratch threads, float* dw, float* db, float* dx);

// ---- Softmax + categorical cross-entropy (numerically stable) ----------------------------------------------
// logits (N,K) -> probs (N,K); returns the summed (not averaged) loss over the batch and counts correct argmaxes.
double softmax_xent_forward(const float* logits, const uint8_t* labels, int n, int k, float* probs, int* correct);
// dlogits (N,K) = (probs - onehot) * scale; scale = 1/N for the batch-mean loss.
void softmax_xent_backward(const float* probs, const uint8_t* labels, int n, int k, float scale, float* dlogits);

}  // namespace convlens
