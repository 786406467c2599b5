// test_cli_commands.cpp: the `convlens` tool end to end, as a user runs it — exit codes (0 ok, 1 data, 2 usage),
// one-line messages, a short training run with feature-map PNGs and --save, and eval of the saved model
// reproducing the same test accuracy. Uses a small generated MNIST-format data set in a temp folder.
#include <catch2/catch.hpp>

#include <array>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <sys/wait.h>
#include <utility>
#include <vector>

using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

struct Run {
  int code = -1;
  std::string output;  // stdout and stderr together
};

Run run_cli(const std::string& args) {
  const std::string command = std::string(CONVLENS_CLI_PATH) + " " + args + " 2>&1";
  Run r;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::array<char, 4096> buffer{};
  size_t got;
  while ((got = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.output.append(buffer.data(), got);
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

void put_be32(std::vector<uint8_t>& b, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(uint8_t(v >> shift));
}

void write_bytes(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  REQUIRE(f.good());
}

// An MNIST-format folder: n 28x28 images of 10 classes, class k a bright bar at rows 2k+4..2k+5, plus noise.
void write_mnist_like(const fs::path& dir, const std::string& prefix, uint32_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> images, labels;
  put_be32(images, 0x803);
  put_be32(images, n);
  put_be32(images, 28);
  put_be32(images, 28);
  put_be32(labels, 0x801);
  put_be32(labels, n);
  for (uint32_t i = 0; i < n; ++i) {
    const int k = int(rng() % 10);
    labels.push_back(uint8_t(k));
    for (int y = 0; y < 28; ++y)
      for (int x = 0; x < 28; ++x) images.push_back(uint8_t(y / 2 == k + 2 ? 255 : rng() % 60));
  }
  write_bytes(dir / (prefix + "-images-idx3-ubyte"), images);
  write_bytes(dir / (prefix + "-labels-idx1-ubyte"), labels);
}

struct Workdir {
  fs::path path;
  Workdir() {
    path = fs::temp_directory_path() / ("convlens_cli_" + std::to_string(std::random_device{}()));
    fs::create_directories(path / "data");
    write_mnist_like(path / "data", "train", 400, 1);
    write_mnist_like(path / "data", "t10k", 100, 2);
  }
  ~Workdir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string data() const { return "--data " + (path / "data").string(); }
};

// The "Test loss: ... - test acc: ..." line of an output.
// A PNG file's (width, height) from its IHDR chunk (big-endian at bytes 16..23); (0, 0) if it is not there.
std::pair<int, int> png_size(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::array<unsigned char, 24> b{};
  if (!f.read(reinterpret_cast<char*>(b.data()), 24)) return {0, 0};
  return {(b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19], (b[20] << 24) | (b[21] << 16) | (b[22] << 8) | b[23]};
}

std::string test_line(const std::string& output) {
  const size_t at = output.find("Test loss:");
  return at == std::string::npos ? "" : output.substr(at, output.find('\n', at) - at);
}

}  // namespace

TEST_CASE("cli: bad usage exits 2 with a one-line message", "[cli]") {
  Workdir w;
  struct Case { std::string args, says; };
  const Case cases[] = {
      {"train --epoch 3", "unknown flag --epoch"},
      {"trian", "unknown command"},
      {"train --epochs 0", "--epochs"},
      {"train --epochs -2", "--epochs"},
      {"train --lr nan", "--lr"},
      {"train --batch", "missing value for --batch"},
      {"train " + w.data() + " --model conv16x5-flat-dense10", "conv16x5"},
      {"train " + w.data() + " --model conv8k3-flat-dense7", "7 units"},
      {"train " + w.data() + " --probe 100", "--probe"},
      {"eval " + w.data(), "--load"},
  };
  for (const Case& c : cases) {
    INFO(c.args);
    const Run r = run_cli(c.args);
    CHECK(r.code == 2);
    CHECK_THAT(r.output, Contains("convlens: ") && Contains(c.says));
  }
}

TEST_CASE("cli: data problems exit 1 naming the file and the problem", "[cli]") {
  Workdir w;
  // A --data folder that does not exist is a usage error (2); a missing or bad file inside it is a data error (1).
  Run r = run_cli("train --data " + (w.path / "missing").string());
  CHECK(r.code == 2);
  CHECK_THAT(r.output, Contains("missing not found") && Contains("build_wasm.sh setup"));
  fs::remove(w.path / "data" / "train-labels-idx1-ubyte");
  r = run_cli("train " + w.data());
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Contains("train-labels-idx1-ubyte"));
  write_mnist_like(w.path / "data", "train", 400, 1);

  fs::resize_file(w.path / "data" / "t10k-images-idx3-ubyte", 5000);  // truncate the test images
  r = run_cli("train " + w.data() + " --epochs 1");
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Contains("t10k") && Contains("truncated"));

  r = run_cli("eval " + w.data() + " --load " + (w.path / "nope.bin").string());
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Contains("nope.bin"));
}

