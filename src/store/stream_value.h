#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "store/collection.h"
#include "store/stream_group.h"
#include "store/stream_id.h"
#include "store/stream_node.h"

namespace fkvs {

// stream-node-max-bytes and stream-node-max-entries as the writing command
// sees them; 0 means no limit.
struct StreamNodeLimits {
  size_t max_bytes = 4096;
  int64_t max_entries = 100;
};

// What XADD's and XTRIM's MAXLEN / MINID options ask for.
struct StreamTrim {
  enum class Strategy : uint8_t { kMaxLen, kMinId };
  Strategy strategy = Strategy::kMaxLen;
  uint64_t max_len = 0;  // kMaxLen: keep at most this many entries
  StreamId min_id;       // kMinId: remove the entries below this ID
  // "~": remove whole nodes only, so a few more entries may stay.
  bool approximate = false;
  // Remove at most this many entries (LIMIT); 0 for no limit. Redis takes
  // LIMIT only with "~" (the command's error) and trims exactly without one.
  int64_t limit = 0;

  // The limit "~" gets without LIMIT: 100 * stream-node-max-entries, at
  // least 1 (10000 when that is 0) and at most 1000000, as Redis 7.0.
  static int64_t default_approximate_limit(int64_t node_max_entries);
};

// A stream key, held as Redis holds it: entries in nodes of Redis's
// listpack stream layout (see stream_node.h), up to stream-node-max-entries
// entries / stream-node-max-bytes bytes each, indexed by their master ID;
// the stream's counters (last ID, entries added, max deleted ID, first ID)
// and its consumer groups by name.
//
// The commands keep Redis's rules about IDs (an appended ID above
// last_id(), XSETID's checks); this class keeps the bookkeeping that goes
// with each change, as Redis's t_stream.c does for them.
class StreamValue final : public Collection {
 public:
  static constexpr ValueType kType = ValueType::kStream;

  StreamValue();
  ~StreamValue() override;

  ValueType type() const override { return kType; }
  Encoding encoding() const override { return Encoding::kStream; }
  // The number of entries (XLEN).
  size_t size() const override { return length_; }
  std::unique_ptr<Collection> clone() const override;
  size_t heap_bytes() const override;

  // --- Entries

  // Appends an entry: field, value, field, value... (an even, non-zero
  // count). id must be above last_id(): the caller checks. Sets last_id()
  // to id, counts it in entries_added() and, in an empty stream, makes it
  // first_id(). Returns false, adding nothing, when the fields and values
  // together pass 1 GiB (XADD's "Elements are too large to be stored").
  bool append(StreamId id, std::span<const std::string_view> fields_and_values,
              const StreamNodeLimits& limits);
  // XDEL of one ID: false if there is no such entry. Raises
  // max_deleted_id() to id and moves first_id() past it as Redis does; a
  // node left with no entries is freed.
  bool erase(StreamId id);
  bool contains(StreamId id) const;
  // XTRIM / XADD's trimming; returns the number of entries removed.
  // Whole nodes go first; only an exact trim marks entries of the node
  // where it stops as deleted. first_id() is recomputed in any case.
  size_t trim(const StreamTrim& trim);

  // --- Counters, as XINFO STREAM shows them and XSETID sets them.
  StreamId last_id() const { return last_id_; }
  void set_last_id(StreamId id) { last_id_ = id; }
  uint64_t entries_added() const { return entries_added_; }
  void set_entries_added(uint64_t count) { entries_added_ = count; }
  StreamId max_deleted_id() const { return max_deleted_id_; }
  void set_max_deleted_id(StreamId id) { max_deleted_id_ = id; }
  // Redis's recorded first entry ID (XINFO STREAM FULL's
  // "recorded-first-entry-id"): 0-0 in an empty stream.
  StreamId first_id() const { return first_id_; }
  void set_first_id(StreamId id) { first_id_ = id; }
  // The IDs of the first and last entries; nullopt when empty.
  std::optional<StreamId> first_entry_id() const;
  std::optional<StreamId> last_entry_id() const;
  // The number of nodes (XINFO STREAM's radix-tree-keys).
  size_t node_count() const { return nodes_.size(); }

  // --- Nodes as they are, for the RDB format.

  // Adds a node (checked by StreamNode::check_block) under its master ID,
  // counting its live entries into size(); false if a node has that ID.
  bool insert_node(StreamId master_id, StreamNode node);
  // visit(StreamId master_id, const StreamNode&) for each node in order.
  template <typename Visit>
  void for_each_node(Visit&& visit) const {
    for (const auto& [master_id, node] : nodes_) visit(master_id, node);
  }

