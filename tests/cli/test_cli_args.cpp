// test_cli_args.cpp: cli_parse defaults, every flag in both syntaxes, every error message, help detection,
// cli_default_data_dir and that cli_usage lists every flag.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "cli_args.h"

using namespace convlens;

namespace {

CliOptions parse_ok(const std::vector<std::string>& args) {
  Result<CliOptions> r = cli_parse(args);
  INFO("error: " << r.error);
  REQUIRE(r.ok());
  return r.value;
}

std::string parse_error(const std::vector<std::string>& args) {
  Result<CliOptions> r = cli_parse(args);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error.find('\n') == std::string::npos);  // one line
  return r.error;
}

const char* const kAllFlags[] = {"--dataset", "--data",  "--model", "--epochs",       "--batch", "--lr",
                                 "--optimizer", "--momentum", "--seed", "--val-split", "--subset", "--threads",
                                 "--feature-maps", "--probe", "--cols", "--snapshot-every", "--save", "--load",
                                 "--runs", "--steps", "--quiet"};

}  // namespace

TEST_CASE("cli args: defaults", "[cli_args]") {
  CliOptions o = parse_ok({"train"});
  CHECK(o.command == "train");
  CHECK(o.dataset == "mnist");
  CHECK(o.data_dir.empty());
  CHECK(o.model.empty());
  CHECK(o.train.epochs == 10);
  CHECK(o.train.batch == 200);
  CHECK(o.train.optimizer.lr == 1e-3f);
  CHECK(o.train.optimizer.kind == OptimizerKind::Adam);
  CHECK(o.train.optimizer.momentum == 0.9f);
  CHECK(o.train.seed == 42);
  CHECK(o.train.val_split == 0.2f);
  CHECK(o.train.subset == 0);
  CHECK(o.threads == engine_max_threads());  // one per core
  CHECK(o.threads >= 1);
  CHECK(o.feature_maps_dir.empty());
  CHECK(o.probe == 0);
  CHECK(o.cols == 8);
  CHECK(o.train.snapshot_every == 0);
  CHECK(o.save_path.empty());
  CHECK(o.load_path.empty());
  CHECK(o.bench_runs == 5);
  CHECK(o.bench_steps == 10);
  CHECK_FALSE(o.quiet);
}

TEST_CASE("cli args: commands and help", "[cli_args]") {
  for (const char* c : {"train", "eval", "bench", "summary", "help"}) CHECK(parse_ok({c}).command == c);
  CHECK(parse_ok({}).command == "help");
  CHECK(parse_ok({"--help"}).command == "help");
  CHECK(parse_ok({"-h"}).command == "help");
  CHECK(parse_ok({"train", "--epochs", "3", "--help"}).command == "help");
  CHECK(parse_ok({"help", "--bogus"}).command == "help");
}

TEST_CASE("cli args: every flag, as --flag value", "[cli_args]") {
  CliOptions o = parse_ok({"train", "--dataset", "cifar10", "--data", "/d", "--model", "conv8k3-flat-dense10",
                           "--epochs", "3", "--batch", "64", "--lr", "0.01", "--optimizer", "sgd", "--momentum", "0.5",
                           "--seed", "9223372036854775807", "--val-split", "0", "--subset", "1000", "--threads", "4",
                           "--feature-maps", "out", "--probe", "7", "--cols", "6", "--snapshot-every", "50", "--save",
                           "w.bin", "--load", "v.bin", "--runs", "2", "--steps", "20", "--quiet"});
  CHECK(o.dataset == "cifar10");
  CHECK(o.data_dir == "/d");
  CHECK(o.model == "conv8k3-flat-dense10");
  CHECK(o.train.epochs == 3);
  CHECK(o.train.batch == 64);
  CHECK(o.train.optimizer.lr == 0.01f);
  CHECK(o.train.optimizer.kind == OptimizerKind::SGD);
  CHECK(o.train.optimizer.momentum == 0.5f);
  CHECK(o.train.seed == 9223372036854775807ull);
  CHECK(o.train.val_split == 0.0f);
  CHECK(o.train.subset == 1000);
  CHECK(o.threads == 4);
  CHECK(o.feature_maps_dir == "out");
  CHECK(o.probe == 7);
  CHECK(o.cols == 6);
  CHECK(o.train.snapshot_every == 50);
  CHECK(o.save_path == "w.bin");
  CHECK(o.load_path == "v.bin");
  CHECK(o.bench_runs == 2);
  CHECK(o.bench_steps == 20);
  CHECK(o.quiet);
}

