// conv_winograd.h: the forward pass of a 5x5 convolution by Winograd's minimal filtering, F(2x2, 5x5).
// Each 2x2 block of output pixels (a tile) comes from a 6x6 block of the padded input: both the input tile and
// the kernel are transformed (B^T d B, G g G^T), multiplied elementwise at the 36 positions, and transformed back
// (A^T m A). The elementwise products of all tiles are 36 GEMMs (tiles x C) (C x F), with 36*C*F*2 FLOPs per
// tile against 4*25*C*F*2 for the direct convolution: 2.8x fewer. conv2d_forward (layers.cpp) uses it where
// conv2d_prefers_winograd() says so; its implicit GEMM stays as the reference.
//
// Matrices (points 0, 1, -1, 2, -2 and infinity; derived and checked with exact fractions):
//   A^T (2x6) = [1 1 1 1 1 0; 0 1 -1 2 -2 1]
//   G   (6x5) = [1/4 0 0 0 0; -1/6 -1/6 -1/6 -1/6 -1/6; -1/6 1/6 -1/6 1/6 -1/6;
//                1/24 1/12 1/6 1/3 2/3; 1/24 -1/12 1/6 -1/3 2/3; 0 0 0 0 1]
//   B^T (6x6) = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
//
// Legend as in layers.h; xp: the zero-padded input (Ho+4, Wo+4, C) of conv2d_forward; T tiles.
#pragma once
#include <cstddef>
#include <cstdint>

#include "scratch.h"
#include "shape.h"

namespace convlens {

// Whether the Winograd forward pass pays for this layer: a 5x5 kernel and enough input channels for its GEMMs.
bool conv2d_prefers_winograd(int k, Shape in);

uint64_t conv2d_winograd_scratch_floats(Shape in, Shape out);  // the transformed kernel, as is and packed
// The per-thread scratch (scratch.h) of the forward pass: a block of tiles' transforms on every thread, or the
// kernel's half-way transform on the calling thread.
ThreadFloats conv2d_winograd_thread_floats(Shape in, Shape out);
// y (N,Ho,Wo,F) = xpad (N,xp) correlated with w (5,5,C,F), + b (F), then ReLU if asked. scratch: as sized above;
// threads: holds conv2d_winograd_thread_floats().
void conv2d_winograd_forward(const float* xpad, int n, Shape xp, const float* w, const float* b, bool relu, Shape out,
                             float* scratch, ThreadScratch threads, float* y);

}  // namespace convlens
