// test_data_files.cpp: native file reading (raw and gzip) and the data-folder loaders, on files written to a
// fresh temp folder; plus, when $CONVLENS_DATA holds them, the real MNIST / Fashion-MNIST files ("[real-data]").
//
// Format validation itself is tested in tests/engine/test_dataset.cpp; here only what the file layer adds:
// finding files, .gz handling, and messages that name paths and say how to get the data.
#include <catch2/catch.hpp>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

#include "data_files.h"
#include "memory.h"

using namespace convlens;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<uint8_t>;

// A fresh folder under the system temp dir, removed with everything in it at the end of the test.
struct TempDir {
  fs::path path;

  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("convlens_test_data_files_" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

void write_file(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  REQUIRE(out.good());
}

// Compresses with a gzip header and trailer (deflateInit2 with 16 + MAX_WBITS), as the gzip tool would.
Bytes gzip(const Bytes& data) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  Bytes out(deflateBound(&zs, uLong(data.size())));
  zs.next_in = const_cast<Bytef*>(data.data());
  zs.avail_in = uInt(data.size());
  zs.next_out = out.data();
  zs.avail_out = uInt(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// Bytes that do not compress to nothing: a simple LCG.
Bytes noise(size_t n, uint32_t seed) {
  Bytes bytes(n);
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    bytes[i] = uint8_t(seed >> 24);
  }
  return bytes;
}

void put_be32(Bytes& bytes, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(uint8_t(v >> shift));
}

// An IDX image file of n images h x w; every pixel of image i is i + 1.
Bytes idx_images(uint32_t n, uint32_t h, uint32_t w) {
  Bytes bytes;
  put_be32(bytes, 0x00000803);
  put_be32(bytes, n);
  put_be32(bytes, h);
  put_be32(bytes, w);
  for (uint32_t i = 0; i < n; ++i) bytes.insert(bytes.end(), size_t(h) * w, uint8_t(i + 1));
  return bytes;
}

Bytes idx_labels(const Bytes& labels) {
  Bytes bytes;
  put_be32(bytes, 0x00000801);
  put_be32(bytes, uint32_t(labels.size()));
  bytes.insert(bytes.end(), labels.begin(), labels.end());
  return bytes;
}

// CIFAR-10 records with the given labels; every pixel byte of record i is `fill + i`.
Bytes cifar_batch(const Bytes& labels, uint8_t fill) {
  Bytes bytes;
  for (size_t i = 0; i < labels.size(); ++i) {
    bytes.push_back(labels[i]);
    bytes.insert(bytes.end(), 3072, uint8_t(fill + i));
  }
  return bytes;
}

}  // namespace

// ---- file_read_bytes ------------------------------------------------------------------------------------

TEST_CASE("file_read_bytes reads raw files", "[data_files]") {
  TempDir tmp;
  Bytes data = noise(5000, 1);
  write_file(tmp.file("raw.bin"), data);
  Result<Bytes> got = file_read_bytes(tmp.file("raw.bin"));
  REQUIRE(got.ok());
  CHECK(got.value == data);

  write_file(tmp.file("empty.bin"), {});
  got = file_read_bytes(tmp.file("empty.bin"));
  REQUIRE(got.ok());
  CHECK(got.value.empty());
}

TEST_CASE("a small gzip that inflates past the memory limit is refused at the limit, not twice it", "[data_files][memory]") {
  TempDir tmp;
  write_file(tmp.file("zeros.gz"), gzip(Bytes(size_t(80) << 20, 0)));  // 80 MiB of zeros: 80 KB compressed
  memory_set_limit(uint64_t(64) << 20);
  const Result<Bytes> got = file_read_bytes(tmp.file("zeros.gz"));
  memory_set_limit(0);
  REQUIRE_FALSE(got.ok());
  CHECK_THAT(got.error, Catch::Contains("zeros.gz: gzip data decompresses to more than 64 MB"));
  REQUIRE(file_read_bytes(tmp.file("zeros.gz")).ok());  // under the default limit
}

TEST_CASE("file_read_bytes gunzips files that start with the gzip magic", "[data_files]") {
  TempDir tmp;
  Bytes data = noise(3 << 20, 2);  // 3 MiB: more than one inflate chunk
  write_file(tmp.file("data.gz"), gzip(data));
  Result<Bytes> got = file_read_bytes(tmp.file("data.gz"));
  REQUIRE(got.ok());
  CHECK(got.value == data);

  // Concatenated gzip members, as `cat a.gz b.gz` makes, give the concatenated data.
  Bytes a = noise(100, 3), b = noise(200, 4);
  Bytes both = gzip(a), gz_b = gzip(b);
  both.insert(both.end(), gz_b.begin(), gz_b.end());
  write_file(tmp.file("two.gz"), both);
  got = file_read_bytes(tmp.file("two.gz"));
  REQUIRE(got.ok());
  a.insert(a.end(), b.begin(), b.end());
  CHECK(got.value == a);
}

TEST_CASE("file_read_bytes names the path when it cannot open it", "[data_files]") {
  TempDir tmp;
  std::string path = tmp.file("nope");
  Result<Bytes> got = file_read_bytes(path);
  REQUIRE_FALSE(got.ok());
  CHECK(got.error == "cannot open " + path + ": No such file or directory");

  got = file_read_bytes(tmp.path.string());
  REQUIRE_FALSE(got.ok());
  CHECK_THAT(got.error, Contains("is a directory"));
}

// Regression (issue 13): `--load` of a FIFO blocked forever in open() and /dev/zero "read" as an empty file;
// anything but a regular file is now refused by name before it is opened.
TEST_CASE("file_read_bytes refuses FIFOs, devices and directories before reading", "[data_files]") {
  if (fs::exists("/dev/zero")) {
    Result<Bytes> got = file_read_bytes("/dev/zero");
    REQUIRE_FALSE(got.ok());  // REQUIRE: without the check the FIFO below would block the test forever
    CHECK(got.error == "cannot read /dev/zero: it is a character device, not a regular file");
  }
  TempDir tmp;
  const std::string fifo = tmp.file("pipe");
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  Result<Bytes> got = file_read_bytes(fifo);
  REQUIRE_FALSE(got.ok());
  CHECK(got.error == "cannot read " + fifo + ": it is a FIFO (named pipe), not a regular file");
  got = file_read_bytes(tmp.path.string());
  REQUIRE_FALSE(got.ok());
  CHECK(got.error == "cannot read " + tmp.path.string() + ": it is a directory, not a regular file");
}

// ---- file_check_writable ------------------------------------------------------------------------------------

TEST_CASE("file_check_writable leaves an existing file as it was and creates nothing new", "[data_files]") {
  TempDir tmp;
  const std::string existing = tmp.file("old.bin");
  write_file(existing, {1, 2, 3});
  CHECK(file_check_writable(existing).ok());
  CHECK(file_read_bytes(existing).value == Bytes{1, 2, 3});

  const std::string fresh = tmp.file("new.bin");
  CHECK(file_check_writable(fresh).ok());
  CHECK_FALSE(fs::exists(fresh));
}

TEST_CASE("file_check_writable names the path and the problem", "[data_files]") {
  TempDir tmp;
  const std::string no_dir = (tmp.path / "missing" / "w.bin").string();
  CHECK(file_check_writable(no_dir).error == "cannot write " + no_dir + ": No such file or directory");
  CHECK(file_check_writable(tmp.path.string()).error ==
        "cannot write " + tmp.path.string() + ": it is a directory, not a regular file");
  const std::string fifo = tmp.file("pipe");
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THAT(file_check_writable(fifo).error, Contains("FIFO"));
  if (geteuid() != 0) {  // root may write anywhere
    fs::create_directories(tmp.path / "locked");
    fs::permissions(tmp.path / "locked", fs::perms::owner_read | fs::perms::owner_exec);
    const std::string locked = (tmp.path / "locked" / "w.bin").string();
    CHECK(file_check_writable(locked).error == "cannot write " + locked + ": Permission denied");
    fs::permissions(tmp.path / "locked", fs::perms::owner_all);
  }
}

TEST_CASE("file_read_bytes rejects corrupt gzip data", "[data_files]") {
  TempDir tmp;
  Bytes gz = gzip(noise(10000, 5));
  gz[gz.size() - 6] ^= 0xff;  // the CRC-32 in the trailer
  write_file(tmp.file("bad_crc.gz"), gz);
  Result<Bytes> got = file_read_bytes(tmp.file("bad_crc.gz"));
  REQUIRE_FALSE(got.ok());
  CHECK_THAT(got.error, Contains(tmp.file("bad_crc.gz")));
  CHECK_THAT(got.error, Contains("corrupt gzip data"));

  Bytes garbage{0x1f, 0x8b, 0x63, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};  // compression method 0x63 is unknown
  write_file(tmp.file("garbage.gz"), garbage);
  got = file_read_bytes(tmp.file("garbage.gz"));
  REQUIRE_FALSE(got.ok());
  CHECK_THAT(got.error, Contains("corrupt gzip data"));
}

TEST_CASE("file_read_bytes rejects truncated gzip data", "[data_files]") {
  TempDir tmp;
  Bytes gz = gzip(noise(10000, 6));
  gz.resize(gz.size() / 2);
  write_file(tmp.file("half.gz"), gz);
  Result<Bytes> got = file_read_bytes(tmp.file("half.gz"));
  REQUIRE_FALSE(got.ok());
  CHECK_THAT(got.error, Contains(tmp.file("half.gz") + ": truncated gzip data"));

  write_file(tmp.file("magic_only.gz"), Bytes{0x1f, 0x8b});
  got = file_read_bytes(tmp.file("magic_only.gz"));
  REQUIRE_FALSE(got.ok());
  CHECK_THAT(got.error, Contains("truncated gzip data"));
}

// ---- dataset_load_idx_dir -------------------------------------------------------------------------------

TEST_CASE("dataset_load_idx_dir loads raw and .gz IDX files", "[data_files][idx]") {
  TempDir tmp;
  write_file(tmp.file("train-images-idx3-ubyte"), idx_images(3, 4, 5));
  write_file(tmp.file("train-labels-idx1-ubyte"), idx_labels({1, 2, 3}));
  write_file(tmp.file("t10k-images-idx3-ubyte.gz"), gzip(idx_images(2, 4, 5)));
  write_file(tmp.file("t10k-labels-idx1-ubyte.gz"), gzip(idx_labels({9, 8})));

  Dataset train;
  Status st = dataset_load_idx_dir(tmp.path.string(), "fashion", true, train);
  REQUIRE(st.ok());
  CHECK(train.name == "fashion");
  CHECK(train.shape == Shape{4, 5, 1});
  CHECK(train.labels == Bytes{1, 2, 3});
  CHECK(train.image(2)[19] == 3);

  Dataset test;
  st = dataset_load_idx_dir(tmp.path.string(), "fashion", false, test);
  REQUIRE(st.ok());
  CHECK(test.name == "fashion");
  CHECK(test.labels == Bytes{9, 8});
  CHECK(test.images.size() == 2 * 4 * 5);
}

TEST_CASE("dataset_load_idx_dir prefers the raw file when both exist", "[data_files][idx]") {
  TempDir tmp;
  write_file(tmp.file("train-images-idx3-ubyte"), idx_images(2, 3, 3));
  write_file(tmp.file("train-images-idx3-ubyte.gz"), gzip(idx_images(1, 3, 3)));
  write_file(tmp.file("train-labels-idx1-ubyte"), idx_labels({0, 1}));
  write_file(tmp.file("train-labels-idx1-ubyte.gz"), gzip(idx_labels({0})));
  Dataset d;
  Status st = dataset_load_idx_dir(tmp.path.string(), "mnist", true, d);
  REQUIRE(st.ok());
  CHECK(d.size() == 2);
}

TEST_CASE("dataset_load_idx_dir says what it looked for and how to get it", "[data_files][idx]") {
  TempDir tmp;
  std::string dir = (tmp.path / "mnist").string();
  Dataset d;
  d.name = "before";
  Status st = dataset_load_idx_dir(dir, "mnist", true, d);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error, Contains("data directory " + dir + " not found"));
  CHECK_THAT(st.error, Contains("train-images-idx3-ubyte"));
  CHECK_THAT(st.error, Contains("./build_wasm.sh setup"));
  CHECK(d.name == "before");

