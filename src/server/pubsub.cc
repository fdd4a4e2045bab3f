#include "server/pubsub.h"

#include <algorithm>

#include "reply_writer.h"
#include "server/client.h"

namespace fkvs {

bool PubSub::join(Registry& registry, StringSet& own, Client& client, std::string_view name) {
  if (!own.emplace(name).second) return false;
  auto found = registry.find(name);
  if (found == registry.end()) found = registry.emplace(std::string(name), Subscribers{}).first;
  found->second.push_back(&client);
  return true;
}

bool PubSub::leave(Registry& registry, StringSet& own, Client& client, std::string_view name) {
  auto mine = own.find(name);
  if (mine == own.end()) return false;
  auto found = registry.find(name);
  Subscribers& subscribers = found->second;
  subscribers.erase(std::find(subscribers.begin(), subscribers.end(), &client));
  // A channel nobody listens to any more is no longer active (PUBSUB CHANNELS).
  if (subscribers.empty()) registry.erase(found);
  own.erase(mine);
  return true;
}

bool PubSub::subscribe(Client& client, ChannelScope scope, std::string_view channel) {
  Subscriptions& own = client.subscriptions;
  return join(channels(scope), scope == ChannelScope::kGlobal ? own.channels : own.shard_channels,
              client, channel);
}

bool PubSub::unsubscribe(Client& client, ChannelScope scope, std::string_view channel) {
  Subscriptions& own = client.subscriptions;
  return leave(channels(scope), scope == ChannelScope::kGlobal ? own.channels : own.shard_channels,
               client, channel);
}

bool PubSub::psubscribe(Client& client, std::string_view pattern) {
  return join(patterns_, client.subscriptions.patterns, client, pattern);
}

bool PubSub::punsubscribe(Client& client, std::string_view pattern) {
  return leave(patterns_, client.subscriptions.patterns, client, pattern);
}

void PubSub::leave_all(Client& client) {
  Subscriptions& own = client.subscriptions;
  auto leave_each = [&client](Registry& registry, StringSet& names) {
    // leave() erases from names, so walk a copy.
    for (const std::string& name : std::vector<std::string>(names.begin(), names.end())) {
      leave(registry, names, client, name);
    }
  };
  leave_each(global_, own.channels);
  leave_each(shard_, own.shard_channels);
  leave_each(patterns_, own.patterns);
}

size_t PubSub::subscriber_count(ChannelScope scope, std::string_view channel) const {
  const Registry& registry = channels(scope);
  auto found = registry.find(channel);
  return found == registry.end() ? 0 : found->second.size();
}

std::vector<std::string_view> PubSub::active_channels(
    ChannelScope scope, std::optional<std::string_view> pattern) const {
  std::vector<std::string_view> names;
  for (const auto& [channel, subscribers] : channels(scope)) {
    if (!pattern || glob_match(*pattern, channel)) names.push_back(channel);
  }
  return names;
}

void PubSub::release_frame() {
  constexpr size_t kFrameKeep = 64 * 1024;
  frame_.clear();
  frame_.release_if_idle(kFrameKeep);
}

void PubSub::format_message(ChannelScope scope, std::string_view channel,
                            std::string_view message) {
  frame_.clear();
  resp::ReplyWriter frame(frame_);
  frame.array(3);
  frame.bulk(scope == ChannelScope::kGlobal ? "message" : "smessage");
  frame.bulk(channel);
  frame.bulk(message);
}

void PubSub::format_pmessage(std::string_view pattern, std::string_view channel,
                             std::string_view message) {
  frame_.clear();
  resp::ReplyWriter frame(frame_);
  frame.array(4);
  frame.bulk("pmessage");
  frame.bulk(pattern);
  frame.bulk(channel);
  frame.bulk(message);
}

}  // namespace fkvs
