#include "server/pubsub.h"

#include <algorithm>

#include "reply_writer.h"
#include "server/client.h"

namespace fkvs {

bool PubSub::subscribe(Client& client, SubscriptionKind kind, std::string_view name) {
  if (!client.subscriptions.of(kind).emplace(name).second) return false;
  Registry& names = registry(kind);
  auto found = names.find(name);
  if (found == names.end()) found = names.emplace(std::string(name), Subscribers{}).first;
  found->second.push_back(&client);
  return true;
}

bool PubSub::unsubscribe(Client& client, SubscriptionKind kind, std::string_view name) {
  StringSet& own = client.subscriptions.of(kind);
  auto mine = own.find(name);
  if (mine == own.end()) return false;
  Registry& names = registry(kind);
  auto found = names.find(name);
  Subscribers& subscribers = found->second;
  subscribers.erase(std::find(subscribers.begin(), subscribers.end(), &client));
  // A name nobody listens to any more is no longer active (PUBSUB CHANNELS).
  if (subscribers.empty()) names.erase(found);
  own.erase(mine);
  return true;
}

void PubSub::leave_all(Client& client) {
  for (SubscriptionKind kind :
       {SubscriptionKind::kChannel, SubscriptionKind::kPattern, SubscriptionKind::kShardChannel}) {
    const StringSet& own = client.subscriptions.of(kind);
    // unsubscribe() erases from own, so walk a copy.
    for (const std::string& name : std::vector<std::string>(own.begin(), own.end())) {
      unsubscribe(client, kind, name);
    }
  }
}

size_t PubSub::subscriber_count(SubscriptionKind kind, std::string_view name) const {
  const Registry& names = registry(kind);
  auto found = names.find(name);
  return found == names.end() ? 0 : found->second.size();
}

std::vector<std::string_view> PubSub::active(SubscriptionKind kind,
                                             std::optional<std::string_view> pattern) const {
  std::vector<std::string_view> names;
  for (const auto& [name, subscribers] : registry(kind)) {
    if (!pattern || glob_match(*pattern, name)) names.push_back(name);
  }
  return names;
}

void PubSub::release_frame() {
  constexpr size_t kFrameKeep = 64 * 1024;
  frame_.clear();
  frame_.release_if_idle(kFrameKeep);
}

void PubSub::format_message(SubscriptionKind kind, std::string_view channel,
                            std::string_view message) {
  frame_.clear();
  resp::ReplyWriter frame(frame_);
  frame.array(3);
  frame.bulk(kind == SubscriptionKind::kChannel ? "message" : "smessage");
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