TEST_CASE("cli args: every flag, as --flag=value", "[cli_args]") {
  CliOptions o = parse_ok({"bench", "--dataset=fashion", "--data=/x=y", "--model=mnist", "--epochs=10000",
                           "--batch=65536", "--lr=2e-4", "--optimizer=adam", "--momentum=0", "--seed=0",
                           "--val-split=0.99", "--subset=5", "--threads=256", "--feature-maps=fm", "--probe=0",
                           "--cols=256", "--snapshot-every=0", "--save=a", "--load=b", "--runs=1000",
                           "--steps=100000"});
  CHECK(o.command == "bench");
  CHECK(o.dataset == "fashion");
  CHECK(o.data_dir == "/x=y");  // only the first '=' splits
  CHECK(o.model == "mnist");
  CHECK(o.train.epochs == 10000);
  CHECK(o.train.batch == 65536);
  CHECK(o.train.optimizer.lr == 2e-4f);
  CHECK(o.train.optimizer.momentum == 0.0f);
  CHECK(o.train.seed == 0);
  CHECK(o.train.val_split == 0.99f);
  CHECK(o.train.subset == 5);
  CHECK(o.threads == 256);
  CHECK(o.feature_maps_dir == "fm");
  CHECK(o.cols == 256);
  CHECK(o.save_path == "a");
  CHECK(o.load_path == "b");
  CHECK(o.bench_runs == 1000);
  CHECK(o.bench_steps == 100000);
}

TEST_CASE("cli args: the last of a repeated flag wins and negative numbers are values", "[cli_args]") {
  CHECK(parse_ok({"train", "--epochs", "3", "--epochs=4"}).train.epochs == 4);
  CHECK(parse_error({"train", "--probe", "-1"}) == "--probe must be a whole number in 0..1000000000, got '-1'");
}

TEST_CASE("cli args: unknown flags, commands and stray arguments", "[cli_args]") {
  CHECK(parse_error({"train", "--epoch", "3"}) == "unknown flag --epoch (did you mean --epochs?)");
  CHECK(parse_error({"train", "--bacth=3"}) == "unknown flag --bacth (did you mean --batch?)");
  CHECK(parse_error({"train", "--colour"}) == "unknown flag --colour");
  CHECK(parse_error({"train", "-e"}) == "unknown flag -e");
  CHECK(parse_error({"train", "mnist"}) == "unexpected argument 'mnist'");
  CHECK_THAT(parse_error({"trian"}), Catch::StartsWith("unknown command 'trian'"));
  CHECK(parse_error({"trian"}) == "unknown command 'trian' (did you mean train?)");
  CHECK(parse_error({"fly"}) == "unknown command 'fly'");
  CHECK_THAT(parse_error({"--epochs", "3"}), Catch::Contains("expected a command"));
}

TEST_CASE("cli args: missing values and values given to switches", "[cli_args]") {
  CHECK(parse_error({"train", "--batch"}) == "missing value for --batch");
  CHECK(parse_error({"train", "--data", "--epochs", "3"}) == "missing value for --data");
  CHECK(parse_error({"train", "--quiet=yes"}) == "--quiet takes no value");
  CHECK(parse_error({"train", "--data="}) == "--data must not be empty");
  CHECK(parse_error({"train", "--model", ""}) == "--model must not be empty");
}

TEST_CASE("cli args: whole numbers are parsed strictly and range-checked", "[cli_args]") {
  CHECK(parse_error({"train", "--epochs", "0"}) == "--epochs must be a whole number in 1..10000, got '0'");
  CHECK(parse_error({"train", "--epochs", "10001"}) == "--epochs must be a whole number in 1..10000, got '10001'");
  CHECK(parse_error({"train", "--epochs", "10x"}) == "--epochs must be a whole number in 1..10000, got '10x'");
  CHECK(parse_error({"train", "--epochs="}) == "--epochs must be a whole number in 1..10000, got ''");
  CHECK(parse_error({"train", "--epochs", " 5"}) == "--epochs must be a whole number in 1..10000, got ' 5'");
  CHECK(parse_error({"train", "--epochs", "+5"}) == "--epochs must be a whole number in 1..10000, got '+5'");
  CHECK(parse_error({"train", "--epochs", "2.5"}) == "--epochs must be a whole number in 1..10000, got '2.5'");
  CHECK(parse_error({"train", "--epochs", "99999999999999999999"}) ==
        "--epochs must be a whole number in 1..10000, got '99999999999999999999'");
  CHECK(parse_error({"train", "--batch", "0"}) == "--batch must be a whole number in 1..65536, got '0'");
  CHECK(parse_error({"train", "--batch", "65537"}) == "--batch must be a whole number in 1..65536, got '65537'");
  CHECK(parse_error({"train", "--threads", "0"}) == "--threads must be a whole number in 1..256, got '0'");
  CHECK(parse_error({"train", "--threads", "257"}) == "--threads must be a whole number in 1..256, got '257'");
  CHECK(parse_error({"train", "--cols", "0"}) == "--cols must be a whole number in 1..256, got '0'");
  CHECK(parse_error({"train", "--cols", "300"}) == "--cols must be a whole number in 1..256, got '300'");
  CHECK(parse_error({"train", "--subset", "-5"}) == "--subset must be a whole number in 0..1000000000, got '-5'");
  CHECK(parse_error({"train", "--snapshot-every", "-1"}) == "--snapshot-every must be a whole number in 0..1000000000, got '-1'");
  CHECK(parse_error({"bench", "--runs", "0"}) == "--runs must be a whole number in 1..1000, got '0'");
  CHECK(parse_error({"bench", "--steps", "0"}) == "--steps must be a whole number in 1..100000, got '0'");
  CHECK(parse_error({"train", "--seed", "-1"}) == "--seed must be a whole number >= 0, got '-1'");
  CHECK(parse_error({"train", "--seed", "18446744073709551616"}) ==
        "--seed must be a whole number >= 0, got '18446744073709551616'");
}

