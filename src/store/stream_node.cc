#include "store/stream_node.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <utility>

namespace fkvs {
namespace {

unsigned char* allocate_stream_block(size_t bytes) {
  auto* block = static_cast<unsigned char*>(std::malloc(bytes));
  if (block == nullptr) throw std::bad_alloc();
  return block;
}

unsigned char* resize_stream_block(unsigned char* block, size_t bytes) {
  auto* resized = static_cast<unsigned char*>(std::realloc(block, bytes));
  if (resized == nullptr) throw std::bad_alloc();
  return resized;
}

uint32_t read_block_bytes(const unsigned char* block) {
  return static_cast<uint32_t>(listpack::read_little_endian(block, 4));
}

void write_block_bytes(unsigned char* block, size_t bytes) {
  listpack::write_little_endian(block, bytes, 4);
}

// The items an entry adds to a node, in order, encoded once: sized before
// they are written so the block grows once.
class StreamEntryItems {
 public:
  StreamEntryItems(int64_t flags, int64_t ms_delta, int64_t seq_delta,
                   std::span<const std::string_view> fields_and_values)
      : same_fields_(flags & StreamNode::kSameFields) {
    const size_t fields = fields_and_values.size() / 2;
    count_ = same_fields_ ? 4 + fields : 5 + 2 * fields;
    if (count_ > kInlineItems) heap_items_ = std::make_unique<listpack::Encoded[]>(count_);
    listpack::Encoded* out = items();
    *out++ = listpack::encode_integer(flags);
    *out++ = listpack::encode_integer(ms_delta);
    *out++ = listpack::encode_integer(seq_delta);
    if (!same_fields_) *out++ = listpack::encode_integer(static_cast<int64_t>(fields));
    for (size_t i = 0; i < fields_and_values.size(); i += 2) {
      if (!same_fields_) *out++ = listpack::encode_text(fields_and_values[i]);
      *out++ = listpack::encode_text(fields_and_values[i + 1]);
    }
    *out = listpack::encode_integer(static_cast<int64_t>(count_ - 1));  // lp-count
    for (size_t i = 0; i < count_; ++i) bytes_ += items()[i].size();
  }

  // Items of the entry, lp-count included.
  size_t item_count() const { return count_; }
  size_t bytes() const { return bytes_; }
  // Writes the items at p; returns the byte after them.
  unsigned char* write(unsigned char* p) const {
    for (size_t i = 0; i < count_; ++i) p = listpack::write_item(p, items()[i]);
    return p;
  }

 private:
  // Entries of up to 10 fields (or 20 sharing the master's) need no heap.
  static constexpr size_t kInlineItems = 25;
  listpack::Encoded* items() { return heap_items_ ? heap_items_.get() : inline_items_; }
  const listpack::Encoded* items() const { return heap_items_ ? heap_items_.get() : inline_items_; }

  bool same_fields_;
  size_t count_ = 0;
  size_t bytes_ = 0;
  listpack::Encoded inline_items_[kInlineItems];
  std::unique_ptr<listpack::Encoded[]> heap_items_;
};

// Walks the items of an untrusted listpack, checking each against its bounds.
class CheckedItems {
 public:
  explicit CheckedItems(std::string_view block)
      : bytes_(reinterpret_cast<const unsigned char*>(block.data())), size_(block.size()) {}

  size_t position() const { return position_; }
  size_t items_read() const { return items_read_; }
  bool at_end() const { return position_ == size_ - 1; }