// Regressions (issue 13): a --data file was "not found", --lr 1e30 was printed with 31 digits, and --load of a
// device read it as an empty file (of a FIFO: blocked forever, tested in test_data_files.cpp).
TEST_CASE("cli: a --data file, a huge --lr and a --load device get exact one-line messages", "[cli]") {
  Workdir w;
  const std::string file = (w.path / "data" / "train-images-idx3-ubyte").string();
  Run r = run_cli("train --data " + file);
  CHECK(r.code == 2);
  CHECK_THAT(r.output, Contains("data directory " + file + " is not a directory"));

  r = run_cli("train " + w.data() + " --lr 1e30");
  CHECK(r.code == 2);
  CHECK_THAT(r.output, Contains("convlens: --lr must be a number in (0, 10], got '1e30'"));

  if (fs::exists("/dev/zero")) {
    r = run_cli("eval " + w.data() + " --load /dev/zero");
    CHECK(r.code == 1);
    CHECK_THAT(r.output, Contains("cannot read /dev/zero: it is a character device, not a regular file"));
  }
  r = run_cli("eval " + w.data() + " --load " + w.path.string());
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Contains("it is a directory, not a regular file"));
}

TEST_CASE("cli: train logs like Keras, writes feature maps and saves, then eval of the file gives the same accuracy", "[cli]") {
  Workdir w;
  const std::string maps = (w.path / "maps").string(), weights = (w.path / "model.bin").string();
  const Run train = run_cli("train " + w.data() + " --epochs 2 --batch 50 --quiet --feature-maps " + maps +
                            " --cols 6 --save " + weights);
  INFO(train.output);
  REQUIRE(train.code == 0);
  CHECK_THAT(train.output, Contains("Total params: 242,062"));
  CHECK_THAT(train.output, Contains("Train on 320 samples, validate on 80 samples"));
  CHECK_THAT(train.output, Contains("Epoch 1/2  7/7 - ") && Contains(" - val_acc: "));
  CHECK_THAT(train.output, Contains("Epoch 2/2  7/7 - "));
  // Before training, after epoch 1 and after epoch 2: one PNG per layer each.
  for (const char* moment : {"epoch00", "epoch01", "epoch02"}) {
    INFO(moment);
    CHECK(fs::exists(fs::path(maps) / (std::string(moment) + "_layer2_conv2d_1_1x14x14x36.png")));
    CHECK(fs::exists(fs::path(maps) / (std::string(moment) + "_layer0_conv2d_1x28x28x16.png")));
  }
  REQUIRE(fs::exists(weights));
  const std::string trained = test_line(train.output);
  REQUIRE_FALSE(trained.empty());

  const Run eval = run_cli("eval " + w.data() + " --batch 50 --load " + weights);
  INFO(eval.output);
  REQUIRE(eval.code == 0);
  CHECK(test_line(eval.output) == trained);

  // Grad-CAM of the saved model for a test image: a PNG 8x the image's size; a layer without maps is refused.
  const std::string cam = (w.path / "cam.png").string();
  const Run gradcam = run_cli("gradcam " + w.data() + " --load " + weights + " --probe 3 --class 4 --out " + cam);
  INFO(gradcam.output);
  REQUIRE(gradcam.code == 0);
  CHECK_THAT(gradcam.output, Contains("Grad-CAM of layer 2 (conv2d_1) for class 4 on test image 3"));
  CHECK(png_size(cam) == std::make_pair(224, 224));
  const Run flat = run_cli("gradcam " + w.data() + " --load " + weights + " --layer 5 --out " + cam);
  CHECK(flat.code == 2);
  CHECK_THAT(flat.output, Contains("before flatten"));
  CHECK(run_cli("gradcam " + w.data() + " --load " + weights).code == 2);  // no --out

  // A file from another architecture is refused by name.
  const std::string small = (w.path / "small.bin").string();
  REQUIRE(run_cli("train " + w.data() + " --epochs 1 --quiet --model conv4k3-pool2-flat-dense10 --save " + small).code == 0);
  const Run wrong = run_cli("train " + w.data() + " --epochs 1 --quiet --load " + small);
  CHECK(wrong.code == 1);
  CHECK_THAT(wrong.output, Contains("conv4k3-pool2-flat-dense10") && Contains("conv16k5-pool2"));
}

