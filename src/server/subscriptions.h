#pragma once

#include <cstddef>

#include "util/string_map.h"

namespace fkvs {

// What one client listens to. Redis 7 keeps shard channels (SSUBSCRIBE)
// apart from the rest: SUBSCRIBE and PSUBSCRIBE replies count channels and
// patterns, SSUBSCRIBE replies count shard channels only.
struct Subscriptions {
  StringSet channels;
  StringSet patterns;
  StringSet shard_channels;

  size_t channel_and_pattern_count() const { return channels.size() + patterns.size(); }
  // While any is held, a RESP2 client is in subscribed mode (flags=P).
  bool any() const { return channel_and_pattern_count() + shard_channels.size() > 0; }
};

}  // namespace fkvs
