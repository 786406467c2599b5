// status.h: how the engine reports errors a user can cause (bad files, bad specs, absurd settings).
//
// Engine functions never exit(), abort() or throw for user errors: they return a Status (or a Result<T>)
// carrying a one-line message that the CLI prints and the UI shows. Asserts remain for programmer invariants.
#pragma once
#include <string>
#include <utility>

namespace convlens {

struct Status {
  std::string error;  // empty when ok; otherwise a one-line message for the user

  bool ok() const { return error.empty(); }
  static Status success() { return {}; }
  static Status fail(std::string message) { return Status{std::move(message)}; }
};

template <class T>
struct Result {
  T value{};          // meaningful only when ok()
  std::string error;  // empty when ok

  bool ok() const { return error.empty(); }
  static Result success(T v) { return Result{std::move(v), {}}; }
  static Result fail(std::string message) { return Result{T{}, std::move(message)}; }
};

}  // namespace convlens
