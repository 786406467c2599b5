// fuzz_seeds.cpp: writes the seed corpora of the fuzz targets, small valid inputs made at build time so that no
// binary file is committed: `fuzz_seeds <dir>` writes <dir>/<target>/<name> for every target of tests/fuzz, and
// <dir>/<target>.dict (libFuzzer dictionaries: the tokens of model specs and query strings).
//
// Each seed is laid out as its harness reads it (fuzz_common.h for inputs holding several files). The files are
// made by the engine's own writers where it has one (weights_serialize), else by hand after the formats' headers
// (dataset.h); gzip by zlib. Not here: fuzzing, or checking anything.
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fuzz_common.h"
#include "model.h"
#include "weights_file.h"

using namespace convlens;
using namespace convlens_fuzz;
namespace fs = std::filesystem;

namespace {

void put_be32(Bytes& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(uint8_t(v >> shift));
}

// An IDX image file of n images h x w (pixels i * 37 mod 256) and its label file (labels i mod classes).
FilePair idx_files(uint32_t n, uint32_t h, uint32_t w, int classes) {
  FilePair f;
  put_be32(f.first, 0x00000803), put_be32(f.first, n), put_be32(f.first, h), put_be32(f.first, w);
  for (uint32_t i = 0; i < n * h * w; ++i) f.first.push_back(uint8_t(i * 37));
  put_be32(f.second, 0x00000801), put_be32(f.second, n);
  for (uint32_t i = 0; i < n; ++i) f.second.push_back(uint8_t(i % classes));
  return f;
}

// n CIFAR-10 records: label, then 3072 bytes of R, G and B planes.
Bytes cifar_batch(int n) {
  Bytes out;
  for (int r = 0; r < n; ++r) {
    out.push_back(uint8_t((r * 3) % 10));
    for (int i = 0; i < 3072; ++i) out.push_back(uint8_t(i + r));
  }
  return out;
}

// One gzip member of `bytes` (deflate at `level`).
Bytes gzip(const Bytes& bytes, int level = 9) {
  z_stream zs{};
  deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  Bytes out(deflateBound(&zs, uLong(bytes.size())) + 32);
  zs.next_in = const_cast<Bytef*>(bytes.data());
  zs.avail_in = uInt(bytes.size());
  zs.next_out = out.data();
  zs.avail_out = uInt(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

// A tiny model's weights file, parameters drawn from `seed`.
Bytes weights(const std::string& spec, Shape input, int classes, uint64_t seed) {
  Result<Model> m = model_build(spec, input, classes);
  if (!m.ok()) {
    std::fprintf(stderr, "fuzz_seeds: %s\n", m.error.c_str());
    std::exit(1);
  }
  model_init(m.value, seed);
  return weights_serialize(m.value);
}

struct Writer {
  fs::path root;
  void seed(const std::string& target, const std::string& name, const Bytes& bytes) const {
    fs::create_directories(root / target);
    fuzz_write_file((root / target / name).string(), bytes);
  }
  void dict(const std::string& target, const std::vector<std::string>& tokens) const {
    std::ofstream out(root / (target + ".dict"));
    for (const std::string& t : tokens) out << '"' << t << "\"\n";
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds <output dir>\n");
    return 2;
  }
  const Writer out{argv[1]};
  const FilePair mnist_like = idx_files(2, 28, 28, 10), tiny = idx_files(3, 4, 5, 3);

  // fuzz_idx: classes byte + image/label pair
  out.seed("idx", "two-28x28", cat({10}, fuzz_join_pair(mnist_like.first, mnist_like.second)));
  out.seed("idx", "three-4x5-3-classes", cat({3}, fuzz_join_pair(tiny.first, tiny.second)));

  // fuzz_cifar10: flags byte + batch
  out.seed("cifar10", "one-record", cat({0}, cifar_batch(1)));
  out.seed("cifar10", "two-records-twice", cat({2}, cifar_batch(2)));
  out.seed("cifar10", "onto-mnist", cat({1}, cifar_batch(1)));

  // fuzz_weights: whole files
  out.seed("weights", "dense", weights("flat-dense3", Shape{2, 2, 1}, 3, 1));
  out.seed("weights", "conv-pool", weights("conv2k3-pool2-flat-dense4", Shape{6, 6, 1}, 4, 2));
  out.seed("weights", "valid-linear-drop", weights("conv3k2validlinear-relu-drop.5-flat-dense5linear-dense2",
                                                   Shape{4, 3, 2}, 2, 3));

  // fuzz_model_spec: ModelInput (shape, classes, batch, flags) + spec; flags bit 0 = training
  const ModelInput models[] = {
      {Shape{8, 8, 1}, 10, 2, 1, "conv4k3-pool2-flat-dense10"},
      {Shape{12, 12, 1}, 4, 2, 0, "conv8k3-conv8k5-pool2-flat-dense4"},  // Winograd: 5x5 on 8 channels
      {Shape{10, 10, 2}, 3, 3, 1, "conv6k3-pool2-conv8k3-pool2-flat-dense3"},  // sparse gradients before a pool
      {Shape{5, 4, 3}, 3, 4, 1, "conv3k2validlinear-relu-drop.5-flat-dense8linear-dense3"},
      {Shape{1, 1, 4}, 2, 1, 0, "conv5k1-dense2"},
      {Shape{28, 28, 1}, 10, 1, 0, "mnist"},
  };
  int index = 0;
  for (const ModelInput& m : models)
    out.seed("model_spec", "spec-" + std::to_string(index++), fuzz_write_model_input(m));
  out.dict("model_spec", {"conv", "k", "valid", "linear", "pool", "relu", "drop", "flat", "flatten", "dense", "-",
                          ".25", "0.5", "mnist", "cifar10", "fashion"});

  // fuzz_url_params: query strings
  out.seed("url_params", "dataset", text("?dataset=fashion&epochs=3&autostart=1"));
  out.seed("url_params", "model", text("model=conv8k3-pool2-flat-dense10&layer=2&lr=0.01&optimizer=sgd&momentum=0.5"));
  out.seed("url_params", "numbers", text("batch=64&subset=1000&seed=7&val_split=0.1&probe=3&threads=2&embed=1"));
  out.seed("url_params", "junk", text("epochs=banana&%6Dodel=mnist&lr=1e3&+&=&x%2"));
  out.dict("url_params", {"dataset=", "model=", "epochs=", "batch=", "lr=", "optimizer=", "momentum=", "subset=",
                          "seed=", "val_split=", "layer=", "probe=", "threads=", "autostart=", "embed=", "&", "%",
                          "+", "mnist", "fashion", "adam", "sgd", "conv8k3", "pool2", "flat", "dense10", "-"});

  // fuzz_data_files: mode byte (bits 0-1: file, IDX folder, CIFAR-10 folder; bit 2 test set; bits 3, 4 .gz names)
  const Bytes idx_gz = gzip(tiny.first);
  out.seed("data_files", "raw-file", cat({0}, tiny.first));
  out.seed("data_files", "gzip-file", cat({0 | 8}, idx_gz));
  out.seed("data_files", "gzip-two-members", cat({0}, cat(gzip(text("hello ")), gzip(text("world"), 1))));
  out.seed("data_files", "gzip-truncated", cat({0}, Bytes(idx_gz.begin(), idx_gz.end() - 5)));
  out.seed("data_files", "idx-folder", cat({1 | 8}, fuzz_join_pair(idx_gz, tiny.second)));
  out.seed("data_files", "idx-folder-test", cat({4}, fuzz_join_pair(tiny.first, gzip(tiny.second))));
  out.seed("data_files", "cifar-folder", cat({2 | 16}, fuzz_join_pair(cifar_batch(1), gzip(cifar_batch(2)))));
  out.seed("data_files", "cifar-test", cat({2 | 4 | 8}, fuzz_join_pair(gzip(cifar_batch(1)), {})));
  return 0;
}
