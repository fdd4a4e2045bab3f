#include "persistence/rdb_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include "persistence/crc64.h"
#include "persistence/listpack_codec.h"
#include "persistence/lzf_codec.h"
#include "persistence/rdb_format.h"
#include "store/collection.h"
#include "store/hash_value.h"
#include "store/list_value.h"
#include "store/set_value.h"
#include "store/stream_value.h"
#include "store/zset_value.h"
#include "util/number.h"

namespace fkvs::persistence {

namespace {

template <typename T>
void store_little_endian(T value, unsigned char* out) {
  for (size_t i = 0; i < sizeof(T); ++i) out[i] = static_cast<unsigned char>(value >> (8 * i));
}

// A stream ID as Redis stores node keys and PEL IDs: 128 bits, big-endian.
void raw_stream_id_bytes(StreamId id, unsigned char* out) {
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<unsigned char>(id.ms >> (56 - 8 * i));
    out[8 + i] = static_cast<unsigned char>(id.seq >> (56 - 8 * i));
  }
}

}  // namespace

RdbWriter::RdbWriter(bool compress) : compress_(compress) {}

RdbWriter::RdbWriter(int fd, bool compress, bool incremental_fsync)
    : fd_(fd), compress_(compress), incremental_fsync_(incremental_fsync) {
  buffer_.reserve(kFlushBytes * 2);
}

void RdbWriter::update_checksum() {
  crc_ = crc64(crc_, buffer_.data() + crc_covered_, buffer_.size() - crc_covered_);
  crc_covered_ = buffer_.size();
}

void RdbWriter::flush() {
  if (fd_ < 0) return;
  update_checksum();
  size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "write");
    }
    done += static_cast<size_t>(n);
  }
  flushed_ += buffer_.size();
  buffer_.clear();
  crc_covered_ = 0;
  if (incremental_fsync_ && flushed_ - synced_ >= kIncrementalSyncBytes) {
    if (::fdatasync(fd_) != 0) throw std::system_error(errno, std::generic_category(), "fdatasync");
    synced_ = flushed_;
  }
}

std::string RdbWriter::take() {
  crc_covered_ = 0;
  crc_ = 0;
  return std::move(buffer_);
}

void RdbWriter::write_header() {
  char header[rdb::kHeaderBytes + 1];
  std::snprintf(header, sizeof(header), "REDIS%04d", rdb::kVersion);
  put(header, rdb::kHeaderBytes);
}

void RdbWriter::write_aux(std::string_view name, std::string_view value) {
  put_byte(rdb::kAux);
  put_string(name);
  put_string(value);
}

void RdbWriter::write_function_library(std::string_view code) {
  put_byte(rdb::kFunction2);
  put_string(code);
}

void RdbWriter::write_aux(std::string_view name, int64_t value) {
  put_byte(rdb::kAux);
  put_string(name);
  put_integer_string(value);
}

void RdbWriter::write_select_db(int index) {
  put_byte(rdb::kSelectDb);
  put_length(static_cast<uint64_t>(index));
}

void RdbWriter::write_resize_db(uint64_t keys, uint64_t keys_with_ttl) {
  put_byte(rdb::kResizeDb);
  put_length(keys);
  put_length(keys_with_ttl);
}

void RdbWriter::write_entry(std::string_view key, const Value& value, int64_t expire_ms) {
  if (expire_ms != -1) {
    unsigned char bytes[9];
    bytes[0] = rdb::kExpireTimeMs;
    store_little_endian(static_cast<uint64_t>(expire_ms), bytes + 1);
    put(bytes, sizeof(bytes));
  }
  put_byte(type_byte(value));
  put_string(key);
  put_value_body(value);
}

void RdbWriter::write_value(const Value& value) {
  put_byte(type_byte(value));
  put_value_body(value);
}

void RdbWriter::put_value_body(const Value& value) {
  switch (value.type()) {
    case ValueType::kString: {
      if (auto number = value.integer(); number && value.encoding() == Encoding::kInt) {
        put_integer_string(*number);
      } else {
        IntScratch scratch;
        put_string(value.string_bytes(scratch));
      }
      break;
    }
    case ValueType::kList:
      put_list(value);
      break;
    case ValueType::kHash:
      put_hash(value);
      break;
    case ValueType::kSet:
      put_set(value);
      break;
    case ValueType::kZSet:
      put_zset(value);
      break;
    case ValueType::kStream:
      put_stream(value);
      break;
  }
}

void RdbWriter::write_end(bool checksum) {
  put_byte(rdb::kEof);
  update_checksum();
  unsigned char bytes[8];
  store_little_endian(checksum ? crc_ : uint64_t{0}, bytes);
  buffer_.append(reinterpret_cast<const char*>(bytes), sizeof(bytes));
  crc_covered_ = buffer_.size();
  flush();
}

