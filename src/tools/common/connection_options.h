#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fkvs::tools {

// Where and as whom fkvs-cli and fkvs-benchmark connect: the flags both tools
// share with redis-cli and redis-benchmark (-h -p -s -a --user, -n/--dbnum).
struct ConnectionOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string socket_path;  // when set, overrides host and port
  std::string user;         // AUTH user password when set, AUTH password otherwise
  std::optional<std::string> password;
  int db = 0;
  double timeout_s = 0;  // connect timeout; 0 waits as long as the OS does

  bool uses_socket() const { return !socket_path.empty(); }
  // "127.0.0.1:6379" or the socket path, as redis-cli names the server.
  std::string endpoint() const;
};

// Applies a redis-cli style URI, redis://[[user]:[password]@]host[:port][/db],
// to options. User and password may be percent-encoded. Returns an error text
// for anything else (rediss:// included: TLS is not supported).
std::optional<std::string> apply_uri(std::string_view uri, ConnectionOptions& options);

// True when a -u argument names a URI rather than a unix socket path; -u takes
// both, since redis-cli's -u is a URI and FKVS's was a socket.
bool looks_like_uri(std::string_view argument);

}  // namespace fkvs::tools
