#pragma once

// A loopback TCP client for the event-loop tests. Every send and receive
// gives up at a deadline, so a loop that stops serving fails its test with
// a message instead of hanging the whole suite.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace fkvs::testing {

// Long enough for an ASan build on two cores that other work keeps busy.
inline constexpr std::chrono::milliseconds kPatience{20'000};

class LoopbackClient {
 public:
  // receive_buffer > 0 sets SO_RCVBUF before connecting: shrinking it on a
  // connected socket takes back window TCP already advertised, and the peer's
  // retransmissions then back off for minutes.
  explicit LoopbackClient(int port, int receive_buffer = 0) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    if (receive_buffer > 0) {
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~LoopbackClient() { close(); }
  LoopbackClient(const LoopbackClient&) = delete;
  LoopbackClient& operator=(const LoopbackClient&) = delete;

  bool connected() const { return connected_; }

  // True once every byte is sent; false if the deadline passed or the
  // connection failed first.
  bool send_all(std::string_view bytes, std::chrono::milliseconds within = kPatience) {
    Deadline deadline(within);
    while (!bytes.empty()) {
      if (!wait_for(POLLOUT, deadline)) return false;
      ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent < 0 && errno == EAGAIN) continue;
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(sent));
    }
    return true;
  }

  // Up to n bytes: fewer when the peer closes or the deadline passes.
  std::string receive(size_t n, std::chrono::milliseconds within = kPatience) {
    Deadline deadline(within);
    std::string got(n, '\0');
    size_t have = 0;
    while (have < n && wait_for(POLLIN, deadline)) {
      ssize_t read = ::recv(fd_, got.data() + have, n - have, MSG_DONTWAIT);
      if (read < 0 && errno == EAGAIN) continue;
      if (read <= 0) break;
      have += static_cast<size_t>(read);
    }
    got.resize(have);
    return got;
  }

  // True when the peer closes (or resets) before the deadline.
  bool peer_closed(std::chrono::milliseconds within = kPatience) {
    Deadline deadline(within);
    char byte;
    while (wait_for(POLLIN, deadline)) {
      ssize_t read = ::recv(fd_, &byte, 1, MSG_DONTWAIT);
      if (read < 0 && errno == EAGAIN) continue;
      return read <= 0;
    }
    return false;
  }

  // Closes with a reset rather than a FIN: the peer can take nothing more.
  void reset() {
    linger abort{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    close();
  }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  class Deadline {
   public:
    explicit Deadline(std::chrono::milliseconds within)
        : at_(std::chrono::steady_clock::now() + within) {}
    int remaining_ms() const {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          at_ - std::chrono::steady_clock::now());
      return static_cast<int>(std::max<int64_t>(left.count(), 0));
    }

   private:
    std::chrono::steady_clock::time_point at_;
  };

  // False once the deadline passes with the socket still not ready.
  bool wait_for(short events, const Deadline& deadline) {
    for (;;) {
      pollfd ready{fd_, events, 0};
      int remaining = deadline.remaining_ms();
      int rc = poll(&ready, 1, remaining);
      if (rc > 0) return true;
      if (rc == 0 || remaining == 0) return false;
      if (errno != EINTR) return false;
    }
  }

  int fd_;
  bool connected_ = false;
};

}  // namespace fkvs::testing
