#include "server/client_pause.h"

#include <doctest/doctest.h>

#include "commands/command_table.h"
#include "test_clients.h"

namespace fkvs {
namespace {

Command command_named(std::string_view name, uint32_t flags) {
  Command command;
  command.spec = CommandSpec{name, -1, flags, 0, 0, 0, nullptr, "", "", ""};
  return command;
}

TEST_CASE("client pause: a later pause only lengthens or widens") {
  ClientPause pause;
  CHECK_FALSE(pause.active());
  pause.pause(2000, ClientPause::Mode::kAll);
  pause.pause(1000, ClientPause::Mode::kWrite);
  CHECK(pause.mode() == ClientPause::Mode::kAll);
  CHECK(pause.ends_ms() == 2000);
  pause.pause(3000, ClientPause::Mode::kWrite);
  CHECK(pause.mode() == ClientPause::Mode::kAll);
  CHECK(pause.ends_ms() == 3000);
}

TEST_CASE("client pause: WRITE holds what may write, ALL holds everything") {
  TestClients clients;
  Client& client = clients.add();
  const Command get = command_named("get", kReadOnly | kFast);
  const Command set = command_named("set", kWrite | kDenyOom);
  const Command publish = command_named("publish", kPubSub | kMayReplicate);
  const Command exec = command_named("exec", kRunsInMulti);
  ClientPause pause;
  CHECK_FALSE(pause.holds(client, set));
  pause.pause(1000, ClientPause::Mode::kWrite);
  CHECK(pause.holds(client, set));
  CHECK(pause.holds(client, publish));
  CHECK_FALSE(pause.holds(client, get));
  // EXEC waits only when its queue would write.
  client.multi.open = true;
  client.multi.queue(&get, std::vector<std::string_view>{"get", "k"});
  CHECK_FALSE(pause.holds(client, exec));
  client.multi.queue(&set, std::vector<std::string_view>{"set", "k", "v"});
  CHECK(pause.holds(client, exec));
  pause.pause(1000, ClientPause::Mode::kAll);
  CHECK(pause.holds(client, get));
}

TEST_CASE("client pause: held clients come back in order, less those that left") {
  TestClients clients;
  Client& first = clients.add();
  Client& second = clients.add();
  Client& third = clients.add();
  ClientPause pause;
  pause.pause(1000, ClientPause::Mode::kAll);
  pause.hold(third);
  pause.hold(first);
  pause.hold(second);
  CHECK(pause.held_count() == 3);
  CHECK(first.paused);
  pause.forget(first);
  CHECK_FALSE(first.paused);
  CHECK(pause.end() == std::vector<uint64_t>{third.id(), second.id()});
  CHECK_FALSE(pause.active());
  CHECK(pause.held_count() == 0);
}

}  // namespace
}  // namespace fkvs
