// Consumer groups: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER,
// DELCONSUMER, HELP), XACK and XPENDING, with Redis 7.0's errors and
// events.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "commands/collection_access.h"
#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "commands/stream_common.h"
#include "util/clock.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// ---- XGROUP ----

void reply_xgroup_syntax_error(CommandContext& ctx) {
  ctx.reply().error(
      errors::format(errors::kUnknownSubcommandOrArity, {ctx.arg(1).substr(0, 128), "XGROUP"}));
}

// ENTRIESREAD's value: a count or -1 (unknown).
std::optional<int64_t> parse_entries_read(CommandContext& ctx, std::string_view text) {
  const std::optional<int64_t> value = parse_stream_integer(ctx, text, errors::kNotInteger);
  if (!value) return std::nullopt;
  if (*value < 0 && *value != StreamGroup::kEntriesReadUnknown) {
    ctx.reply().error(errors::kEntriesReadNegative);
    return std::nullopt;
  }
  return value;
}

// The stream at args[2] for XGROUP, which requires it to exist; nullptr
// after replying.
StreamValue* xgroup_stream(CommandContext& ctx) {
  StreamRef ref = find_for_write<StreamValue>(ctx, ctx.arg(2));
  if (ref.wrong_type) {
    ctx.reply().error(errors::kWrongType);
    return nullptr;
  }
  if (!ref) ctx.reply().error(errors::kXgroupNeedsKey);
  return ref.collection;
}

// The group args[3] of the stream at args[2]; nullptr after replying.
StreamGroup* xgroup_group(CommandContext& ctx) {
  StreamValue* stream = xgroup_stream(ctx);
  if (stream == nullptr) return nullptr;
  StreamGroup* group = stream->find_group(ctx.arg(3));
  if (group == nullptr) {
    ctx.reply().error(errors::format(errors::kNoSuchGroupForKey, {ctx.arg(3), ctx.arg(2)}));
  }
  return group;
}

// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]
void xgroup_create(CommandContext& ctx) {
  bool mkstream = false;
  int64_t entries_read = StreamGroup::kEntriesReadUnknown;
  for (size_t i = 5; i < ctx.argc(); ++i) {
    if (equals_nocase(ctx.arg(i), "mkstream")) {
      mkstream = true;
    } else if (equals_nocase(ctx.arg(i), "entriesread") && i + 1 < ctx.argc()) {
      const std::optional<int64_t> value = parse_entries_read(ctx, ctx.arg(++i));
      if (!value) return;
      entries_read = *value;
    } else {
      return reply_xgroup_syntax_error(ctx);
    }
  }
  const std::string_view key = ctx.arg(2);
  StreamRef ref = find_for_write<StreamValue>(ctx, key);
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref && !mkstream) return ctx.reply().error(errors::kXgroupNeedsKey);
  if (ctx.argc() > 8) return reply_xgroup_syntax_error(ctx);
  StreamId id;
  if (ctx.arg(4) == "$") {
    if (ref) id = ref.collection->last_id();
  } else {
    const std::optional<StreamId> parsed = parse_stream_id(ctx, ctx.arg(4), true);
    if (!parsed) return;
    id = *parsed;
  }
  const bool created = !ref;
  if (created) ref = create_collection(ctx, key, std::make_unique<StreamValue>());
  if (ref.collection->create_group(ctx.arg(3), id, entries_read) == nullptr) {
    return ctx.reply().error(errors::kBusyGroup);
  }
  ctx.dirty();
  // Only the new key is a change WATCH sees, as in Redis.
  if (created) {
    ctx.notify(keyspace_events::kStream, "xgroup-create", key);
  } else {
    notify_stream_event(ctx, "xgroup-create", key);
  }
  ctx.reply().ok();
}

// XGROUP SETID key group id|$ [ENTRIESREAD entries-read]: without
// ENTRIESREAD the group's read counter becomes unknown.
void xgroup_setid(CommandContext& ctx) {
  StreamGroup* group = xgroup_group(ctx);
  if (group == nullptr) return;
  if (ctx.argc() != 5 && ctx.argc() != 7) return reply_xgroup_syntax_error(ctx);
  StreamId id;
  if (ctx.arg(4) == "$") {
    id = find_for_write<StreamValue>(ctx, ctx.arg(2)).collection->last_id();
  } else {
    const std::optional<StreamId> parsed = parse_stream_id(ctx, ctx.arg(4), false);
    if (!parsed) return;
    id = *parsed;
  }
  int64_t entries_read = StreamGroup::kEntriesReadUnknown;
  if (ctx.argc() == 7) {
    if (!equals_nocase(ctx.arg(5), "entriesread")) return reply_xgroup_syntax_error(ctx);
    const std::optional<int64_t> value = parse_entries_read(ctx, ctx.arg(6));
    if (!value) return;
    entries_read = *value;
  }
  group->set_last_delivered_id(id);
  group->set_entries_read(entries_read);
  ctx.dirty();
  notify_stream_event(ctx, "xgroup-setid", ctx.arg(2));
  ctx.reply().ok();
}

