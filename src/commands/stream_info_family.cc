// XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS and XINFO
// HELP: a stream's counters, entries, groups, consumers and pending entries
// as Redis 7.0 reports them (maps in RESP3, flat arrays in RESP2).
#include <algorithm>
#include <array>
#include <compare>
#include <cstdint>
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

void reply_info_syntax_error(CommandContext& ctx) {
  ctx.reply().error(
      errors::format(errors::kUnknownSubcommandOrArity, {ctx.arg(1).substr(0, 128), "XINFO"}));
}

// The stream at args[2], or nullptr after replying "no such key" or WRONGTYPE.
const StreamValue* info_stream(CommandContext& ctx) {
  StreamRef ref = find_for_read<StreamValue>(ctx, ctx.arg(2));
  if (ref.wrong_type) {
    ctx.reply().error(errors::kWrongType);
    return nullptr;
  }
  if (!ref) ctx.reply().error(errors::kNoSuchKey);
  return ref.collection;
}

// A position in Redis's radix tree of a stream's nodes: the first `length`
// bytes of a key (a master ID as 16 big-endian bytes), the rest zero.
struct RaxPosition {
  std::array<unsigned char, 16> prefix{};
  size_t length = 0;
  auto operator<=>(const RaxPosition&) const = default;
};

RaxPosition rax_position(const std::array<unsigned char, 16>& key, size_t length) {
  RaxPosition position{{}, length};
  std::copy_n(key.begin(), length, position.prefix.begin());
  return position;
}

// XINFO's radix-tree-nodes: how many nodes Redis's radix tree of the
// stream's master IDs has. With every key 16 bytes long the tree holds a
// node for the root, for each key, for each position where keys branch
// apart, and for each position just below such a branch (where a
// compressed run or another branch starts).
int64_t radix_tree_nodes(const StreamValue& stream) {
  std::vector<std::array<unsigned char, 16>> keys;
  keys.reserve(stream.node_count());
  stream.for_each_node([&](StreamId master_id, const StreamNode&) {
    std::array<unsigned char, 16>& key = keys.emplace_back();
    for (size_t i = 0; i < 8; ++i) {
      key[i] = static_cast<unsigned char>(master_id.ms >> (56 - 8 * i));
      key[8 + i] = static_cast<unsigned char>(master_id.seq >> (56 - 8 * i));
    }
  });
  std::vector<RaxPosition> positions{RaxPosition{}};
  for (size_t i = 0; i < keys.size(); ++i) {
    positions.push_back(rax_position(keys[i], 16));
    if (i == 0) continue;
    const auto differ = std::ranges::mismatch(keys[i - 1], keys[i]);
    const auto common = static_cast<size_t>(differ.in1 - keys[i - 1].begin());
    positions.push_back(rax_position(keys[i], common));
    positions.push_back(rax_position(keys[i - 1], common + 1));
    positions.push_back(rax_position(keys[i], common + 1));
  }
  std::ranges::sort(positions);
  return std::ranges::distance(positions.begin(), std::ranges::unique(positions).begin());
}

void reply_entries_read(resp::ReplyWriter& reply, const StreamGroup& group) {
  if (group.entries_read() == StreamGroup::kEntriesReadUnknown) return reply.null_bulk();
  reply.integer(group.entries_read());
}

void reply_lag(resp::ReplyWriter& reply, const StreamValue& stream, const StreamGroup& group) {
  const std::optional<int64_t> lag = stream.group_lag(group);
  if (!lag) return reply.null_bulk();
  reply.integer(*lag);
}

// The counters both forms of XINFO STREAM start with.
void reply_stream_counters(resp::ReplyWriter& reply, const StreamValue& stream) {
  reply.bulk("length");
  reply.integer(static_cast<int64_t>(stream.size()));
  reply.bulk("radix-tree-keys");
  reply.integer(static_cast<int64_t>(stream.node_count()));
  reply.bulk("radix-tree-nodes");
  reply.integer(radix_tree_nodes(stream));
  reply.bulk("last-generated-id");
  reply_stream_id(reply, stream.last_id());
  reply.bulk("max-deleted-entry-id");
  reply_stream_id(reply, stream.max_deleted_id());
  reply.bulk("entries-added");
  reply.integer(static_cast<int64_t>(stream.entries_added()));
  reply.bulk("recorded-first-entry-id");
  reply_stream_id(reply, stream.first_id());
}

