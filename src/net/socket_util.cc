#include "net/socket_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace fkvs::net {
namespace {

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

std::string format_address(const sockaddr_storage& addr) {
  char ip[INET6_ADDRSTRLEN] = {0};
  char text[INET6_ADDRSTRLEN + 16];
  if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
    std::snprintf(text, sizeof text, "[%s]:%d", ip, ntohs(in6->sin6_port));
  } else {
    const auto* in4 = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in4->sin_addr, ip, sizeof ip);
    std::snprintf(text, sizeof text, "%s:%d", ip, ntohs(in4->sin_port));
  }
  return text;
}

}  // namespace

int listen_tcp(const std::string& address, int port, int backlog, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
  addrinfo* found = nullptr;
  std::string port_text = std::to_string(port);
  const char* host = address == "*" ? nullptr : address.c_str();
  if (int rc = getaddrinfo(host, port_text.c_str(), &hints, &found); rc != 0) {
    error = "can't resolve " + address + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      error = errno_text("socket");
      continue;
    }
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    // Keep "::1" from also claiming the IPv4 port, as Redis does.
    if (ai->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, backlog) == 0) break;
    error = errno_text(("bind " + address + ":" + port_text).c_str());
    ::close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  return fd;
}

int listen_unix(const std::string& path, unsigned permissions, int backlog, std::string& error) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    error = "unix socket path too long: " + path;
    return -1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = errno_text("socket");
    return -1;
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  unlink(path.c_str());  // a stale socket file from an earlier run
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, backlog) != 0) {
    error = errno_text(("bind " + path).c_str());
    ::close(fd);
    return -1;
  }
  if (permissions != 0) chmod(path.c_str(), permissions);
  return fd;
}

void configure_client_socket(int fd, int keepalive_seconds) {
  int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (keepalive_seconds <= 0) return;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  int idle = keepalive_seconds;
  int interval = keepalive_seconds / 3 > 0 ? keepalive_seconds / 3 : 1;
  int probes = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
}

std::string peer_address_of(int fd, bool is_unix, const std::string& unix_path) {
  if (is_unix) return unix_path + ":0";
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "?:0";
  return format_address(addr);
}

bool is_local_host_address(std::string_view address) {
  return address.starts_with("127.0.0.1:") || address.starts_with("[::1]:");
}

std::string local_address_of(int fd, bool is_unix, const std::string& unix_path) {
  if (is_unix) return unix_path + ":0";
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "?:0";
  return format_address(addr);
}

int bound_port(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

}  // namespace fkvs::net
