#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/hash_value.h"
#include "store/stream_id.h"
#include "store/value.h"
#include "store/zset_value.h"

namespace fkvs::persistence {

// The encoding limits in force when values are loaded: a loaded value gets
// the encoding a command building it now would give it, as in Redis 7.0
// (a ziplist hash becomes a listpack, a large listpack a hashtable).
struct EncodingLimits {
  int64_t list_fill = -2;
  int64_t list_compress_depth = 0;
  HashLimits hash{512, 64};
  size_t set_max_intset_entries = 512;
  ZSetLimits zset;
};

// Reads Redis's RDB format from bytes held in memory (a mapped file, a DUMP
// payload): every encoding Redis 2.6 to 7.0 writes (and 7.2's streams),
// except zipmap hashes and modules, which are refused by name. Each read checks its
// bounds; malformed input throws FormatError with the reason, and offset()
// says where.
class RdbReader {
 public:
  explicit RdbReader(std::string_view bytes) : bytes_(bytes) {}

  size_t offset() const { return offset_; }
  size_t remaining() const { return bytes_.size() - offset_; }

  uint8_t read_byte();
  std::string_view read_bytes(size_t count);
  uint64_t read_u64_little_endian();
  uint32_t read_u32_little_endian();
  // A length (00, 01, 0x80, 0x81 forms); a special string encoding throws.
  uint64_t read_length();
  // A string in any of its forms. Views into the input, or into scratch
  // when it had to be decoded (integers, LZF).
  std::string_view read_string(std::string& scratch);
  double read_binary_double();
  // A score of a type-3 zset: a length byte and "%.17g" text, or one of the
  // special lengths for NaN and the infinities.
  double read_text_double();

  // Throws unless the type byte is one read_value can read (an unknown
  // type, a stream, a module), so a loader refuses it before reading on.
  static void check_type(uint8_t type);
  // The value of the given type; false when it is an empty collection
  // (Redis skips such keys; an empty stream is kept). A type this server does not hold throws.
  bool read_value(uint8_t type, const EncodingLimits& limits, Value& out);

  // The name Redis gives a type byte, for messages ("stream", "module").
  static std::string_view type_name(uint8_t type);

 private:
  // A count of elements that each take at least one byte: more than the
  // bytes left means the input is corrupt (and must not size an allocation).
  uint64_t read_count();
  bool read_list(uint8_t type, const EncodingLimits& limits, Value& out);
  bool read_set(uint8_t type, const EncodingLimits& limits, Value& out);
  bool read_hash(uint8_t type, const EncodingLimits& limits, Value& out);
  bool read_zset(uint8_t type, const EncodingLimits& limits, Value& out);
  // Streams are kept even when empty, as Redis keeps them.
  void read_stream(uint8_t type, Value& out);
  StreamId read_raw_stream_id();
  StreamId read_stream_id_lengths();

  std::string_view bytes_;
  size_t offset_ = 0;
};

}  // namespace fkvs::persistence