TEST_CASE("cli args: floats must be finite and in range", "[cli_args]") {
  CHECK(parse_error({"train", "--lr", "nan"}) == "--lr must be a number in (0, 10], got 'nan'");
  CHECK(parse_error({"train", "--lr", "inf"}) == "--lr must be a number in (0, 10], got 'inf'");
  CHECK(parse_error({"train", "--lr", "1e999"}) == "--lr must be a number in (0, 10], got '1e999'");
  CHECK(parse_error({"train", "--lr", "1e39"}) == "--lr must be a number in (0, 10], got '1e39'");  // > FLT_MAX
  CHECK(parse_error({"train", "--lr", "0"}) == "--lr must be a number in (0, 10], got '0'");
  CHECK(parse_error({"train", "--lr", "-0.1"}) == "--lr must be a number in (0, 10], got '-0.1'");
  CHECK(parse_error({"train", "--lr", "0.1x"}) == "--lr must be a number in (0, 10], got '0.1x'");
  CHECK(parse_error({"train", "--lr="}) == "--lr must be a number in (0, 10], got ''");
  CHECK(parse_error({"train", "--lr", " 0.1"}) == "--lr must be a number in (0, 10], got ' 0.1'");
  CHECK(parse_error({"train", "--val-split", "1.5"}) == "--val-split must be a number in [0, 1), got '1.5'");
  CHECK(parse_error({"train", "--val-split", "1"}) == "--val-split must be a number in [0, 1), got '1'");
  CHECK(parse_error({"train", "--val-split", "-0.1"}) == "--val-split must be a number in [0, 1), got '-0.1'");
  CHECK(parse_error({"train", "--momentum", "1"}) == "--momentum must be a number in [0, 1), got '1'");
  CHECK(parse_error({"train", "--momentum", "nan"}) == "--momentum must be a number in [0, 1), got 'nan'");
  CHECK(parse_ok({"train", "--lr", "1"}).train.optimizer.lr == 1.0f);
  CHECK(parse_ok({"train", "--lr", ".5"}).train.optimizer.lr == 0.5f);
}

TEST_CASE("cli args: names must be known", "[cli_args]") {
  CHECK(parse_error({"train", "--dataset", "imagenet"}) ==
        "--dataset must be mnist, fashion or cifar10, got 'imagenet'");
  CHECK(parse_error({"train", "--dataset", "MNIST"}) == "--dataset must be mnist, fashion or cifar10, got 'MNIST'");
  CHECK(parse_error({"train", "--optimizer", "adamw"}) == "--optimizer must be adam or sgd, got 'adamw'");
}

TEST_CASE("cli args: default data directory", "[cli_args]") {
  const char* old = std::getenv("CONVLENS_DATA");
  std::string saved = old ? old : "";

  unsetenv("CONVLENS_DATA");
  CHECK(cli_default_data_dir("mnist") == std::string(CONVLENS_DEFAULT_DATA_ROOT) + "/mnist");
  setenv("CONVLENS_DATA", "", 1);
  CHECK(cli_default_data_dir("fashion") == std::string(CONVLENS_DEFAULT_DATA_ROOT) + "/fashion");
  setenv("CONVLENS_DATA", "/srv/datasets/", 1);
  CHECK(cli_default_data_dir("cifar10") == "/srv/datasets/cifar10");
  setenv("CONVLENS_DATA", "/", 1);
  CHECK(cli_default_data_dir("mnist") == "/mnist");

  if (old) setenv("CONVLENS_DATA", saved.c_str(), 1);
  else unsetenv("CONVLENS_DATA");
}

TEST_CASE("cli args: usage lists every command and flag with its default", "[cli_args]") {
  std::string usage = cli_usage();
  for (const char* flag : kAllFlags) {
    INFO(flag);
    CHECK(usage.find(std::string(flag) + " ") != std::string::npos);
    CHECK(cli_parse({"train", flag}).error.find("unknown flag") == std::string::npos);  // the parser knows it
  }
  for (const char* c : {"train", "eval", "bench", "summary", "help"}) CHECK(usage.find(c) != std::string::npos);
  for (const char* d : {"(default 10)", "(default 200)", "(default 0.001)", "(default adam)", "(default 0.9)",
                        "(default 42)", "(default 0.2)", "(default 8)", "(default 5)"}) {
    CHECK(usage.find(d) != std::string::npos);
  }
}
