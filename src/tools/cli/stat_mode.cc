#include "tools/cli/stat_mode.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace fkvs::cli {
namespace {

constexpr int kRowsPerHeader = 20;
constexpr int kDatabasesShown = 20;  // redis-cli sums db0..db19

std::string padded(const std::string& text, size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

}  // namespace

std::string human_bytes(long long bytes) {
  std::string sign;
  if (bytes < 0) {
    sign = "-";
    bytes = -bytes;
  }
  constexpr const char* kUnits = "KMGTP";
  if (bytes < 1024) return sign + std::to_string(bytes) + "B";
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[64];
  std::snprintf(text, sizeof(text), "%s%.2f%c", sign.c_str(), value, kUnits[unit]);
  return text;
}

long info_field(std::string_view info, std::string_view field) {
  size_t at = info.find(field);
  if (at == std::string_view::npos) return LONG_MIN;
  size_t start = at + field.size() + 1;
  if (start > info.size()) return 0;
  size_t end = info.find_first_of(",\r", start);
  std::string value(info.substr(start, end == std::string_view::npos ? end : end - start));
  return std::strtol(value.c_str(), nullptr, 10);
}

std::string stat_header() {
  return "------- data ------ --------------------- load -------------------- - child -\n"
         "keys       mem      clients blocked requests            connections          \n";
}

std::string stat_row(std::string_view info, long& previous_requests) {
  long keys = 0;
  for (int db = 0; db < kDatabasesShown; ++db) {
    long count = info_field(info, "db" + std::to_string(db) + ":keys");
    if (count != LONG_MIN) keys += count;
  }
  std::string row = padded(std::to_string(keys), 11);
  row += padded(human_bytes(info_field(info, "used_memory")), 8);
  row += " " + padded(std::to_string(info_field(info, "connected_clients")), 8);
  row += padded(std::to_string(info_field(info, "blocked_clients")), 8);
  long requests = info_field(info, "total_commands_processed");
  long delta = previous_requests == 0 ? 0 : requests - previous_requests;
  previous_requests = requests;
  row += padded(std::to_string(requests) + " (+" + std::to_string(delta) + ")", 19);
  row += " " + padded(std::to_string(info_field(info, "total_connections_received")), 12);

  // bgsave 1, AOF rewrite 2, loading 4: redis-cli names only these sums, so a
  // missing field (LONG_MIN) prints nothing.
  unsigned long children = static_cast<unsigned long>(info_field(info, "bgsave_in_progress")) |
                           static_cast<unsigned long>(info_field(info, "aof_rewrite_in_progress"))
                               << 1 |
                           static_cast<unsigned long>(info_field(info, "loading")) << 2;
  switch (children) {
    case 1:
      row += "SAVE";
      break;
    case 2:
      row += "AOF";
      break;
    case 3:
      row += "SAVE+AOF";
      break;
    case 4:
      row += "LOAD";
      break;
    default:
      break;
  }
  return row + "\n";
}

int run_stat(Session& session, double interval_s) {
  auto pause = std::chrono::duration<double>(interval_s > 0 ? interval_s : 1.0);
  long previous_requests = 0;
  for (long rows = 0;; ++rows) {
    tools::RedisReply reply = tools::run_command(session.context(), {"INFO"});
    if (!reply) {
      std::fprintf(stderr, "I/O error\n");
      return 1;
    }
    if (reply->type == REDIS_REPLY_ERROR) {
      std::fprintf(stderr, "ERROR: %s\n", reply->str);
      return 1;
    }
    std::string out = rows % kRowsPerHeader == 0 ? stat_header() : "";
    out += stat_row(std::string_view(reply->str, reply->len), previous_requests);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    std::this_thread::sleep_for(pause);
  }
}

}  // namespace fkvs::cli
