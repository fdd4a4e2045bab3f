#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fkvs {

struct Command;

// A command queued between MULTI and EXEC, with its own copy of the
// arguments (the input buffer they came from moves on).
struct QueuedCommand {
  const Command* command;
  std::vector<std::string> args;
};

// A key a client WATCHes. expired: the key was past its TTL, not yet
// reclaimed, when watched; its reclaiming is then no change (as in Redis).
struct WatchedKey {
  int db;
  std::string key;
  bool expired;
};

// One client's MULTI state and the keys it WATCHes.
struct Transaction {
  // Between MULTI and EXEC or DISCARD (CLIENT LIST flags=x).
  bool open = false;
  // A command was rejected while queuing: EXEC answers EXECABORT.
  bool aborted = false;
  // Running the queued commands: blocking commands answer at once.
  bool executing = false;
  // A watched key changed since WATCH (flags=d): EXEC answers a null array.
  bool watch_broken = false;
  std::vector<QueuedCommand> queued;
  // What the queue holds, arguments and their bookkeeping (CLIENT LIST
  // multi-mem); held to client-query-buffer-limit.
  size_t queued_bytes = 0;
  // Kept in step with WatchedKeys, the server-wide index.
  std::vector<WatchedKey> watched;

  void queue(const Command* command, std::span<const std::string_view> args) {
    QueuedCommand& entry = queued.emplace_back(QueuedCommand{command, {}});
    entry.args.reserve(args.size());
    queued_bytes += sizeof(QueuedCommand);
    for (std::string_view arg : args) {
      entry.args.emplace_back(arg);
      queued_bytes += sizeof(std::string) + arg.size();
    }
  }
  // DISCARD, EXEC, RESET: back to no transaction (WatchedKeys::unwatch_all
  // drops the watches).
  void close() {
    open = aborted = executing = watch_broken = false;
    queued.clear();
    queued.shrink_to_fit();
    queued_bytes = 0;
  }
};

}  // namespace fkvs
