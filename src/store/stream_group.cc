#include "store/stream_group.h"

namespace fkvs {
namespace {

// A red-black tree node of a std::map: three pointers and the colour.
constexpr size_t kGroupTreeNodeBytes = 32;

size_t string_heap_bytes(const std::string& text) {
  return text.capacity() > std::string().capacity() ? text.capacity() + 1 : 0;
}

}  // namespace

StreamConsumer* StreamGroup::find_consumer(std::string_view name) {
  auto found = consumers_.find(name);
  return found == consumers_.end() ? nullptr : &found->second;
}

const StreamConsumer* StreamGroup::find_consumer(std::string_view name) const {
  auto found = consumers_.find(name);
  return found == consumers_.end() ? nullptr : &found->second;
}

StreamConsumer* StreamGroup::create_consumer(std::string_view name, int64_t seen_time_ms) {
  auto [slot, added] = consumers_.try_emplace(std::string(name));
  if (!added) return nullptr;
  StreamConsumer& consumer = slot->second;
  consumer.name_ = slot->first;
  consumer.seen_time_ms_ = seen_time_ms;
  return &consumer;
}

size_t StreamGroup::delete_consumer(StreamConsumer& consumer) {
  const size_t pending = consumer.pending_.size();
  consumer.pending_.for_each(
      [&](const StreamConsumer::PendingId& entry) { pending_.erase(entry.id); });
  consumers_.erase(consumers_.find(consumer.name()));
  return pending;
}

PendingEntry* StreamGroup::next_pending(StreamId from, const StreamConsumer* consumer) {
  if (consumer == nullptr) return pending_.lower_bound(from);
  auto* mine = const_cast<StreamConsumer*>(consumer)->pending_.lower_bound(from);
  return mine == nullptr ? nullptr : pending_.find(mine->id);
}

PendingEntry& StreamGroup::deliver(StreamId id, StreamConsumer& consumer, int64_t now_ms) {
  PendingEntry* entry = pending_.find(id);
  if (entry == nullptr) {
    consumer.pending_.insert({id});
    return pending_.insert({id, &consumer, now_ms, 1});
  }
  claim(*entry, consumer);
  entry->delivery_time_ms = now_ms;
  entry->delivery_count = 1;
  return *entry;
}

bool StreamGroup::acknowledge(StreamId id) {
  PendingEntry* entry = pending_.find(id);
  if (entry == nullptr) return false;
  entry->consumer->pending_.erase(id);
  pending_.erase(id);
  return true;
}

void StreamGroup::claim(PendingEntry& entry, StreamConsumer& consumer) {
  if (entry.consumer == &consumer) return;
  entry.consumer->pending_.erase(entry.id);
  entry.consumer = &consumer;
  consumer.pending_.insert({entry.id});
}

void StreamGroup::copy_from(const StreamGroup& other) {
  last_delivered_id_ = other.last_delivered_id_;
  entries_read_ = other.entries_read_;
  for (const auto& [name, consumer] : other.consumers_) {
    create_consumer(name, consumer.seen_time_ms());
  }
  other.pending_.for_each([&](const PendingEntry& entry) {
    StreamConsumer* owner = find_consumer(entry.consumer->name());
    owner->pending_.insert({entry.id});
    pending_.insert({entry.id, owner, entry.delivery_time_ms, entry.delivery_count});
  });
}

size_t StreamGroup::heap_bytes() const {
  size_t bytes = pending_.heap_bytes();
  for (const auto& [name, consumer] : consumers_) {
    bytes += kGroupTreeNodeBytes + sizeof(std::pair<const std::string, StreamConsumer>) +
             string_heap_bytes(name) + consumer.pending_.heap_bytes();
  }
  return bytes;
}

}  // namespace fkvs
