#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "store/listpack_items.h"
#include "store/stream_id.h"

namespace fkvs {

// One node of a stream: a run of entries in one heap block laid out exactly
// as Redis's stream listpack (t_stream.c), so a node is saved to RDB and
// loaded from it as it is.
//
// The block is a listpack: u32 total bytes, u16 item count (65535 once
// there are more), the items, 0xFF. The items are a master entry
//   count | deleted | num-fields | field-1 ... field-N | 0
// (live and deleted entries, and the field names of the node's first
// entry), then each entry
//   flags | ms-delta | seq-delta | num-fields | field-1 | value-1 ... | lp-count
// or, when its fields are the master's (flag kSameFields),
//   flags | ms-delta | seq-delta | value-1 ... value-N | lp-count
// where the deltas are from the node's master ID (its key in the stream,
// the ID of the first entry added to it; stored as int64, wrapping) and
// lp-count is the entry's item count before it, so the node can be walked
// backwards. Deleted entries stay, flagged, until the whole node goes.
//
// Positions are byte offsets into the block: a change to the block
// invalidates them except where a function says otherwise.
class StreamNode {
 public:
  static constexpr int64_t kDeleted = 1;
  static constexpr int64_t kSameFields = 2;
  // The listpack header: u32 bytes, u16 item count.
  static constexpr size_t kHeaderBytes = 6;
  static constexpr uint32_t kUnknownItemCount = 65535;

  // One entry as read at its flags item.
  struct Entry {
    int64_t flags = 0;
    size_t field_count = 0;
    size_t fields = 0;  // the first field (or, same fields, value) item
    size_t next = 0;    // the item after the entry's lp-count
    bool deleted() const { return flags & kDeleted; }
    bool same_fields() const { return flags & kSameFields; }
  };

  StreamNode() = default;
  ~StreamNode();
  StreamNode(StreamNode&& other) noexcept;
  StreamNode& operator=(StreamNode&& other) noexcept;
  StreamNode(const StreamNode&) = delete;
  StreamNode& operator=(const StreamNode&) = delete;

  // A node holding one entry, whose fields become the master fields.
  static StreamNode with_first_entry(std::span<const std::string_view> fields_and_values);
  // What check_block learns of a node.
  struct BlockSummary {
    int64_t live = 0;
    StreamId last_id;  // of its last entry, deleted or not
  };
  // Whether block (from a file or a DUMP payload) is a node this class can
  // use, for master_id: a listpack whose items all lie within it, holding a
  // master entry and at least one entry, each entry's items and lp-count in
  // agreement, IDs ascending from master_id, the master counts matching the
  // flags. Reads nothing outside block.
  static std::optional<BlockSummary> check_block(std::string_view block, StreamId master_id);
  // A node holding a copy of block, which check_block accepted.
  static StreamNode from_block(std::string_view block);
  StreamNode copy() const;

  // The listpack bytes (what an RDB file stores for the node).
  std::string_view block() const;
  size_t bytes() const;
  size_t heap_bytes() const;

  int64_t live_count() const;
  int64_t deleted_count() const;
  size_t master_field_count() const;

  // Adds an entry after the last (its ID above the node's others).
  void append(StreamId master_id, StreamId id, std::span<const std::string_view> fields_and_values);

  // The first entry's flags item; end() if the node holds none.
  size_t first_entry() const;
  // The 0xFF marker: one past the last entry.
  size_t end() const;
  // The flags item of the entry before the one at position (end() for the
  // last entry); end() when position is the first entry.
  size_t previous_entry(size_t position) const;
  Entry read_entry(size_t position) const;
  // The first entry (deleted or not) whose ID is at least start; end() if
  // none. Walks from whichever end of the node start is nearer, so a read
  // from near the tail (XREADGROUP's ">") skips little.
  size_t seek(StreamId master_id, StreamId start) const;
  StreamId entry_id(StreamId master_id, size_t position) const;
  // Flags the entry at position deleted and updates the master counts.
  void mark_deleted(size_t position);

  // visit(field, value) for each field of entry.
  template <typename Visit>
  void for_each_field(const Entry& entry, Visit&& visit) const;

 private:
  explicit StreamNode(unsigned char* block) : block_(block) {}
  const unsigned char* at(size_t position) const { return block_ + position; }
  size_t next_item(size_t position) const { return position + listpack::item_size(at(position)); }
  size_t master_fields() const;
  // Replaces the number item at position, resizing the block if it needs
  // more or fewer bytes.
  void replace_integer(size_t position, int64_t value);
  void set_item_count(uint64_t count);
  uint32_t item_count() const;

  unsigned char* block_ = nullptr;
};

template <typename Visit>
void StreamNode::for_each_field(const Entry& entry, Visit&& visit) const {
  IntScratch field_scratch;
  IntScratch value_scratch;
  size_t position = entry.fields;
  size_t master = entry.same_fields() ? master_fields() : 0;
  for (size_t i = 0; i < entry.field_count; ++i) {
    std::string_view field;
    if (entry.same_fields()) {
      field = listpack::read_item(at(master)).bytes(field_scratch);
      master = next_item(master);
    } else {
      field = listpack::read_item(at(position)).bytes(field_scratch);
      position = next_item(position);
    }
    const std::string_view value = listpack::read_item(at(position)).bytes(value_scratch);
    position = next_item(position);
    visit(field, value);
  }
}

}  // namespace fkvs
