// memory.h: the memory budget. What a model would need is worked out from its plan (model_plan,
// Trainer::memory_bytes) before anything is allocated, and checked here against what may be used: in the browser
// what the WebAssembly heap can still grow to, less a margin; natively a limit (default 4 GiB, settable).
// An allocation that fails anyway (the budget is an estimate) ends in out_of_memory(): natively std::bad_alloc,
// which the CLI and the desktop app catch with a message; in WebAssembly, where exceptions are off, a stop with
// that message (the page shows it) instead of writing through a null pointer.
// Not here: the estimates themselves (they live beside the buffers they size).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "status.h"

namespace convlens {

// Bytes a new model, run or data set may still use: the limit, and in the browser no more than the heap's maximum
// less what is in use and a margin of kMemoryMargin.
uint64_t memory_budget();
constexpr uint64_t kMemoryMargin = uint64_t(64) << 20;
// The limit (bytes; 0 restores the default, kDefaultMemoryLimit).
void memory_set_limit(uint64_t bytes);
constexpr uint64_t kDefaultMemoryLimit = uint64_t(4) << 30;

// "2.1 GB", "380 MB", "12 KB" (powers of 1024, as the heap counts).
std::string memory_text(uint64_t bytes);

// Ok when `need` fits memory_budget(); else a message such as "this model needs 2.1 GB at batch 200; the page
// can use 1.9 GB: lower the batch or the filters". `what` names the need, `advice` says what to change.
Status memory_check(uint64_t need, const std::string& what, const std::string& advice);

// Where an allocation failed: never returns (see above).
[[noreturn]] void out_of_memory(size_t bytes);

}  // namespace convlens
