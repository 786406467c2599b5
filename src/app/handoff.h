// handoff.h: the newest value of something one thread writes and another reads, without either waiting for
// the other (a triple buffer). The Lab's training side publishes what it has done after every batch; the UI
// and the JS API read the newest whole state at their own pace, while training goes on.
//
// Three slots: the writer fills `back` and publishes it (it becomes the middle slot); the reader fetches the
// middle slot when a new one is there (it becomes `front`, stable until the next fetch). Neither call blocks or
// allocates. One writer at a time (callers serialise writers, e.g. under a mutex) and one reader thread.
// Not here: what the value is (lab.h).
#pragma once
#include <atomic>

namespace convlens {

template <class T>
class Handoff {
 public:
  // Writer: the slot to fill, then publish() it. Holds whatever was published two or more times ago.
  T& back() { return slots_[back_]; }
  void publish() { back_ = middle_.exchange(back_ | kFresh, std::memory_order_acq_rel) & kSlot; }

  // Reader: takes the newest published value if there is one since the last fetch; returns whether it did.
  bool fetch() {
    if (!(middle_.load(std::memory_order_acquire) & kFresh)) return false;
    front_ = middle_.exchange(front_, std::memory_order_acq_rel) & kSlot;
    return true;
  }
  const T& front() const { return slots_[front_]; }

 private:
  static constexpr int kSlot = 3, kFresh = 4;  // middle_ holds a slot index and whether it is unread
  T slots_[3];
  int back_ = 0, front_ = 1;  // each touched by its own side only
  std::atomic<int> middle_{2};
};

}  // namespace convlens
