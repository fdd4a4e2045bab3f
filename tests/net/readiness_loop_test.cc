// ReadinessLoop over each poller this build has, over real loopback TCP. On
// Linux the kqueue one runs on the epoll-backed <sys/event.h> in kqueue_shim/.
#include "net/readiness_loop.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "fkvs_build_config.h"
#include "loopback_client.h"
#include "net/connection.h"
#include "net/kqueue_loop.h"
#include "net/socket_util.h"
#include "util/clock.h"
#if FKVS_HAVE_EPOLL
#include "net/epoll_loop.h"
#endif

using fkvs::net::Connection;
using fkvs::net::EventLoop;

#if FKVS_HAVE_EPOLL
TYPE_TO_STRING_AS("epoll", fkvs::net::EpollLoop);
using Backends = std::tuple<fkvs::net::EpollLoop, fkvs::net::KqueueLoop>;
#else
using Backends = std::tuple<fkvs::net::KqueueLoop>;
#endif
TYPE_TO_STRING_AS("kqueue", fkvs::net::KqueueLoop);

namespace {

// More than loopback's socket buffers hold, so the loop has to wait until
// the socket is writable again.
constexpr size_t kLargeReply = 32 * 1024 * 1024;
constexpr int64_t kGiveUpUs = 10'000'000;

// Answers each line: "quit" with "bye" and a close once that is sent, "pause"
// with kLargeReply bytes and no more reading until they have drained, and any
// other line with itself. Stops the loop after stop_after_closes closes or
// stop_after_ticks ticks.
class LineHandler final : public fkvs::net::ConnectionHandler {
 public:
  EventLoop* loop = nullptr;
  int stop_after_closes = 1;
  int stop_after_ticks = 0;
  int opened = 0;
  int closed = 0;
  int ticks = 0;
  int iterations = 0;
  bool gave_up = false;
  std::string seen;  // the lines handled, with "(drained)" where output drained

  void on_open(Connection&) override { ++opened; }

  void on_input(Connection& conn) override {
    std::string_view input = conn.input().view();
    size_t used = 0;
    for (size_t end; !conn.closing() && (end = input.find('\n', used)) != input.npos;
         used = end + 1) {
      std::string_view line = input.substr(used, end - used);
      seen.append(line).push_back('\n');
      if (line == "quit") {
        conn.output().append("bye\n");
        conn.close_after_flush();
      } else if (line == "pause") {
        conn.output().append(std::string(kLargeReply, 'p'));
        loop->pause_reading(conn, true);
      } else {
        conn.output().append(input.substr(used, end + 1 - used));
      }
    }
    conn.input().consume(used);
    loop->want_flush(conn);
  }

  void on_close(Connection&) override {
    if (++closed == stop_after_closes) loop->stop();
  }

  void on_output_drained(Connection& conn) override {
    seen += "(drained)";
    loop->pause_reading(conn, false);
  }

  void on_tick() override {
    if (++ticks == stop_after_ticks) loop->stop();
    if (fkvs::clock::monotonic_us() - started_us_ > kGiveUpUs) {
      gave_up = true;
      loop->stop();
    }
  }

  void before_wait() override { ++iterations; }

 private:
  int64_t started_us_ = fkvs::clock::monotonic_us();
};

using Client = fkvs::testing::LoopbackClient;

// A loop with the handler and one loopback listener.
template <typename Loop>
struct Served {
  LineHandler handler;
  Loop loop{handler};
  int listener = -1;
  int port = 0;

  Served() {
    std::string error;
    listener = fkvs::net::listen_tcp("127.0.0.1", 0, 16, error);
    REQUIRE_MESSAGE(listener >= 0, error);
    port = fkvs::net::bound_port(listener);
    loop.add_listener({listener, false, ""});
    loop.set_tick_interval_ms(10);
    handler.loop = &loop;
  }

