#include "store/stream_value.h"

#include <algorithm>
#include <iterator>

namespace fkvs {
namespace {

// Redis's STREAM_LISTPACK_MAX_SIZE: no node (and no entry) passes 1 GiB.
constexpr size_t kStreamNodeHardMaxBytes = size_t{1} << 30;

// A red-black tree node of a std::map: three pointers and the colour.
constexpr size_t kStreamTreeNodeBytes = 32;

}  // namespace

int64_t StreamTrim::default_approximate_limit(int64_t node_max_entries) {
  constexpr int64_t kWhenUnlimited = 10000;
  constexpr int64_t kMostWork = 1000000;
  if (node_max_entries <= 0) return kWhenUnlimited;
  if (node_max_entries > kMostWork / 100) return kMostWork;
  return 100 * node_max_entries;
}

StreamValue::StreamValue() = default;
StreamValue::~StreamValue() = default;

std::unique_ptr<Collection> StreamValue::clone() const {
  auto copy = std::make_unique<StreamValue>();
  for (const auto& [master_id, node] : nodes_) {
    copy->nodes_.emplace_hint(copy->nodes_.end(), master_id, node.copy());
  }
  copy->length_ = length_;
  copy->last_id_ = last_id_;
  copy->first_id_ = first_id_;
  copy->max_deleted_id_ = max_deleted_id_;
  copy->entries_added_ = entries_added_;
  for_each_group([&](const StreamGroup& group) {
    StreamGroup* twin = copy->create_group(group.name(), {}, 0);
    twin->copy_from(group);
  });
  return copy;
}

size_t StreamValue::heap_bytes() const {
  size_t bytes = sizeof(*this);
  for (const auto& [master_id, node] : nodes_) {
    bytes += kStreamTreeNodeBytes + sizeof(NodeMap::value_type) + node.heap_bytes();
  }
  if (groups_) {
    bytes += sizeof(GroupMap);
    for (const auto& [name, group] : *groups_) {
      bytes += kStreamTreeNodeBytes + sizeof(GroupMap::value_type) + name.capacity() +
               group.heap_bytes();
    }
  }
  return bytes;
}

// --- Entries

bool StreamValue::append(StreamId id, std::span<const std::string_view> fields_and_values,
                         const StreamNodeLimits& limits) {
  size_t element_bytes = 0;
  for (std::string_view element : fields_and_values) element_bytes += element.size();
  if (element_bytes > kStreamNodeHardMaxBytes) return false;

  bool new_node = nodes_.empty();
  if (!new_node) {
    // Redis 7.0 starts a node when this one's bytes plus the new strings
    // reach the byte limit, or it holds (live and deleted) entries to the
    // entry limit.
    const StreamNode& tail = nodes_.rbegin()->second;
    size_t max_bytes = limits.max_bytes;
    if (max_bytes == 0 || max_bytes > kStreamNodeHardMaxBytes) max_bytes = kStreamNodeHardMaxBytes;
    if (tail.bytes() + element_bytes >= max_bytes) {
      new_node = true;
    } else if (limits.max_entries > 0 &&
               tail.live_count() + tail.deleted_count() >= limits.max_entries) {
      new_node = true;
    }
  }
  if (new_node) {
    nodes_.emplace_hint(nodes_.end(), id, StreamNode::with_first_entry(fields_and_values));
  } else {
    auto tail = std::prev(nodes_.end());
    tail->second.append(tail->first, id, fields_and_values);
  }
  ++length_;
  ++entries_added_;
  last_id_ = id;
  if (length_ == 1) first_id_ = id;
  return true;
}

namespace {

// The node that holds id, if any does: the last one whose master ID is not
// above it.
template <typename Map>
auto stream_node_for(Map& nodes, StreamId id) {
  auto node = nodes.upper_bound(id);
  if (node == nodes.begin()) return nodes.end();
  return std::prev(node);
}

}  // namespace

bool StreamValue::erase(StreamId id) {
  auto node = stream_node_for(nodes_, id);
  if (node == nodes_.end()) return false;
  StreamNode& entries = node->second;
  for (size_t position = entries.first_entry(); position != entries.end();) {
    const StreamNode::Entry entry = entries.read_entry(position);
    const StreamId entry_id = entries.entry_id(node->first, position);
    if (id < entry_id) return false;
    if (entry_id == id) {
      if (entry.deleted()) return false;
      entries.mark_deleted(position);
      if (entries.live_count() == 0) nodes_.erase(node);
      --length_;
      if (max_deleted_id_ < id) max_deleted_id_ = id;
      if (length_ == 0) {
        first_id_ = StreamId::min();
      } else if (id == first_id_) {
        refresh_first_id();
      }
      return true;
    }
    position = entry.next;
  }
  return false;
}

bool StreamValue::contains(StreamId id) const {
  auto it = range(id, id);
  return it.next();
}

void StreamValue::refresh_first_id() { first_id_ = first_entry_id().value_or(StreamId::min()); }

std::optional<StreamId> StreamValue::first_entry_id() const {
  auto it = range(StreamId::min(), StreamId::max());
  if (!it.next()) return std::nullopt;
  return it.id();
}

std::optional<StreamId> StreamValue::last_entry_id() const {
  auto it = range(StreamId::min(), StreamId::max(), true);
  if (!it.next()) return std::nullopt;
  return it.id();
}

size_t StreamValue::trim(const StreamTrim& trim) {
  const bool by_length = trim.strategy == StreamTrim::Strategy::kMaxLen;
  size_t removed = 0;
  for (auto node = nodes_.begin(); node != nodes_.end();) {
    if (by_length && length_ <= trim.max_len) break;
    const auto live = static_cast<size_t>(node->second.live_count());
    if (trim.limit > 0 && removed + live > static_cast<size_t>(trim.limit)) break;
    bool whole_node;
    if (by_length) {
      whole_node = length_ - live >= trim.max_len;
    } else {
      // The node's last entry, deleted or not, decides.
      const StreamNode& entries = node->second;
      const size_t last = entries.previous_entry(entries.end());
      whole_node = entries.entry_id(node->first, last) < trim.min_id;
    }
    if (whole_node) {
      node = nodes_.erase(node);
      length_ -= live;
      removed += live;
      continue;
    }
    if (!trim.approximate) removed += trim_node_exactly(node, trim);
    break;
  }
  // Redis recomputes it even when nothing went (a stream loaded from an
  // old file may hold the maximum ID there).
  refresh_first_id();
  return removed;
}

// Marks the node's entries below the trim point deleted. Like Redis, a node
// whose entries all go this way stays, empty.
size_t StreamValue::trim_node_exactly(NodeMap::iterator node, const StreamTrim& trim) {
  const bool by_length = trim.strategy == StreamTrim::Strategy::kMaxLen;
  StreamNode& entries = node->second;
  size_t removed = 0;
  for (size_t position = entries.first_entry(); position != entries.end();) {
    if (by_length ? length_ <= trim.max_len
                  : !(entries.entry_id(node->first, position) < trim.min_id)) {
      break;
    }
    const StreamNode::Entry entry = entries.read_entry(position);
    size_t next = entry.next;
    if (!entry.deleted()) {
      const size_t bytes_before = entries.bytes();
      entries.mark_deleted(position);
      // The master counts may have changed size, moving what follows.
      next = next + entries.bytes() - bytes_before;
      --length_;
      ++removed;
    }
    position = next;
  }
  return removed;
}

bool StreamValue::insert_node(StreamId master_id, StreamNode node) {
  const auto live = static_cast<uint64_t>(node.live_count());
  if (!nodes_.try_emplace(master_id, std::move(node)).second) return false;
  length_ += live;
  return true;
}

// --- Reading entries

StreamValue::Iterator StreamValue::range(StreamId start, StreamId end, bool reverse) const {
  Iterator it;
  it.nodes_ = &nodes_;
  it.start_ = start;
  it.end_ = end;
  it.reverse_ = reverse;
  if (end < start) {
    it.done_ = true;
    return it;
  }
  if (!reverse) {
    it.node_ = stream_node_for(nodes_, start);
    if (it.node_ == nodes_.end()) it.node_ = nodes_.begin();
  } else {
    it.node_ = stream_node_for(nodes_, end);
  }
  it.done_ = it.node_ == nodes_.end();
  return it;
}

// Steps to the next entry position in walking order, across nodes; false
// when the walk runs out of nodes.
bool StreamValue::Iterator::step() {
  const StreamNode* node = &node_->second;
  if (started_) {
    position_ = reverse_ ? node->previous_entry(position_) : entry_.next;
  } else {
    position_ = reverse_ ? node->previous_entry(node->end()) : node->seek(node_->first, start_);
    started_ = true;
  }
  while (position_ == node->end()) {
    if (reverse_) {
      if (node_ == nodes_->begin()) return false;
      --node_;
    } else {
      if (++node_ == nodes_->end()) return false;
    }
    node = &node_->second;
    position_ = reverse_ ? node->previous_entry(node->end()) : node->first_entry();
  }
  return true;
}

bool StreamValue::Iterator::next() {
  while (!done_) {
    if (!step()) break;
    const StreamNode& node = node_->second;
    id_ = node.entry_id(node_->first, position_);
    entry_ = node.read_entry(position_);
    if (reverse_) {
      if (id_ < start_) break;
      if (end_ < id_) continue;
    } else {
      if (end_ < id_) break;
      if (id_ < start_) continue;
    }
    if (!entry_.deleted()) return true;
  }
  done_ = true;
  return false;
}

// --- Consumer groups

StreamGroup* StreamValue::find_group(std::string_view name) {
  if (!groups_) return nullptr;
  auto found = groups_->find(name);
  return found == groups_->end() ? nullptr : &found->second;
}

const StreamGroup* StreamValue::find_group(std::string_view name) const {
  return const_cast<StreamValue*>(this)->find_group(name);
}

StreamGroup* StreamValue::create_group(std::string_view name, StreamId last_delivered_id,
                                       int64_t entries_read) {
  if (!groups_) groups_ = std::make_unique<GroupMap>();
  auto [slot, added] = groups_->try_emplace(std::string(name));
  if (!added) return nullptr;
  StreamGroup& group = slot->second;
  group.name_ = slot->first;
  group.last_delivered_id_ = last_delivered_id;
  group.entries_read_ = entries_read;
  return &group;
}

bool StreamValue::destroy_group(std::string_view name) {
  if (!groups_) return false;
  auto found = groups_->find(name);
  if (found == groups_->end()) return false;
  groups_->erase(found);
  return true;
}

// --- Entries-read and lag (Redis 7.0's t_stream.c rules)

int64_t StreamValue::estimate_entries_read(StreamId id) const {
  const auto added = static_cast<int64_t>(entries_added_);
  if (entries_added_ == 0) return 0;
  if (length_ == 0 && !(last_id_ < id)) return added;
  if (id == last_id_) return added;
  if (last_id_ < id) return StreamGroup::kEntriesReadUnknown;
  // Without deletions after the first entry, entries before it were all
  // trimmed or deleted: the count is known up to the first entry.
  if (max_deleted_id_.is_zero() || max_deleted_id_ < first_id_) {
    if (id < first_id_) return added - static_cast<int64_t>(length_);
    if (id == first_id_) return added - static_cast<int64_t>(length_) + 1;
  }
  return StreamGroup::kEntriesReadUnknown;
}

bool StreamValue::range_has_tombstones(StreamId start, StreamId end) const {
  if (length_ == 0 || max_deleted_id_.is_zero()) return false;
  if (max_deleted_id_ < first_id_) return false;
  return !(max_deleted_id_ < start) && !(end < max_deleted_id_);
}

std::optional<int64_t> StreamValue::group_lag(const StreamGroup& group) const {
  const auto added = static_cast<int64_t>(entries_added_);
  if (entries_added_ == 0) return 0;
  if (group.entries_read() != StreamGroup::kEntriesReadUnknown &&
      !range_has_tombstones(group.last_delivered_id())) {
    return added - group.entries_read();
  }
  const int64_t estimate = estimate_entries_read(group.last_delivered_id());
  if (estimate == StreamGroup::kEntriesReadUnknown) return std::nullopt;
  return added - estimate;
}

void StreamValue::record_group_delivery(StreamGroup& group, StreamId id) const {
  if (!(group.last_delivered_id() < id)) return;
  if (group.entries_read() != StreamGroup::kEntriesReadUnknown && !range_has_tombstones(id)) {
    group.set_entries_read(group.entries_read() + 1);
  } else if (entries_added_ != 0) {
    group.set_entries_read(estimate_entries_read(id));
  }
  group.set_last_delivered_id(id);
}

}  // namespace fkvs
