#include <doctest/doctest.h>

#include <climits>

#include "tools/cli/latency_mode.h"
#include "tools/cli/stat_mode.h"

using fkvs::cli::format_latency;
using fkvs::cli::human_bytes;
using fkvs::cli::info_field;
using fkvs::cli::OutputMode;
using fkvs::cli::stat_header;
using fkvs::cli::stat_row;

namespace {

constexpr std::string_view kInfo =
    "# Clients\r\nconnected_clients:3\r\nblocked_clients:1\r\n"
    "# Memory\r\nused_memory:1216512\r\nused_memory_human:1.16M\r\n"
    "# Persistence\r\nloading:0\r\nrdb_bgsave_in_progress:1\r\naof_rewrite_in_progress:0\r\n"
    "# Stats\r\ntotal_connections_received:71\r\ntotal_commands_processed:1480\r\n"
    "# Keyspace\r\ndb0:keys=17,expires=0,avg_ttl=0\r\ndb3:keys=5,expires=1,avg_ttl=0\r\n";

}  // namespace

TEST_CASE("cli latency: the three line formats") {
  CHECK(format_latency(OutputMode::kTty, 0, 4, 0.345, 93) ==
        "min: 0, max: 4, avg: 0.34 (93 samples)");
  CHECK(format_latency(OutputMode::kRaw, 0, 1, 0.125, 98) == "0 1 0.12 98\n");
  CHECK(format_latency(OutputMode::kCsv, 0, 2, 0.18, 97) == "0,2,0.18,97\n");
}

TEST_CASE("cli stat: human byte counts") {
  CHECK(human_bytes(0) == "0B");
  CHECK(human_bytes(1023) == "1023B");
  CHECK(human_bytes(1536) == "1.50K");
  CHECK(human_bytes(1216512) == "1.16M");
  CHECK(human_bytes(3LL << 30) == "3.00G");
  CHECK(human_bytes(-2048) == "-2.00K");
}

TEST_CASE("cli stat: INFO fields are found as redis-cli finds them") {
  CHECK(info_field(kInfo, "connected_clients") == 3);
  CHECK(info_field(kInfo, "db3:keys") == 5);
  CHECK(info_field(kInfo, "bgsave_in_progress") == 1);
  CHECK(info_field(kInfo, "used_memory") == 1216512);
  CHECK(info_field(kInfo, "missing_field") == LONG_MIN);
}

TEST_CASE("cli stat: rows line up under the header") {
  std::string header = stat_header();
  CHECK(header.starts_with("------- data ------ --------------------- load "));
  CHECK(
      header.ends_with("\nkeys       mem      clients blocked requests            connections"
                       "          \n"));
  long previous = 0;
  CHECK(stat_row(kInfo, previous) ==
        "22         1.16M    3       1       1480 (+0)           71          SAVE\n");
  CHECK(previous == 1480);
  previous = 1470;
  CHECK(stat_row(kInfo, previous).find("1480 (+10)          71") != std::string::npos);
}
