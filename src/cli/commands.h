// commands.h: the `convlens` subcommands. Each returns the process exit code:
//   0 success, 1 a data or file problem (the message names the file), 2 bad usage or settings.
// Messages go to stderr as one line starting with "convlens: "; results and logs go to stdout.
#pragma once
#include "cli_args.h"

namespace convlens {

int cmd_train(const CliOptions& opts);    // fit, log like Keras, test accuracy, feature-map PNGs, --save
int cmd_eval(const CliOptions& opts);     // evaluate a saved model (--load) on the test set
int cmd_gradcam(const CliOptions& opts);  // Grad-CAM of a saved model for the probe, as a PNG (--out)
int cmd_summary(const CliOptions& opts);  // print the model summary for the dataset's input shape
int cmd_bench(const CliOptions& opts);    // training/inference samples/s and GFLOP/s on synthetic data

}  // namespace convlens
