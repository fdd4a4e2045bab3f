#include "commands/stream_common.h"

#include <span>
#include <string>

#include "commands/errors.h"
#include "util/clock.h"
#include "util/number.h"

namespace fkvs {

std::optional<StreamId> parse_stream_id(CommandContext& ctx, std::string_view text, bool strict,
                                        uint64_t missing_seq) {
  const std::optional<StreamId::Parsed> parsed = StreamId::parse(text, missing_seq, strict);
  if (!parsed) {
    ctx.reply().error(errors::kInvalidStreamId);
    return std::nullopt;
  }
  return parsed->id;
}

namespace {

// "(" opens an exclusive bound, when something follows it.
bool is_exclusive_bound(std::string_view text) { return text.size() > 1 && text[0] == '('; }

}  // namespace

std::optional<StreamId> parse_interval_start(CommandContext& ctx, std::string_view text) {
  if (!is_exclusive_bound(text)) return parse_stream_id(ctx, text, false, 0);
  const std::optional<StreamId> id = parse_stream_id(ctx, text.substr(1), true, 0);
  if (!id) return std::nullopt;
  const std::optional<StreamId> next = id->next();
  if (!next) ctx.reply().error(errors::kInvalidIntervalStart);
  return next;
}

std::optional<StreamId> parse_interval_end(CommandContext& ctx, std::string_view text) {
  if (!is_exclusive_bound(text)) return parse_stream_id(ctx, text, false, UINT64_MAX);
  const std::optional<StreamId> id = parse_stream_id(ctx, text.substr(1), true, UINT64_MAX);
  if (!id) return std::nullopt;
  const std::optional<StreamId> previous = id->prev();
  if (!previous) ctx.reply().error(errors::kInvalidIntervalEnd);
  return previous;
}

std::optional<int64_t> parse_stream_integer(CommandContext& ctx, std::string_view text,
                                            std::string_view error) {
  const std::optional<int64_t> value = parse_int64(text);
  if (!value) ctx.reply().error(error);
  return value;
}

void reply_stream_id(resp::ReplyWriter& reply, StreamId id) {
  char text[StreamId::kTextMax];
  reply.bulk(std::string_view(text, id.format(text)));
}

void reply_stream_entry(resp::ReplyWriter& reply, const StreamValue::Iterator& entry) {
  reply.array(2);
  reply_stream_id(reply, entry.id());
  reply.array(entry.field_count() * 2);
  entry.for_each_field([&](std::string_view field, std::string_view value) {
    reply.bulk(field);
    reply.bulk(value);
  });
}

size_t reply_stream_range(CommandContext& ctx, const StreamValue& stream, StreamId start,
                          StreamId end, size_t count, bool reverse) {
  resp::ReplyWriter& reply = ctx.reply();
  const size_t token = reply.begin_array();
  size_t emitted = 0;
  for (auto entry = stream.range(start, end, reverse); entry.next();) {
    reply_stream_entry(reply, entry);
    ++emitted;
    if (emitted == count) break;
    if (emitted % kRepliesPerOverflowCheck == 0 && ctx.reply_overflowed()) break;
  }
  reply.end_array(token, emitted);
  return emitted;
}

bool reply_stream_entry_with_id(resp::ReplyWriter& reply, const StreamValue& stream, StreamId id) {
  auto entry = stream.range(id, id);
  if (!entry.next()) return false;
  reply_stream_entry(reply, entry);
  return true;
}

StreamGroupLookup find_stream_group(CommandContext& ctx, std::string_view key,
                                    std::string_view name) {
  StreamRef ref = find_for_read<StreamValue>(ctx, key);
  if (ref.wrong_type) {
    ctx.reply().error(errors::kWrongType);
    return {nullptr, nullptr, true};
  }
  if (!ref) return {};
  return {ref.collection, ref.collection->find_group(name), false};
}

void reply_no_key_or_group(CommandContext& ctx, std::string_view key, std::string_view group) {
  ctx.reply().error(errors::format(errors::kNoSuchKeyOrGroup, {key, group}));
}

void notify_stream_event(CommandContext& ctx, std::string_view event, std::string_view key) {
  ctx.server().notify_keyspace_event(keyspace_events::kStream, event, key, ctx.client().db_index);
}

StreamConsumer& find_or_create_consumer(CommandContext& ctx, std::string_view key,
                                        StreamGroup& group, std::string_view name, bool& created) {
  const int64_t now = clock::now_ms();
  if (StreamConsumer* consumer = group.find_consumer(name)) {
    created = false;
    consumer->set_seen_time_ms(now);
    return *consumer;
  }
  created = true;
  StreamConsumer* consumer = group.create_consumer(name, now);
  notify_stream_event(ctx, "xgroup-createconsumer", key);
  ctx.dirty();
  return *consumer;
}

namespace {

bool propagate(CommandContext& ctx, std::span<const std::string_view> argv) {
  if (!ctx.propagating()) return false;
  ctx.server().propagation().rewrite_call(argv);
  return true;
}

}  // namespace

bool propagate_claim(CommandContext& ctx, std::string_view key, std::string_view group_name,
                     const StreamGroup& group, const PendingEntry& pending) {
  if (!ctx.propagating()) return false;
  const std::string id = pending.id.to_string();
  const std::string time = std::to_string(pending.delivery_time_ms);
  const std::string count = std::to_string(pending.delivery_count);
  const std::string last_id = group.last_delivered_id().to_string();
  const std::string_view argv[] = {"XCLAIM",     key,    group_name, pending.consumer->name(),
                                   "0",          id,     "TIME",     time,
                                   "RETRYCOUNT", count,  "FORCE",    "JUSTID",
                                   "LASTID",     last_id};
  return propagate(ctx, argv);
}

bool propagate_group_id(CommandContext& ctx, std::string_view key, std::string_view group_name,
                        const StreamGroup& group) {
  if (!ctx.propagating()) return false;
  const std::string last_id = group.last_delivered_id().to_string();
  const std::string entries_read = std::to_string(group.entries_read());
  const std::string_view argv[] = {"XGROUP", "SETID",       key,         group_name,
                                   last_id,  "ENTRIESREAD", entries_read};
  return propagate(ctx, argv);
}

bool propagate_consumer_creation(CommandContext& ctx, std::string_view key,
                                 std::string_view group_name, std::string_view consumer) {
  const std::string_view argv[] = {"XGROUP", "CREATECONSUMER", key, group_name, consumer};
  return propagate(ctx, argv);
}

}  // namespace fkvs