  // The next item, or nullopt if it does not lie within the block.
  std::optional<listpack::Item> next() {
    if (position_ >= size_ - 1) return std::nullopt;
    const unsigned char* p = bytes_ + position_;
    const size_t room = size_ - 1 - position_;
    const unsigned char h = p[0];
    size_t header = 1;
    if (h >= 0xC0 && h < 0xF0) {
      header = 2;
    } else if (h == listpack::kLargeString) {
      header = 5;
    } else if (h > listpack::kInt64) {
      return std::nullopt;
    }
    if (header > room) return std::nullopt;
    const size_t body = listpack::body_size(p);
    const size_t total = body + listpack::back_length_size(body);
    if (body > room || total > room) return std::nullopt;
    if (listpack::read_back_length(p + total) != body) return std::nullopt;
    position_ += total;
    ++items_read_;
    return listpack::read_item(p);
  }
  std::optional<int64_t> next_integer() {
    auto item = next();
    if (!item || !item->is_integer) return std::nullopt;
    return item->integer;
  }
  bool skip(uint64_t count) {
    for (uint64_t i = 0; i < count; ++i) {
      if (!next()) return false;
    }
    return true;
  }

 private:
  const unsigned char* bytes_;
  size_t size_;
  size_t position_ = StreamNode::kHeaderBytes;
  uint64_t items_read_ = 0;
};

}  // namespace

std::optional<StreamNode::BlockSummary> StreamNode::check_block(std::string_view block,
                                                                StreamId master_id) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(block.data());
  if (block.size() < kHeaderBytes + 1 || read_block_bytes(bytes) != block.size() ||
      bytes[block.size() - 1] != listpack::kEnd) {
    return std::nullopt;
  }
  CheckedItems items(block);
  const auto live = items.next_integer();
  const auto deleted = items.next_integer();
  const auto master_fields = items.next_integer();
  if (!live || !deleted || !master_fields || *live < 0 || *deleted < 0 || *master_fields < 0 ||
      !items.skip(static_cast<uint64_t>(*master_fields)) || items.next_integer() != 0) {
    return std::nullopt;
  }
  BlockSummary summary;
  int64_t deleted_seen = 0;
  bool first = true;
  while (!items.at_end()) {
    const uint64_t entry_start = items.items_read();
    const auto flags = items.next_integer();
    const auto ms_delta = items.next_integer();
    const auto seq_delta = items.next_integer();
    if (!flags || !ms_delta || !seq_delta || *flags < 0 || *flags > (kDeleted | kSameFields)) {
      return std::nullopt;
    }
    const StreamId id{master_id.ms + static_cast<uint64_t>(*ms_delta),
                      master_id.seq + static_cast<uint64_t>(*seq_delta)};
    if (first ? id < master_id : !(summary.last_id < id)) return std::nullopt;
    first = false;
    summary.last_id = id;
    uint64_t values = static_cast<uint64_t>(*master_fields);
    if (!(*flags & kSameFields)) {
      const auto fields = items.next_integer();
      if (!fields || *fields < 0) return std::nullopt;
      values = 2 * static_cast<uint64_t>(*fields);
    }
    if (!items.skip(values)) return std::nullopt;
    const auto lp_count = items.next_integer();
    if (!lp_count || static_cast<uint64_t>(*lp_count) != items.items_read() - entry_start - 1) {
      return std::nullopt;
    }
    if (*flags & kDeleted) {
      ++deleted_seen;
    } else {
      ++summary.live;
    }
  }
  if (first || summary.live != *live || deleted_seen != *deleted) return std::nullopt;
  const auto item_count = static_cast<uint32_t>(listpack::read_little_endian(bytes + 4, 2));
  if (item_count != kUnknownItemCount && item_count != items.items_read()) return std::nullopt;
  return summary;
}

StreamNode::~StreamNode() { std::free(block_); }

StreamNode::StreamNode(StreamNode&& other) noexcept
    : block_(std::exchange(other.block_, nullptr)) {}

StreamNode& StreamNode::operator=(StreamNode&& other) noexcept {
  std::swap(block_, other.block_);
  return *this;
}