  // Runs the loop while `clients` threads each connect and run
  // script(client, index), until every connection has closed.
  template <typename Script>
  void serve(int clients, Script script) {
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i) {
      threads.emplace_back([this, &script, i] {
        Client client(port);
        script(client, i);
      });
    }
    handler.stop_after_closes = clients;
    loop.run();
    for (auto& thread : threads) thread.join();
    CHECK_FALSE(handler.gave_up);
  }
};

}  // namespace

TEST_CASE_TEMPLATE_DEFINE(
    "readiness loop: accepts clients, echoes pipelined lines, sees them close", Loop, echo) {
  Served<Loop> served;
  constexpr int kClients = 3;
  std::string replies[kClients];
  served.serve(kClients, [&](Client& client, int i) {
    client.send_all("one\ntwo\nthree\n");
    replies[i] = client.receive(14);
    client.send_all("four\n");
    replies[i] += client.receive(5);
  });
  for (const auto& reply : replies) CHECK(reply == "one\ntwo\nthree\nfour\n");
  CHECK(served.handler.opened == kClients);
  CHECK(served.handler.closed == kClients);
}
TEST_CASE_TEMPLATE_APPLY(echo, Backends);

TEST_CASE_TEMPLATE_DEFINE("readiness loop: close_after_flush sends the last reply, then closes",
                          Loop, close_after_flush) {
  Served<Loop> served;
  std::string reply;
  bool closed_by_server = false;
  served.serve(1, [&](Client& client, int) {
    client.send_all("hi\nquit\nnever handled\n");
    reply = client.receive(7);
    closed_by_server = client.peer_closed();
  });
  CHECK(reply == "hi\nbye\n");
  CHECK(closed_by_server);
  CHECK(served.handler.seen == "hi\nquit\n");
}
TEST_CASE_TEMPLATE_APPLY(close_after_flush, Backends);

TEST_CASE_TEMPLATE_DEFINE("readiness loop: paused reading resumes once the output drains", Loop,
                          pause) {
  Served<Loop> served;
  std::string block;
  std::string after;
  served.serve(1, [&](Client& client, int) {
    client.send_all("pause\n");
    block = client.receive(1);
    // Sent while the server still holds most of the reply: it must not be
    // read before the reply has drained.
    client.send_all("after\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    block += client.receive(kLargeReply - 1);
    after = client.receive(6);
  });
  CHECK(block.size() == kLargeReply);
  CHECK(block.find_first_not_of('p') == std::string::npos);
  CHECK(after == "after\n");
  CHECK(served.handler.seen == "pause\n(drained)after\n");
}
TEST_CASE_TEMPLATE_APPLY(pause, Backends);

TEST_CASE_TEMPLATE_DEFINE("readiness loop: a peer that resets with replies pending is closed", Loop,
                          reset) {
  Served<Loop> served;
  std::string first;
  served.serve(1, [&](Client& client, int) {
    client.send_all("pause\n");
    first = client.receive(1);
    client.reset();
  });
  CHECK(first == "p");
  // Waiting on a dead peer's writability or readability would spin the loop
  // until the give-up deadline.
  CHECK(served.handler.iterations < 1000);
}
TEST_CASE_TEMPLATE_APPLY(reset, Backends);

TEST_CASE_TEMPLATE_DEFINE("readiness loop: ticks every interval while idle", Loop, tick) {
  Served<Loop> served;
  served.handler.stop_after_ticks = 5;
  auto start = std::chrono::steady_clock::now();
  served.loop.run();
  CHECK(served.handler.ticks == 5);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(40));
}
TEST_CASE_TEMPLATE_APPLY(tick, Backends);

TEST_CASE_TEMPLATE_DEFINE("readiness loop: a removed listener is closed", Loop, removed) {
  Served<Loop> served;
  served.loop.remove_listener(served.listener);
  Client refused(served.port);
  CHECK_FALSE(refused.connected());
  served.handler.stop_after_ticks = 2;
  served.loop.run();
  CHECK(served.handler.opened == 0);
}
TEST_CASE_TEMPLATE_APPLY(removed, Backends);
