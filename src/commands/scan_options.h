#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/command_context.h"

namespace fkvs {

// The options SCAN, HSCAN, SSCAN and ZSCAN share.
struct ScanOptions {
  int64_t count = 10;
  std::optional<std::string_view> pattern;  // absent for "*", which matches all
  std::optional<std::string_view> type;     // SCAN's TYPE filter
};

// Reads COUNT, MATCH (and TYPE when accepts_type) from the arguments from
// `first` on. On bad input replies Redis's error and returns nothing.
std::optional<ScanOptions> parse_scan_options(CommandContext& ctx, size_t first,
                                              bool accepts_type = false);

// The next cursor, sent as a bulk string as Redis does.
void reply_scan_cursor(resp::ReplyWriter& reply, uint64_t cursor);

}  // namespace fkvs