TEST_CASE("cli: a run over the memory limit is refused before allocating; a batch over the data is fine", "[cli][memory]") {
  Workdir w;
  for (const char* args : {" --model conv4096k1-flat-dense10 --epochs 1", " --epochs 1 --memory-limit 64 --batch 4096"}) {
    const Run r = run_cli("train " + w.data() + args);
    INFO(args << ": " << r.output);
    CHECK(r.code == 2);
    CHECK_THAT(r.output, Contains("needs") && Contains("the memory limit is") && Contains("lower --batch"));
    CHECK_THAT(r.output, !Contains("Epoch 1/1"));
  }
  const Run bench = run_cli("bench --batch 65536 --steps 1 --runs 1");
  CHECK(bench.code == 2);
  CHECK_THAT(bench.output, Contains("at batch 65536 needs"));
  // A batch larger than the data holds only the images there are (the workspace, the test set's included).
  const Run r = run_cli("train " + w.data() + " --epochs 1 --batch 65536 --quiet");
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK_THAT(r.output, Contains("Test loss"));
  // A small weights file whose header names a huge model is refused before that model is built.
  std::vector<uint8_t> file = {'C', 'N', 'V', 'L', 'W', 'G', 'H', 'T', 1, 0, 0, 0};
  const std::string spec = "conv65536k63-pool28-flat-dense10";
  for (uint32_t v : {uint32_t(spec.size())}) for (int i = 0; i < 4; ++i) file.push_back(uint8_t(v >> (8 * i)));
  file.insert(file.end(), spec.begin(), spec.end());
  for (uint32_t v : {28u, 28u, 1u, 10u}) for (int i = 0; i < 4; ++i) file.push_back(uint8_t(v >> (8 * i)));
  for (int i = 0; i < 8; ++i) file.push_back(i == 0 ? 4 : 0);  // 4 parameters
  file.resize(file.size() + 4 * 4 + 4, 0);  // their zero bytes and a checksum
  const std::string huge = (w.path / "huge.bin").string();
  std::ofstream(huge, std::ios::binary).write(reinterpret_cast<const char*>(file.data()), std::streamsize(file.size()));
  const Run eval = run_cli("eval " + w.data() + " --load " + huge);
  INFO(eval.output);
  CHECK(eval.code == 1);
  CHECK_THAT(eval.output, Contains("huge.bin") && (Contains("parameters") || Contains("checksum")));
  const Run summary = run_cli("summary --model conv65536k63-pool28-flat-dense10");
  CHECK(summary.code == 0);  // a plan: nothing allocated
  CHECK_THAT(summary.output, Contains("Spec: conv65536k63-pool28-flat-dense10"));
}

TEST_CASE("cli: summary and help", "[cli]") {
  Run r = run_cli("summary");
  CHECK(r.code == 0);
  CHECK_THAT(r.output, Contains("conv2d_1 (Conv2D)") && Contains("Total params: 242,062"));
  r = run_cli("summary --dataset cifar10");
  CHECK(r.code == 0);
  CHECK_THAT(r.output, Contains("Total params: 4,224,970"));
  r = run_cli("help");
  CHECK(r.code == 0);
  CHECK_THAT(r.output, Contains("--feature-maps"));
}

TEST_CASE("cli: one quick epoch on real MNIST (12k images) beats 85% test accuracy", "[cli][real-data]") {
  const char* root = std::getenv("CONVLENS_DATA");
  const fs::path dir = fs::path(root ? root : "") / "mnist";
  if (!root || !fs::exists(dir / "train-images-idx3-ubyte")) {
    WARN("real MNIST not found under $CONVLENS_DATA (./build_wasm.sh setup fetches it): skipped");
    return;
  }
  // 9,600 training images, 48 batches of 200: about 90% test accuracy (99.25% takes the full 10 epochs).
  const Run r = run_cli("train --data " + dir.string() + " --subset 12000 --epochs 1 --quiet --threads 1");
  INFO(r.output);
  REQUIRE(r.code == 0);
  const std::string line = test_line(r.output);
  const size_t at = line.find("test acc: ");
  REQUIRE(at != std::string::npos);
  CHECK(std::stod(line.substr(at + 10)) > 0.85);
}
