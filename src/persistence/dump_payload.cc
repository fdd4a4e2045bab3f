#include "persistence/dump_payload.h"

#include <cstdint>

#include "persistence/crc64.h"
#include "persistence/format_error.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_writer.h"

namespace fkvs::persistence {

namespace {

constexpr size_t kTrailerBytes = 10;  // the version and the CRC-64

}  // namespace

std::string make_dump_payload(const Value& value, bool compress) {
  RdbWriter writer(compress);
  writer.write_value(value);
  writer.write_dump_trailer();
  return writer.take();
}

bool dump_trailer_valid(std::string_view payload) {
  if (payload.size() < kTrailerBytes) return false;
  const auto byte = [&](size_t index) { return static_cast<uint8_t>(payload[index]); };
  const size_t trailer = payload.size() - kTrailerBytes;
  const unsigned version = byte(trailer) | (unsigned{byte(trailer + 1)} << 8);
  if (version > rdb::kVersion) return false;
  uint64_t stored = 0;
  for (size_t i = 8; i-- > 0;) stored = (stored << 8) | byte(trailer + 2 + i);
  return crc64(0, payload.data(), payload.size() - 8) == stored;
}

Value read_dump_payload(std::string_view payload, const EncodingLimits& limits) {
  if (payload.size() < kTrailerBytes) throw FormatError("the payload is too short");
  RdbReader reader(payload.substr(0, payload.size() - kTrailerBytes));
  const uint8_t type = reader.read_byte();
  Value value;
  if (!reader.read_value(type, limits, value)) throw FormatError("the payload is an empty value");
  if (reader.remaining() != 0) throw FormatError("the payload has bytes after its value");
  return value;
}

std::string make_function_dump_payload(std::span<const std::string_view> codes, bool compress) {
  RdbWriter writer(compress);
  for (std::string_view code : codes) writer.write_function_library(code);
  writer.write_dump_trailer();
  return writer.take();
}

std::vector<std::string> read_function_dump_payload(std::string_view payload) {
  if (payload.size() < kTrailerBytes) throw FormatError("the payload is too short");
  RdbReader reader(payload.substr(0, payload.size() - kTrailerBytes));
  std::vector<std::string> codes;
  std::string scratch;
  while (reader.remaining() != 0) {
    const uint8_t type = reader.read_byte();
    if (type == rdb::kFunction) throw FormatError("Pre-GA function format not supported");
    if (type != rdb::kFunction2) throw FormatError("given type is not a function");
    codes.emplace_back(reader.read_string(scratch));
  }
  return codes;
}

}  // namespace fkvs::persistence
