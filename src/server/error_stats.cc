#include "server/error_stats.h"

namespace fkvs {

std::string_view ErrorStats::code_of(std::string_view message) {
  // Redis looks for the space within the first 32 bytes of the reply, its '-' included.
  const size_t space = message.substr(0, 31).find(' ');
  if (space == std::string_view::npos || space == 0) return "ERR";
  return message.substr(0, space);
}

void ErrorStats::error_replied(std::string_view message) {
  ++total_;
  const std::string_view code = code_of(message);
  auto found = by_code_.find(code);
  if (found == by_code_.end()) found = by_code_.emplace(std::string(code), 0).first;
  ++found->second;
}

}  // namespace fkvs
