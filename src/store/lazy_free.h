#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "store/value.h"

namespace fkvs {

class KeyTable;

// Frees big values on a thread of its own, so that deleting a set of ten
// million members (UNLINK, FLUSHALL ASYNC, and the lazyfree-lazy-* options)
// does not stall every client for the seconds freeing takes. Small values
// are freed at once: handing them over costs more than freeing them.
//
// What the thread frees was unlinked from the keyspace first, so nothing
// else reaches it; the allocator takes frees from any thread.
class LazyFree {
 public:
  // As Redis: a value of more elements than this is freed in the background.
  static constexpr size_t kThreshold = 64;

  LazyFree();
  ~LazyFree();
  LazyFree(const LazyFree&) = delete;
  LazyFree& operator=(const LazyFree&) = delete;

  // Frees value: in the background if it holds more than kThreshold
  // elements, else now.
  void release(Value&& value);
  // Frees a whole keyspace table (FLUSHALL ASYNC) in the background,
  // however small: each key counts as one object, as in Redis.
  void release(std::unique_ptr<KeyTable> table);

  // INFO: objects waiting to be freed, and freed in the background so far.
  size_t pending() const { return pending_.load(std::memory_order_relaxed); }
  uint64_t freed() const { return freed_.load(std::memory_order_relaxed); }
  void reset_stats() { freed_.store(0, std::memory_order_relaxed); }

 private:
  struct Garbage {
    explicit Garbage(size_t objects) : objects(objects) {}
    virtual ~Garbage() = default;
    size_t objects;  // what INFO counts it as
  };
  template <typename T>
  struct Held final : Garbage {
    Held(T&& held, size_t objects) : Garbage(objects), value(std::move(held)) {}
    T value;
  };

  void hand_over(std::unique_ptr<Garbage> garbage);
  void run();

  std::mutex mutex_;
  std::condition_variable work_;
  std::deque<std::unique_ptr<Garbage>> queue_;
  bool stopping_ = false;
  std::atomic<size_t> pending_{0};
  std::atomic<uint64_t> freed_{0};
  std::thread thread_;  // last: it starts once the rest exists
};

}  // namespace fkvs
