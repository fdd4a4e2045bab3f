#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "commands/collection_access.h"
#include "commands/command_context.h"
#include "store/stream_value.h"

// What the stream command families share: reading ID arguments as Redis's
// t_stream.c does (replying its errors), and writing entries and IDs.
namespace fkvs {

using StreamRef = CollectionRef<StreamValue>;

// An ID argument: "ms" (seq missing_seq) or "ms-seq", and unless strict
// also "-" (0-0) and "+" (the largest ID). Replies Redis's error and
// returns nullopt when it is none of these.
std::optional<StreamId> parse_stream_id(CommandContext& ctx, std::string_view text, bool strict,
                                        uint64_t missing_seq = 0);

// The start and end of an interval (XRANGE, XPENDING, XAUTOCLAIM): an ID
// as parse_stream_id reads it, or "(" and a strict ID for an exclusive
// bound, made inclusive by stepping past it.
std::optional<StreamId> parse_interval_start(CommandContext& ctx, std::string_view text);
std::optional<StreamId> parse_interval_end(CommandContext& ctx, std::string_view text);

// A COUNT-like argument as Redis's getLongLongFromObjectOrReply reads it.
std::optional<int64_t> parse_stream_integer(CommandContext& ctx, std::string_view text,
                                            std::string_view error);

void reply_stream_id(resp::ReplyWriter& reply, StreamId id);

// The entry the iterator is at: [id, [field, value, ...]].
void reply_stream_entry(resp::ReplyWriter& reply, const StreamValue::Iterator& entry);

// The entries in [start, end] (descending when reverse), at most count of
// them (0: all), as an array; returns how many. Stops early, with a short
// array, if the client was closed for the reply's size.
size_t reply_stream_range(CommandContext& ctx, const StreamValue& stream, StreamId start,
                          StreamId end, size_t count, bool reverse);

// The entry with this ID as reply_stream_entry writes it; false, writing
// nothing, when the stream has no such entry.
bool reply_stream_entry_with_id(resp::ReplyWriter& reply, const StreamValue& stream, StreamId id);

// The group `name` of the stream at key, for XACK, XPENDING and the
// claims: stream and group are nullptr when missing (nothing replied);
// WRONGTYPE is replied and reported as wrong_type.
struct StreamGroupLookup {
  StreamValue* stream = nullptr;
  StreamGroup* group = nullptr;
  bool wrong_type = false;
};
StreamGroupLookup find_stream_group(CommandContext& ctx, std::string_view key,
                                    std::string_view name);

// "NOGROUP No such key '<key>' or consumer group '<group>'".
void reply_no_key_or_group(CommandContext& ctx, std::string_view key, std::string_view group);

// A keyspace event of a change Redis keeps from WATCH and client-side
// caching: consumer-group bookkeeping and XSETID.
void notify_stream_event(CommandContext& ctx, std::string_view event, std::string_view key);

// The consumer `name` of group, as Redis's streamLookupConsumer finds it
// for a read or claim (its seen-time set to now), or a new one (with the
// xgroup-createconsumer event); created says which.
StreamConsumer& find_or_create_consumer(CommandContext& ctx, std::string_view key,
                                        StreamGroup& group, std::string_view name, bool& created);

// How consumer-group changes reach the AOF, as Redis 7.0 propagates them:
// each delivery or claim as an idempotent XCLAIM ... FORCE JUSTID LASTID,
// a group's advance as XGROUP SETID ... ENTRIESREAD, a consumer created by
// a NOACK read as XGROUP CREATECONSUMER. Each returns true when it added a
// command to the call's propagation (false while nothing is propagated).
bool propagate_claim(CommandContext& ctx, std::string_view key, std::string_view group_name,
                     const StreamGroup& group, const PendingEntry& pending);
bool propagate_group_id(CommandContext& ctx, std::string_view key, std::string_view group_name,
                        const StreamGroup& group);
bool propagate_consumer_creation(CommandContext& ctx, std::string_view key,
                                 std::string_view group_name, std::string_view consumer);

}  // namespace fkvs