// The first or last entry, or a null.
void reply_edge_entry(resp::ReplyWriter& reply, const StreamValue& stream, bool last) {
  auto entry = stream.range(StreamId::min(), StreamId::max(), last);
  if (!entry.next()) return reply.null_bulk();
  reply_stream_entry(reply, entry);
}

// A group's pending entries, at most count (0: all) of them.
void reply_group_pel(resp::ReplyWriter& reply, const StreamGroup& group, uint64_t count) {
  const size_t token = reply.begin_array();
  uint64_t emitted = 0;
  group.for_each_pending(StreamId::min(), StreamId::max(), nullptr,
                         [&](const PendingEntry& pending) {
                           if (count != 0 && emitted == count) return false;
                           reply.array(4);
                           reply_stream_id(reply, pending.id);
                           reply.bulk(pending.consumer->name());
                           reply.integer(pending.delivery_time_ms);
                           reply.integer(static_cast<int64_t>(pending.delivery_count));
                           ++emitted;
                           return true;
                         });
  reply.end_array(token, emitted);
}

void reply_consumer_full(resp::ReplyWriter& reply, const StreamGroup& group,
                         const StreamConsumer& consumer, uint64_t count) {
  reply.map(4);
  reply.bulk("name");
  reply.bulk(consumer.name());
  reply.bulk("seen-time");
  reply.integer(consumer.seen_time_ms());
  reply.bulk("pel-count");
  reply.integer(static_cast<int64_t>(consumer.pending_count()));
  reply.bulk("pending");
  const size_t token = reply.begin_array();
  uint64_t emitted = 0;
  group.for_each_pending(StreamId::min(), StreamId::max(), &consumer,
                         [&](const PendingEntry& pending) {
                           if (count != 0 && emitted == count) return false;
                           reply.array(3);
                           reply_stream_id(reply, pending.id);
                           reply.integer(pending.delivery_time_ms);
                           reply.integer(static_cast<int64_t>(pending.delivery_count));
                           ++emitted;
                           return true;
                         });
  reply.end_array(token, emitted);
}

void reply_group_full(resp::ReplyWriter& reply, const StreamValue& stream, const StreamGroup& group,
                      uint64_t count) {
  reply.map(7);
  reply.bulk("name");
  reply.bulk(group.name());
  reply.bulk("last-delivered-id");
  reply_stream_id(reply, group.last_delivered_id());
  reply.bulk("entries-read");
  reply_entries_read(reply, group);
  reply.bulk("lag");
  reply_lag(reply, stream, group);
  reply.bulk("pel-count");
  reply.integer(static_cast<int64_t>(group.pending_count()));
  reply.bulk("pending");
  reply_group_pel(reply, group, count);
  reply.bulk("consumers");
  reply.array(group.consumer_count());
  group.for_each_consumer(
      [&](const StreamConsumer& consumer) { reply_consumer_full(reply, group, consumer, count); });
}

// XINFO STREAM key [FULL [COUNT count]]: FULL lists up to count entries and
// pending entries (10 by default, 0 for all).
void xinfo_stream(CommandContext& ctx) {
  const StreamValue* stream = info_stream(ctx);
  if (stream == nullptr) return;
  bool full = false;
  int64_t count = 10;
  if (ctx.argc() > 3) {
    if ((ctx.argc() != 4 && ctx.argc() != 6) || !equals_nocase(ctx.arg(3), "full") ||
        (ctx.argc() == 6 && !equals_nocase(ctx.arg(4), "count"))) {
      return reply_info_syntax_error(ctx);
    }
    if (ctx.argc() == 6) {
      const std::optional<int64_t> value =
          parse_stream_integer(ctx, ctx.arg(5), errors::kNotInteger);
      if (!value) return;
      count = std::max<int64_t>(*value, 0);
    }
    full = true;
  }
  resp::ReplyWriter& reply = ctx.reply();
  reply.map(full ? 9 : 10);
  reply_stream_counters(reply, *stream);
  if (!full) {
    reply.bulk("groups");
    reply.integer(static_cast<int64_t>(stream->group_count()));
    reply.bulk("first-entry");
    reply_edge_entry(reply, *stream, false);
    reply.bulk("last-entry");
    reply_edge_entry(reply, *stream, true);
    return;
  }
  reply.bulk("entries");
  reply_stream_range(ctx, *stream, StreamId::min(), StreamId::max(), count, false);
  reply.bulk("groups");
  reply.array(stream->group_count());
  stream->for_each_group([&](const StreamGroup& group) {
    reply_group_full(reply, *stream, group, static_cast<uint64_t>(count));
  });
}

