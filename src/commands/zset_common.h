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

// The header of a reply of count members, with their scores when
// with_scores: RESP2 flattens them (member, score, ...), RESP3 nests each
// member and its score in a pair, as Redis 7.0 does for WITHSCORES.
inline void reply_scored_header(resp::ReplyWriter& reply, size_t count, bool with_scores) {
  reply.array(with_scores && !reply.resp3() ? count * 2 : count);
}

// One member of a reply begun by reply_scored_header.
inline void reply_scored_member(resp::ReplyWriter& reply, std::string_view member, double score,
                                bool with_scores) {
  if (!with_scores) return reply.bulk(member);
  if (reply.resp3()) reply.array(2);
  reply.bulk(member);
  reply.double_number(score);
}

// How a pop replies, by command:
enum class ZPopReply {
  kOne,           // ZPOPMIN/ZPOPMAX without a count: member, score
  kScored,        // ZPOPMIN/ZPOPMAX with a count: as WITHSCORES replies
  kKeyThenOne,    // BZPOPMIN/BZPOPMAX: key, member, score
  kKeyThenPairs,  // ZMPOP/BZMPOP: [key, [[member, score], ...]] in either protocol
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
