#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fkvs {

// SLOWLOG: the commands that ran for longer than slowlog-log-slower-than,
// newest first, at most slowlog-max-len of them.
class SlowLog {
 public:
  // Redis keeps this many arguments of a command, and this many bytes of each.
  static constexpr size_t kMaxArguments = 32;
  static constexpr size_t kMaxArgumentBytes = 128;

  struct Entry {
    uint64_t id = 0;
    int64_t unix_s = 0;
    int64_t duration_us = 0;
    std::vector<std::string> args;
    std::string peer;  // "ip:port", as CLIENT LIST's addr
    std::string client_name;
  };

  // Adds a command, its arguments trimmed as Redis trims them and those
  // redacted[i] marks replaced by "(redacted)"; then drops the oldest
  // entries past max_len.
  void add(std::span<const std::string_view> args, const std::vector<bool>& redacted,
           int64_t unix_s, int64_t duration_us, std::string peer, std::string client_name,
           size_t max_len);
  // Newest first.
  const std::deque<Entry>& entries() const { return entries_; }
  void reset() { entries_.clear(); }

 private:
  std::deque<Entry> entries_;
  uint64_t next_id_ = 0;
};

}  // namespace fkvs
