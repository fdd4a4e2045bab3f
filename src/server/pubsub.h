#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "byte_buffer.h"
#include "server/subscriptions.h"
#include "util/glob.h"
#include "util/string_map.h"

namespace fkvs {

class Client;

// Who listens to what, server-wide, kept in step with each Client's
// Subscriptions. PUBLISH formats each frame once and hands the same bytes
// to every receiver.
class PubSub {
 public:
  // Each returns false when there was nothing to change.
  bool subscribe(Client& client, SubscriptionKind kind, std::string_view name);
  bool unsubscribe(Client& client, SubscriptionKind kind, std::string_view name);
  // A closing or RESET client leaves everything, without replies.
  void leave_all(Client& client);

  // Calls deliver(client, frame) for each subscriber of channel (kind is
  // kChannel or kShardChannel) and, for a kChannel, each pattern
  // subscription matching it (a client with both gets two frames); returns
  // how many frames went out, as PUBLISH replies.
  template <typename Deliver>
  size_t publish(SubscriptionKind kind, std::string_view channel, std::string_view message,
                 Deliver&& deliver);

  // Names of the kind with a subscriber (PUBSUB NUMPAT, INFO's pubsub_*).
  size_t count(SubscriptionKind kind) const { return registry(kind).size(); }
  size_t subscriber_count(SubscriptionKind kind, std::string_view name) const;
  // Names of the kind with a subscriber, optionally only those matching a glob.
  std::vector<std::string_view> active(SubscriptionKind kind,
                                       std::optional<std::string_view> pattern) const;

 private:
  using Subscribers = std::vector<Client*>;
  using Registry = StringMap<Subscribers>;

  Registry& registry(SubscriptionKind kind) { return registries_[static_cast<size_t>(kind)]; }
  const Registry& registry(SubscriptionKind kind) const {
    return registries_[static_cast<size_t>(kind)];
  }
  void format_message(SubscriptionKind kind, std::string_view channel, std::string_view message);
  void format_pmessage(std::string_view pattern, std::string_view channel,
                       std::string_view message);
  // A huge message's frame does not keep its memory after the publish.
  void release_frame();

  // One per SubscriptionKind, in its order.
  std::array<Registry, 3> registries_;
  resp::ByteBuffer frame_;
};

template <typename Deliver>
size_t PubSub::publish(SubscriptionKind kind, std::string_view channel, std::string_view message,
                       Deliver&& deliver) {
  size_t receivers = 0;
  const Registry& subscribed = registry(kind);
  if (auto found = subscribed.find(channel); found != subscribed.end()) {
    format_message(kind, channel, message);
    for (Client* client : found->second) deliver(*client, frame_.view());
    receivers += found->second.size();
  }
  // Patterns see only the global namespace, as in Redis.
  if (kind == SubscriptionKind::kChannel) {
    for (const auto& [pattern, subscribers] : registry(SubscriptionKind::kPattern)) {
      if (!glob_match(pattern, channel)) continue;
      format_pmessage(pattern, channel, message);
      for (Client* client : subscribers) deliver(*client, frame_.view());
      receivers += subscribers.size();
    }
  }
  release_frame();
  return receivers;
}

}  // namespace fkvs
