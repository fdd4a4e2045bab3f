#include "server/supervisor.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

namespace fkvs {

Supervisor::Supervisor(std::string_view mode) {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  if (mode == "systemd" || (mode == "auto" && socket != nullptr)) {
    kind_ = Kind::kSystemd;
    if (socket == nullptr) {
      spdlog::warn("systemd supervision requested or auto-detected, but NOTIFY_SOCKET not found!");
    } else {
      notify_socket_ = socket;
    }
  } else if (mode == "upstart" || (mode == "auto" && std::getenv("UPSTART_JOB") != nullptr)) {
    kind_ = Kind::kUpstart;
  }
}

const char* Supervisor::name() const {
  switch (kind_) {
    case Kind::kUpstart:
      return "upstart";
    case Kind::kSystemd:
      return "systemd";
    case Kind::kNone:
      break;
  }
  return "no";
}

void Supervisor::ready(std::string_view status) {
  if (kind_ == Kind::kSystemd) {
    std::string message = "READY=1\nSTATUS=";
    message += status;
    if (notify_systemd(message))
      spdlog::info(
          "Supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec "
          "and TimeoutStopSec in your service unit.");
  } else if (kind_ == Kind::kUpstart) {
    // Upstart waits for the job to stop itself; it then sends SIGCONT.
    spdlog::info("Supervised by upstart, will stop to signal readiness.");
    std::raise(SIGSTOP);
  }
}

void Supervisor::stopping() {
  if (kind_ == Kind::kSystemd) notify_systemd("STOPPING=1");
}

// The protocol is one datagram to a unix socket: '@' at the start of the
// path names an abstract socket (a leading NUL byte).
bool Supervisor::notify_systemd(std::string_view message) const {
  if (notify_socket_.empty()) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (notify_socket_.size() >= sizeof address.sun_path ||
      (notify_socket_[0] != '/' && notify_socket_[0] != '@')) {
    spdlog::warn("NOTIFY_SOCKET {} is not a unix socket path", notify_socket_);
    return false;
  }
  std::memcpy(address.sun_path, notify_socket_.data(), notify_socket_.size());
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';
  const socklen_t length =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + notify_socket_.size());
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ssize_t sent = sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
                              reinterpret_cast<const sockaddr*>(&address), length);
  const int error = errno;
  close(fd);
  if (sent < 0) {
    spdlog::warn("Can't notify systemd at {}: {}", notify_socket_, std::strerror(error));
    return false;
  }
  return true;
}

}  // namespace fkvs