  // The folder exists but a file is missing.
  write_file(tmp.file("t10k-images-idx3-ubyte"), idx_images(1, 2, 2));
  st = dataset_load_idx_dir(tmp.path.string(), "mnist", false, d);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error, Contains("missing " + tmp.file("t10k-labels-idx1-ubyte") + " (or t10k-labels-idx1-ubyte.gz)"));
  CHECK_THAT(st.error, Contains("./build_wasm.sh setup"));
}

// Regression (issue 13): a data path that exists but is a file was reported as "not found".
TEST_CASE("data folder loaders say a path that is a file is not a directory", "[data_files]") {
  TempDir tmp;
  const std::string file = tmp.file("mnist.txt");
  write_file(file, {1});
  Dataset d;
  Status st = dataset_load_idx_dir(file, "mnist", true, d);
  CHECK_THAT(st.error, Contains("data directory " + file + " is not a directory (looking for train-images"));
  st = dataset_load_cifar10_dir(file, true, d);
  CHECK_THAT(st.error, Contains("data directory " + file + " is not a directory (looking for data_batch_1.bin"));
}

TEST_CASE("dataset_load_idx_dir passes on parser and gzip errors", "[data_files][idx]") {
  TempDir tmp;
  write_file(tmp.file("train-images-idx3-ubyte"), idx_images(2, 3, 3));
  write_file(tmp.file("train-labels-idx1-ubyte"), idx_labels({0, 10}));
  Dataset d;
  Status st = dataset_load_idx_dir(tmp.path.string(), "mnist", true, d);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error, Contains("mnist train labels: label 10 at index 1"));
  CHECK_THAT(st.error, Contains(tmp.path.string()));
  CHECK(d.size() == 0);

  Bytes gz = gzip(idx_images(1, 2, 2));
  gz.resize(gz.size() - 3);
  write_file(tmp.file("t10k-images-idx3-ubyte.gz"), gz);
  write_file(tmp.file("t10k-labels-idx1-ubyte"), idx_labels({0}));
  st = dataset_load_idx_dir(tmp.path.string(), "mnist", false, d);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error, Contains(tmp.file("t10k-images-idx3-ubyte.gz") + ": truncated gzip data"));
}

