// memory.cpp: the memory budget and what happens when an allocation fails anyway (see memory.h).
#include "memory.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

#ifdef __EMSCRIPTEN__
#include <emscripten/heap.h>
#include <malloc.h>
#include <unistd.h>
#endif

namespace convlens {
namespace {

std::atomic<uint64_t> g_limit{kDefaultMemoryLimit};

// What the WebAssembly heap can still grow to: its maximum less what is in use (the heap's top less what malloc
// holds free below it; static data and stacks included) and kMemoryMargin. Natively: no bound of its own.
uint64_t heap_left() {
#ifdef __EMSCRIPTEN__
  const uint64_t top = uint64_t(uintptr_t(sbrk(0)));
  const uint64_t free_below = uint64_t(mallinfo().fordblks);
  const uint64_t used = top > free_below ? top - free_below : top;
  const uint64_t max = uint64_t(emscripten_get_heap_max());
  return max > used + kMemoryMargin ? max - used - kMemoryMargin : 0;
#else
  return UINT64_MAX;
#endif
}

}  // namespace

uint64_t memory_budget() { return std::min(heap_left(), g_limit.load()); }

void memory_set_limit(uint64_t bytes) { g_limit.store(bytes ? bytes : kDefaultMemoryLimit); }

std::string memory_text(uint64_t bytes) {
  char text[32];
  const double kb = double(bytes) / 1024, mb = kb / 1024, gb = mb / 1024;
  if (gb >= 1) std::snprintf(text, sizeof text, "%.1f GB", gb);
  else if (mb >= 1) std::snprintf(text, sizeof text, "%.0f MB", mb);
  else std::snprintf(text, sizeof text, "%.0f KB", kb);
  return text;
}

Status memory_check(uint64_t need, const std::string& what, const std::string& advice) {
  const uint64_t budget = memory_budget();
  if (need <= budget) return Status::success();
  const char* who = budget < g_limit.load() ? "the page can use" : "the memory limit is";
  return Status::fail(what + " needs " + memory_text(need) + "; " + who + " " + memory_text(budget) + ": " + advice);
}

void out_of_memory(size_t bytes) {
#if defined(__EMSCRIPTEN__) && !defined(__cpp_exceptions)
  std::fprintf(stderr, "ConvLens ran out of memory allocating %s\n", memory_text(bytes).c_str());
  std::abort();  // the page's onAbort shows the message; writing through a null pointer would corrupt the heap
#else
  (void)bytes;
  throw std::bad_alloc();
#endif
}

}  // namespace convlens
