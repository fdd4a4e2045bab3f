// The stream commands that add, read by range, delete and trim entries:
// XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM and XSETID, with Redis 7.0's
// arguments, errors and propagation (an XADD's generated ID and a trim
// with "~" reach the AOF as the exact result, so replaying it gives the
// same stream).
#include <memory>
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

// What XADD's and XTRIM's options say (Redis's streamAddTrimArgs).
struct AddTrimArgs {
  std::optional<StreamTrim> trim;  // once MAXLEN or MINID is read
  size_t trim_value_index = 0;     // the MAXLEN count or MINID argument
  int64_t limit = 0;
  bool limit_given = false;
  bool no_mkstream = false;
  // XADD: where the ID argument is; "*" leaves id_given false, "ms-*"
  // leaves seq_given false.
  size_t id_index = 0;
  bool id_given = false;
  bool seq_given = true;
  StreamId id;
};

// XADD's ID argument "ms-*": the milliseconds, the sequence left to XADD.
// Anything else is nullopt.
std::optional<std::string_view> auto_sequence_ms(std::string_view text) {
  const size_t dash = text.find('-');
  if (dash == std::string_view::npos || text.substr(dash + 1) != "*") return std::nullopt;
  return text.substr(0, dash);
}

// XADD's explicit ID: "ms-seq", "ms" or "ms-*".
bool parse_xadd_id(CommandContext& ctx, std::string_view text, AddTrimArgs& args) {
  std::optional<StreamId> id;
  // Redis reads the whole argument into a 128-byte buffer first.
  const std::optional<std::string_view> ms =
      text.size() < 128 ? auto_sequence_ms(text) : std::nullopt;
  if (ms) {
    id = parse_stream_id(ctx, *ms, true);
    args.seq_given = false;
  } else {
    id = parse_stream_id(ctx, text, true);
  }
  if (!id) return false;
  args.id = *id;
  args.id_given = true;
  return true;
}

// MAXLEN or MINID at args[at], followed by an optional "~" or "=" and the
// value; returns the index of the value, or 0 after replying an error.
size_t parse_trim_strategy(CommandContext& ctx, size_t at, StreamTrim::Strategy strategy,
                           AddTrimArgs& args) {
  if (args.trim) {
    ctx.reply().error(errors::kStreamTrimBothStrategies);
    return 0;
  }
  StreamTrim& trim = args.trim.emplace();
  trim.strategy = strategy;
  const size_t more = ctx.argc() - 1 - at;
  size_t value = at + 1;
  if (more >= 2 && (ctx.arg(value) == "~" || ctx.arg(value) == "=")) {
    trim.approximate = ctx.arg(value) == "~";
    ++value;
  }
  if (strategy == StreamTrim::Strategy::kMaxLen) {
    const std::optional<int64_t> max_len =
        parse_stream_integer(ctx, ctx.arg(value), errors::kNotInteger);
    if (!max_len) return 0;
    if (*max_len < 0) {
      ctx.reply().error(errors::kStreamMaxlenNegative);
      return 0;
    }
    trim.max_len = static_cast<uint64_t>(*max_len);
  } else {
    const std::optional<StreamId> min_id = parse_stream_id(ctx, ctx.arg(value), true);
    if (!min_id) return 0;
    trim.min_id = *min_id;
  }
  args.trim_value_index = value;
  return value;
}

// Redis's streamParseAddOrTrimArgsOrReply: the options from args[2] on.
// For XADD it stops at the ID ("*" or explicit); the fields follow it.
bool parse_add_trim_args(CommandContext& ctx, bool xadd, AddTrimArgs& args) {
  size_t i = 2;
  for (; i < ctx.argc(); ++i) {
    const size_t more = ctx.argc() - 1 - i;
    const std::string_view option = ctx.arg(i);
    if (xadd && option == "*") break;
    if (equals_nocase(option, "maxlen") && more > 0) {
      i = parse_trim_strategy(ctx, i, StreamTrim::Strategy::kMaxLen, args);
      if (i == 0) return false;
    } else if (equals_nocase(option, "minid") && more > 0) {
      i = parse_trim_strategy(ctx, i, StreamTrim::Strategy::kMinId, args);
      if (i == 0) return false;
    } else if (equals_nocase(option, "limit") && more > 0) {
      const std::optional<int64_t> limit =
          parse_stream_integer(ctx, ctx.arg(i + 1), errors::kNotInteger);
      if (!limit) return false;
      if (*limit < 0) {
        ctx.reply().error(errors::kStreamLimitNegative);
        return false;
      }
      args.limit = *limit;
      args.limit_given = true;
      ++i;
    } else if (xadd && equals_nocase(option, "nomkstream")) {
      args.no_mkstream = true;
    } else if (xadd) {
      if (!parse_xadd_id(ctx, option, args)) return false;
      break;
    } else {
      ctx.reply().error(errors::kSyntax);
      return false;
    }
  }
  args.id_index = i;
  return true;
}

