// model_spec.h: the description of a sequential model, as a struct list and as a one-line text form.
//
// Text form: layers joined by '-', e.g. the book's MNIST CNN
//   conv16k5-pool2-conv36k5-pool2-drop.25-flat-dense128-drop.5-dense10
// Tokens:
//   conv<F>k<K>[valid][linear]  Conv2D, F filters, KxK kernel, stride 1, 'same' padding unless 'valid',
//                               fused ReLU unless 'linear'
//   pool<P>                     MaxPool2D, size = stride = P (odd sizes floor, as in Keras)
//   relu                        a separate ReLU layer
//   drop<R>                     Dropout with rate R in [0, 1), written .25 or 0.25
//   flat                        Flatten
//   dense<U>[linear]            Dense, U units, fused ReLU unless 'linear'; the LAST dense layer is always
//                               linear: its outputs are the logits of the softmax classifier
// Only parsing and naming live here: shapes and parameters are worked out by model_build (model.h).
#pragma once
#include <string>
#include <vector>

#include "ranges.h"
#include "status.h"

namespace convlens {

// The most layers a spec may have, and so the range of a layer index a user may type (URL, CLI).
constexpr int kMaxLayers = 256;
constexpr WholeRange kLayerRange{0, kMaxLayers - 1};

enum class LayerKind { Conv2D, MaxPool2D, ReLU, Dropout, Flatten, Dense };
enum class Padding { Same, Valid };

struct LayerSpec {
  LayerKind kind = LayerKind::Flatten;
  int units = 0;                    // Conv2D: filters; Dense: units
  int kernel = 0;                   // Conv2D: kernel side K
  Padding padding = Padding::Same;  // Conv2D
  bool relu = false;                // Conv2D, Dense: ReLU fused into the layer
  int pool = 0;                     // MaxPool2D: size = stride
  float rate = 0.0f;                // Dropout: fraction of units dropped while training
};

// Parses the text form (or a preset name, see spec_preset_text). Errors name the bad token and what was
// expected, e.g. "model spec token 3 'conv36x5': expected conv<filters>k<kernel>, e.g. conv32k3".
Result<std::vector<LayerSpec>> spec_parse(const std::string& text);

// The canonical text form of a layer list (spec_parse(spec_to_string(x)) == x).
std::string spec_to_string(const std::vector<LayerSpec>& layers);

// Presets: "mnist" (the book's MNIST CNN, input 28x28x1) and "cifar10" (the book's CIFAR-10 CNN, 32x32x3).
// Returns the preset's text, or the input unchanged when it is not a preset name.
std::string spec_preset_text(const std::string& name_or_spec);

// Keras class name of a layer kind: "Conv2D", "MaxPooling2D", "ReLU", "Dropout", "Flatten", "Dense".
const char* layer_kind_class(LayerKind kind);
// Keras base name used for automatic layer names: "conv2d", "max_pooling2d", "re_lu", "dropout", ...
const char* layer_kind_base_name(LayerKind kind);

}  // namespace convlens
