#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "store/stream_id.h"
#include "store/stream_id_set.h"

namespace fkvs {

class StreamConsumer;

// One entry of a group's pending entries list (PEL): delivered to a
// consumer and not yet acknowledged (Redis's streamNACK).
struct PendingEntry {
  StreamId id;
  StreamConsumer* consumer = nullptr;
  int64_t delivery_time_ms = 0;  // unix ms of the last delivery
  uint64_t delivery_count = 0;
};

// A consumer of a group: its name, when it was last seen, and the IDs of
// its pending entries (their details live in the group's PEL).
class StreamConsumer {
 public:
  std::string_view name() const { return name_; }
  int64_t seen_time_ms() const { return seen_time_ms_; }
  void set_seen_time_ms(int64_t ms) { seen_time_ms_ = ms; }
  size_t pending_count() const { return pending_.size(); }

 private:
  friend class StreamGroup;
  struct PendingId {
    StreamId id;
  };

  std::string_view name_;  // the group's map key
  int64_t seen_time_ms_ = 0;
  StreamIdSet<PendingId> pending_;
};

// A consumer group of a stream (Redis's streamCG): the last delivered ID,
// the 7.0 entries-read counter, the consumers by name, and the PEL ordered
// by ID. Every PEL entry is also in its consumer's list; the functions here
// keep the two in step.
class StreamGroup {
 public:
  // Redis's SCG_INVALID_ENTRIES_READ: the counter is unknown (XINFO nil).
  static constexpr int64_t kEntriesReadUnknown = -1;

  StreamGroup() = default;
  StreamGroup(const StreamGroup&) = delete;
  StreamGroup& operator=(const StreamGroup&) = delete;

  std::string_view name() const { return name_; }
  StreamId last_delivered_id() const { return last_delivered_id_; }
  void set_last_delivered_id(StreamId id) { last_delivered_id_ = id; }
  int64_t entries_read() const { return entries_read_; }
  void set_entries_read(int64_t count) { entries_read_ = count; }

  // --- Consumers, kept in name (byte) order.
  StreamConsumer* find_consumer(std::string_view name);
  const StreamConsumer* find_consumer(std::string_view name) const;
  // A new consumer; nullptr if one of that name exists.
  StreamConsumer* create_consumer(std::string_view name, int64_t seen_time_ms);
  // XGROUP DELCONSUMER: removes the consumer and its pending entries from
  // the PEL; returns how many it had.
  size_t delete_consumer(StreamConsumer& consumer);
  size_t consumer_count() const { return consumers_.size(); }
  // visit(StreamConsumer&) for each consumer in name order.
  template <typename Visit>
  void for_each_consumer(Visit&& visit);
  template <typename Visit>
  void for_each_consumer(Visit&& visit) const;

  // --- The pending entries list.
  size_t pending_count() const { return pending_.size(); }
  PendingEntry* find_pending(StreamId id) { return pending_.find(id); }
  const PendingEntry* find_pending(StreamId id) const { return pending_.find(id); }
  // The pending entry with the lowest / highest ID (XPENDING's summary);
  // nullptr when the PEL is empty.
  const PendingEntry* first_pending() const { return pending_.first(); }
  const PendingEntry* last_pending() const { return pending_.last(); }
  // The first pending entry with an ID >= from, of consumer when not null;
  // nullptr if none. A loop that changes the PEL as it goes (XAUTOCLAIM)
  // steps with this, from the previous ID's next().
  PendingEntry* next_pending(StreamId from, const StreamConsumer* consumer = nullptr);

  // XREADGROUP's delivery of id to consumer at now_ms: a new entry with
  // delivery count 1, or, if id is pending already (after XGROUP SETID went
  // back), that entry moved to consumer with its count reset to 1.
  PendingEntry& deliver(StreamId id, StreamConsumer& consumer, int64_t now_ms);
  // XACK: removes id from the PEL and its consumer's list.
  bool acknowledge(StreamId id);
  // XCLAIM / XAUTOCLAIM: gives a pending entry to consumer (no-op if it
  // has it). The caller sets the delivery time and count.
  void claim(PendingEntry& entry, StreamConsumer& consumer);

  // visit(PendingEntry&) for the pending entries with IDs in [start, end]
  // in ascending order, only consumer's when it is not null; visit returns
  // false to stop. The visitor may change an entry's delivery time and
  // count, but not the PEL itself.
  template <typename Visit>
  void for_each_pending(StreamId start, StreamId end, const StreamConsumer* consumer,
                        Visit&& visit);
  template <typename Visit>
  void for_each_pending(StreamId start, StreamId end, const StreamConsumer* consumer,
                        Visit&& visit) const;

  // Heap bytes held by the consumers and the PEL (not this object).
  size_t heap_bytes() const;

 private:
  friend class StreamValue;
  // Copies everything but the name (set by the owner) from other.
  void copy_from(const StreamGroup& other);

  std::string_view name_;  // the stream's map key
  StreamId last_delivered_id_;
  int64_t entries_read_ = kEntriesReadUnknown;
  std::map<std::string, StreamConsumer, std::less<>> consumers_;
  StreamIdSet<PendingEntry> pending_;
};

template <typename Visit>
void StreamGroup::for_each_consumer(Visit&& visit) {
  for (auto& [name, consumer] : consumers_) visit(consumer);
}

template <typename Visit>
void StreamGroup::for_each_consumer(Visit&& visit) const {
  for (const auto& [name, consumer] : consumers_) visit(consumer);
}

template <typename Visit>
void StreamGroup::for_each_pending(StreamId start, StreamId end, const StreamConsumer* consumer,
                                   Visit&& visit) {
  if (consumer == nullptr) {
    pending_.for_each_in(start, end, [&](PendingEntry& entry) { return visit(entry); });
    return;
  }
  consumer->pending_.for_each_in(start, end, [&](const StreamConsumer::PendingId& pending) {
    return visit(*pending_.find(pending.id));
  });
}

template <typename Visit>
void StreamGroup::for_each_pending(StreamId start, StreamId end, const StreamConsumer* consumer,
                                   Visit&& visit) const {
  const_cast<StreamGroup*>(this)->for_each_pending(
      start, end, consumer, [&](const PendingEntry& entry) { return visit(entry); });
}

}  // namespace fkvs
