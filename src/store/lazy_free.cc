#include "store/lazy_free.h"

#include "store/collection.h"
#include "store/key_table.h"
#include "store/shared_pages.h"
#include "store/stream_value.h"

namespace fkvs {
namespace {

// Roughly how many blocks freeing value takes, as Redis estimates it: one
// for a string and for the single-block encodings, one per element else
// (per node and group for a stream).
size_t free_effort(const Value& value) {
  const Collection* collection = value.collection();
  if (collection == nullptr) return 1;
  switch (value.encoding()) {
    case Encoding::kListpack:
    case Encoding::kIntset:
      return 1;
    case Encoding::kStream: {
      // A block per node, per group and per consumer; PEL chunks are few.
      const auto& stream = *static_cast<const StreamValue*>(collection);
      size_t effort = stream.node_count();
      stream.for_each_group(
          [&](const StreamGroup& group) { effort += 1 + group.consumer_count(); });
      return effort;
    }
    default:
      return collection->size();
  }
}

}  // namespace

LazyFree::LazyFree() : thread_([this] { run(); }) {}

LazyFree::~LazyFree() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_one();
  thread_.join();
}

void LazyFree::release(Value&& value) {
  if (free_effort(value) <= kThreshold) {
    Value freed_now = std::move(value);
    return;
  }
  hand_over(std::make_unique<Held<Value>>(std::move(value), 1));
}

void LazyFree::release(std::unique_ptr<KeyTable> table) {
  const size_t keys = table->size();
  hand_over(std::make_unique<Held<std::unique_ptr<KeyTable>>>(std::move(table), keys));
}

void LazyFree::hand_over(std::unique_ptr<Garbage> garbage) {
  pending_.fetch_add(garbage->objects, std::memory_order_relaxed);
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(garbage));
  }
  work_.notify_one();
}

void LazyFree::run() {
  // Blocks freed here go straight back to the allocator (see shared_pages).
  shared_pages::detail::freeing_in_background = true;
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left
    std::unique_ptr<Garbage> garbage = std::move(queue_.front());
    queue_.pop_front();
    const size_t objects = garbage->objects;
    lock.unlock();
    garbage.reset();
    lock.lock();
    pending_.fetch_sub(objects, std::memory_order_relaxed);
    freed_.fetch_add(objects, std::memory_order_relaxed);
  }
}

}  // namespace fkvs
