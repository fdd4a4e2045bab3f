#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fkvs::net {

// A TCP connection the server itself opens and waits on, every step bounded by
// a timeout: MIGRATE talks to its target this way, stopping the event loop
// meanwhile, as Redis's does.
class BlockingConnection {
 public:
  BlockingConnection() = default;
  BlockingConnection(const BlockingConnection&) = delete;
  BlockingConnection& operator=(const BlockingConnection&) = delete;
  ~BlockingConnection();

  // Starts connecting to host:port and waits up to timeout_ms for the socket
  // to become writable. false when the address does not resolve, the connect
  // cannot start, or the time runs out; a refused connection shows at the
  // first write, as with Redis.
  bool connect(const std::string& host, const std::string& port, int64_t timeout_ms);
  // Sends all of data, each wait at most timeout_ms.
  bool write_all(std::string_view data, int64_t timeout_ms);
  // One reply line without its CRLF, each wait at most timeout_ms; nullopt on
  // error, end of stream or timeout. Lines longer than max_bytes are cut.
  std::optional<std::string> read_line(int64_t timeout_ms, size_t max_bytes = 1024);

 private:
  bool wait_for(short events, int64_t timeout_ms);

  int fd_ = -1;
  std::string buffered_;
};

}  // namespace fkvs::net
