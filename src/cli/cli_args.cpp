// cli_args.cpp: the flag table, strict value parsers and "did you mean" suggestions behind cli_parse.
//
// Every flag is one row of kFlags: its name, whether it takes a value, and a function that checks the value and
// stores it. Numbers are parsed strictly: the whole text must be the number ("10x", "", " 10", "+10" fail),
// floats must be finite (no nan, inf or overflow such as 1e999).
#include "cli_args.h"

#include "data_files.h"
#include "datasets.h"
#include "model_spec.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <iterator>
#include <limits>

namespace convlens {
namespace {

const char* const kCommands[] = {"train", "eval", "gradcam", "bench", "summary", "help"};

std::string got(const std::string& text) { return ", got '" + text + "'"; }

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// ---- value parsers: each returns "" on success or the one-line error ------------------------------------------

// A number of `range` into out, or the one-line error.
template <class T>
std::string set_in(const std::string& flag, const std::string& text, WholeRange range, T& out) {
  return parse_in(text, range, out) ? "" : flag + " must be " + range.text() + got(text);
}

std::string set_in(const std::string& flag, const std::string& text, RealRange range, float& out) {
  return parse_in(text, range, out) ? "" : flag + " must be " + range.text() + got(text);
}

std::string set_text(const std::string& flag, const std::string& text, std::string& out) {
  if (text.empty()) return flag + " must not be empty";
  out = text;
  return "";
}

// The CLI's own settings (the run's are in trainer.h and optimizer.h).
constexpr WholeRange kThreadsRange{1, 256};
constexpr WholeRange kMemoryLimitRange{64, 1 << 20};  // MB
constexpr WholeRange kIndexRange{0, 1'000'000'000};   // --probe, --snapshot-every
constexpr WholeRange kColsRange{1, 256};
constexpr WholeRange kClassRange{0, 1000};
constexpr WholeRange kRunsRange{1, 1000};
constexpr WholeRange kStepsRange{1, 100000};

// ---- the flag table -------------------------------------------------------------------------------------------
using O = CliOptions;
using S = const std::string&;

struct Flag {
  const char* name;  // "--epochs"
  bool takes_value;  // false only for switches (--quiet)
  std::string (*apply)(O& o, S flag, S value);  // checks and stores value; returns an error or ""
};

const Flag kFlags[] = {
    {"--dataset", true, [](O& o, S f, S v) {
       return dataset_info(v) ? set_text(f, v, o.dataset) : f + " must be " + dataset_ids() + got(v); }},
    {"--data", true, [](O& o, S f, S v) { return set_text(f, v, o.data_dir); }},
    {"--model", true, [](O& o, S f, S v) { return set_text(f, v, o.model); }},
    {"--epochs", true, [](O& o, S f, S v) { return set_in(f, v, kEpochsRange, o.train.epochs); }},
    {"--batch", true, [](O& o, S f, S v) { return set_in(f, v, kBatchRange, o.train.batch); }},
    {"--lr", true, [](O& o, S f, S v) { return set_in(f, v, kLrRange, o.train.optimizer.lr); }},
    {"--optimizer", true, [](O& o, S f, S v) {
       return optimizer_from_name(v, o.train.optimizer.kind) ? "" : f + " must be adam or sgd" + got(v); }},
    {"--momentum", true, [](O& o, S f, S v) { return set_in(f, v, kMomentumRange, o.train.optimizer.momentum); }},
    {"--seed", true, [](O& o, S f, S v) { return set_in(f, v, kSeedRange, o.train.seed); }},
    {"--val-split", true, [](O& o, S f, S v) { return set_in(f, v, kValSplitRange, o.train.val_split); }},
    {"--subset", true, [](O& o, S f, S v) { return set_in(f, v, kSubsetRange, o.train.subset); }},
    {"--threads", true, [](O& o, S f, S v) { return set_in(f, v, kThreadsRange, o.threads); }},
    {"--memory-limit", true, [](O& o, S f, S v) { return set_in(f, v, kMemoryLimitRange, o.memory_limit_mb); }},
    {"--feature-maps", true, [](O& o, S f, S v) { return set_text(f, v, o.feature_maps_dir); }},
    {"--probe", true, [](O& o, S f, S v) { return set_in(f, v, kIndexRange, o.probe); }},
    {"--cols", true, [](O& o, S f, S v) { return set_in(f, v, kColsRange, o.cols); }},
    {"--snapshot-every", true, [](O& o, S f, S v) { return set_in(f, v, kIndexRange, o.train.snapshot_every); }},
    {"--layer", true, [](O& o, S f, S v) { return set_in(f, v, kLayerRange, o.layer); }},
    {"--class", true, [](O& o, S f, S v) { return set_in(f, v, kClassRange, o.class_index); }},
    {"--out", true, [](O& o, S f, S v) { return set_text(f, v, o.out_path); }},
    {"--save", true, [](O& o, S f, S v) { return set_text(f, v, o.save_path); }},
    {"--load", true, [](O& o, S f, S v) { return set_text(f, v, o.load_path); }},
    {"--runs", true, [](O& o, S f, S v) { return set_in(f, v, kRunsRange, o.bench_runs); }},
    {"--steps", true, [](O& o, S f, S v) { return set_in(f, v, kStepsRange, o.bench_steps); }},
    {"--quiet", false, [](O& o, S, S) { o.quiet = true; return std::string(); }},
};

const Flag* find_flag(const std::string& name) {
  for (const Flag& f : kFlags) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

// ---- suggestions ----------------------------------------------------------------------------------------------

// Edit distance counting insertions, deletions, substitutions and swaps of neighbours as one edit each.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      bool swapped = i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1];
      if (swapped) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// " (did you mean X?)" for the closest candidate within 1 edit (short words) or 2 edits; "" if none is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 3;
  for (const std::string& name : candidates) {
    size_t limit = name.size() <= 4 ? 1 : 2;
    size_t distance = edit_distance(word, name);
    if (distance <= limit && distance < best_distance) {
      best = name;
      best_distance = distance;
    }
  }
  return best.empty() ? "" : " (did you mean " + best + "?)";
}

std::string unknown_flag(const std::string& name) {
  std::vector<std::string> names;
  for (const Flag& f : kFlags) names.push_back(f.name);
  return "unknown flag " + name + did_you_mean(name, names);
}

bool is_command(const std::string& word) {
  for (const char* c : kCommands) {
    if (word == c) return true;
  }
  return false;
}

std::string command_error(const std::string& word) {
  if (starts_with(word, "-")) {
    return "expected a command (train, eval, gradcam, bench, summary or help) before the flags, got '" + word + "'";
  }
  return "unknown command '" + word + "'" + did_you_mean(word, {std::begin(kCommands), std::end(kCommands)});
}

bool wants_help(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "help") return true;
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

}  // namespace

Result<CliOptions> cli_parse(const std::vector<std::string>& args) {
  using R = Result<CliOptions>;
  CliOptions o;
  if (wants_help(args)) {
    o.command = "help";
    return R::success(o);
  }
  if (!is_command(args[0])) return R::fail(command_error(args[0]));
  o.command = args[0];

  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!starts_with(arg, "--")) {
      return R::fail(starts_with(arg, "-") ? "unknown flag " + arg : "unexpected argument '" + arg + "'");
    }
    size_t eq = arg.find('=');
    std::string name = arg.substr(0, eq);
    const Flag* flag = find_flag(name);
    if (!flag) return R::fail(unknown_flag(name));

