#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/rdb_reader.h"
#include "store/value.h"

namespace fkvs::persistence {

// The payload of DUMP and RESTORE, as Redis 7.0's: the RDB type byte and
// value, the RDB version (2 bytes, little-endian), and the CRC-64 of all
// that (8 bytes, little-endian). A payload from redis-server restores here
// and the other way round.

std::string make_dump_payload(const Value& value, bool compress);

// Whether the trailer admits the payload: an RDB version this server reads
// and a matching CRC-64 (RESTORE's "payload version or checksum are wrong").
bool dump_trailer_valid(std::string_view payload);

// The payload's value. Throws FormatError when it is malformed, an empty
// collection, or has bytes left over (RESTORE's "Bad data format").
Value read_dump_payload(std::string_view payload, const EncodingLimits& limits);

// FUNCTION DUMP's payload: each library's code after the RDB function
// opcode, then the same trailer.
std::string make_function_dump_payload(std::span<const std::string_view> codes, bool compress);

// The codes of a FUNCTION DUMP payload whose trailer dump_trailer_valid
// admitted. Throws FormatError with Redis's message ("given type is not a
// function") when it is malformed.
std::vector<std::string> read_function_dump_payload(std::string_view payload);

}  // namespace fkvs::persistence
