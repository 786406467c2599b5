// explain.h: why the model answers what it does for one image — Grad-CAM of a layer and gradient saliency —
// computed with the training's own forward and backward passes (model.h), not a second implementation.
//
//   score_c    the logit of class c (before the softmax), for the image alone (batch of 1)
//   Grad-CAM   (Selvaraju et al. 2017) for a layer with maps A (h, w, F):
//              alpha_f = mean over (y, x) of d score_c / d A(y, x, f);  cam = ReLU(sum_f alpha_f A(., ., f)),
//              then resized bilinearly to the image's (H, W)
//   saliency   (Simonyan et al. 2014) |d score_c / d image|, the largest over the channels: (H, W)
//
// Both run the convolutions without Winograd (Workspace::exact_ties): blank background makes many exactly tied
// max-pool windows, Winograd's rounding breaks those ties at random, and the gradient would pick another of the
// tied pixels. Not here: drawing (ui), the probe and snapshots (lab.h).
#pragma once
#include <vector>

#include "model.h"
#include "status.h"

namespace convlens {

struct Explanation {
  int class_index = 0;        // the class c explained
  int layer = -1;             // the layer Grad-CAM weighed (-1: saliency, of the input)
  Shape shape;                // (H, W, 1): the image's size
  std::vector<float> data;    // (H, W), >= 0; Grad-CAM scaled so that its largest value is 1 (0 if all are 0)
};

// Layers Grad-CAM can explain: those whose output still has a spatial layout (before Flatten), h * w > 1.
bool grad_cam_layer_ok(const Model& model, int layer);

// class_index < 0 explains the predicted class. Errors: a layer grad_cam_layer_ok refuses, a class out of range.
// `model`'s grads are overwritten (the backward pass writes them); its weights are not touched.
Result<Explanation> grad_cam(Model& model, Workspace& ws, const float* image, int layer, int class_index);
Result<Explanation> saliency(Model& model, Workspace& ws, const float* image, int class_index);

// Bilinear resize of a (h, w) map to (H, W), pixel centres aligned (as OpenCV's INTER_LINEAR).
std::vector<float> resize_bilinear(const float* map, int h, int w, int out_h, int out_w);

}  // namespace convlens
