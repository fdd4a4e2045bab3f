#include "server/redaction.h"

#include <algorithm>

#include "util/strings.h"

namespace fkvs {

std::vector<bool> redacted_arguments(std::span<const std::string_view> args) {
  std::vector<bool> redacted(args.size(), false);
  if (args.empty()) return redacted;
  if (equals_nocase(args[0], "auth")) {
    std::fill(redacted.begin() + 1, redacted.end(), true);
  } else if (equals_nocase(args[0], "hello")) {
    for (size_t i = 2; i + 2 < args.size(); ++i) {
      if (equals_nocase(args[i], "auth")) {
        redacted[i + 1] = redacted[i + 2] = true;
        i += 2;
      }
    }
  } else if (equals_nocase(args[0], "migrate")) {
    // AUTH's password, AUTH2's user and password, until KEYS, as Redis's parser redacts them.
    for (size_t i = 6; i < args.size(); ++i) {
      if (equals_nocase(args[i], "keys")) break;
      if (equals_nocase(args[i], "auth") && i + 1 < args.size()) {
        redacted[++i] = true;
      } else if (equals_nocase(args[i], "auth2") && i + 2 < args.size()) {
        redacted[++i] = true;
        redacted[++i] = true;
      }
    }
  } else if (equals_nocase(args[0], "config") && args.size() > 1 && equals_nocase(args[1], "set")) {
    for (size_t i = 2; i + 1 < args.size(); i += 2) {
      if (equals_nocase(args[i], "masterauth") || equals_nocase(args[i], "requirepass")) {
        redacted[i + 1] = true;
      }
    }
  }
  return redacted;
}

}  // namespace fkvs