StreamNode StreamNode::with_first_entry(std::span<const std::string_view> fields_and_values) {
  const size_t field_count = fields_and_values.size() / 2;
  const listpack::Encoded master_head[] = {
      listpack::encode_integer(1), listpack::encode_integer(0),
      listpack::encode_integer(static_cast<int64_t>(field_count))};
  const listpack::Encoded terminator = listpack::encode_integer(0);
  const StreamEntryItems entry(kSameFields, 0, 0, fields_and_values);

  size_t bytes = kHeaderBytes + terminator.size() + entry.bytes() + 1;
  for (const listpack::Encoded& item : master_head) bytes += item.size();
  for (size_t i = 0; i < fields_and_values.size(); i += 2) {
    bytes += listpack::encode_text(fields_and_values[i]).size();
  }

  unsigned char* block = allocate_stream_block(bytes);
  unsigned char* p = block + kHeaderBytes;
  for (const listpack::Encoded& item : master_head) p = listpack::write_item(p, item);
  for (size_t i = 0; i < fields_and_values.size(); i += 2) {
    p = listpack::write_item(p, listpack::encode_text(fields_and_values[i]));
  }
  p = listpack::write_item(p, terminator);
  p = entry.write(p);
  *p = listpack::kEnd;
  write_block_bytes(block, bytes);
  StreamNode node(block);
  node.set_item_count(4 + field_count + entry.item_count());
  return node;
}

StreamNode StreamNode::from_block(std::string_view block) {
  unsigned char* copy = allocate_stream_block(block.size());
  std::memcpy(copy, block.data(), block.size());
  return StreamNode(copy);
}

StreamNode StreamNode::copy() const { return from_block(block()); }

std::string_view StreamNode::block() const {
  return {reinterpret_cast<const char*>(block_), bytes()};
}

size_t StreamNode::bytes() const { return read_block_bytes(block_); }

size_t StreamNode::heap_bytes() const { return malloc_usable_size(block_); }

uint32_t StreamNode::item_count() const {
  return static_cast<uint32_t>(listpack::read_little_endian(block_ + 4, 2));
}

// Like lpInsert, the count stays "unknown" (65535) once it gets there.
void StreamNode::set_item_count(uint64_t count) {
  listpack::write_little_endian(block_ + 4, std::min<uint64_t>(count, kUnknownItemCount), 2);
}

int64_t StreamNode::live_count() const { return listpack::read_integer(at(kHeaderBytes)); }

int64_t StreamNode::deleted_count() const {
  return listpack::read_integer(at(next_item(kHeaderBytes)));
}

size_t StreamNode::master_field_count() const {
  return static_cast<size_t>(listpack::read_integer(at(next_item(next_item(kHeaderBytes)))));
}

size_t StreamNode::master_fields() const { return next_item(next_item(next_item(kHeaderBytes))); }

size_t StreamNode::first_entry() const {
  size_t position = master_fields();
  const size_t fields = master_field_count();
  for (size_t i = 0; i < fields; ++i) position = next_item(position);
  return next_item(position);  // past the master's 0 terminator
}

size_t StreamNode::end() const { return bytes() - 1; }

size_t StreamNode::previous_entry(size_t position) const {
  const unsigned char* lp_count_item = listpack::previous_item(at(position));
  const int64_t lp_count = listpack::read_integer(lp_count_item);
  // The master entry's terminator reads 0; an entry's lp-count is at least 4.
  if (lp_count == 0) return end();
  const unsigned char* p = lp_count_item;
  for (int64_t i = 0; i < lp_count; ++i) p = listpack::previous_item(p);
  return static_cast<size_t>(p - block_);
}

StreamNode::Entry StreamNode::read_entry(size_t position) const {
  Entry entry;
  entry.flags = listpack::read_integer(at(position));
  size_t p = next_item(next_item(next_item(position)));  // past flags and both deltas
  size_t items;
  if (entry.same_fields()) {
    entry.field_count = master_field_count();
    items = entry.field_count;  // values only
  } else {
    entry.field_count = static_cast<size_t>(listpack::read_integer(at(p)));
    p = next_item(p);
    items = 2 * entry.field_count;
  }
  entry.fields = p;
  for (size_t i = 0; i < items; ++i) p = next_item(p);
  entry.next = next_item(p);  // past lp-count
  return entry;
}

