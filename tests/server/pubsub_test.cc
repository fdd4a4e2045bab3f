#include "server/pubsub.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "server/client.h"
#include "test_clients.h"

namespace fkvs {
namespace {

using enum SubscriptionKind;
using Delivered = std::vector<std::pair<uint64_t, std::string>>;

Delivered publish(PubSub& pubsub, SubscriptionKind kind, std::string_view channel,
                  std::string_view message, size_t* receivers = nullptr) {
  Delivered delivered;
  size_t count =
      pubsub.publish(kind, channel, message, [&](Client& client, std::string_view frame) {
        delivered.emplace_back(client.id(), std::string(frame));
      });
  if (receivers != nullptr) *receivers = count;
  CHECK(count == delivered.size());
  return delivered;
}

TEST_CASE("pubsub: channel and pattern subscribers each get their frame") {
  TestClients made;
  Client& a = made.add();
  Client& b = made.add();
  PubSub pubsub;
  CHECK(pubsub.subscribe(a, kChannel, "news"));
  CHECK_FALSE(pubsub.subscribe(a, kChannel, "news"));
  CHECK(pubsub.subscribe(b, kChannel, "news"));
  CHECK(pubsub.subscribe(b, kPattern, "n*"));
  CHECK(b.subscriptions.count_for(kChannel) == 2);

  const std::string message = "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n";
  const std::string pmessage = "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n";
  CHECK(publish(pubsub, kChannel, "news", "hi") ==
        Delivered{{a.id(), message}, {b.id(), message}, {b.id(), pmessage}});
  CHECK(publish(pubsub, kChannel, "nope", "hi").size() == 1);
  CHECK(publish(pubsub, kChannel, "other", "hi").empty());
  CHECK(pubsub.subscriber_count(kChannel, "news") == 2);
  CHECK(pubsub.count(kPattern) == 1);
}

TEST_CASE("pubsub: shard channels are their own namespace, unseen by patterns") {
  TestClients made;
  Client& a = made.add();
  Client& b = made.add();
  PubSub pubsub;
  pubsub.subscribe(a, kShardChannel, "orders");
  pubsub.subscribe(b, kPattern, "*");
  CHECK(a.subscriptions.shard_channels.size() == 1);
  CHECK(a.subscriptions.count_for(kChannel) == 0);
  CHECK(a.subscriptions.any());
  CHECK(publish(pubsub, kShardChannel, "orders", "x") ==
        Delivered{{a.id(), "*3\r\n$8\r\nsmessage\r\n$6\r\norders\r\n$1\r\nx\r\n"}});
  CHECK(publish(pubsub, kChannel, "orders", "x").size() == 1);  // the pattern
  CHECK(pubsub.count(kShardChannel) == 1);
  CHECK(pubsub.count(kChannel) == 0);
}

TEST_CASE("pubsub: leaving drops empty channels; leave_all forgets the client") {
  TestClients made;
  Client& a = made.add();
  Client& b = made.add();
  PubSub pubsub;
  pubsub.subscribe(a, kChannel, "one");
  pubsub.subscribe(a, kChannel, "two");
  pubsub.subscribe(b, kChannel, "two");
  pubsub.subscribe(a, kShardChannel, "s");
  pubsub.subscribe(a, kPattern, "t*");
  CHECK_FALSE(pubsub.unsubscribe(b, kChannel, "one"));
  CHECK(pubsub.unsubscribe(a, kChannel, "one"));
  CHECK(pubsub.active(kChannel, std::nullopt) == std::vector<std::string_view>{"two"});
  pubsub.leave_all(a);
  CHECK_FALSE(a.subscriptions.any());
  CHECK(pubsub.count(kPattern) == 0);
  CHECK(pubsub.count(kShardChannel) == 0);
  CHECK(publish(pubsub, kChannel, "two", "m").size() == 1);
  CHECK(pubsub.active(kChannel, "x*").empty());
}

}  // namespace
}  // namespace fkvs
