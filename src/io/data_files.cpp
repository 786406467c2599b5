// data_files.cpp: native file reading with zlib gunzip, writing, and the data-folder loaders (data_files.h).
//
// Finds files, reads them whole and inflates gzip; every format check is left to the engine parsers. Does not
// download, cache or memory-map anything: the largest set (CIFAR-10 train, 150 MB) is simply read into memory.
// Only regular files are read or written: FIFOs, devices and sockets are refused by name before any open.
#include "data_files.h"

#include "datasets.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "memory.h"

namespace convlens {
namespace {

namespace fs = std::filesystem;

using Bytes = std::vector<uint8_t>;

const char* const kIdxHint = "./build_wasm.sh setup fetches MNIST and Fashion-MNIST into data/";
const char* const kCifarHint =
    "download the CIFAR-10 binary version (cifar-10-binary.tar.gz, https://www.cs.toronto.edu/~kriz/cifar.html) "
    "and put its .bin files there";

bool is_gzip(const Bytes& bytes) { return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b; }

// What a file that is not a regular file is, for messages: "a directory", "a FIFO (named pipe)", ...
const char* file_kind(fs::file_type type) {
  switch (type) {
    case fs::file_type::directory: return "a directory";
    case fs::file_type::fifo: return "a FIFO (named pipe)";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::character: return "a character device";
    case fs::file_type::block: return "a block device";
    default: return "a special file";
  }
}

// Reads the file as it is on disk (at most kMaxFileBytes). Only regular files: a FIFO would block the open until
// a writer comes, and a device such as /dev/zero has no end; their size is not known before reading.
Result<Bytes> read_raw(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::exists(status) && !fs::is_regular_file(status))
    return Result<Bytes>::fail("cannot read " + path + ": it is " + file_kind(status.type()) + ", not a regular file");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::string reason = errno != 0 ? std::strerror(errno) : "unknown error";
    return Result<Bytes>::fail("cannot open " + path + ": " + reason);
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) return Result<Bytes>::fail("cannot read " + path + ": its size is unknown");
  if (uint64_t(size) > kMaxFileBytes) return Result<Bytes>::fail(path + ": file is larger than 1 GiB");
  in.seekg(0, std::ios::beg);
  Bytes bytes(static_cast<size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), size);
  if (!in) {
    return Result<Bytes>::fail("cannot read " + path + ": read error after " + std::to_string(in.gcount()) +
                               " of " + std::to_string(size) + " bytes");
  }
  return Result<Bytes>::success(std::move(bytes));
}

// Inflates all of gzip data (one member, or several concatenated as `cat a.gz b.gz` makes) into `out` if it is
// not null, else only counts the bytes; stops at more than `limit` bytes. Returns the byte count, or an error.
Result<uint64_t> inflate_all(const Bytes& gz, uint64_t limit, uint8_t* out) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Result<uint64_t>::fail("cannot initialise zlib");
  zs.next_in = const_cast<Bytef*>(gz.data());  // zlib does not write through next_in
  zs.avail_in = uInt(gz.size());                // <= kMaxFileBytes, fits
  std::vector<uint8_t> sink(out ? 0 : size_t(1) << 20);
  uint64_t size = 0;
  std::string error;
  while (error.empty()) {
    const uInt room = uInt(out ? std::min<uint64_t>(uint64_t(1) << 30, limit - size) : sink.size());
    zs.next_out = out ? out + size : sink.data();
    zs.avail_out = room;
    const int ret = inflate(&zs, Z_NO_FLUSH);
    size += room - zs.avail_out;
    if (size > limit) {
      error = "gzip data decompresses to more than " + memory_text(limit) +
              (limit < kMaxFileBytes ? " (what the memory limit leaves)" : "");
    } else if (ret == Z_STREAM_END) {
      if (zs.avail_in == 0) break;  // done
      inflateReset(&zs);            // another gzip member follows
    } else if (ret == Z_BUF_ERROR && zs.avail_in == 0) {
      error = "truncated gzip data: the compressed stream ends early";
    } else if (ret == Z_BUF_ERROR && zs.avail_out == 0 && out) {
      error = "gzip data decompresses to more than it did the first time";  // cannot happen: the same input
    } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
      error = std::string("corrupt gzip data (") + (zs.msg ? zs.msg : "zlib error " + std::to_string(ret)) + ")";
    }
  }
  inflateEnd(&zs);
  if (!error.empty()) return Result<uint64_t>::fail(error);
  return Result<uint64_t>::success(size);
}

// Inflates gzip data into at most kMaxFileBytes, or what the memory budget (memory.h) allows if that is less:
// a first pass only counts the bytes (a small file of zeros costs nothing), the second fills a buffer of exactly
// that size. `path` is only for messages.
Result<Bytes> gunzip(const Bytes& gz, const std::string& path) {
  const uint64_t limit = std::min<uint64_t>(kMaxFileBytes, memory_budget());
  const Result<uint64_t> size = inflate_all(gz, limit, nullptr);
  if (!size.ok()) return Result<Bytes>::fail(path + ": " + size.error);
  Bytes out(static_cast<size_t>(size.value));
  const Result<uint64_t> filled = inflate_all(gz, size.value, out.data());
  if (!filled.ok()) return Result<Bytes>::fail(path + ": " + filled.error);
  return Result<Bytes>::success(std::move(out));
}

