#include "tools/cli/sensitive_command.h"

#include <strings.h>

#include <string_view>

namespace fkvs::cli {
namespace {

bool is(std::string_view arg, std::string_view word) {
  return arg.size() == word.size() && strncasecmp(arg.data(), word.data(), arg.size()) == 0;
}

bool any_later_is(std::span<const std::string> args, std::string_view word) {
  for (size_t i = 1; i < args.size(); ++i) {
    if (is(args[i], word)) return true;
  }
  return false;
}

}  // namespace

bool is_sensitive_command(std::span<const std::string> args) {
  if (args.empty()) return false;
  std::string_view name = args[0];
  if (is(name, "auth")) return true;
  if (args.size() >= 2 && is(name, "acl") && is(args[1], "setuser")) return true;
  if (args.size() >= 3 && is(name, "config") && is(args[1], "set")) {
    return is(args[2], "masterauth") || is(args[2], "masteruser") || is(args[2], "requirepass");
  }
  if (is(name, "hello")) return any_later_is(args, "auth");
  if (is(name, "migrate")) return any_later_is(args, "auth") || any_later_is(args, "auth2");
  return false;
}

}  // namespace fkvs::cli
