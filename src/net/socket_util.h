#pragma once

#include <string>
#include <string_view>

namespace fkvs::net {

// Listening sockets and per-client socket options. Each returns -1 and sets
// error on failure so the caller can decide whether the failure is fatal.
int listen_tcp(const std::string& address, int port, int backlog, std::string& error);
int listen_unix(const std::string& path, unsigned permissions, int backlog, std::string& error);

// TCP_NODELAY and keepalive (keepalive_seconds 0 = off) on an accepted socket.
void configure_client_socket(int fd, int keepalive_seconds);

// "ip:port" as Redis prints addresses ("[ip6]:port" for IPv6, "path:0" for unix).
std::string peer_address_of(int fd, bool is_unix, const std::string& unix_path);
// Whether an address as peer_address_of prints it is exactly 127.0.0.1 or
// ::1: what Redis 7.0 counts as a local client, for protected mode and the
// enable-*-command "local" settings (not the rest of 127.0.0.0/8, nor
// 127.0.0.1 mapped into IPv6).
bool is_local_host_address(std::string_view address);
std::string local_address_of(int fd, bool is_unix, const std::string& unix_path);

// The port a TCP listener is bound to (for --port 0).
int bound_port(int fd);

}  // namespace fkvs::net
