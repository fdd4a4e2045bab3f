#include "server/slow_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace fkvs {

void SlowLog::add(std::span<const std::string_view> args, const std::vector<bool>& redacted,
                  int64_t unix_s, int64_t duration_us, std::string peer, std::string client_name,
                  size_t max_len) {
  Entry entry;
  entry.id = next_id_++;
  entry.unix_s = unix_s;
  entry.duration_us = duration_us;
  // Past kMaxArguments, the last slot says how many more there were.
  const size_t kept = args.size() > kMaxArguments ? kMaxArguments - 1 : args.size();
  entry.args.reserve(std::min(args.size(), kMaxArguments));
  for (size_t i = 0; i < kept; ++i) {
    if (i < redacted.size() && redacted[i]) {
      entry.args.emplace_back("(redacted)");
    } else if (args[i].size() > kMaxArgumentBytes) {
      entry.args.push_back(fmt::format("{}... ({} more bytes)",
                                       args[i].substr(0, kMaxArgumentBytes),
                                       args[i].size() - kMaxArgumentBytes));
    } else {
      entry.args.emplace_back(args[i]);
    }
  }
  if (kept < args.size()) {
    entry.args.push_back(fmt::format("... ({} more arguments)", args.size() - kept));
  }
  entry.peer = std::move(peer);
  entry.client_name = std::move(client_name);
  entries_.push_front(std::move(entry));
  while (entries_.size() > max_len) entries_.pop_back();
}

}  // namespace fkvs
