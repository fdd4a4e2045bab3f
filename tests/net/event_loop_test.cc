#include "net/event_loop.h"

#include <doctest/doctest.h>

#include "fkvs_build_config.h"

namespace {

struct IdleHandler final : fkvs::net::ConnectionHandler {
  void on_open(fkvs::net::Connection&) override {}
  void on_input(fkvs::net::Connection&) override {}
  void on_close(fkvs::net::Connection&) override {}
  void on_output_drained(fkvs::net::Connection&) override {}
  void on_tick() override {}
};

}  // namespace

TEST_CASE("make_event_loop: each backend by the name INFO reports, or why it is missing") {
  IdleHandler handler;
  std::string why;
#if FKVS_HAVE_EPOLL
  auto epoll = fkvs::net::make_event_loop("epoll", handler, why);
  REQUIRE(epoll != nullptr);
  CHECK(std::string(epoll->name()) == "epoll");
  CHECK(std::string(fkvs::net::make_event_loop("auto", handler, why)->name()) == "epoll");
#endif
  auto kqueue = fkvs::net::make_event_loop("kqueue", handler, why);
#if FKVS_HAVE_KQUEUE
  REQUIRE(kqueue != nullptr);
  CHECK(std::string(kqueue->name()) == "kqueue");
#else
  CHECK(kqueue == nullptr);
  CHECK(why == "kqueue exists only on BSD and macOS");
#endif
  CHECK(fkvs::net::make_event_loop("select", handler, why) == nullptr);
  CHECK(why == "unknown io backend 'select'");
}
