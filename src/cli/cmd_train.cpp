// cmd_train.cpp: `convlens train` — the book's pipeline on the command line: summary, fit() with a Keras-style
// log, test accuracy, feature-map grids before/after every epoch, and --save.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unistd.h>

#include "cli_session.h"
#include "commands.h"
#include "data_files.h"
#include "feature_map_files.h"
#include "kernels/threads.h"
#include "trainer.h"
#include "weights_file.h"

namespace convlens {
namespace {

// "epoch03" for per-epoch snapshots, "step000120" for every-N-batches ones.
std::string snapshot_moment(const Snapshot& s) {
  char text[32];
  if (s.epoch_end) std::snprintf(text, sizeof text, "epoch%02d", s.epoch);
  else std::snprintf(text, sizeof text, "step%06ld", s.step);
  return text;
}

// The in-place progress line Keras draws during an epoch: " 120/240 [=====>.....] - loss: 0.1234 - acc: 0.9600".
void print_progress(const Trainer& t) {
  const int done = t.batch_in_epoch(), total = t.batches_per_epoch();
  const int width = 30, filled = total ? done * width / total : 0;
  std::string bar(size_t(width), '.');
  for (int i = 0; i < filled; ++i) bar[size_t(i)] = '=';
  if (filled < width) bar[size_t(filled)] = '>';
  double loss = 0, acc = 0;
  int count = 0;
  for (auto it = t.batches().rbegin(); it != t.batches().rend() && it->epoch == t.epoch(); ++it, ++count) {
    loss += it->loss;
    acc += it->acc;
  }
  const char* phase = t.state() == TrainState::Validating ? " - validating" : "";
  std::printf("\r%4d/%d [%s] - loss: %.4f - acc: %.4f - %.0f samples/s%s   ", done, total, bar.c_str(),
              count ? loss / count : 0.0, count ? acc / count : 0.0, t.samples_per_sec(), phase);
  std::fflush(stdout);
}

}  // namespace

int cmd_train(const CliOptions& opts) {
  engine_set_threads(opts.threads);
  if (!opts.save_path.empty()) {  // before the data and the training, not after
    const Status w = file_check_writable(opts.save_path);
    if (!w.ok()) return cli_fail(kExitData, w.error);
  }
  Dataset train, test;
  if (int code = cli_load_dataset(opts, true, train)) return code;
  if (int code = cli_load_dataset(opts, false, test)) return code;
  if (opts.train.subset > 0) dataset_truncate(train, opts.train.subset);
  if (opts.probe < 0 || size_t(opts.probe) >= test.size())
    return cli_fail(kExitUsage, "--probe must be a test image index in 0.." + std::to_string(test.size() - 1));

  // The run's batches (and the test set's) hold at most the training images: the memory is checked for that.
  const int batch = int(std::min(size_t(opts.train.batch), std::max<size_t>(train.size(), 1)));
  Result<Model> built = cli_build_model(opts, batch);
  if (!built.ok()) return cli_fail(kExitUsage, built.error);
  Model model = std::move(built.value);
  model_init(model, opts.train.seed);
  Status s;
  if (!opts.load_path.empty()) {
    Result<std::vector<uint8_t>> bytes = file_read_bytes(opts.load_path);
    if (!bytes.ok()) return cli_fail(kExitData, bytes.error);
    s = weights_deserialize(bytes.value, model);
    if (!s.ok()) return cli_fail(kExitData, opts.load_path + ": " + s.error);
  }
  std::printf("%s", model_summary(model).c_str());

  const TrainConfig& config = opts.train;
  const bool want_maps = !opts.feature_maps_dir.empty();
  Trainer trainer;
  s = trainer.start(&model, &train, config, want_maps ? cli_probe_image(test, size_t(opts.probe)) : std::vector<float>{});
  if (!s.ok()) return cli_fail(kExitUsage, s.error);
  std::printf("Train on %zu samples, validate on %zu samples (%s, %d threads)\n", trainer.train_count(),
              trainer.val_count(), train.name.c_str(), engine_threads());

  const bool live = !opts.quiet && isatty(fileno(stdout));
  size_t maps_written = 0;
  long written_step = -1;  // by step, not index: a long run thins its older snapshots (trainer.h)
  auto write_new_maps = [&]() -> Status {
    for (const auto& snap : trainer.snapshots()) {
      if (!want_maps || snap->step <= written_step) continue;
      Status w = feature_maps_write_pngs(snap->maps, snapshot_moment(*snap), opts.cols, opts.feature_maps_dir);
      if (!w.ok()) return w;
      written_step = snap->step;
      ++maps_written;
    }
    return Status::success();
  };
  s = write_new_maps();
  if (!s.ok()) return cli_fail(kExitData, s.error);

  size_t epochs_logged = 0;
  while (trainer.run_units(1) > 0) {
    if (trainer.epochs().size() > epochs_logged) {
      const EpochRecord& e = trainer.epochs()[epochs_logged++];
      std::printf("%s%s  (%.0f samples/s)\n", live ? "\r" : "", trainer.epoch_log(e).c_str(), e.samples_per_sec);
    } else if (live) {
      print_progress(trainer);
    }
    std::fflush(stdout);
    s = write_new_maps();
    if (!s.ok()) return cli_fail(kExitData, s.error);
  }
  if (trainer.state() == TrainState::Failed) return cli_fail(kExitData, trainer.error());

  Workspace ws;
  const EvalResult r = model_evaluate(model, ws, test, 0, test.size(), batch);
  std::printf("Test loss: %.4f - test acc: %.4f (%zu images)\n", r.loss, r.acc, r.count);
  if (want_maps) std::printf("Feature maps: %zu snapshots in %s\n", maps_written, opts.feature_maps_dir.c_str());
  if (!opts.save_path.empty()) {
    s = file_write_bytes(opts.save_path, weights_serialize(model));
    if (!s.ok()) return cli_fail(kExitData, s.error);
    std::printf("Saved weights to %s\n", opts.save_path.c_str());
  }
  return 0;
}

}  // namespace convlens
