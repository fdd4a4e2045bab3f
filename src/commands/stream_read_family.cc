// XREAD and XREADGROUP: new entries from one or more streams, for a plain
// reader (after an ID, or "$": what arrives from now on) or for a consumer
// of a group (">": entries no consumer was given; another ID: the
// consumer's own pending entries), blocking with BLOCK until an XADD.
//
// A blocked read runs again when one of its keys is signalled (see
// Server::serve_ready_keys); it blocked with "$" resolved to the stream's
// last ID and a COUNT, so the run that serves it answers as Redis 7.0's
// serving of a blocked reader does, from one stream.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
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

// A blocked reader without COUNT is served at most this many entries per
// stream, so a low ID cannot make it a huge reply (Redis's
// XREAD_BLOCKED_DEFAULT_COUNT).
constexpr std::string_view kBlockedDefaultCount = "1000";

struct ReadArgs {
  bool group_read = false;   // XREADGROUP
  int64_t deadline_ms = -1;  // BLOCK's deadline (0: none); -1 without BLOCK
  int64_t count = 0;         // 0: no limit
  size_t count_index = 0;    // COUNT's argument, 0 when not given
  bool noack = false;
  bool group_given = false;
  std::string_view group;
  std::string_view consumer;
  size_t first_key = 0;
  size_t key_count = 0;
};

// BLOCK's milliseconds (0: forever) as a deadline in unix ms.
std::optional<int64_t> parse_block_deadline(CommandContext& ctx, std::string_view text) {
  const std::optional<int64_t> timeout = parse_int64(text);
  if (!timeout) {
    ctx.reply().error(errors::kTimeoutNotInteger);
    return std::nullopt;
  }
  if (*timeout < 0) {
    ctx.reply().error(errors::kTimeoutNegative);
    return std::nullopt;
  }
  if (*timeout == 0) return 0;
  const int64_t now = clock::now_ms();
  return *timeout > std::numeric_limits<int64_t>::max() - now ? std::numeric_limits<int64_t>::max()
                                                              : now + *timeout;
}

bool parse_read_args(CommandContext& ctx, ReadArgs& args) {
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const size_t more = ctx.argc() - 1 - i;
    const std::string_view option = ctx.arg(i);
    if (equals_nocase(option, "block") && more > 0) {
      // A script could never be woken: Redis refuses BLOCK there outright.
      if (ctx.client().script_caller != nullptr) {
        ctx.reply().error(errors::format(errors::kStreamBlockInScript, {ctx.arg(0)}));
        return false;
      }
      const std::optional<int64_t> deadline = parse_block_deadline(ctx, ctx.arg(++i));
      if (!deadline) return false;
      args.deadline_ms = *deadline;
    } else if (equals_nocase(option, "count") && more > 0) {
      const std::optional<int64_t> count =
          parse_stream_integer(ctx, ctx.arg(++i), errors::kNotInteger);
      if (!count) return false;
      args.count = *count < 0 ? 0 : *count;
      args.count_index = i;
    } else if (equals_nocase(option, "streams") && more > 0) {
      args.first_key = i + 1;
      const size_t remaining = ctx.argc() - args.first_key;
      if (remaining % 2 != 0) {
        ctx.reply().error(errors::kXreadUnbalanced);
        return false;
      }
      args.key_count = remaining / 2;
      break;
    } else if (equals_nocase(option, "group") && more >= 2) {
      if (!args.group_read) {
        ctx.reply().error(errors::kXreadGroupOption);
        return false;
      }
      args.group_given = true;
      args.group = ctx.arg(i + 1);
      args.consumer = ctx.arg(i + 2);
      i += 2;
    } else if (equals_nocase(option, "noack")) {
      if (!args.group_read) {
        ctx.reply().error(errors::kXreadNoackOption);
        return false;
      }
      args.noack = true;
    } else {
      ctx.reply().error(errors::kSyntax);
      return false;
    }
  }
  if (args.first_key == 0) {
    ctx.reply().error(errors::kSyntax);
    return false;
  }
  if (args.group_read && !args.group_given) {
    ctx.reply().error(errors::kXreadgroupWithoutGroup);
    return false;
  }
  return true;
}

// One stream of the call and where to read it from.
struct ReadTarget {
  StreamValue* stream = nullptr;  // nullptr: no such key (XREAD)
  StreamGroup* group = nullptr;
  StreamId after;         // entries above this one
  bool new_only = false;  // ">": the group's undelivered entries
};

