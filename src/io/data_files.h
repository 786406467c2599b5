// data_files.h: files on disk, natively: whole files read into memory (gunzipped when they start with the gzip
// magic) and written, and the MNIST-style and CIFAR-10 folders laid out as data/ holds them.
//
// It only finds, reads, decompresses and writes files (and checks up front that an output file can be written);
// all format checks are the engine parsers' (dataset.h). It does not download anything (./build_wasm.sh setup does)
// and is not built for the browser, which fetches files in JS.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dataset.h"
#include "status.h"

namespace convlens {

// Largest file, and largest gunzipped output, that file_read_bytes accepts.
constexpr uint64_t kMaxFileBytes = uint64_t(1) << 30;  // 1 GiB

// The folder holding mnist/, fashion/ ...: $CONVLENS_DATA, else the checkout's data/ that setup fills
// (CONVLENS_DEFAULT_DATA_ROOT at build time), else ./data. No trailing slash ("/srv/" -> "/srv").
std::string data_root_default();

// Reads the whole file at `path`; if it starts with the gzip magic (1f 8b), returns the decompressed bytes.
// Errors name the path: "cannot open data/mnist/x: No such file or directory", not a regular file ("it is a
// FIFO (named pipe), not a regular file": refused before opening, so a FIFO or /dev/zero never blocks or
// reads forever), corrupt or truncated gzip, or more than kMaxFileBytes.
Result<std::vector<uint8_t>> file_read_bytes(const std::string& path);

// Checks, before any long work, that `path` could be written later (convlens train --save): an existing regular
// file must open for appending (it is not truncated or changed); otherwise the file is created and removed again.
// Errors name the path: "cannot write out/w.bin: No such file or directory", "...: it is a directory, not a
// regular file", "...: Permission denied".
Status file_check_writable(const std::string& path);

// Writes bytes to `path` (created, or truncated), with errors naming the path: "cannot write out/w.bin: ...".
Status file_write_bytes(const std::string& path, const std::vector<uint8_t>& bytes);

// Loads an IDX pair from `dir`: train-images-idx3-ubyte + train-labels-idx1-ubyte (t10k-... when !train), each
// raw or with a .gz suffix (raw preferred when both exist). Replaces `out`'s contents and sets out.name = name.
// On error `out` is unchanged.
Status dataset_load_idx_dir(const std::string& dir, const std::string& name, bool train, Dataset& out);

// Loads CIFAR-10 binary batches from `dir`: data_batch_1.bin .. data_batch_5.bin (those present, at least one)
// for train, test_batch.bin for test; each raw or with a .gz suffix. Replaces `out`'s contents and sets
// out.name = "cifar10". On error `out` is unchanged.
Status dataset_load_cifar10_dir(const std::string& dir, bool train, Dataset& out);

// Loads the training or test part of data set `id` (datasets.h) from `dir`, in its format (one of the above).
Status dataset_load_dir(const std::string& dir, const std::string& id, bool train, Dataset& out);

}  // namespace convlens
