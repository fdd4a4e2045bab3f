#include "tools/cli/scan_mode.h"

#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "split_arguments.h"
#include "tools/cli/reply_format.h"

namespace fkvs::cli {

int run_scan(Session& session, const std::optional<std::string>& pattern, long count,
             double interval_s) {
  std::string cursor = "0";
  std::string count_text = std::to_string(count);
  do {
    std::vector<std::string_view> args = {"SCAN", cursor};
    if (pattern) args.insert(args.end(), {"MATCH", *pattern});
    if (count > 0) args.insert(args.end(), {"COUNT", count_text});
    tools::RedisReply reply = tools::run_command(session.context(), args);
    if (!reply) {
      std::fprintf(stderr, "I/O error\n");
      return 1;
    }
    if (reply->type == REDIS_REPLY_ERROR) {
      std::fprintf(stderr, "Error: %s\n", reply->str);
      return 1;
    }
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
        reply->element[1]->type != REDIS_REPLY_ARRAY) {
      std::fprintf(stderr, "Error: unexpected SCAN reply\n");
      return 1;
    }
    cursor.assign(reply->element[0]->str, reply->element[0]->len);
    const redisReply& keys = *reply->element[1];
    std::string out;
    for (size_t i = 0; i < keys.elements; ++i) {
      std::string_view key(keys.element[i]->str, keys.element[i]->len);
      out += session.mode() == OutputMode::kTty ? resp::quote_bytes(key) : std::string(key);
      out += '\n';
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    if (interval_s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(interval_s));
  } while (cursor != "0");
  return 0;
}

}  // namespace fkvs::cli
