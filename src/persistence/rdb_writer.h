#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/stream_id.h"
#include "store/value.h"

namespace fkvs::persistence {

// Writes Redis's RDB format (version 10, as Redis 7.0): a whole snapshot
// file, or one value for a DUMP payload. Small collections are written in
// the encodings Redis 7.0 writes (listpacks, intsets), so redis-server loads
// the file as if it had written it.
//
// Bytes are gathered in a buffer; a writer on a file descriptor flushes it
// as it fills. I/O errors throw std::system_error.
class RdbWriter {
 public:
  // A writer into memory (DUMP): take() returns the bytes.
  explicit RdbWriter(bool compress);
  // A writer streaming to fd. With incremental_fsync, the file is synced
  // every few megabytes as it is written (rdb-save-incremental-fsync), so
  // the kernel never holds a large amount of it dirty.
  RdbWriter(int fd, bool compress, bool incremental_fsync);
  RdbWriter(const RdbWriter&) = delete;
  RdbWriter& operator=(const RdbWriter&) = delete;

  void write_header();
  void write_aux(std::string_view name, std::string_view value);
  void write_aux(std::string_view name, int64_t value);
  // A function library (FUNCTION LOAD's code), before the databases.
  void write_function_library(std::string_view code);
  void write_select_db(int index);
  void write_resize_db(uint64_t keys, uint64_t keys_with_ttl);
  // One key: its expiry (unix ms, -1 for none), type byte, name and value.
  void write_entry(std::string_view key, const Value& value, int64_t expire_ms);
  // The type byte and the value: the start of a DUMP payload.
  void write_value(const Value& value);
  // The EOF opcode and the CRC-64 of everything before it (zero when
  // checksum is off, as Redis with rdbchecksum no).
  void write_end(bool checksum);
  // A DUMP payload's end: the RDB version and the CRC-64 of the payload.
  void write_dump_trailer();

  // Writes what is buffered to the file.
  void flush();
  // The bytes of a memory writer.
  std::string take();
  uint64_t bytes_written() const { return flushed_ + buffer_.size(); }

 private:
  void put(const void* bytes, size_t length) {
    buffer_.append(static_cast<const char*>(bytes), length);
    if (buffer_.size() >= kFlushBytes && fd_ >= 0) flush();
  }
  void put_byte(uint8_t byte) { put(&byte, 1); }
  void put_length(uint64_t length);
  // A string as Redis stores it: a small integer encoded as one, a long
  // compressible one LZF-compressed, otherwise its length and bytes.
  void put_string(std::string_view bytes);
  void put_integer_string(int64_t value);
  void put_binary_double(double value);
  void put_value_body(const Value& value);
  void put_list(const Value& value);
  void put_hash(const Value& value);
  void put_set(const Value& value);
  void put_zset(const Value& value);
  void put_stream(const Value& value);
  void put_raw_stream_id(StreamId id);
  void put_stream_id_lengths(StreamId id);
  void put_millisecond_time(int64_t ms);
  uint8_t type_byte(const Value& value) const;
  void update_checksum();

  static constexpr size_t kFlushBytes = 64 * 1024;
  static constexpr uint64_t kIncrementalSyncBytes = 4 * 1024 * 1024;

  int fd_ = -1;
  bool compress_;
  bool incremental_fsync_ = false;
  std::string buffer_;
  uint64_t flushed_ = 0;
  uint64_t synced_ = 0;
  uint64_t crc_ = 0;
  size_t crc_covered_ = 0;  // bytes of buffer_ already in crc_
};

}  // namespace fkvs::persistence
