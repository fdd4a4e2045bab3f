#include "server/pubsub.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "server/client.h"
#include "test_clients.h"

namespace fkvs {
namespace {

using Delivered = std::vector<std::pair<uint64_t, std::string>>;

Delivered publish(PubSub& pubsub, ChannelScope scope, std::string_view channel,
                  std::string_view message, size_t* receivers = nullptr) {
  Delivered delivered;
  size_t count =
      pubsub.publish(scope, channel, message, [&](Client& client, std::string_view frame) {
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
  CHECK(pubsub.subscribe(a, ChannelScope::kGlobal, "news"));
  CHECK_FALSE(pubsub.subscribe(a, ChannelScope::kGlobal, "news"));
  CHECK(pubsub.subscribe(b, ChannelScope::kGlobal, "news"));
  CHECK(pubsub.psubscribe(b, "n*"));
  CHECK(b.subscriptions.channel_and_pattern_count() == 2);

  const std::string message = "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n";
  const std::string pmessage = "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n";
  CHECK(publish(pubsub, ChannelScope::kGlobal, "news", "hi") ==
        Delivered{{a.id(), message}, {b.id(), message}, {b.id(), pmessage}});
  CHECK(publish(pubsub, ChannelScope::kGlobal, "nope", "hi").size() == 1);
  CHECK(publish(pubsub, ChannelScope::kGlobal, "other", "hi").empty());
  CHECK(pubsub.subscriber_count(ChannelScope::kGlobal, "news") == 2);
  CHECK(pubsub.pattern_count() == 1);
}

TEST_CASE("pubsub: shard channels are their own namespace, unseen by patterns") {
  TestClients made;
  Client& a = made.add();
  Client& b = made.add();
  PubSub pubsub;
  pubsub.subscribe(a, ChannelScope::kShard, "orders");
  pubsub.psubscribe(b, "*");
  CHECK(a.subscriptions.shard_channels.size() == 1);
  CHECK(a.subscriptions.channel_and_pattern_count() == 0);
  CHECK(a.subscriptions.any());
  CHECK(publish(pubsub, ChannelScope::kShard, "orders", "x") ==
        Delivered{{a.id(), "*3\r\n$8\r\nsmessage\r\n$6\r\norders\r\n$1\r\nx\r\n"}});
  CHECK(publish(pubsub, ChannelScope::kGlobal, "orders", "x").size() == 1);  // the pattern
  CHECK(pubsub.channel_count(ChannelScope::kShard) == 1);
  CHECK(pubsub.channel_count(ChannelScope::kGlobal) == 0);
}

TEST_CASE("pubsub: leaving drops empty channels; leave_all forgets the client") {
  TestClients made;
  Client& a = made.add();
  Client& b = made.add();
  PubSub pubsub;
  pubsub.subscribe(a, ChannelScope::kGlobal, "one");
  pubsub.subscribe(a, ChannelScope::kGlobal, "two");
  pubsub.subscribe(b, ChannelScope::kGlobal, "two");
  pubsub.subscribe(a, ChannelScope::kShard, "s");
  pubsub.psubscribe(a, "t*");
  CHECK_FALSE(pubsub.unsubscribe(b, ChannelScope::kGlobal, "one"));
  CHECK(pubsub.unsubscribe(a, ChannelScope::kGlobal, "one"));
  CHECK(pubsub.active_channels(ChannelScope::kGlobal, std::nullopt) ==
        std::vector<std::string_view>{"two"});
  pubsub.leave_all(a);
  CHECK_FALSE(a.subscriptions.any());
  CHECK(pubsub.pattern_count() == 0);
  CHECK(pubsub.channel_count(ChannelScope::kShard) == 0);
  CHECK(publish(pubsub, ChannelScope::kGlobal, "two", "m").size() == 1);
  CHECK(pubsub.active_channels(ChannelScope::kGlobal, "x*").empty());
}

}  // namespace
}  // namespace fkvs