    std::string value;
    if (eq != std::string::npos) {  // --flag=value
      if (!flag->takes_value) return R::fail(name + " takes no value");
      value = arg.substr(eq + 1);
    } else if (flag->takes_value) {  // --flag value; a following --flag is not a value
      if (i + 1 >= args.size() || starts_with(args[i + 1], "--")) return R::fail("missing value for " + name);
      value = args[++i];
    }
    std::string error = flag->apply(o, name, value);
    if (!error.empty()) return R::fail(error);
  }
  return R::success(o);
}

std::string cli_default_data_dir(const std::string& dataset) { return data_root_default() + "/" + dataset; }

std::string cli_usage() {
  const CliOptions d;
  const TrainConfig& t = d.train;
  // "  --flag ARG            what (default X)": the defaults and ranges are the settings' own.
  auto line = [](const char* flag, const std::string& what) {
    std::string l = std::string("  ") + flag;
    l.resize(24, ' ');
    return l + what + "\n";
  };
  auto with_default = [](const std::string& what, const std::string& value) { return what + " (default " + value + ")"; };
  return R"(convlens: train and inspect the book's CNNs from the command line.

usage: convlens <command> [flags]      flags as --flag value or --flag=value

commands:
  train     train a model, print per-epoch loss and accuracy, optionally write feature maps and weights
  eval      evaluate saved weights (--load) on the test set
  gradcam   where a saved model (--load) looks in test image --probe: its Grad-CAM as a PNG (--out)
  bench     time training steps (uses --batch, --threads, --runs, --steps)
  summary   print the model's layers, output shapes and parameter counts
  help      print this text (also --help, -h)

data:
)" + line("--dataset NAME", with_default(dataset_ids(), d.dataset)) + R"(  --data DIR            dataset directory (default $CONVLENS_DATA/<dataset> if set, else the
                        checkout's data/<dataset>, filled by ./build_wasm.sh setup)
)" + line("--subset N", with_default("the first N training images, " + kSubsetRange.text() + "; 0 = all", "0")) +
         line("--val-split F", with_default("fraction held out for validation, " + kValSplitRange.text(),
                                            number_text(t.val_split))) +
         R"(
model and training:
  --model SPEC          a preset (mnist, cifar10) or a spec like conv16k5-pool2-flat-dense10
                        (default: the dataset's preset)
)" + line("--epochs N", with_default(kEpochsRange.text(), std::to_string(t.epochs))) +
         line("--batch N", with_default(kBatchRange.text(), std::to_string(t.batch))) +
         line("--lr F", with_default("learning rate, " + kLrRange.text(), number_text(t.optimizer.lr))) +
         line("--optimizer NAME", with_default("adam or sgd", optimizer_name(t.optimizer.kind))) +
         line("--momentum F", with_default("sgd momentum, " + kMomentumRange.text(), number_text(t.optimizer.momentum))) +
         line("--seed N", with_default("random seed for weights, shuffling and dropout", std::to_string(t.seed))) +
         line("--threads N", with_default(kThreadsRange.text(), "one per core, here " + std::to_string(d.threads))) +
         line("--memory-limit MB", with_default("the most a run may allocate, " + kMemoryLimitRange.text(),
                                                std::to_string(d.memory_limit_mb))) +
         R"(                        a model or batch that needs more is refused before anything is allocated
  --save FILE           write the trained weights to FILE (default: not saved)
  --load FILE           start from the weights in FILE (required by eval)
  --quiet               no per-batch progress line

feature maps:
  --feature-maps DIR    write each layer's feature-map grid as PNG files into DIR (default: none)
)" + line("--probe I", with_default("index of the test image to show", std::to_string(d.probe))) +
         line("--cols N", with_default("maps per row in a grid, " + kColsRange.text(), std::to_string(d.cols))) +
         line("--snapshot-every B", with_default("also write feature maps every B batches; 0 = after each epoch only",
                                                 std::to_string(t.snapshot_every))) +
         R"(
gradcam:
  --out FILE.png        where to write the image (the probe in gray, the Grad-CAM over it in viridis)
  --layer L             the layer explained (default: the last convolution)
  --class C             the class explained (default: the predicted one)

bench:
)" + line("--runs N", with_default("timed runs, " + kRunsRange.text(), std::to_string(d.bench_runs))) +
         line("--steps N", with_default("training steps per run, " + kStepsRange.text(), std::to_string(d.bench_steps)));
}

}  // namespace convlens