// Resolves the keys, groups and IDs, replying the first error. While
// serving a blocked call, a stream that went away or changed type makes an
// XREAD wait on and an XREADGROUP fail.
bool resolve_targets(CommandContext& ctx, const ReadArgs& args, bool rerun,
                     std::vector<ReadTarget>& targets) {
  targets.resize(args.key_count);
  for (size_t i = 0; i < args.key_count; ++i) {
    const std::string_view key = ctx.arg(args.first_key + i);
    const std::string_view id = ctx.arg(args.first_key + args.key_count + i);
    ReadTarget& target = targets[i];
    StreamRef ref = find_for_read<StreamValue>(ctx, key);
    if (ref.wrong_type && !rerun) {
      ctx.reply().error(errors::kWrongType);
      return false;
    }
    target.stream = ref.collection;
    if (args.group_read) {
      if (target.stream == nullptr) {
        ctx.reply().error(
            rerun ? errors::kBlockedStreamDeleted
                  : errors::format(errors::kNoSuchKeyOrGroupInXreadgroup, {key, args.group}));
        return false;
      }
      target.group = target.stream->find_group(args.group);
      if (target.group == nullptr) {
        ctx.reply().error(
            rerun ? errors::kBlockedGroupDestroyed
                  : errors::format(errors::kNoSuchKeyOrGroupInXreadgroup, {key, args.group}));
        return false;
      }
    }
    if (id == "$") {
      if (args.group_read) {
        ctx.reply().error(errors::kXreadgroupDollarId);
        return false;
      }
      if (target.stream != nullptr) target.after = target.stream->last_id();
    } else if (id == ">") {
      if (!args.group_read) {
        ctx.reply().error(errors::kXreadGreaterThanId);
        return false;
      }
      target.new_only = true;
    } else {
      const std::optional<StreamId> parsed = parse_stream_id(ctx, id, true);
      if (!parsed) return false;
      // Redis takes the largest ID as ">" too.
      target.new_only = args.group_read && *parsed == StreamId::max();
      target.after = *parsed;
    }
  }
  return true;
}

// A group read of the stream at key, and whether it has propagated
// anything yet (a read that only creates a consumer propagates nothing).
struct GroupRead {
  CommandContext& ctx;
  const ReadArgs& args;
  std::string_view key;
  StreamValue& stream;
  StreamGroup& group;
  StreamConsumer& consumer;
  bool& propagated;

  // The consumer's pending entries above start, each delivered again; an
  // entry no longer in the stream comes as its ID and a null.
  void reply_history(StreamId start) {
    resp::ReplyWriter& reply = ctx.reply();
    const int64_t now = clock::now_ms();
    const size_t token = reply.begin_array();
    int64_t emitted = 0;
    group.for_each_pending(start, StreamId::max(), &consumer, [&](PendingEntry& pending) {
      if (args.count != 0 && emitted == args.count) return false;
      if (reply_stream_entry_with_id(reply, stream, pending.id)) {
        pending.delivery_time_ms = now;
        ++pending.delivery_count;
      } else {
        reply.array(2);
        reply_stream_id(reply, pending.id);
        reply.null_array();
      }
      ++emitted;
      return true;
    });
    reply.end_array(token, static_cast<size_t>(emitted));
  }

  // The entries from start on: each moves the group's last delivered ID
  // and, unless NOACK, joins the consumer's pending entries.
  void reply_new_entries(StreamId start) {
    resp::ReplyWriter& reply = ctx.reply();
    const int64_t now = clock::now_ms();
    const size_t token = reply.begin_array();
    int64_t emitted = 0;
    bool advanced = false;
    for (auto entry = stream.range(start, StreamId::max()); entry.next();) {
      const StreamId id = entry.id();
      if (group.last_delivered_id() < id) {
        stream.record_group_delivery(group, id);
        advanced = true;
      }
      reply_stream_entry(reply, entry);
      if (!args.noack) {
        const PendingEntry& pending = group.deliver(id, consumer, now);
        propagated |= propagate_claim(ctx, key, args.group, group, pending);
      }
      if (++emitted == args.count) break;
    }
    // Without NOACK the XCLAIMs carry the group's last ID.
    if (advanced && args.noack) propagated |= propagate_group_id(ctx, key, args.group, group);
    reply.end_array(token, static_cast<size_t>(emitted));
  }
};