size_t StreamNode::seek(StreamId master_id, StreamId start) const {
  const size_t last = previous_entry(end());
  const StreamId last_id = entry_id(master_id, last);
  if (last_id < start) return end();
  size_t position = first_entry();
  if (!(master_id < start)) return position;
  // master_id < start <= last_id: compare the distances in ms, or in seq
  // when all three share their ms.
  const bool nearer_the_end = master_id.ms != last_id.ms
                                  ? start.ms - master_id.ms > last_id.ms - start.ms
                                  : start.seq - master_id.seq > last_id.seq - start.seq;
  if (nearer_the_end) {
    position = last;
    for (size_t before = previous_entry(position);
         before != end() && !(entry_id(master_id, before) < start);
         before = previous_entry(position)) {
      position = before;
    }
    return position;
  }
  while (position != end() && entry_id(master_id, position) < start) {
    position = read_entry(position).next;
  }
  return position;
}

StreamId StreamNode::entry_id(StreamId master_id, size_t position) const {
  const size_t ms_item = next_item(position);
  const size_t seq_item = next_item(ms_item);
  return {master_id.ms + static_cast<uint64_t>(listpack::read_integer(at(ms_item))),
          master_id.seq + static_cast<uint64_t>(listpack::read_integer(at(seq_item)))};
}

void StreamNode::append(StreamId master_id, StreamId id,
                        std::span<const std::string_view> fields_and_values) {
  const size_t field_count = fields_and_values.size() / 2;
  bool same_fields = field_count == master_field_count();
  size_t master = master_fields();
  for (size_t i = 0; same_fields && i < field_count; ++i) {
    same_fields = listpack::read_item(at(master)).equals(fields_and_values[2 * i]);
    master = next_item(master);
  }
  const StreamEntryItems entry(same_fields ? kSameFields : 0,
                               static_cast<int64_t>(id.ms - master_id.ms),
                               static_cast<int64_t>(id.seq - master_id.seq), fields_and_values);
  const size_t old_bytes = bytes();
  const size_t new_bytes = old_bytes + entry.bytes();
  block_ = resize_stream_block(block_, new_bytes);
  unsigned char* p = block_ + old_bytes - 1;  // over the old end marker
  p = entry.write(p);
  *p = listpack::kEnd;
  write_block_bytes(block_, new_bytes);
  if (item_count() != kUnknownItemCount) set_item_count(item_count() + entry.item_count());
  replace_integer(kHeaderBytes, live_count() + 1);
}

void StreamNode::mark_deleted(size_t position) {
  // Flags are 0..3: one byte that holds the number, so it changes in place.
  block_[position] = static_cast<unsigned char>(block_[position] | kDeleted);
  const int64_t live = live_count();
  const int64_t deleted = deleted_count();
  replace_integer(kHeaderBytes, live - 1);
  replace_integer(next_item(kHeaderBytes), deleted + 1);
}

void StreamNode::replace_integer(size_t position, int64_t value) {
  const listpack::Encoded item = listpack::encode_integer(value);
  const size_t old_size = listpack::item_size(at(position));
  const size_t old_bytes = bytes();
  if (item.size() != old_size) {
    const size_t new_bytes = old_bytes - old_size + item.size();
    if (new_bytes > old_bytes) block_ = resize_stream_block(block_, new_bytes);
    std::memmove(block_ + position + item.size(), block_ + position + old_size,
                 old_bytes - position - old_size);
    if (new_bytes < old_bytes) block_ = resize_stream_block(block_, new_bytes);
    write_block_bytes(block_, new_bytes);
  }
  listpack::write_item(block_ + position, item);
}

}  // namespace fkvs