// The checks after the options are read, and the LIMIT the trim gets.
bool check_trim_args(CommandContext& ctx, bool xadd, AddTrimArgs& args) {
  // As Redis: LIMIT 0 alone passes this check, not the next.
  if (!args.trim && args.limit != 0) {
    ctx.reply().error(errors::kStreamLimitWithoutStrategy);
    return false;
  }
  if (!args.trim && !xadd) {
    ctx.reply().error(errors::kXtrimWithoutStrategy);
    return false;
  }
  // Replayed commands trim exactly what they say: their LIMIT is the one
  // that was in effect, already applied.
  if (ctx.server().loading()) {
    if (args.trim) args.trim->limit = 0;
    return true;
  }
  if (args.limit_given && !(args.trim && args.trim->approximate)) {
    ctx.reply().error(errors::kStreamLimitWithoutApprox);
    return false;
  }
  if (!args.trim) return true;
  StreamTrim& trim = *args.trim;
  if (args.limit_given) {
    trim.limit = args.limit;
  } else if (trim.approximate) {
    trim.limit =
        StreamTrim::default_approximate_limit(ctx.server().config().stream_node_max_entries);
  }
  return true;
}

StreamNodeLimits node_limits(CommandContext& ctx) {
  const Config& config = ctx.server().config();
  return {static_cast<size_t>(config.stream_node_max_bytes), config.stream_node_max_entries};
}

// Rewrites a trim with "~" for the AOF as the exact trim it came to: "="
// and the length, or the first ID, the stream was left with.
void rewrite_approximate_trim(const AddTrimArgs& args, const StreamValue& stream,
                              std::vector<std::string_view>& argv, std::string& value) {
  argv[args.trim_value_index - 1] = "=";
  if (args.trim->strategy == StreamTrim::Strategy::kMaxLen) {
    value = std::to_string(stream.size());
  } else {
    value = stream.first_entry_id().value_or(StreamId::max()).to_string();
  }
  argv[args.trim_value_index] = value;
}

// The ID XADD gives the new entry; nullopt after replying the error.
std::optional<StreamId> next_entry_id(CommandContext& ctx, const StreamValue& stream,
                                      const AddTrimArgs& args) {
  const StreamId last = stream.last_id();
  StreamId id;
  if (!args.id_given) {
    const auto now = static_cast<uint64_t>(clock::now_ms());
    id = now > last.ms ? StreamId{now, 0} : *last.next();
  } else if (args.seq_given) {
    id = args.id;
  } else if (args.id.ms == last.ms) {
    // Redis 7.0 reports the sequence running out as too large elements.
    if (last.seq == UINT64_MAX) {
      ctx.reply().error(errors::kStreamElementsTooLarge);
      return std::nullopt;
    }
    id = {last.ms, last.seq + 1};
  } else {
    id = {args.id.ms, 0};
  }
  if (id <= last) {
    ctx.reply().error(errors::kXaddIdNotAbove);
    return std::nullopt;
  }
  return id;
}

// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value ...
void xadd(CommandContext& ctx) {
  AddTrimArgs args;
  if (!parse_add_trim_args(ctx, true, args)) return;
  if (!check_trim_args(ctx, true, args)) return;
  const size_t first_field = args.id_index + 1;
  if (first_field > ctx.argc() || ctx.argc() - first_field < 2 ||
      (ctx.argc() - first_field) % 2 != 0) {
    return ctx.reply_error_naming_command(errors::kWrongArity);
  }
  // Checked before the stream is created, so no empty key is left behind.
  if (args.id_given && args.seq_given && args.id.is_zero()) {
    return ctx.reply().error(errors::kXaddIdZero);
  }
  const std::string_view key = ctx.arg(1);
  StreamRef ref = find_for_write<StreamValue>(ctx, key);
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) {
    if (args.no_mkstream) return ctx.reply().null_bulk();
    ref = create_collection(ctx, key, std::make_unique<StreamValue>());
  }
  StreamValue& stream = *ref.collection;
  if (stream.last_id() == StreamId::max()) return ctx.reply().error(errors::kStreamExhausted);
  const std::optional<StreamId> id = next_entry_id(ctx, stream, args);
  if (!id) return;
  if (!stream.append(*id, ctx.args().subspan(first_field), node_limits(ctx))) {
    return ctx.reply().error(errors::kStreamElementsTooLarge);
  }
  reply_stream_id(ctx.reply(), *id);
  ctx.notify(keyspace_events::kStream, "xadd", key);
  ctx.dirty();
  if (args.trim && stream.trim(*args.trim) > 0) ctx.notify(keyspace_events::kStream, "xtrim", key);
  if (ctx.propagating()) {
    std::vector<std::string_view> argv(ctx.args().begin(), ctx.args().end());
    std::string trim_value;
    if (args.trim && args.trim->approximate)
      rewrite_approximate_trim(args, stream, argv, trim_value);
    const std::string id_text = id->to_string();
    if (!args.id_given || !args.seq_given) argv[args.id_index] = id_text;
    ctx.server().propagation().rewrite_call(argv);
  }
  ctx.signal_key_ready(key);
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
void xtrim(CommandContext& ctx) {
  AddTrimArgs args;
  if (!parse_add_trim_args(ctx, false, args)) return;
  if (!check_trim_args(ctx, false, args)) return;
  const std::string_view key = ctx.arg(1);
  StreamRef ref = find_for_write<StreamValue>(ctx, key);
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().integer(0);
  StreamValue& stream = *ref.collection;
  const size_t removed = stream.trim(*args.trim);
  if (removed > 0) {
    ctx.notify(keyspace_events::kStream, "xtrim", key);
    if (args.trim->approximate && ctx.propagating()) {
      std::vector<std::string_view> argv(ctx.args().begin(), ctx.args().end());
      std::string trim_value;
      rewrite_approximate_trim(args, stream, argv, trim_value);
      ctx.server().propagation().rewrite_call(argv);
    }
    ctx.dirty(removed);
  }
  ctx.reply().integer(static_cast<int64_t>(removed));
}

void xlen(CommandContext& ctx) {
  StreamRef ref = find_for_read<StreamValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  ctx.reply().integer(ref ? static_cast<int64_t>(ref.collection->size()) : 0);
}

// XRANGE key start end [COUNT count] and XREVRANGE key end start [COUNT count].
void xrange_generic(CommandContext& ctx, bool reverse) {
  const std::optional<StreamId> start = parse_interval_start(ctx, ctx.arg(reverse ? 3 : 2));
  if (!start) return;
  const std::optional<StreamId> end = parse_interval_end(ctx, ctx.arg(reverse ? 2 : 3));
  if (!end) return;
  int64_t count = -1;
  for (size_t i = 4; i < ctx.argc(); ++i) {
    if (!equals_nocase(ctx.arg(i), "count") || i + 1 >= ctx.argc()) {
      return ctx.reply().error(errors::kSyntax);
    }
    const std::optional<int64_t> value =
        parse_stream_integer(ctx, ctx.arg(++i), errors::kNotInteger);
    if (!value) return;
    count = *value < 0 ? 0 : *value;
  }
  StreamRef ref = find_for_read<StreamValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().empty_array();
  // Redis answers COUNT 0 with a null array, not an empty one.
  if (count == 0) return ctx.reply().null_array();
  reply_stream_range(ctx, *ref.collection, *start, *end, count < 0 ? 0 : count, reverse);
}

void xrange(CommandContext& ctx) { xrange_generic(ctx, false); }
void xrevrange(CommandContext& ctx) { xrange_generic(ctx, true); }

