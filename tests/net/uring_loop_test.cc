#include "net/uring_loop.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "net/connection.h"
#include "net/socket_util.h"

namespace fkvs::net {
namespace {

// Echoes every byte back; a connection that sends '!' is closed at once with
// its unsent replies dropped, while requests may be in flight.
class EchoHandler : public ConnectionHandler {
 public:
  EventLoop* loop = nullptr;
  std::atomic<bool> stop{false};
  std::atomic<int> opened{0};
  std::atomic<int> closed{0};
  std::function<void(EventLoop&)> on_first_tick;

  void on_open(Connection&) override { ++opened; }
  void on_input(Connection& conn) override {
    std::string_view bytes = conn.input().view();
    if (bytes.find('!') != std::string_view::npos) {
      conn.close_now();
      loop->want_close(conn);
      return;
    }
    conn.output().append(bytes);
    conn.input().consume(bytes.size());
    loop->want_flush(conn);
  }
  void on_close(Connection&) override { ++closed; }
  void on_output_drained(Connection&) override {}
  void on_tick() override {
    if (on_first_tick) std::exchange(on_first_tick, nullptr)(*loop);
    if (stop) loop->stop();
  }
};

// A uring loop on its own thread (the ring belongs to the thread that made
// it), listening on a free loopback port.
class LoopThread {
 public:
  explicit LoopThread(EchoHandler& handler, UringFeatures features = {}) : handler_(handler) {
    std::string error;
    listener_ = listen_tcp("127.0.0.1", 0, 128, error);
    REQUIRE_MESSAGE(listener_ >= 0, error);
    port = bound_port(listener_);
    std::atomic<bool> ready{false};
    thread_ = std::thread([this, features, &ready] {
      UringLoop loop(handler_, features);
      loop.set_tick_interval_ms(5);
      loop.add_listener({listener_, false, ""});
      handler_.loop = &loop;
      ready = true;
      loop.run();
      handler_.loop = nullptr;
    });
    while (!ready) std::this_thread::yield();
  }
  ~LoopThread() {
    handler_.stop = true;
    thread_.join();
  }
  int port = 0;

 private:
  EchoHandler& handler_;
  int listener_ = -1;
  std::thread thread_;
};

int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t sent = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    REQUIRE(sent > 0);
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
}

// Reads until n bytes or end of stream (or 10 s without data).
std::string read_bytes(int fd, size_t n) {
  std::string got;
  char chunk[65536];
  while (got.size() < n) {
    pollfd ready{fd, POLLIN, 0};
    if (poll(&ready, 1, 10000) <= 0) break;
    ssize_t read = recv(fd, chunk, sizeof(chunk), 0);
    if (read <= 0) break;
    got.append(chunk, static_cast<size_t>(read));
  }
  return got;
}

std::string pattern(size_t size, int seed) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + (i * 31 + seed) % 26);
  return bytes;
}

bool uring_available() {
  try {
    EchoHandler handler;
    UringLoop probe(handler);
    return true;
  } catch (const std::runtime_error& error) {
    MESSAGE("io_uring unavailable here, skipping: " << error.what());
    return false;
  }
}

void echo_many_clients(UringFeatures features) {
  EchoHandler handler;
  LoopThread loop(handler, features);
  constexpr int kClients = 20;
  constexpr size_t kBytes = 300 * 1024;  // well over one provided buffer
  std::vector<int> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(connect_to(loop.port));
  for (int i = 0; i < kClients; ++i) {
    REQUIRE(clients[i] >= 0);
    std::string sent = pattern(kBytes, i);
    std::thread writer([&] { send_all(clients[i], sent); });
    std::string echoed = read_bytes(clients[i], kBytes);
    writer.join();
    CHECK(echoed == sent);
  }
  for (int fd : clients) close(fd);
  for (int i = 0; i < 500 && handler.closed < kClients; ++i) usleep(10000);
  CHECK(handler.opened == kClients);
  CHECK(handler.closed == kClients);
}

TEST_CASE("uring loop: many clients' bytes come back whole and in order") {
  if (!uring_available()) return;
  SUBCASE("multishot accept") { echo_many_clients({}); }
  SUBCASE("one request per accept, as on older kernels") {
    echo_many_clients({.multishot_accept = false});
  }
}

TEST_CASE("uring loop: closing with requests in flight frees nothing the kernel still uses") {
  if (!uring_available()) return;
  EchoHandler handler;
  LoopThread loop(handler);
  // The client sends a lot and reads nothing, so echoes pile up behind a send
  // the kernel cannot finish; then it asks for the close.
  int fd = connect_to(loop.port);
  REQUIRE(fd >= 0);
  int small = 4096;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  std::string bulk = pattern(4 * 1024 * 1024, 7);
  std::thread writer([&] {
    send(fd, bulk.data(), bulk.size(), MSG_NOSIGNAL);
    send(fd, "!", 1, MSG_NOSIGNAL);
  });
  for (int i = 0; i < 1000 && handler.closed == 0; ++i) usleep(10000);
  writer.join();
  CHECK(handler.closed == 1);
  close(fd);
  // And the loop still serves others.
  int other = connect_to(loop.port);
  REQUIRE(other >= 0);
  send_all(other, "ping");
  CHECK(read_bytes(other, 4) == "ping");
  close(other);
}

TEST_CASE("uring loop: a removed listener refuses new connections at once") {
  if (!uring_available()) return;
  EchoHandler handler;
  std::atomic<bool> removed{false};
  int listener_fd = -1;
  {
    std::string error;
    // A second listener, removed from inside the loop on its first tick.
    listener_fd = listen_tcp("127.0.0.1", 0, 16, error);
    REQUIRE(listener_fd >= 0);
  }
  int removed_port = bound_port(listener_fd);
  handler.on_first_tick = [&](EventLoop& loop) {
    loop.add_listener({listener_fd, false, ""});
    loop.remove_listener(listener_fd);
    removed = true;
  };
  LoopThread loop(handler);
  while (!removed) usleep(1000);
  int fd = connect_to(removed_port);
  CHECK(fd < 0);
  if (fd >= 0) close(fd);
  int served = connect_to(loop.port);
  REQUIRE(served >= 0);
  send_all(served, "still here");
  CHECK(read_bytes(served, 10) == "still here");
  close(served);
}

}  // namespace
}  // namespace fkvs::net