// ---- dataset_load_cifar10_dir ---------------------------------------------------------------------------

TEST_CASE("dataset_load_cifar10_dir joins the train batches present, in order", "[data_files][cifar]") {
  TempDir tmp;
  write_file(tmp.file("data_batch_1.bin"), cifar_batch({1, 2}, 10));
  write_file(tmp.file("data_batch_3.bin.gz"), gzip(cifar_batch({3}, 50)));
  write_file(tmp.file("test_batch.bin"), cifar_batch({7}, 90));

  Dataset train;
  Status st = dataset_load_cifar10_dir(tmp.path.string(), true, train);
  REQUIRE(st.ok());
  CHECK(train.name == "cifar10");
  CHECK(train.shape == Shape{32, 32, 3});
  CHECK(train.labels == Bytes{1, 2, 3});
  CHECK(train.image(1)[0] == 11);
  CHECK(train.image(2)[3071] == 50);

  Dataset test;
  st = dataset_load_cifar10_dir(tmp.path.string(), false, test);
  REQUIRE(st.ok());
  CHECK(test.labels == Bytes{7});
}

TEST_CASE("dataset_load_cifar10_dir reports missing folders, batches and bad files", "[data_files][cifar]") {
  TempDir tmp;
  Dataset d;
  Status st = dataset_load_cifar10_dir((tmp.path / "cifar10").string(), true, d);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error, Contains("not found"));
  CHECK_THAT(st.error, Contains("data_batch_1.bin"));

  st = dataset_load_cifar10_dir(tmp.path.string(), false, d);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error, Contains("no CIFAR-10 test batch in " + tmp.path.string()));
  CHECK_THAT(st.error, Contains("test_batch.bin"));

  write_file(tmp.file("data_batch_1.bin"), cifar_batch({1}, 0));
  write_file(tmp.file("data_batch_2.bin"), cifar_batch({12}, 0));
  st = dataset_load_cifar10_dir(tmp.path.string(), true, d);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error, Contains(tmp.file("data_batch_2.bin") + ": label 12 at record 0"));
  CHECK(d.size() == 0);  // nothing half-loaded
}

