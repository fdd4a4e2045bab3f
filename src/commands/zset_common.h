#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "commands/collection_access.h"
#include "commands/command_context.h"
#include "store/zset_value.h"

// What the sorted-set command files (zset_family.cc, zset_range_family.cc,
// zset_set_ops.cc) share, and the pop the blocking commands reuse.
namespace fkvs {

class CommandTable;

// The listpack limits as configured now.
ZSetLimits zset_limits(CommandContext& ctx);

// Reads a client's integer (Redis's getLongFromObjectOrReply), replying the
// error when it is not one.
std::optional<int64_t> zset_parse_long(CommandContext& ctx, std::string_view text);

// Stores set as the key's value, replacing whatever was there and its TTL
// (Redis's setKey), or deletes the key when set is empty. Replies the size.
void zset_store_result(CommandContext& ctx, std::string_view key, std::unique_ptr<ZSetValue> set);

// How a pop replies, by command:
enum class ZPopReply {
  kFlat,          // ZPOPMIN/ZPOPMAX: member, score, member, score ...
  kKeyThenFlat,   // BZPOPMIN/BZPOPMAX: key, member, score ...
  kKeyThenPairs,  // ZMPOP/BZMPOP: [key, [[member, score], ...]]
};

// Pops up to count (> 0) members from the low (or high, when max) end of a
// sorted set found at key, deleting the key when it empties, and replies in
// the given style.
void zset_pop(CommandContext& ctx, CollectionRef<ZSetValue>& ref, std::string_view key, bool max,
              size_t count, ZPopReply style);

// ZMPOP's and BZMPOP's arguments from numkeys on: numkeys key [key ...]
// MIN|MAX [COUNT count].
struct ZMpopArgs {
  size_t first_key;  // argument index of the first key
  size_t key_count;
  bool max;
  size_t count;
};

// Parses them with numkeys at argument numkeys_index, or replies Redis's
// error and returns nullopt.
std::optional<ZMpopArgs> parse_zmpop_args(CommandContext& ctx, size_t numkeys_index);

// Pops from the first of the keys holding a sorted set and replies [key,
// [[member, score] ...]]: true when it did, false when every key was missing
// (nothing replied), nullopt after a WRONGTYPE reply.
std::optional<bool> try_zmpop_and_reply(CommandContext& ctx, const ZMpopArgs& args);

void add_zset_range_commands(CommandTable& table);
void add_zset_set_ops_commands(CommandTable& table);

}  // namespace fkvs
