// XCLAIM and XAUTOCLAIM: pending entries of a consumer group given to
// another consumer, as Redis 7.0 does it; each claim (and each pending
// entry found deleted) reaches the AOF as an idempotent XCLAIM ... FORCE
// JUSTID, never the command as sent.
#include <algorithm>
#include <climits>
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
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// The options of XCLAIM after its IDs.
struct ClaimOptions {
  int64_t delivery_time = -1;  // from IDLE or TIME; -1: now
  int64_t retry_count = -1;    // -1: count this delivery (unless JUSTID)
  bool force = false;
  bool just_id = false;
  StreamId last_id;
};

bool parse_claim_options(CommandContext& ctx, size_t from, int64_t now, ClaimOptions& options) {
  for (size_t j = from; j < ctx.argc(); ++j) {
    const std::string_view option = ctx.arg(j);
    const bool has_value = j + 1 < ctx.argc();
    if (equals_nocase(option, "force")) {
      options.force = true;
    } else if (equals_nocase(option, "justid")) {
      options.just_id = true;
    } else if (equals_nocase(option, "idle") && has_value) {
      const std::optional<int64_t> idle =
          parse_stream_integer(ctx, ctx.arg(++j), errors::kXclaimIdle);
      if (!idle) return false;
      // A time out of range is taken as now, below.
      if (__builtin_sub_overflow(now, *idle, &options.delivery_time)) options.delivery_time = -1;
    } else if (equals_nocase(option, "time") && has_value) {
      const std::optional<int64_t> time =
          parse_stream_integer(ctx, ctx.arg(++j), errors::kXclaimTime);
      if (!time) return false;
      options.delivery_time = *time;
    } else if (equals_nocase(option, "retrycount") && has_value) {
      const std::optional<int64_t> count =
          parse_stream_integer(ctx, ctx.arg(++j), errors::kXclaimRetryCount);
      if (!count) return false;
      options.retry_count = *count;
    } else if (equals_nocase(option, "lastid") && has_value) {
      const std::optional<StreamId> id = parse_stream_id(ctx, ctx.arg(++j), true);
      if (!id) return false;
      options.last_id = *id;
    } else {
      ctx.reply().error(errors::format(errors::kXclaimUnknownOption, {option}));
      return false;
    }
  }
  // A time in the future or before 1970 is taken as now, not refused:
  // clients compute it from their own clocks.
  if (options.delivery_time < 0 || options.delivery_time > now) options.delivery_time = now;
  return true;
}

// The claims of one XCLAIM or XAUTOCLAIM call: the claiming consumer is
// looked up (or created) at the first entry it gets.
struct Claimer {
  CommandContext& ctx;
  StreamGroup& group;
  std::string_view consumer_name;
  StreamConsumer* consumer = nullptr;
  bool propagated = false;