  // --- Reading entries

  // Walks the entries with IDs in [start, end], ascending or (reverse)
  // descending. Valid until the entries change (append, erase, trim);
  // changes to groups and their PELs leave it valid, so XREADGROUP can
  // deliver each entry as it reads it.
  //
  //   for (auto it = stream.range(start, end, false); it.next();) {
  //     reply(it.id(), it.field_count());
  //     it.for_each_field([&](std::string_view field, std::string_view value) {...});
  //   }
  class Iterator {
   public:
    // Moves to the next entry in the range; false when there is none.
    bool next();
    StreamId id() const { return id_; }
    size_t field_count() const { return entry_.field_count; }
    // visit(field, value) for each field of the entry, in order; the views
    // are valid during the call.
    template <typename Visit>
    void for_each_field(Visit&& visit) const;

   private:
    friend class StreamValue;
    using NodeMap = std::map<StreamId, StreamNode>;
    bool load_node();
    bool step();

    const NodeMap* nodes_ = nullptr;
    NodeMap::const_iterator node_;
    StreamId start_;
    StreamId end_;
    bool reverse_ = false;
    bool started_ = false;  // node_ is loaded and position_ at an entry
    bool done_ = false;
    size_t position_ = 0;  // the current entry's flags item
    StreamNode::Entry entry_;
    StreamId id_;
  };
  Iterator range(StreamId start, StreamId end, bool reverse = false) const;

  // --- Consumer groups, in name (byte) order as Redis's rax keeps them.
  StreamGroup* find_group(std::string_view name);
  const StreamGroup* find_group(std::string_view name) const;
  // A new group; nullptr if one of that name exists. entries_read may be
  // StreamGroup::kEntriesReadUnknown.
  StreamGroup* create_group(std::string_view name, StreamId last_delivered_id,
                            int64_t entries_read);
  bool destroy_group(std::string_view name);
  size_t group_count() const { return groups_ ? groups_->size() : 0; }
  // visit(StreamGroup&) for each group in name order.
  template <typename Visit>
  void for_each_group(Visit&& visit);
  template <typename Visit>
  void for_each_group(Visit&& visit) const;

  // --- Redis 7.0's entries-read and lag tracking (pure: nothing changes).

  // streamEstimateDistanceFromFirstEverEntry: the entries-read counter a
  // group whose last delivered ID is id would have, or kEntriesReadUnknown
  // when the stream cannot tell (deletions in between, an ID ahead).
  int64_t estimate_entries_read(StreamId id) const;
  // streamRangeHasTombstones: whether an entry in [start, end] may have
  // been deleted (judged by max_deleted_id()).
  bool range_has_tombstones(StreamId start, StreamId end = StreamId::max()) const;
  // XINFO GROUPS / XINFO STREAM FULL "lag": entries not yet delivered to
  // the group; nullopt (nil) when it cannot be known.
  std::optional<int64_t> group_lag(const StreamGroup& group) const;
  // XREADGROUP ">" delivering id to group: if id is past the group's last
  // delivered ID, counts it in entries_read (or re-estimates the counter)
  // and makes it the last delivered ID, as Redis 7.0.
  void record_group_delivery(StreamGroup& group, StreamId id) const;

 private:
  using NodeMap = std::map<StreamId, StreamNode>;
  using GroupMap = std::map<std::string, StreamGroup, std::less<>>;

  // Recomputes first_id_ from the first live entry (0-0 when empty).
  void refresh_first_id();
  size_t trim_node_exactly(NodeMap::iterator node, const StreamTrim& trim);

  NodeMap nodes_;
  uint64_t length_ = 0;
  StreamId last_id_;
  StreamId first_id_;
  StreamId max_deleted_id_;
  uint64_t entries_added_ = 0;
  std::unique_ptr<GroupMap> groups_;  // created with the first group
};

template <typename Visit>
void StreamValue::Iterator::for_each_field(Visit&& visit) const {
  node_->second.for_each_field(entry_, visit);
}

template <typename Visit>
void StreamValue::for_each_group(Visit&& visit) {
  if (!groups_) return;
  for (auto& [name, group] : *groups_) visit(group);
}

template <typename Visit>
void StreamValue::for_each_group(Visit&& visit) const {
  if (!groups_) return;
  for (const auto& [name, group] : *groups_) visit(group);
}

}  // namespace fkvs
