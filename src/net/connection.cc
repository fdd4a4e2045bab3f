#include "net/connection.h"

#include <unistd.h>

#include <utility>

namespace fkvs::net {

Connection::Connection(int fd, std::string peer_address, std::string local_address, bool is_unix)
    : fd_(fd),
      peer_address_(std::move(peer_address)),
      local_address_(std::move(local_address)),
      is_unix_(is_unix) {}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace fkvs::net