// ---- real data (only when $CONVLENS_DATA has it) --------------------------------------------------------

TEST_CASE("real MNIST loads from $CONVLENS_DATA/mnist", "[data_files][real-data]") {
  const char* root = std::getenv("CONVLENS_DATA");
  if (root == nullptr || !fs::exists(fs::path(root) / "mnist" / "train-images-idx3-ubyte")) {
    WARN("skipped: set CONVLENS_DATA to a folder with mnist/ (./build_wasm.sh setup fetches it into data/)");
    return;
  }
  std::string dir = (fs::path(root) / "mnist").string();
  Dataset train, test;
  Status st = dataset_load_idx_dir(dir, "mnist", true, train);
  REQUIRE(st.ok());
  st = dataset_load_idx_dir(dir, "mnist", false, test);
  REQUIRE(st.ok());
  CHECK(train.size() == 60000);
  CHECK(test.size() == 10000);
  CHECK(train.shape == Shape{28, 28, 1});
  CHECK(test.shape == Shape{28, 28, 1});
  CHECK(train.labels[0] == 5);
  CHECK(test.labels[0] == 7);
}

TEST_CASE("real Fashion-MNIST (.gz) loads from $CONVLENS_DATA/fashion", "[data_files][real-data]") {
  const char* root = std::getenv("CONVLENS_DATA");
  if (root == nullptr || !fs::exists(fs::path(root) / "fashion" / "train-images-idx3-ubyte.gz")) {
    WARN("skipped: set CONVLENS_DATA to a folder with fashion/ (./build_wasm.sh setup links it into data/)");
    return;
  }
  std::string dir = (fs::path(root) / "fashion").string();
  Dataset train, test;
  REQUIRE(dataset_load_idx_dir(dir, "fashion", true, train).ok());
  REQUIRE(dataset_load_idx_dir(dir, "fashion", false, test).ok());
  CHECK(train.size() == 60000);
  CHECK(test.size() == 10000);
  CHECK(train.shape == Shape{28, 28, 1});
  CHECK(train.labels[0] == 9);  // ankle boot
}
