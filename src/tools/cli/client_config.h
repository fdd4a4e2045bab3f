#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tools/common/connection_options.h"

namespace fkvs::cli {

// A problem in a client config file, by line (counting from 1).
struct ClientConfigError {
  int line;
  std::string reason;
};

// Applies a client config file (fkvs-cli -d FILE) to options. The format
// follows redis.conf: one "key value" pair a line, '#' starts a comment line,
// values may be quoted as in redis-cli ("a b", 'it\'s', "\x00"). Keys are
// host, port, socket, user, password and db, case-insensitive; a later line
// wins. Anything else is an error rather than a silent default.
std::optional<ClientConfigError> apply_client_config(std::string_view text,
                                                     tools::ConnectionOptions& options);

}  // namespace fkvs::cli