// XGROUP DESTROY key group: clients blocked reading the group fail with
// NOGROUP.
void xgroup_destroy(CommandContext& ctx) {
  StreamValue* stream = xgroup_stream(ctx);
  if (stream == nullptr) return;
  if (!stream->destroy_group(ctx.arg(3))) return ctx.reply().integer(0);
  ctx.dirty();
  notify_stream_event(ctx, "xgroup-destroy", ctx.arg(2));
  ctx.signal_key_ready(ctx.arg(2));
  ctx.reply().integer(1);
}

void xgroup_createconsumer(CommandContext& ctx) {
  StreamGroup* group = xgroup_group(ctx);
  if (group == nullptr) return;
  if (group->create_consumer(ctx.arg(4), clock::now_ms()) == nullptr) {
    return ctx.reply().integer(0);
  }
  ctx.dirty();
  notify_stream_event(ctx, "xgroup-createconsumer", ctx.arg(2));
  ctx.reply().integer(1);
}

// XGROUP DELCONSUMER key group consumer: replies how many entries the
// consumer had pending (they leave the group's PEL with it).
void xgroup_delconsumer(CommandContext& ctx) {
  StreamGroup* group = xgroup_group(ctx);
  if (group == nullptr) return;
  StreamConsumer* consumer = group->find_consumer(ctx.arg(4));
  if (consumer == nullptr) return ctx.reply().integer(0);
  const size_t pending = group->delete_consumer(*consumer);
  ctx.dirty();
  notify_stream_event(ctx, "xgroup-delconsumer", ctx.arg(2));
  ctx.reply().integer(static_cast<int64_t>(pending));
}

void xgroup_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CREATE <key> <groupname> <id|$> [option]",
      "    Create a new consumer group. Options are:",
      "    * MKSTREAM",
      "      Create the empty stream if it does not exist.",
      "    * ENTRIESREAD entries_read",
      "      Set the group's entries_read counter (internal use).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Create a new consumer in the specified group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Remove the specified consumer.",
      "DESTROY <key> <groupname>",
      "    Remove the specified group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Set the current group ID and entries_read counter.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().simple_lines(kLines);
}

// ---- XACK, XPENDING ----

// XACK key group id [id ...]: every ID is checked before any is removed.
void xack(CommandContext& ctx) {
  StreamGroupLookup found = find_stream_group(ctx, ctx.arg(1), ctx.arg(2));
  if (found.wrong_type) return;
  if (found.group == nullptr) return ctx.reply().integer(0);
  std::vector<StreamId> ids;
  ids.reserve(ctx.argc() - 3);
  for (size_t i = 3; i < ctx.argc(); ++i) {
    const std::optional<StreamId> id = parse_stream_id(ctx, ctx.arg(i), true);
    if (!id) return;
    ids.push_back(*id);
  }
  int64_t acknowledged = 0;
  for (StreamId id : ids) acknowledged += found.group->acknowledge(id) ? 1 : 0;
  if (acknowledged > 0) ctx.dirty(acknowledged);
  ctx.reply().integer(acknowledged);
}

