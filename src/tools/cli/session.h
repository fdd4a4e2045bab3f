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

 private:
  tools::ConnectionOptions options_;
  OutputMode mode_;
  tools::RedisContext context_;
};

}  // namespace fkvs::cli
