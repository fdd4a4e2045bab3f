// RESTORE's payload reader on arbitrary bytes: a DUMP payload (type byte,
// value, RDB version, CRC-64), read as RESTORE reads it but without
// checking the CRC, so mutations reach the value reader.
//
// Input: the payload itself. Its last byte (the CRC's, in a real payload)
// picks the options: bit 0 writes the value back with LZF compression,
// bit 1 sets small encoding limits so that read values change encoding.
// Properties checked:
//  - dump_trailer_valid and read_dump_payload return or throw FormatError;
//    anything else escapes, and the fuzzer reports it;
//  - a value read, made into a payload again (make_dump_payload, as DUMP),
//    has a valid trailer and reads back to a value of the same type,
//    encoding and size, which (hash tables aside, whose order is random)
//    makes the very same payload: the contents survived.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "persistence/dump_payload.h"
#include "persistence/format_error.h"
#include "persistence/rdb_reader.h"
#include "store/collection.h"
#include "store/value.h"

namespace fkvs {
namespace {

[[noreturn]] void broken(const char* property, const std::string& detail) {
  std::fprintf(stderr, "dump payload fuzz: %s\n  %s\n", property, detail.c_str());
  std::abort();
}

persistence::EncodingLimits limits_from(uint8_t bits) {
  persistence::EncodingLimits limits;
  if (bits & 2) {
    limits.list_fill = 2;
    limits.list_compress_depth = 1;  // the nodes between the ends load compressed
    limits.hash = {4, 8};
    limits.set_max_intset_entries = 4;
    limits.zset = {4, 8};
  }
  return limits;
}

// Elements of a collection, or a string's bytes.
size_t size_of(const Value& value) {
  return value.is_string() ? value.string_length() : value.collection()->size();
}

std::string describe(const Value& value) {
  return std::string(Value::type_name(value.type())) + " (" +
         Value::encoding_name(value.encoding()) + ") of size " + std::to_string(size_of(value));
}

// Whether the encoding keeps its elements in an order of their own (all
// but hash tables, whose order depends on each table's random seed), so that
// the payloads made of two equal values are the same bytes.
bool has_order(const Value& value) { return value.encoding() != Encoding::kHashtable; }

void check_remade_payload(const Value& value, bool compress,
                          const persistence::EncodingLimits& limits) {
  const std::string payload = persistence::make_dump_payload(value, compress);
  if (!persistence::dump_trailer_valid(payload)) broken("DUMP made a payload RESTORE refuses", "");
  Value again;
  try {
    again = persistence::read_dump_payload(payload, limits);
  } catch (const persistence::FormatError& error) {
    broken("the payload made of a value read does not read back", error.what());
  }
  if (again.type() != value.type() || again.encoding() != value.encoding() ||
      size_of(again) != size_of(value)) {
    broken("the payload made of a value reads back differently",
           describe(value) + " reads back as " + describe(again));
  }
  if (has_order(value) && persistence::make_dump_payload(again, compress) != payload) {
    broken("the payload made of a value reads back to another value", describe(value));
  }
}

}  // namespace
}  // namespace fkvs

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fkvs;
  if (size == 0) return -1;
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  const uint8_t bits = data[size - 1];
  const persistence::EncodingLimits limits = limits_from(bits);
  persistence::dump_trailer_valid(payload);
  Value value;
  try {
    value = persistence::read_dump_payload(payload, limits);
  } catch (const persistence::FormatError&) {
    return 0;
  }
  check_remade_payload(value, (bits & 1) != 0, limits);
  return 0;
}
