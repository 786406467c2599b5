// fuzz_data_files.cpp: libFuzzer harness for the native data-file layer (data_files.h): file_read_bytes
// (raw or gzip, with zlib) and the IDX and CIFAR-10 folder loaders. The layer takes paths, not bytes, so each input
// is written to files in a temporary folder of this process (removed at exit) and read back through it.
//
// Input: a mode byte, then the file(s). Mode bits 0-1 (3 reads as 0): 0 one file; 1 an IDX folder (image and
// label file as fuzz_common.h lays out two files); 2 a CIFAR-10 folder (data_batch_1.bin and, if not empty,
// data_batch_2.bin, laid out the same way). Bit 2: the test set (t10k-..., test_batch.bin with the first file
// only) instead of training; bits 3 and 4: the first and second file get a .gz suffix (the loaders take either
// name; the content decides).
// Checks beyond "no crash, no sanitizer report": a file without the gzip magic reads back unchanged; errors name
// the path; a folder loads exactly when file_read_bytes and the engine parser accept its files, into the same
// dataset, and a failed load leaves the dataset untouched.
// Not here: the parsers' own checks (fuzz_idx.cpp, fuzz_cifar10.cpp), $CONVLENS_DATA.
#include <cstdlib>  // mkdtemp (POSIX)
#include <filesystem>

#include "data_files.h"
#include "fuzz_common.h"

using namespace convlens;
using namespace convlens_fuzz;
namespace fs = std::filesystem;

namespace {

// This process's temporary folder, made on first use and removed at exit (the string is never destroyed: the
// exit handler runs after static destructors would have).
const std::string& temp_dir() {
  static const std::string* dir = [] {
    std::string pattern = (fs::temp_directory_path() / "convlens-fuzz-XXXXXX").string();
    fuzz_check(mkdtemp(pattern.data()) != nullptr, "mkdtemp");
    std::atexit([] { std::error_code ec; fs::remove_all(temp_dir(), ec); });
    return new std::string(pattern);
  }();
  return *dir;
}

// Empties the folder: no file of an earlier input may be found.
void clear_folder() {
  for (const fs::directory_entry& e : fs::directory_iterator(temp_dir())) fs::remove_all(e.path());
}

// Writes `bytes` to the folder's file `name`; returns its path.
std::string write_file(const std::string& name, const Bytes& bytes) {
  const std::string path = temp_dir() + "/" + name;
  fuzz_write_file(path, bytes);
  return path;
}

bool same_dataset(const Dataset& a, const Dataset& b) {
  return a.name == b.name && a.shape == b.shape && a.num_classes == b.num_classes && a.images == b.images &&
         a.labels == b.labels;
}

Dataset sentinel() {  // what `out` holds before a load: a failed load must leave it so
  Dataset d;
  d.name = "before";
  d.shape = Shape{1, 1, 1};
  d.images = {5};
  d.labels = {2};
  return d;
}

void check_one_file(const Bytes& bytes, bool gz_name) {
  const std::string path = write_file(gz_name ? "file.gz" : "file", bytes);
  const Result<Bytes> read = file_read_bytes(path);
  const bool gzip = bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
  if (!gzip) fuzz_check(read.ok() && read.value == bytes, "a file without the gzip magic reads back unchanged");
  if (!read.ok()) fuzz_check(read.error.find(path) != std::string::npos, "errors name the path", read.error);
}

// The IDX folder against reading both files and parsing them directly.
void check_idx_folder(const FilePair& files, bool train, bool gz_images, bool gz_labels) {
  const std::string prefix = train ? "train" : "t10k";
  const std::string images = write_file(prefix + "-images-idx3-ubyte" + (gz_images ? ".gz" : ""), files.first);
  const std::string labels = write_file(prefix + "-labels-idx1-ubyte" + (gz_labels ? ".gz" : ""), files.second);
  Dataset out = sentinel();
  const Status st = dataset_load_idx_dir(temp_dir(), "fuzz", train, out);

  Dataset want = sentinel();
  const Result<Bytes> image_bytes = file_read_bytes(images), label_bytes = file_read_bytes(labels);
  bool ok = image_bytes.ok() && label_bytes.ok() &&
            idx_parse(image_bytes.value, label_bytes.value, "fuzz", want).ok();
  if (ok) want.name = "fuzz";
  fuzz_check(st.ok() == ok, "an IDX folder loads exactly when its files read and parse", st.error);
  fuzz_check(same_dataset(out, want),
             st.ok() ? "the folder's dataset is the files'" : "a failed load leaves it untouched");
}

// The CIFAR-10 folder against reading and parsing its batches directly, in order.
void check_cifar_folder(const FilePair& files, bool train, bool gz_first, bool gz_second) {
  std::vector<std::string> paths;
  if (train) {
    paths.push_back(write_file(std::string("data_batch_1.bin") + (gz_first ? ".gz" : ""), files.first));
    if (!files.second.empty())
      paths.push_back(write_file(std::string("data_batch_2.bin") + (gz_second ? ".gz" : ""), files.second));
  } else {
    paths.push_back(write_file(std::string("test_batch.bin") + (gz_first ? ".gz" : ""), files.first));
  }
  Dataset out = sentinel();
  const Status st = dataset_load_cifar10_dir(temp_dir(), train, out);

  Dataset want;
  bool ok = true;
  for (const std::string& path : paths) {
    const Result<Bytes> bytes = file_read_bytes(path);
    ok = ok && bytes.ok() && cifar10_parse(bytes.value, "fuzz", want).ok();
  }
  want.name = "cifar10";
  fuzz_check(st.ok() == ok, "a CIFAR-10 folder loads exactly when its batches read and parse", st.error);
  fuzz_check(same_dataset(out, ok ? want : sentinel()),
             st.ok() ? "the folder's dataset is the batches'" : "a failed load leaves it untouched");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  const bool train = !(mode & 4), gz_first = mode & 8, gz_second = mode & 16;
  clear_folder();
  switch ((mode & 3) % 3) {
    case 0: check_one_file(Bytes(data + 1, data + size), gz_first); break;
    case 1: check_idx_folder(fuzz_split_pair(data + 1, size - 1), train, gz_first, gz_second); break;
    case 2: check_cifar_folder(fuzz_split_pair(data + 1, size - 1), train, gz_first, gz_second); break;
  }
  return 0;
}