void RdbWriter::write_dump_trailer() {
  unsigned char version[2];
  store_little_endian(static_cast<uint16_t>(rdb::kVersion), version);
  put(version, sizeof(version));
  update_checksum();
  unsigned char bytes[8];
  store_little_endian(crc_, bytes);
  buffer_.append(reinterpret_cast<const char*>(bytes), sizeof(bytes));
  crc_covered_ = buffer_.size();
}

void RdbWriter::put_length(uint64_t length) {
  unsigned char bytes[9];
  if (length < (1 << 6)) {
    bytes[0] = static_cast<unsigned char>(length);
    put(bytes, 1);
  } else if (length < (1 << 14)) {
    bytes[0] = static_cast<unsigned char>((rdb::kLength14Bit << 6) | (length >> 8));
    bytes[1] = static_cast<unsigned char>(length);
    put(bytes, 2);
  } else if (length <= UINT32_MAX) {
    bytes[0] = rdb::kLength32Bit;
    for (int i = 0; i < 4; ++i) bytes[1 + i] = static_cast<unsigned char>(length >> (24 - 8 * i));
    put(bytes, 5);
  } else {
    bytes[0] = rdb::kLength64Bit;
    for (int i = 0; i < 8; ++i) bytes[1 + i] = static_cast<unsigned char>(length >> (56 - 8 * i));
    put(bytes, 9);
  }
}

void RdbWriter::put_integer_string(int64_t value) {
  unsigned char bytes[5];
  const auto encoded = [&](uint8_t encoding, size_t width) {
    bytes[0] = static_cast<unsigned char>((rdb::kEncodedString << 6) | encoding);
    for (size_t i = 0; i < width; ++i) {
      bytes[1 + i] = static_cast<unsigned char>(static_cast<uint64_t>(value) >> (8 * i));
    }
    put(bytes, 1 + width);
  };
  if (value >= INT8_MIN && value <= INT8_MAX) return encoded(rdb::kEncodedInt8, 1);
  if (value >= INT16_MIN && value <= INT16_MAX) return encoded(rdb::kEncodedInt16, 2);
  if (value >= INT32_MIN && value <= INT32_MAX) return encoded(rdb::kEncodedInt32, 4);
  // Wider numbers go as their text, as Redis writes them.
  char text[kInt64TextMax];
  const size_t length = format_int64(value, text);
  put_length(length);
  put(text, length);
}

void RdbWriter::put_string(std::string_view bytes) {
  // Redis tries the integer forms for strings of up to 11 bytes ("-2147483648").
  if (bytes.size() <= 11 && !bytes.empty()) {
    if (auto number = parse_int64(bytes); number && *number >= INT32_MIN && *number <= INT32_MAX) {
      return put_integer_string(*number);
    }
  }
  if (compress_ && bytes.size() > rdb::kCompressMinLength) {
    if (auto compressed = lzf_compress_bytes(bytes)) {
      put_byte(static_cast<uint8_t>((rdb::kEncodedString << 6) | rdb::kEncodedLzf));
      put_length(compressed->size());
      put_length(bytes.size());
      put(compressed->data(), compressed->size());
      return;
    }
  }
  put_length(bytes.size());
  put(bytes.data(), bytes.size());
}

void RdbWriter::put_binary_double(double value) {
  unsigned char bytes[8];
  store_little_endian(std::bit_cast<uint64_t>(value), bytes);
  put(bytes, sizeof(bytes));
}

uint8_t RdbWriter::type_byte(const Value& value) const {
  switch (value.type()) {
    case ValueType::kString:
      return rdb::kString;
    case ValueType::kList:
      return rdb::kListQuicklist2;
    case ValueType::kHash:
      return value.encoding() == Encoding::kListpack ? rdb::kHashListpack : rdb::kHashHashtable;
    case ValueType::kSet:
      return value.encoding() == Encoding::kIntset ? rdb::kSetIntset : rdb::kSetHashtable;
    case ValueType::kZSet:
      return value.encoding() == Encoding::kListpack ? rdb::kZSetListpack : rdb::kZSetBinaryScores;
    case ValueType::kStream:
      return rdb::kStreamListpacks2;
  }
  return rdb::kString;
}

// Each quicklist node becomes one packed node: a listpack.
void RdbWriter::put_list(const Value& value) {
  const QuickList& list = static_cast<const ListValue*>(value.collection())->list();
  size_t nodes = 0;
  list.for_each_node([&](const PackedList&) { ++nodes; });
  put_length(nodes);
  ListpackBuilder builder;
  list.for_each_node([&](const PackedList& items) {
    IntScratch scratch;
    for (size_t pos = items.begin(); pos != items.end(); pos = items.next(pos)) {
      const PackedList::Item item = items.get(pos);
      if (item.is_integer) {
        builder.append_integer(item.integer);
      } else {
        builder.append(item.bytes(scratch));
      }
    }
    put_length(rdb::kQuicklistNodePacked);
    put_string(builder.finish());
  });
}