// XPENDING key group: the PEL's size, lowest and highest IDs, and each
// consumer's count (a bulk string, as Redis sends it).
void reply_pending_summary(CommandContext& ctx, const StreamGroup& group) {
  resp::ReplyWriter& reply = ctx.reply();
  reply.array(4);
  reply.integer(static_cast<int64_t>(group.pending_count()));
  if (group.pending_count() == 0) {
    reply.null_bulk();
    reply.null_bulk();
    return reply.null_array();
  }
  reply_stream_id(reply, group.first_pending()->id);
  reply_stream_id(reply, group.last_pending()->id);
  const size_t token = reply.begin_array();
  size_t consumers = 0;
  group.for_each_consumer([&](const StreamConsumer& consumer) {
    if (consumer.pending_count() == 0) return;
    reply.array(2);
    reply.bulk(consumer.name());
    reply.bulk_integer(static_cast<int64_t>(consumer.pending_count()));
    ++consumers;
  });
  reply.end_array(token, consumers);
}

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
void xpending(CommandContext& ctx) {
  const size_t argc = ctx.argc();
  if (argc != 3 && (argc < 6 || argc > 9)) return ctx.reply().error(errors::kSyntax);
  int64_t min_idle = 0;
  int64_t count = 0;
  StreamId start;
  StreamId end;
  std::optional<std::string_view> consumer_name;
  if (argc >= 6) {
    size_t at = 3;
    if (equals_nocase(ctx.arg(3), "idle")) {
      const std::optional<int64_t> idle =
          parse_stream_integer(ctx, ctx.arg(4), errors::kNotInteger);
      if (!idle) return;
      if (argc < 8) return ctx.reply().error(errors::kSyntax);
      min_idle = *idle;
      at += 2;
    }
    const std::optional<int64_t> value =
        parse_stream_integer(ctx, ctx.arg(at + 2), errors::kNotInteger);
    if (!value) return;
    count = std::max<int64_t>(*value, 0);
    const std::optional<StreamId> first = parse_interval_start(ctx, ctx.arg(at));
    if (!first) return;
    const std::optional<StreamId> last = parse_interval_end(ctx, ctx.arg(at + 1));
    if (!last) return;
    start = *first;
    end = *last;
    if (at + 3 < argc) consumer_name = ctx.arg(at + 3);
  }
  StreamGroupLookup found = find_stream_group(ctx, ctx.arg(1), ctx.arg(2));
  if (found.wrong_type) return;
  if (found.group == nullptr) return reply_no_key_or_group(ctx, ctx.arg(1), ctx.arg(2));
  const StreamGroup& group = *found.group;
  if (argc == 3) return reply_pending_summary(ctx, group);
  const StreamConsumer* consumer = nullptr;
  if (consumer_name) {
    consumer = group.find_consumer(*consumer_name);
    if (consumer == nullptr) return ctx.reply().empty_array();
  }
  resp::ReplyWriter& reply = ctx.reply();
  const int64_t now = clock::now_ms();
  const size_t token = reply.begin_array();
  int64_t emitted = 0;
  group.for_each_pending(start, end, consumer, [&](const PendingEntry& pending) {
    if (emitted == count) return false;
    const int64_t idle = now - pending.delivery_time_ms;
    if (min_idle != 0 && idle < min_idle) return true;
    reply.array(4);
    reply_stream_id(reply, pending.id);
    reply.bulk(pending.consumer->name());
    reply.integer(std::max<int64_t>(idle, 0));
    reply.integer(static_cast<int64_t>(pending.delivery_count));
    ++emitted;
    return true;
  });
  reply.end_array(token, static_cast<size_t>(emitted));
}

constexpr CommandSpec kXgroupContainer = {
    "xgroup", -2, 0, 0, 0, 0, nullptr, "stream", "A container for consumer groups commands",
    "5.0.0"};

// clang-format off
// In the order Redis 7.0 lists them.
constexpr CommandSpec kXgroupCommands[] = {
    {"xgroup|createconsumer", 5, kWrite | kDenyOom, 2, 2, 1, xgroup_createconsumer, "stream",
     "Create a consumer in a consumer group.", "6.2.0"},
    {"xgroup|create",        -5, kWrite | kDenyOom, 2, 2, 1, xgroup_create, "stream",
     "Create a consumer group.", "5.0.0"},
    {"xgroup|destroy",        4, kWrite,            2, 2, 1, xgroup_destroy, "stream",
     "Destroy a consumer group.", "5.0.0"},
    {"xgroup|setid",         -5, kWrite,            2, 2, 1, xgroup_setid, "stream",
     "Set a consumer group to an arbitrary last delivered ID value.", "5.0.0"},
    {"xgroup|delconsumer",    5, kWrite,            2, 2, 1, xgroup_delconsumer, "stream",
     "Delete a consumer from a consumer group.", "5.0.0"},
    {"xgroup|help",           2, kLoading | kStale, 0, 0, 0, xgroup_help, "stream",
     "Show helpful text about the different subcommands", "5.0.0"},
};

constexpr CommandSpec kStreamGroupCommands[] = {
    // name       arity flags            first last step handler
    {"xack",        -4, kWrite | kFast,    1, 1, 1, xack, "stream",
     "Marks a pending message as correctly processed, effectively removing it from the pending "
     "entries list of the consumer group. Return value of the command is the number of messages "
     "successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.",
     "5.0.0"},
    {"xpending",    -3, kReadOnly,         1, 1, 1, xpending, "stream",
     "Return information and entries from a stream consumer group pending entries list, that "
     "are messages fetched but never acknowledged.", "5.0.0"},
};
// clang-format on

}  // namespace

void register_stream_group_family(CommandTable& table) {
  table.add_container(kXgroupContainer, kXgroupCommands);
  table.add(kStreamGroupCommands);
}

}  // namespace fkvs
