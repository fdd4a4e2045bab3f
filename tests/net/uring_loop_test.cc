#include "net/uring_loop.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "loopback_client.h"
#include "net/connection.h"
#include "net/socket_util.h"
#include "wait_until.h"

namespace fkvs::net {
namespace {

using fkvs::testing::kPatience;
using fkvs::testing::LoopbackClient;
using fkvs::testing::wait_until;

// Echoes every byte back; a connection that sends '!' is closed at once with
// its unsent replies dropped, while requests may be in flight. Bytes that
// begin with '#' hold the loop, as a long script does, until end_busy.
class EchoHandler : public ConnectionHandler {
 public:
  EventLoop* loop = nullptr;
  std::atomic<bool> stop{false};
  std::atomic<bool> busy{false};
  std::atomic<bool> end_busy{false};
  std::atomic<bool> busy_bytes_moved{false};
  std::atomic<int> opened{0};
  std::atomic<int> closed{0};
  std::atomic<size_t> in_flight_at_close{0};  // bytes of the send the kernel held
  std::function<void(EventLoop&)> on_first_tick;

  void on_open(Connection&) override { ++opened; }
  void on_input(Connection& conn) override {
    std::string_view bytes = conn.input().view();
    if (bytes.find('!') != std::string_view::npos) {
      in_flight_at_close = conn.in_flight_output().size();
      conn.close_now();
      loop->want_close(conn);
      return;
    }
    if (bytes.starts_with('#') && !busy) hold_the_loop(conn);
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

 private:
  // Serves the others from inside, as the Lua hook does; conn's own bytes
  // stay where they are meanwhile (a command's arguments point into them).
  void hold_the_loop(Connection& conn) {
    busy = true;
    const std::string_view held = conn.input().view();
    while (!end_busy && !stop) {
      loop->serve_while_busy(conn);
      const std::string_view now = conn.input().view();
      if (now.data() != held.data() || now.size() != held.size()) busy_bytes_moved = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    busy = false;
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
    thread_ = std::thread([this, features] {
      UringLoop loop(handler_, features);
      loop.set_tick_interval_ms(5);
      loop.add_listener({listener_, false, ""});
      handler_.loop = &loop;
      ready_ = true;
      loop.run();
      handler_.loop = nullptr;
    });
    if (!wait_until([this] { return ready_.load(); }, kPatience)) {
      thread_.detach();
      FAIL("the uring loop thread did not start within " << kPatience.count() << " ms");
    }
  }
  // The loop sees stop on its next tick (every 5 ms), so the join is bounded.
  ~LoopThread() {
    handler_.stop = true;
    if (thread_.joinable()) thread_.join();
  }
  int port = 0;

 private:
  EchoHandler& handler_;
  int listener_ = -1;
  std::atomic<bool> ready_{false};
  std::thread thread_;
};

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
  std::vector<std::unique_ptr<LoopbackClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<LoopbackClient>(loop.port));
    REQUIRE(clients.back()->connected());
  }
  for (int i = 0; i < kClients; ++i) {
    std::string sent = pattern(kBytes, i);
    std::atomic<bool> sent_all{false};
    std::thread writer([&] { sent_all = clients[i]->send_all(sent); });
    std::string echoed = clients[i]->receive(kBytes);
    writer.join();  // send_all gives up at its own deadline
    CHECK_MESSAGE(sent_all, "client " << i << " could not send " << kBytes << " bytes");
    CHECK_MESSAGE(echoed == sent, "client " << i << " got " << echoed.size() << " bytes back");
  }
  clients.clear();
  CHECK_MESSAGE(wait_until([&] { return handler.closed == kClients; }, kPatience),
                "the loop saw " << handler.closed << " of " << kClients << " clients close");
  CHECK(handler.opened == kClients);
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
  // The client sends a lot and reads nothing into a small buffer, so echoes
  // pile up behind a send the kernel cannot finish; then it asks for the close.
  LoopbackClient client(loop.port, /*receive_buffer=*/4096);
  REQUIRE(client.connected());
  std::string bulk = pattern(4 * 1024 * 1024, 7) + "!";
  std::atomic<bool> sent_all{false};
  std::thread writer([&] { sent_all = client.send_all(bulk); });
  bool closed = wait_until([&] { return handler.closed == 1; }, kPatience);
  writer.join();  // send_all gives up at its own deadline
  CHECK_MESSAGE(sent_all, "the loop stopped reading before the 4 MB and the '!' were in");
  CHECK_MESSAGE(closed, "the loop did not close the connection within " << kPatience.count()
                                                                        << " ms of the '!'");
  CHECK_MESSAGE(handler.in_flight_at_close > 0, "no send was in flight when the close came");
  client.close();
  // And the loop still serves others.
  LoopbackClient other(loop.port);
  REQUIRE(other.connected());
  CHECK(other.send_all("ping"));
  CHECK(other.receive(4) == "ping");
}

TEST_CASE("uring loop: a connection holding the loop waits while the others are served") {
  if (!uring_available()) return;
  EchoHandler handler;
  LoopThread loop(handler);
  LoopbackClient holder(loop.port);
  REQUIRE(holder.connected());
  REQUIRE(holder.send_all("#"));
  REQUIRE_MESSAGE(wait_until([&] { return handler.busy.load(); }, kPatience),
                  "the '#' did not reach the loop within " << kPatience.count() << " ms");
  CHECK(holder.send_all("sent while busy"));
  // Connected while the loop is held: accepted, read and answered from inside.
  std::vector<std::unique_ptr<LoopbackClient>> others;
  for (int i = 0; i < 5; ++i) {
    others.push_back(std::make_unique<LoopbackClient>(loop.port));
    REQUIRE(others.back()->connected());
    const std::string sent = pattern(100 * 1024, i);  // several receives and sends
    std::atomic<bool> sent_all{false};
    std::thread writer([&] { sent_all = others.back()->send_all(sent); });
    const std::string echoed = others.back()->receive(sent.size());
    writer.join();
    CHECK_MESSAGE(sent_all, "client " << i << " could not send while the loop was held");
    CHECK_MESSAGE(echoed == sent, "client " << i << " got " << echoed.size() << " bytes back");
  }
  CHECK(handler.busy);
  CHECK(holder.receive(1, std::chrono::milliseconds(100)).empty());
  handler.end_busy = true;
  const std::string expected = "#sent while busy";
  CHECK(holder.receive(expected.size()) == expected);
  CHECK_FALSE(handler.busy_bytes_moved);
  CHECK(others.front()->send_all("after"));
  CHECK(others.front()->receive(5) == "after");
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
  REQUIRE_MESSAGE(wait_until([&] { return removed.load(); }, kPatience),
                  "the loop's first tick did not come within " << kPatience.count() << " ms");
  LoopbackClient refused(removed_port);
  CHECK_FALSE(refused.connected());
  LoopbackClient served(loop.port);
  REQUIRE(served.connected());
  CHECK(served.send_all("still here"));
  CHECK(served.receive(10) == "still here");
}

}  // namespace
}  // namespace fkvs::net