// dir/base if it is a file, else dir/base.gz if that is, else "".
std::string find_data_file(const std::string& dir, const std::string& base) {
  std::error_code ec;
  fs::path raw = fs::path(dir) / base;
  if (fs::is_regular_file(raw, ec)) return raw.string();
  fs::path gz = fs::path(dir) / (base + ".gz");
  if (fs::is_regular_file(gz, ec)) return gz.string();
  return "";
}

// Fails unless `dir` is a directory; `looking_for` and `hint` go into the message.
Status check_data_dir(const std::string& dir, const std::string& looking_for, const std::string& hint) {
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (fs::is_directory(status)) return Status::success();
  const std::string problem = fs::exists(status) ? " is not a directory" : " not found";
  return Status::fail("data directory " + dir + problem + " (looking for " + looking_for + "); " + hint);
}

// Finds dir/base (raw or .gz) and reads it.
Result<Bytes> read_data_file(const std::string& dir, const std::string& base, const std::string& hint) {
  std::string path = find_data_file(dir, base);
  if (path.empty()) {
    std::string missing = (fs::path(dir) / base).string();
    return Result<Bytes>::fail("missing " + missing + " (or " + base + ".gz); " + hint);
  }
  return file_read_bytes(path);
}

}  // namespace

std::string data_root_default() {
  const char* env = std::getenv("CONVLENS_DATA");
#ifdef CONVLENS_DEFAULT_DATA_ROOT
  const char* fallback = CONVLENS_DEFAULT_DATA_ROOT;  // the source tree's data/, where setup fetches the data
#else
  const char* fallback = "./data";
#endif
  std::string root = env && *env ? env : fallback;
  while (!root.empty() && root.back() == '/') root.pop_back();  // "/srv/" -> "/srv", "/" -> ""
  return root;
}

Result<std::vector<uint8_t>> file_read_bytes(const std::string& path) {
  Result<Bytes> raw = read_raw(path);
  if (!raw.ok() || !is_gzip(raw.value)) return raw;
  return gunzip(raw.value, path);
}

Status file_check_writable(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::exists(status) && !fs::is_regular_file(status))
    return Status::fail("cannot write " + path + ": it is " + file_kind(status.type()) + ", not a regular file");
  // An existing file is opened for appending, which neither truncates nor changes it; a new one is created
  // ("x": never through a dangling symbolic link or over a file that just appeared) and removed again.
  const bool existed = fs::exists(status);
  errno = 0;
  std::FILE* f = std::fopen(path.c_str(), existed ? "ab" : "wbx");
  if (!f) return Status::fail("cannot write " + path + ": " + (errno != 0 ? std::strerror(errno) : "unknown error"));
  std::fclose(f);
  if (!existed) fs::remove(path, ec);
  return Status::success();
}

Status file_write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  if (f) f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (f) f.close();
  if (!f) return Status::fail("cannot write " + path + ": " + std::strerror(errno));
  return Status::success();
}

Status dataset_load_idx_dir(const std::string& dir, const std::string& name, bool train, Dataset& out) {
  const std::string prefix = train ? "train" : "t10k";
  const std::string image_base = prefix + "-images-idx3-ubyte";
  const std::string label_base = prefix + "-labels-idx1-ubyte";
  Status st = check_data_dir(dir, image_base + "[.gz] and " + label_base + "[.gz]", kIdxHint);
  if (!st.ok()) return st;

  Result<Bytes> images = read_data_file(dir, image_base, kIdxHint);
  if (!images.ok()) return Status::fail(images.error);
  Result<Bytes> labels = read_data_file(dir, label_base, kIdxHint);
  if (!labels.ok()) return Status::fail(labels.error);

  st = idx_parse(std::move(images.value), labels.value, name + (train ? " train" : " test"), out);
  if (!st.ok())
    return Status::fail(st.error + " (files " + find_data_file(dir, image_base) + " and " + find_data_file(dir, label_base) + ")");
  out.name = name;
  return Status::success();
}

Status dataset_load_cifar10_dir(const std::string& dir, bool train, Dataset& out) {
  std::vector<std::string> bases;
  if (train) {
    for (int i = 1; i <= 5; ++i) bases.push_back("data_batch_" + std::to_string(i) + ".bin");
  } else {
    bases.push_back("test_batch.bin");
  }
  const std::string looking_for = train ? "data_batch_1.bin .. data_batch_5.bin[.gz]" : "test_batch.bin[.gz]";
  Status st = check_data_dir(dir, looking_for, kCifarHint);
  if (!st.ok()) return st;

  Dataset loaded;  // filled batch by batch; moved into `out` only when everything parsed
  for (const std::string& base : bases) {
    std::string path = find_data_file(dir, base);
    if (path.empty()) continue;
    Result<Bytes> bytes = file_read_bytes(path);
    if (!bytes.ok()) return Status::fail(bytes.error);
    st = cifar10_parse(bytes.value, std::string("cifar10 ") + (train ? "train " : "test ") + path, loaded);
    if (!st.ok()) return st;
  }
  if (loaded.size() == 0) {
    return Status::fail("no CIFAR-10 " + std::string(train ? "training batches" : "test batch") + " in " + dir +
                        " (looking for " + looking_for + "); " + kCifarHint);
  }
  loaded.name = "cifar10";
  out = std::move(loaded);
  return Status::success();
}

Status dataset_load_dir(const std::string& dir, const std::string& id, bool train, Dataset& out) {
  const DatasetInfo* d = dataset_info(id);
  if (!d) return Status::fail("there is no data set " + id + " (" + dataset_ids() + ")");
  return d->format == "cifar10" ? dataset_load_cifar10_dir(dir, train, out) : dataset_load_idx_dir(dir, id, train, out);
}

}  // namespace convlens