void xinfo_groups(CommandContext& ctx) {
  const StreamValue* stream = info_stream(ctx);
  if (stream == nullptr) return;
  resp::ReplyWriter& reply = ctx.reply();
  reply.array(stream->group_count());
  stream->for_each_group([&](const StreamGroup& group) {
    reply.map(6);
    reply.bulk("name");
    reply.bulk(group.name());
    reply.bulk("consumers");
    reply.integer(static_cast<int64_t>(group.consumer_count()));
    reply.bulk("pending");
    reply.integer(static_cast<int64_t>(group.pending_count()));
    reply.bulk("last-delivered-id");
    reply_stream_id(reply, group.last_delivered_id());
    reply.bulk("entries-read");
    reply_entries_read(reply, group);
    reply.bulk("lag");
    reply_lag(reply, *stream, group);
  });
}

void xinfo_consumers(CommandContext& ctx) {
  const StreamValue* stream = info_stream(ctx);
  if (stream == nullptr) return;
  const StreamGroup* group = stream->find_group(ctx.arg(3));
  if (group == nullptr) {
    return ctx.reply().error(errors::format(errors::kNoSuchGroupForKey, {ctx.arg(3), ctx.arg(2)}));
  }
  resp::ReplyWriter& reply = ctx.reply();
  const int64_t now = clock::now_ms();
  reply.array(group->consumer_count());
  group->for_each_consumer([&](const StreamConsumer& consumer) {
    reply.map(3);
    reply.bulk("name");
    reply.bulk(consumer.name());
    reply.bulk("pending");
    reply.integer(static_cast<int64_t>(consumer.pending_count()));
    reply.bulk("idle");
    reply.integer(std::max<int64_t>(now - consumer.seen_time_ms(), 0));
  });
}

void xinfo_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CONSUMERS <key> <groupname>",
      "    Show consumers of <groupname>.",
      "GROUPS <key>",
      "    Show the stream consumer groups.",
      "STREAM <key> [FULL [COUNT <count>]",
      "    Show information about the stream.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().simple_lines(kLines);
}

constexpr CommandSpec kXinfoContainer = {
    "xinfo", -2, 0, 0, 0, 0, nullptr, "stream", "A container for stream introspection commands",
    "5.0.0"};

// clang-format off
// In the order Redis 7.0 lists them.
constexpr CommandSpec kXinfoCommands[] = {
    {"xinfo|stream",   -3, kReadOnly,       2, 2, 1, xinfo_stream, "stream",
     "Get information about a stream", "5.0.0"},
    {"xinfo|consumers", 4, kReadOnly,       2, 2, 1, xinfo_consumers, "stream",
     "List the consumers in a consumer group", "5.0.0"},
    {"xinfo|groups",    3, kReadOnly,       2, 2, 1, xinfo_groups, "stream",
     "List the consumer groups of a stream", "5.0.0"},
    {"xinfo|help",      2, kLoading | kStale, 0, 0, 0, xinfo_help, "stream",
     "Show helpful text about the different subcommands", "5.0.0"},
};
// clang-format on

}  // namespace

void register_stream_info_family(CommandTable& table) {
  table.add_container(kXinfoContainer, kXinfoCommands);
}

}  // namespace fkvs
