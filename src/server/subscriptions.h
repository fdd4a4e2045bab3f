#pragma once

#include <cstddef>

#include "util/string_map.h"

namespace fkvs {

// What a subscription names: a channel (SUBSCRIBE, PUBLISH), a glob pattern
// over channels (PSUBSCRIBE), or a shard channel (SSUBSCRIBE, SPUBLISH),
// which a single-shard server keeps as a second, separate namespace.
enum class SubscriptionKind { kChannel, kPattern, kShardChannel };

// What one client listens to.
struct Subscriptions {
  StringSet channels;
  StringSet patterns;
  StringSet shard_channels;

  StringSet& of(SubscriptionKind kind) {
    switch (kind) {
      case SubscriptionKind::kPattern:
        return patterns;
      case SubscriptionKind::kShardChannel:
        return shard_channels;
      case SubscriptionKind::kChannel:
        break;
    }
    return channels;
  }
  // The count a (un)subscribe frame carries. Redis 7 counts shard channels
  // apart: SUBSCRIBE and PSUBSCRIBE count channels and patterns together.
  size_t count_for(SubscriptionKind kind) const {
    return kind == SubscriptionKind::kShardChannel ? shard_channels.size()
                                                   : channels.size() + patterns.size();
  }
  // While any is held, a RESP2 client is in subscribed mode (flags=P).
  bool any() const { return !channels.empty() || !patterns.empty() || !shard_channels.empty(); }
};

}  // namespace fkvs