// XDEL key id [id ...]: every ID is checked before any is deleted.
void xdel(CommandContext& ctx) {
  const std::string_view key = ctx.arg(1);
  StreamRef ref = find_for_write<StreamValue>(ctx, key);
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().integer(0);
  std::vector<StreamId> ids;
  ids.reserve(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const std::optional<StreamId> id = parse_stream_id(ctx, ctx.arg(i), true);
    if (!id) return;
    ids.push_back(*id);
  }
  int64_t deleted = 0;
  for (StreamId id : ids) deleted += ref.collection->erase(id) ? 1 : 0;
  if (deleted > 0) {
    ctx.notify(keyspace_events::kStream, "xdel", key);
    ctx.dirty(deleted);
  }
  ctx.reply().integer(deleted);
}

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
void xsetid(CommandContext& ctx) {
  const std::optional<StreamId> id = parse_stream_id(ctx, ctx.arg(2), true);
  if (!id) return;
  int64_t entries_added = -1;
  StreamId max_deleted;
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    const bool has_value = i + 1 < ctx.argc();
    if (equals_nocase(ctx.arg(i), "entriesadded") && has_value) {
      const std::optional<int64_t> value =
          parse_stream_integer(ctx, ctx.arg(i + 1), errors::kNotInteger);
      if (!value) return;
      if (*value < 0) return ctx.reply().error(errors::kXsetidEntriesAddedNegative);
      entries_added = *value;
    } else if (equals_nocase(ctx.arg(i), "maxdeletedid") && has_value) {
      const std::optional<StreamId> value = parse_stream_id(ctx, ctx.arg(i + 1), true);
      if (!value) return;
      if (*id < *value) return ctx.reply().error(errors::kXsetidBelowGivenMaxDeleted);
      max_deleted = *value;
    } else {
      return ctx.reply().error(errors::kSyntax);
    }
  }
  const std::string_view key = ctx.arg(1);
  StreamRef ref = find_for_write<StreamValue>(ctx, key);
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().error(errors::kNoSuchKey);
  StreamValue& stream = *ref.collection;
  if (stream.size() > 0) {
    if (*id < *stream.last_entry_id()) return ctx.reply().error(errors::kXsetidBelowTopItem);
    if (entries_added != -1 && stream.size() > static_cast<uint64_t>(entries_added)) {
      return ctx.reply().error(errors::kXsetidEntriesAddedBelowLength);
    }
  }
  stream.set_last_id(*id);
  if (entries_added != -1) stream.set_entries_added(static_cast<uint64_t>(entries_added));
  if (!max_deleted.is_zero()) stream.set_max_deleted_id(max_deleted);
  notify_stream_event(ctx, "xsetid", key);
  ctx.dirty();
  ctx.reply().ok();
}

// clang-format off
constexpr CommandSpec kStreamCommands[] = {
    // name       arity flags                      first last step handler
    {"xadd",        -5, kWrite | kDenyOom | kFast,   1, 1, 1, xadd, "stream",
     "Appends a new entry to a stream", "5.0.0"},
    {"xlen",         2, kReadOnly | kFast,           1, 1, 1, xlen, "stream",
     "Return the number of entries in a stream", "5.0.0"},
    {"xrange",      -4, kReadOnly,                   1, 1, 1, xrange, "stream",
     "Return a range of elements in a stream, with IDs matching the specified IDs interval",
     "5.0.0"},
    {"xrevrange",   -4, kReadOnly,                   1, 1, 1, xrevrange, "stream",
     "Return a range of elements in a stream, with IDs matching the specified IDs interval, in "
     "reverse order (from greater to smaller IDs) compared to XRANGE", "5.0.0"},
    {"xdel",        -3, kWrite | kFast,              1, 1, 1, xdel, "stream",
     "Removes the specified entries from the stream. Returns the number of items actually "
     "deleted, that may be different from the number of IDs passed in case certain IDs do not "
     "exist.", "5.0.0"},
    {"xtrim",       -4, kWrite,                      1, 1, 1, xtrim, "stream",
     "Trims the stream to (approximately if '~' is passed) a certain size", "5.0.0"},
    {"xsetid",      -3, kWrite | kDenyOom | kFast,   1, 1, 1, xsetid, "stream",
     "An internal command for replicating stream values", "5.0.0"},
};
// clang-format on

}  // namespace

void register_stream_family(CommandTable& table) { table.add(kStreamCommands); }

}  // namespace fkvs