// Whether target has something for this call now, and from where. A
// waiting reader is served, as Redis 7.0 serves it, once the stream's last
// ID passed its own, even if the entries after it are deleted again (it
// then gets an empty list); a call that has not waited needs an entry.
std::optional<StreamId> serve_from(const ReadTarget& target, bool rerun, bool& history) {
  history = false;
  if (target.stream == nullptr) return std::nullopt;
  if (target.group != nullptr && !target.new_only) {
    history = true;
    return target.after.next().value_or(StreamId::max());
  }
  const std::optional<StreamId> last =
      rerun ? target.stream->last_id() : target.stream->last_entry_id();
  if (!last) return std::nullopt;
  const StreamId after = target.group != nullptr ? target.group->last_delivered_id() : target.after;
  if (*last <= after) return std::nullopt;
  return after.next();
}

// Waits for an XADD to one of the keys, keeping the call to run again with
// "$" resolved and a COUNT.
void block_read(CommandContext& ctx, const ReadArgs& args, const std::vector<ReadTarget>& targets) {
  std::vector<std::string> resolved;
  resolved.reserve(args.key_count);
  std::vector<std::string_view> argv(ctx.args().begin(), ctx.args().end());
  for (size_t i = 0; i < args.key_count; ++i) {
    const size_t at = args.first_key + args.key_count + i;
    if (argv[at] != "$") continue;
    resolved.push_back(targets[i].after.to_string());
    argv[at] = resolved.back();
  }
  if (args.count_index != 0 && args.count == 0) {
    argv[args.count_index] = kBlockedDefaultCount;
  } else if (args.count_index == 0) {
    argv.insert(argv.begin() + 1, {"COUNT", kBlockedDefaultCount});
  }
  ctx.server().block_client(ctx.client(), ctx.args().subspan(args.first_key, args.key_count),
                            args.deadline_ms, ValueType::kStream, argv);
}

void read_streams(CommandContext& ctx, bool group_read) {
  ReadArgs args;
  args.group_read = group_read;
  if (!parse_read_args(ctx, args)) return;
  const bool rerun = ctx.client().blocked;
  std::vector<ReadTarget> targets;
  if (!resolve_targets(ctx, args, rerun, targets)) return;
  resp::ReplyWriter& reply = ctx.reply();
  size_t token = 0;
  size_t served = 0;
  bool propagated = false;
  for (size_t i = 0; i < args.key_count; ++i) {
    const ReadTarget& target = targets[i];
    bool history = false;
    const std::optional<StreamId> start = serve_from(target, rerun, history);
    if (!start) continue;
    if (served++ == 0) token = reply.begin_array();
    if (!reply.resp3()) reply.array(2);
    const std::string_view key = ctx.arg(args.first_key + i);
    reply.bulk(key);
    if (target.group == nullptr) {
      reply_stream_range(ctx, *target.stream, *start, StreamId::max(),
                         static_cast<size_t>(args.count), false);
    } else {
      bool created = false;
      StreamConsumer& consumer =
          find_or_create_consumer(ctx, key, *target.group, args.consumer, created);
      // Only a NOACK read leaves no XCLAIM to create the consumer on replay.
      if (created && args.noack) {
        propagated |= propagate_consumer_creation(ctx, key, args.group, args.consumer);
      }
      GroupRead read{ctx, args, key, *target.stream, *target.group, consumer, propagated};
      history ? read.reply_history(*start) : read.reply_new_entries(*start);
      ctx.dirty();
    }
    // Redis 7.0 serves a woken reader from one stream (here the first with news).
    if (rerun) break;
  }
  if (served > 0) {
    reply.resp3() ? reply.end_map(token, served) : reply.end_array(token, served);
    // XREADGROUP itself never reaches the AOF: only the effects above do.
    if (group_read && !propagated) ctx.server().forget_call_changes();
    return;
  }
  if (args.deadline_ms < 0 || !ctx.may_block()) return reply.null_array();
  block_read(ctx, args, targets);
}

void xread(CommandContext& ctx) { read_streams(ctx, false); }
void xreadgroup(CommandContext& ctx) { read_streams(ctx, true); }

// clang-format off
constexpr CommandSpec kStreamReadCommands[] = {
    // The keys follow STREAMS (Redis marks these movablekeys, 0 0 0).
    {"xread",      -4, kReadOnly | kBlocking, 0, 0, 0, xread, "stream",
     "Return never seen elements in multiple streams, with IDs greater than the ones reported by "
     "the caller for each stream. Can block.", "5.0.0"},
    {"xreadgroup", -7, kWrite | kBlocking,    0, 0, 0, xreadgroup, "stream",
     "Return new entries from a stream using a consumer group, or access the history of the "
     "pending entries for a given consumer. Can block.", "5.0.0"},
};
// clang-format on

}  // namespace

void register_stream_read_family(CommandTable& table) { table.add(kStreamReadCommands); }

}  // namespace fkvs
