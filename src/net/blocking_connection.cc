#include "net/blocking_connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

namespace fkvs::net {

BlockingConnection::~BlockingConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool BlockingConnection::wait_for(short events, int64_t timeout_ms) {
  pollfd entry{fd_, events, 0};
  for (;;) {
    const int ready = ::poll(&entry, 1, static_cast<int>(timeout_ms));
    if (ready < 0 && errno == EINTR) continue;
    return ready > 0;
  }
}

bool BlockingConnection::connect(const std::string& host, const std::string& port,
                                 int64_t timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return false;
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
    const int fd = ::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                            address->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, address->ai_addr, address->ai_addrlen) == 0 || errno == EINPROGRESS) {
      fd_ = fd;
      const int one = 1;
      ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      return wait_for(POLLOUT, timeout_ms);
    }
    ::close(fd);
  }
  return false;
}

bool BlockingConnection::write_all(std::string_view data, int64_t timeout_ms) {
  while (!data.empty()) {
    const ssize_t written = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (written > 0) {
      data.remove_prefix(static_cast<size_t>(written));
    } else if (written < 0 && errno == EINTR) {
      continue;
    } else if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_for(POLLOUT, timeout_ms)) return false;
    } else {
      return false;
    }
  }
  return true;
}

std::optional<std::string> BlockingConnection::read_line(int64_t timeout_ms, size_t max_bytes) {
  for (;;) {
    const size_t end = buffered_.find("\r\n");
    if (end != std::string::npos) {
      std::string line = buffered_.substr(0, std::min(end, max_bytes));
      buffered_.erase(0, end + 2);
      return line;
    }
    char chunk[4096];
    const ssize_t got = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (got > 0) {
      buffered_.append(chunk, static_cast<size_t>(got));
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_for(POLLIN, timeout_ms)) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
}

}  // namespace fkvs::net