void RdbWriter::put_hash(const Value& value) {
  auto& hash = *static_cast<HashValue*>(value.collection());
  if (hash.encoding() == Encoding::kListpack) {
    ListpackBuilder builder;
    hash.for_each([&](std::string_view field, std::string_view text) {
      builder.append(field);
      builder.append(text);
    });
    put_string(builder.finish());
    return;
  }
  put_length(hash.size());
  hash.for_each([&](std::string_view field, std::string_view text) {
    put_string(field);
    put_string(text);
  });
}

void RdbWriter::put_set(const Value& value) {
  const auto& set = *static_cast<const SetValue*>(value.collection());
  if (set.encoding() == Encoding::kIntset) {
    std::vector<int64_t> members;
    members.reserve(set.size());
    set.for_each([&](std::string_view member) { members.push_back(*parse_int64(member)); });
    put_string(encode_intset(members));
    return;
  }
  put_length(set.size());
  set.for_each([&](std::string_view member) { put_string(member); });
}

void RdbWriter::put_zset(const Value& value) {
  const auto& zset = *static_cast<const ZSetValue*>(value.collection());
  if (zset.encoding() == Encoding::kListpack) {
    ListpackBuilder builder;
    char score_text[kDoubleTextMax];
    for (auto cursor = zset.at_rank(0); cursor.valid(); cursor.next()) {
      builder.append(cursor.member());
      builder.append(ZSetValue::listpack_score_text(cursor.score(), score_text));
    }
    put_string(builder.finish());
    return;
  }
  // Highest score first, as Redis writes them: its loader then inserts
  // each at the head of the skiplist, in O(1).
  put_length(zset.size());
  if (zset.size() == 0) return;
  for (auto cursor = zset.at_rank(zset.size() - 1); cursor.valid(); cursor.prev()) {
    put_string(cursor.member());
    put_binary_double(cursor.score());
  }
}

void RdbWriter::put_raw_stream_id(StreamId id) {
  unsigned char bytes[16];
  raw_stream_id_bytes(id, bytes);
  put(bytes, sizeof(bytes));
}

void RdbWriter::put_stream_id_lengths(StreamId id) {
  put_length(id.ms);
  put_length(id.seq);
}

void RdbWriter::put_millisecond_time(int64_t ms) {
  unsigned char bytes[8];
  store_little_endian(static_cast<uint64_t>(ms), bytes);
  put(bytes, sizeof(bytes));
}

// Type 19, as Redis 7.0's rdbSaveObject: each node's key (the master ID,
// 128 bits big-endian) and listpack as they are, the counters, then each
// group: name, last delivered ID, entries-read, the PEL with delivery times
// and counts, and each consumer with its seen time and its pending IDs.
void RdbWriter::put_stream(const Value& value) {
  const auto& stream = *static_cast<const StreamValue*>(value.collection());
  put_length(stream.node_count());
  stream.for_each_node([&](StreamId master_id, const StreamNode& node) {
    unsigned char key[16];
    raw_stream_id_bytes(master_id, key);
    put_string({reinterpret_cast<const char*>(key), sizeof(key)});
    put_string(node.block());
  });
  put_length(stream.size());
  put_stream_id_lengths(stream.last_id());
  put_stream_id_lengths(stream.first_id());
  put_stream_id_lengths(stream.max_deleted_id());
  put_length(stream.entries_added());
  put_length(stream.group_count());
  stream.for_each_group([&](const StreamGroup& group) {
    put_string(group.name());
    put_stream_id_lengths(group.last_delivered_id());
    // -1 (unknown) goes as the 64-bit length 2^64-1, as Redis writes it.
    put_length(static_cast<uint64_t>(group.entries_read()));
    put_length(group.pending_count());
    group.for_each_pending(StreamId::min(), StreamId::max(), nullptr,
                           [&](const PendingEntry& entry) {
                             put_raw_stream_id(entry.id);
                             put_millisecond_time(entry.delivery_time_ms);
                             put_length(entry.delivery_count);
                             return true;
                           });
    put_length(group.consumer_count());
    group.for_each_consumer([&](const StreamConsumer& consumer) {
      put_string(consumer.name());
      put_millisecond_time(consumer.seen_time_ms());
      put_length(consumer.pending_count());
      group.for_each_pending(StreamId::min(), StreamId::max(), &consumer,
                             [&](const PendingEntry& entry) {
                               put_raw_stream_id(entry.id);
                               return true;
                             });
    });
  });
}

}  // namespace fkvs::persistence
