#pragma once

#include <span>
#include <string>

#include "tools/common/connection_options.h"
#include "tools/common/redis_connection.h"

namespace fkvs::cli {

// How replies are printed: redis-cli's TTY format ("value", (integer) 1,
// numbered arrays), raw (--raw, or stdout not a terminal) or --csv.
enum class OutputMode { kTty, kRaw, kCsv };

// One connection to a server as the shell and the one-shot modes see it:
// connect, run a command and print its reply as redis-cli would, follow
// SELECT for the prompt, and reconnect after the server went away.
class Session {
 public:
  Session(tools::ConnectionOptions options, OutputMode mode);

  // Connects, AUTHs and SELECTs the configured db. On failure prints
  // redis-cli's message to stderr ("Could not connect to Redis at
  // 127.0.0.1:6379: Connection refused") and returns false.
  bool connect();
  bool connected() const { return context_ != nullptr; }

  // Sends args as one command and prints the reply to stdout in the session's
  // mode. When the connection was lost, it reconnects once before giving up.
  // Returns false when the reply is an error or no reply came.
  bool execute(std::span<const std::string> args);

  // "127.0.0.1:6379> ", "127.0.0.1:6379[2]> " after SELECT 2, or
  // "not connected> ", as redis-cli prompts.
  std::string prompt() const;

  // For callers that need a reply as data (help's COMMAND DOCS): null while
  // not connected.
  redisContext* context() { return context_.get(); }
  const tools::ConnectionOptions& options() const { return options_; }
  OutputMode mode() const { return mode_; }

  // redis-cli -e in one-shot mode: an error reply goes to stderr as bare text
  // ("ERR ...") instead of stdout in the output format.
  void set_errors_to_stderr(bool enabled) { errors_to_stderr_ = enabled; }

 private:
  void print_reply(const redisReply& reply, bool verbatim);
  void follow_state(std::span<const std::string> args, const redisReply& reply);
  bool select(int db);

  tools::ConnectionOptions options_;
  OutputMode mode_;
  tools::RedisContext context_;
  int current_db_ = 0;     // shown in the prompt once SELECT succeeded
  bool in_multi_ = false;  // "(TX)" in the prompt between MULTI and EXEC
  bool errors_to_stderr_ = false;
};

}  // namespace fkvs::cli