  StreamConsumer& claiming_consumer() {
    if (consumer == nullptr) {
      bool created = false;
      consumer = &find_or_create_consumer(ctx, ctx.arg(1), group, consumer_name, created);
    }
    return *consumer;
  }
  void propagate(const PendingEntry& pending) {
    propagated |= propagate_claim(ctx, ctx.arg(1), ctx.arg(2), group, pending);
    ctx.dirty();
  }
  // A pending entry whose stream entry is gone leaves the PEL (and the
  // AOF hears an XCLAIM of it, which does the same on replay).
  void drop_deleted(const PendingEntry& pending) {
    propagate(pending);
    group.acknowledge(pending.id);
  }
};

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-ms]
//   [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID id]
void xclaim(CommandContext& ctx) {
  StreamGroupLookup found = find_stream_group(ctx, ctx.arg(1), ctx.arg(2));
  if (found.wrong_type) return;
  if (found.group == nullptr) return reply_no_key_or_group(ctx, ctx.arg(1), ctx.arg(2));
  const std::optional<int64_t> min_idle_arg =
      parse_stream_integer(ctx, ctx.arg(4), errors::kXclaimMinIdle);
  if (!min_idle_arg) return;
  const int64_t min_idle = std::max<int64_t>(*min_idle_arg, 0);
  // The IDs run up to the first argument that is none: the options follow.
  std::vector<StreamId> ids;
  size_t j = 5;
  for (; j < ctx.argc(); ++j) {
    const std::optional<StreamId::Parsed> id = StreamId::parse(ctx.arg(j), 0, true);
    if (!id) break;
    ids.push_back(id->id);
  }
  const int64_t now = clock::now_ms();
  ClaimOptions options;
  if (!parse_claim_options(ctx, j, now, options)) return;
  StreamValue& stream = *found.stream;
  StreamGroup& group = *found.group;
  bool propagate_last_id = false;
  if (group.last_delivered_id() < options.last_id) {
    group.set_last_delivered_id(options.last_id);
    propagate_last_id = true;
  }
  Claimer claimer{ctx, group, ctx.arg(3)};
  resp::ReplyWriter& reply = ctx.reply();
  const size_t token = reply.begin_array();
  size_t claimed = 0;
  for (StreamId id : ids) {
    PendingEntry* pending = group.find_pending(id);
    if (!stream.contains(id)) {
      if (pending != nullptr) {
        claimer.drop_deleted(*pending);
        propagate_last_id = false;
      }
      continue;
    }
    bool forced = false;
    if (pending == nullptr) {
      if (!options.force) continue;
      // FORCE makes a PEL entry for an entry nobody was delivered.
      pending = &group.deliver(id, claimer.claiming_consumer(), now);
      forced = true;
    } else if (min_idle != 0 && now - pending->delivery_time_ms < min_idle) {
      continue;
    }
    if (!forced) group.claim(*pending, claimer.claiming_consumer());
    pending->delivery_time_ms = options.delivery_time;
    if (options.retry_count >= 0) {
      pending->delivery_count = static_cast<uint64_t>(options.retry_count);
    } else if (!options.just_id) {
      ++pending->delivery_count;
    }
    if (options.just_id) {
      reply_stream_id(reply, id);
    } else {
      reply_stream_entry_with_id(reply, stream, id);
    }
    ++claimed;
    claimer.propagate(*pending);
    propagate_last_id = false;
  }
  if (propagate_last_id) {
    claimer.propagated |= propagate_group_id(ctx, ctx.arg(1), ctx.arg(2), group);
    ctx.dirty();
  }
  reply.end_array(token, claimed);
  if (!claimer.propagated) ctx.server().forget_call_changes();
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]:
// claims up to count entries idle long enough from start on, looking at no
// more than 10 * count; replies the ID to continue from (0-0 at the end),
// the claimed entries, and the IDs of entries that were gone (removed from
// the PEL).
void xautoclaim(CommandContext& ctx) {
  const std::optional<int64_t> min_idle_arg =
      parse_stream_integer(ctx, ctx.arg(4), errors::kXautoclaimMinIdle);
  if (!min_idle_arg) return;
  const int64_t min_idle = std::max<int64_t>(*min_idle_arg, 0);
  const std::optional<StreamId> start = parse_interval_start(ctx, ctx.arg(5));
  if (!start) return;
  constexpr int64_t kAttemptsPerCount = 10;
  // Redis bounds COUNT so that count * 16 bytes cannot overflow.
  constexpr int64_t kMaxCount = LONG_MAX / 16;
  int64_t count = 100;
  bool just_id = false;
  for (size_t j = 6; j < ctx.argc(); ++j) {
    if (equals_nocase(ctx.arg(j), "count") && j + 1 < ctx.argc()) {
      const std::optional<int64_t> value = parse_int64(ctx.arg(++j));
      if (!value || *value < 1 || *value > kMaxCount) {
        return ctx.reply().error(errors::kCountMustBePositive);
      }
      count = *value;
    } else if (equals_nocase(ctx.arg(j), "justid")) {
      just_id = true;
    } else {
      return ctx.reply().error(errors::kSyntax);
    }
  }
  StreamGroupLookup found = find_stream_group(ctx, ctx.arg(1), ctx.arg(2));
  if (found.wrong_type) return;
  if (found.group == nullptr) return reply_no_key_or_group(ctx, ctx.arg(1), ctx.arg(2));
  StreamValue& stream = *found.stream;
  StreamGroup& group = *found.group;
  Claimer claimer{ctx, group, ctx.arg(3)};
  const int64_t now = clock::now_ms();
  int64_t attempts = count * kAttemptsPerCount;
  std::vector<StreamId> claimed;
  std::vector<StreamId> deleted;
  std::optional<StreamId> from = *start;  // nullopt: past the last possible ID
  bool at_end = false;
  while (attempts-- > 0 && count > 0) {
    PendingEntry* pending = from ? group.next_pending(*from) : nullptr;
    if (pending == nullptr) {
      at_end = true;
      break;
    }
    const StreamId id = pending->id;
    from = id.next();
    if (!stream.contains(id)) {
      claimer.drop_deleted(*pending);
      deleted.push_back(id);
      --count;
      continue;
    }
    if (min_idle != 0 && now - pending->delivery_time_ms < min_idle) continue;
    group.claim(*pending, claimer.claiming_consumer());
    pending->delivery_time_ms = now;
    if (!just_id) ++pending->delivery_count;
    claimed.push_back(id);
    --count;
    claimer.propagate(*pending);
  }
  const PendingEntry* next = at_end || !from ? nullptr : group.next_pending(*from);
  resp::ReplyWriter& reply = ctx.reply();
  reply.array(3);
  reply_stream_id(reply, next != nullptr ? next->id : StreamId::min());
  reply.array(claimed.size());
  for (StreamId id : claimed) {
    if (just_id) {
      reply_stream_id(reply, id);
    } else {
      reply_stream_entry_with_id(reply, stream, id);
    }
  }
  reply.array(deleted.size());
  for (StreamId id : deleted) reply_stream_id(reply, id);
  if (!claimer.propagated) ctx.server().forget_call_changes();
}

// clang-format off
constexpr CommandSpec kStreamClaimCommands[] = {
    // name       arity flags            first last step handler
    {"xclaim",      -6, kWrite | kFast,    1, 1, 1, xclaim, "stream",
     "Changes (or acquires) ownership of a message in a consumer group, as if the message was "
     "delivered to the specified consumer.", "5.0.0"},
    {"xautoclaim",  -6, kWrite | kFast,    1, 1, 1, xautoclaim, "stream",
     "Changes (or acquires) ownership of messages in a consumer group, as if the messages were "
     "delivered to the specified consumer.", "6.2.0"},
};
// clang-format on

}  // namespace

void register_stream_claim_family(CommandTable& table) { table.add(kStreamClaimCommands); }

}  // namespace fkvs
