#include "server/blocking.h"

#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "server/client.h"
#include "test_clients.h"

namespace fkvs {
namespace {

using Clients = TestClients;
using Keys = std::vector<std::string_view>;

TEST_CASE("blocking: waiters queue per key in the order they blocked") {
  Clients made;
  Client& a = made.add();
  Client& b = made.add();
  Client& c = made.add();
  BlockedClients blocked;
  const Keys args = {"blpop", "k", "0"};
  blocked.block(a, 0, Keys{"k", "other"}, 0, ValueType::kList, args);
  blocked.block(b, 0, Keys{"k"}, 0, ValueType::kList, args);
  blocked.block(c, 1, Keys{"k"}, 0, ValueType::kList, args);
  CHECK(a.blocked);
  CHECK(blocked.count() == 3);
  CHECK(blocked.waiters(0, "k") == std::vector<Client*>{&a, &b});
  CHECK(blocked.waiters(0, "other") == std::vector<Client*>{&a});
  CHECK(blocked.waiters(1, "k") == std::vector<Client*>{&c});
  CHECK(blocked.waiters(2, "k").empty());
  CHECK(blocked.blocked_args(a).size() == 3);
  CHECK(blocked.blocked_args(a)[0] == "blpop");
  CHECK(blocked.serves(a) == ValueType::kList);

  blocked.unblock(a);
  CHECK_FALSE(a.blocked);
  CHECK(blocked.waiters(0, "k") == std::vector<Client*>{&b});
  CHECK(blocked.waiters(0, "other").empty());
  CHECK(blocked.waited_keys(0) == std::vector<std::string>{"k"});
  blocked.unblock(a);  // a second unblock is harmless
  CHECK(blocked.count() == 2);
}

TEST_CASE("blocking: a key named twice waits once") {
  Clients made;
  Client& a = made.add();
  BlockedClients blocked;
  blocked.block(a, 0, Keys{"k", "k"}, 0, ValueType::kList, Keys{"blpop", "k", "k", "0"});
  CHECK(blocked.waiters(0, "k") == std::vector<Client*>{&a});
  blocked.unblock(a);
  CHECK(blocked.waited_keys(0).empty());
}

TEST_CASE("blocking: only keys someone waits on become ready, once each, in order") {
  Clients made;
  Client& a = made.add();
  BlockedClients blocked;
  blocked.signal_ready(0, "k");  // nobody blocked at all
  CHECK_FALSE(blocked.has_ready());
  blocked.block(a, 0, Keys{"k", "j"}, 0, ValueType::kList, Keys{"blpop", "k", "j", "0"});
  blocked.signal_ready(0, "unwatched");
  blocked.signal_ready(1, "k");
  CHECK_FALSE(blocked.has_ready());
  blocked.signal_ready(0, "j");
  blocked.signal_ready(0, "k");
  blocked.signal_ready(0, "j");
  const std::vector<ReadyKey> ready = blocked.take_ready();
  REQUIRE(ready.size() == 2);
  CHECK(ready[0].key == "j");
  CHECK(ready[1].key == "k");
  CHECK_FALSE(blocked.has_ready());
}

TEST_CASE("blocking: deadlines time out earliest first; 0 never does") {
  Clients made;
  Client& forever = made.add();
  Client& late = made.add();
  Client& early = made.add();
  BlockedClients blocked;
  const Keys args = {"blpop", "k", "1"};
  blocked.block(forever, 0, Keys{"k"}, 0, ValueType::kList, args);
  blocked.block(late, 0, Keys{"k"}, 2000, ValueType::kList, args);
  blocked.block(early, 0, Keys{"k"}, 1000, ValueType::kList, args);
  CHECK(blocked.count_with_deadline() == 2);
  CHECK(blocked.timed_out(999).empty());
  CHECK(blocked.timed_out(1000) == std::vector<Client*>{&early});
  CHECK(blocked.timed_out(5000) == std::vector<Client*>{&early, &late});
  blocked.unblock(early);
  CHECK(blocked.timed_out(5000) == std::vector<Client*>{&late});
}

TEST_CASE("blocking: many keys and clients leave no queue behind") {
  Clients made;
  BlockedClients blocked;
  std::vector<std::string> names;
  for (int i = 0; i < 200; ++i) names.push_back("key" + std::to_string(i));
  std::vector<Client*> clients;
  for (int i = 0; i < 50; ++i) {
    Client& client = made.add();
    clients.push_back(&client);
    Keys keys;
    for (int k = i; k < i + 100; ++k) keys.push_back(names[k]);
    blocked.block(client, 0, keys, 1 + i, ValueType::kList, Keys{"blpop"});
  }
  CHECK(blocked.waiters(0, "key99").size() == 50);
  for (Client* client : clients) blocked.unblock(*client);
  CHECK(blocked.count() == 0);
  CHECK(blocked.waited_keys(0).empty());
  CHECK(blocked.timed_out(1'000'000).empty());
}

}  // namespace
}  // namespace fkvs
