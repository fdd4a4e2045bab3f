#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "reply_writer.h"

namespace fkvs {

// Every error reply the server sends, counted once where ReplyWriter writes
// it: INFO's total_error_replies and errorstats (errorstat_ERR:count=3),
// keyed by the error's first word as Redis 7.0 keys them.
class ErrorStats final : public resp::ErrorReplyListener {
 public:
  void error_replied(std::string_view message) override;
  uint64_t total() const { return total_; }
  // By code, in order (Redis lists them sorted).
  const std::map<std::string, uint64_t, std::less<>>& by_code() const { return by_code_; }
  void reset() {
    total_ = 0;
    by_code_.clear();
  }

  // The code an error counts under: its first word when a space ends it within
  // Redis's 32 bytes, else "ERR".
  static std::string_view code_of(std::string_view message);

 private:
  uint64_t total_ = 0;
  std::map<std::string, uint64_t, std::less<>> by_code_;
};

}  // namespace fkvs
