#pragma once

#include <climits>
#include <string>
#include <string_view>

#include "tools/cli/session.h"

namespace fkvs::cli {

// A byte count as redis-cli's --stat shows it: 512B, 1.50K, 1.16M, 2.00G.
std::string human_bytes(long long bytes);

// The number after field in INFO text, found as redis-cli finds it: the first
// occurrence of field anywhere (so "bgsave_in_progress" matches
// "rdb_bgsave_in_progress:0"), then one separator byte, up to ',' or '\r'.
// LONG_MIN when field is missing.
long info_field(std::string_view info, std::string_view field);

// The two header lines --stat repeats every 20 rows.
std::string stat_header();

// One --stat row from INFO text; previous_requests is the last row's
// total_commands_processed (0 before the first row), updated here.
std::string stat_row(std::string_view info, long& previous_requests);

// --stat: a row every interval_s (1 s by default), forever. Returns the exit
// status when INFO fails.
int run_stat(Session& session, double interval_s);

}  // namespace fkvs::cli
