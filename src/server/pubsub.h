#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "byte_buffer.h"
#include "util/glob.h"
#include "util/string_map.h"

namespace fkvs {

class Client;

// SUBSCRIBE/PUBLISH channels, or the shard channels of SSUBSCRIBE/SPUBLISH,
// which a single-shard server keeps as a second, separate namespace.
enum class ChannelScope { kGlobal, kShard };

// Who listens to what, server-wide, kept in step with each Client's
// Subscriptions. PUBLISH formats each frame once and hands the same bytes
// to every receiver.
class PubSub {
 public:
  // Each returns false when there was nothing to change.
  bool subscribe(Client& client, ChannelScope scope, std::string_view channel);
  bool unsubscribe(Client& client, ChannelScope scope, std::string_view channel);
  bool psubscribe(Client& client, std::string_view pattern);
  bool punsubscribe(Client& client, std::string_view pattern);
  // A closing or RESET client leaves everything, without replies.
  void leave_all(Client& client);

  // Calls deliver(client, frame) for each subscriber of channel and each
  // pattern subscription matching it (a client with both gets two frames),
  // and returns how many frames went out, as PUBLISH replies.
  template <typename Deliver>
  size_t publish(ChannelScope scope, std::string_view channel, std::string_view message,
                 Deliver&& deliver);

  size_t channel_count(ChannelScope scope) const { return channels(scope).size(); }
  size_t pattern_count() const { return patterns_.size(); }
  size_t subscriber_count(ChannelScope scope, std::string_view channel) const;
  // Channels with a subscriber, optionally only those matching a glob.
  std::vector<std::string_view> active_channels(ChannelScope scope,
                                                std::optional<std::string_view> pattern) const;

 private:
  using Subscribers = std::vector<Client*>;
  using Registry = StringMap<Subscribers>;

  Registry& channels(ChannelScope scope) {
    return scope == ChannelScope::kGlobal ? global_ : shard_;
  }
  const Registry& channels(ChannelScope scope) const {
    return scope == ChannelScope::kGlobal ? global_ : shard_;
  }
  static bool join(Registry& registry, StringSet& own, Client& client, std::string_view name);
  static bool leave(Registry& registry, StringSet& own, Client& client, std::string_view name);
  void format_message(ChannelScope scope, std::string_view channel, std::string_view message);
  void format_pmessage(std::string_view pattern, std::string_view channel,
                       std::string_view message);
  // A huge message's frame does not keep its memory after the publish.
  void release_frame();

  Registry global_;
  Registry shard_;
  Registry patterns_;
  resp::ByteBuffer frame_;
};

template <typename Deliver>
size_t PubSub::publish(ChannelScope scope, std::string_view channel, std::string_view message,
                       Deliver&& deliver) {
  size_t receivers = 0;
  const Registry& registry = channels(scope);
  if (auto found = registry.find(channel); found != registry.end()) {
    format_message(scope, channel, message);
    for (Client* client : found->second) deliver(*client, frame_.view());
    receivers += found->second.size();
  }
  // Patterns see only the global namespace, as in Redis.
  if (scope == ChannelScope::kGlobal) {
    for (const auto& [pattern, subscribers] : patterns_) {
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
