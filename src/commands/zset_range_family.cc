// Sorted-set ranges: ZRANGE (and its BYSCORE, BYLEX, REV, LIMIT forms),
// ZRANGESTORE, the older ZREVRANGE / Z[REV]RANGEBYSCORE / Z[REV]RANGEBYLEX,
// and ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX.
//
// Every range becomes a window of ranks, walked forward or backward; that
// one walk replies or fills ZRANGESTORE's destination.
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "commands/collection_access.h"
#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/zset_common.h"
#include "store/zset_range.h"
#include "store/zset_value.h"
#include "util/strings.h"

namespace fkvs {
namespace {

enum class RangeKind { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// The members a range selects: count of them from rank first, towards
// lower ranks when reverse.
struct RankWindow {
  size_t first = 0;
  size_t count = 0;
  bool reverse = false;
};

// Z[REV]RANGE's start and stop, as Redis clamps them.
RankWindow rank_window(int64_t start, int64_t end, size_t size, bool reverse) {
  const auto length = static_cast<int64_t>(size);
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (start > end || start >= length) return {};
  if (end >= length) end = length - 1;
  const auto count = static_cast<size_t>(end - start + 1);
  if (reverse) return {size - 1 - static_cast<size_t>(start), count, true};
  return {static_cast<size_t>(start), count, false};
}

// A span of ranks [begin, end) narrowed by LIMIT offset count (a negative
// count means all; a negative offset selects nothing, as in Redis).
RankWindow span_window(std::pair<size_t, size_t> span, int64_t offset, int64_t limit,
                       bool reverse) {
  if (span.first >= span.second || offset < 0) return {};
  const size_t length = span.second - span.first;
  if (static_cast<uint64_t>(offset) >= length) return {};
  size_t count = length - static_cast<size_t>(offset);
  if (limit >= 0 && static_cast<uint64_t>(limit) < count) count = static_cast<size_t>(limit);
  if (reverse) return {span.second - 1 - static_cast<size_t>(offset), count, true};
  return {span.first + static_cast<size_t>(offset), count, false};
}

// Redis's zrangeGenericCommand. key_index is the source key; store names
// ZRANGESTORE's destination.
void range_generic(CommandContext& ctx, size_t key_index, std::optional<std::string_view> store,
                   RangeKind kind, Direction direction) {
  size_t min_index = key_index + 1;
  size_t max_index = key_index + 2;
  bool with_scores = false;
  int64_t offset = 0;
  int64_t limit = -1;
  for (size_t i = key_index + 3; i < ctx.argc(); ++i) {
    const std::string_view option = ctx.arg(i);
    const size_t left = ctx.argc() - i - 1;
    if (!store && option_is(option, "withscores")) {
      with_scores = true;
    } else if (option_is(option, "limit") && left >= 2) {
      auto parsed_offset = zset_parse_long(ctx, ctx.arg(i + 1));
      if (!parsed_offset) return;
      auto parsed_limit = zset_parse_long(ctx, ctx.arg(i + 2));
      if (!parsed_limit) return;
      offset = *parsed_offset;
      limit = *parsed_limit;
      i += 2;
    } else if (direction == Direction::kAuto && option_is(option, "rev")) {
      direction = Direction::kReverse;
    } else if (kind == RangeKind::kAuto && option_is(option, "bylex")) {
      kind = RangeKind::kLex;
    } else if (kind == RangeKind::kAuto && option_is(option, "byscore")) {
      kind = RangeKind::kScore;
    } else {
      return ctx.reply().error(errors::kSyntax);
    }
  }
  if (direction == Direction::kAuto) direction = Direction::kForward;
  if (kind == RangeKind::kAuto) kind = RangeKind::kRank;
  const bool reverse = direction == Direction::kReverse;
  // Redis tests LIMIT by its count: "LIMIT 5 -1" passes in a rank range.
  if (limit != -1 && kind == RangeKind::kRank) return ctx.reply().error(errors::kZLimitNeedsBy);
  if (with_scores && kind == RangeKind::kLex) return ctx.reply().error(errors::kZWithScoresByLex);
  // A reversed score or lex range is given max first.
  if (reverse && kind != RangeKind::kRank) std::swap(min_index, max_index);

  int64_t start = 0;
  int64_t end = 0;
  std::optional<ScoreRange> score_range;
  std::optional<LexRange> lex_range;
  switch (kind) {
    case RangeKind::kAuto:
    case RangeKind::kRank: {
      auto parsed_start = zset_parse_long(ctx, ctx.arg(min_index));
      if (!parsed_start) return;
      auto parsed_end = zset_parse_long(ctx, ctx.arg(max_index));
      if (!parsed_end) return;
      start = *parsed_start;
      end = *parsed_end;
      break;
    }
    case RangeKind::kScore:
      score_range = parse_score_range(ctx.arg(min_index), ctx.arg(max_index));
      if (!score_range) return ctx.reply().error(errors::kZMinMaxNotFloat);
      break;
    case RangeKind::kLex:
      lex_range = parse_lex_range(ctx.arg(min_index), ctx.arg(max_index));
      if (!lex_range) return ctx.reply().error(errors::kZMinMaxNotLex);
      break;
  }

  auto ref = find_for_read<ZSetValue>(ctx, ctx.arg(key_index));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  const ZSetLimits limits = zset_limits(ctx);
  if (!ref) {
    if (store) return zset_store_result(ctx, *store, std::make_unique<ZSetValue>(limits, 0, 0));
    return ctx.reply().empty_array();
  }
  const ZSetValue& set = *ref.collection;
  RankWindow window;
  if (kind == RangeKind::kRank) {
    window = rank_window(start, end, set.size(), reverse);
  } else if (score_range) {
    window = span_window(set.rank_span(*score_range), offset, limit, reverse);
  } else {
    window = span_window(set.rank_span(*lex_range), offset, limit, reverse);
  }

  ZSetValue::Cursor cursor = set.at_rank(window.first);
  auto advance = [&] {
    if (window.reverse) {
      cursor.prev();
    } else {
      cursor.next();
    }
  };
  if (store) {
    // Redis sizes the destination by the count when it knows it up front.
    auto result =
        std::make_unique<ZSetValue>(limits, kind == RangeKind::kRank ? window.count : 0, 0);
    for (size_t i = 0; i < window.count; ++i, advance()) {
      result->set(cursor.member(), cursor.score(), limits);
    }
    return zset_store_result(ctx, *store, std::move(result));
  }
  reply_scored_header(ctx.reply(), window.count, with_scores);
  for (size_t i = 0; i < window.count; ++i, advance()) {
    reply_scored_member(ctx.reply(), cursor.member(), cursor.score(), with_scores);
  }
}

void zrange(CommandContext& ctx) {
  range_generic(ctx, 1, std::nullopt, RangeKind::kAuto, Direction::kAuto);
}
void zrangestore(CommandContext& ctx) {
  range_generic(ctx, 2, ctx.arg(1), RangeKind::kAuto, Direction::kAuto);
}
void zrevrange(CommandContext& ctx) {
  range_generic(ctx, 1, std::nullopt, RangeKind::kRank, Direction::kReverse);
}
void zrangebyscore(CommandContext& ctx) {
  range_generic(ctx, 1, std::nullopt, RangeKind::kScore, Direction::kForward);
}
void zrevrangebyscore(CommandContext& ctx) {
  range_generic(ctx, 1, std::nullopt, RangeKind::kScore, Direction::kReverse);
}
void zrangebylex(CommandContext& ctx) {
  range_generic(ctx, 1, std::nullopt, RangeKind::kLex, Direction::kForward);
}
void zrevrangebylex(CommandContext& ctx) {
  range_generic(ctx, 1, std::nullopt, RangeKind::kLex, Direction::kReverse);
}

// ---- ZREMRANGEBY* ----

void remove_range_generic(CommandContext& ctx, RangeKind kind) {
  int64_t start = 0;
  int64_t end = 0;
  std::optional<ScoreRange> score_range;
  std::optional<LexRange> lex_range;
  if (kind == RangeKind::kRank) {
    auto parsed_start = zset_parse_long(ctx, ctx.arg(2));
    if (!parsed_start) return;
    auto parsed_end = zset_parse_long(ctx, ctx.arg(3));
    if (!parsed_end) return;
    start = *parsed_start;
    end = *parsed_end;
  } else if (kind == RangeKind::kScore) {
    score_range = parse_score_range(ctx.arg(2), ctx.arg(3));
    if (!score_range) return ctx.reply().error(errors::kZMinMaxNotFloat);
  } else {
    lex_range = parse_lex_range(ctx.arg(2), ctx.arg(3));
    if (!lex_range) return ctx.reply().error(errors::kZMinMaxNotLex);
  }
  auto ref = find_for_write<ZSetValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().integer(0);
  ZSetValue& set = *ref.collection;
  RankWindow window;
  if (kind == RangeKind::kRank) {
    window = rank_window(start, end, set.size(), false);
  } else if (score_range) {
    window = span_window(set.rank_span(*score_range), 0, -1, false);
  } else {
    window = span_window(set.rank_span(*lex_range), 0, -1, false);
  }
  set.erase_ranks(window.first, window.count);
  ctx.dirty(window.count);
  // The event is the command's name ("zremrangebyscore").
  if (window.count > 0) ctx.notify(keyspace_events::kZset, ctx.command().spec.name, ctx.arg(1));
  erase_if_empty(ctx, ref);
  ctx.reply().integer(static_cast<int64_t>(window.count));
}

void zremrangebyrank(CommandContext& ctx) { remove_range_generic(ctx, RangeKind::kRank); }
void zremrangebyscore(CommandContext& ctx) { remove_range_generic(ctx, RangeKind::kScore); }
void zremrangebylex(CommandContext& ctx) { remove_range_generic(ctx, RangeKind::kLex); }

constexpr CommandSpec kZsetRangeCommands[] = {
    {"zrange", -4, kReadOnly, 1, 1, 1, zrange, "sorted-set",
     "Return a range of members in a sorted set", "1.2.0"},
    {"zrangestore", -5, kWrite | kDenyOom, 1, 2, 1, zrangestore, "sorted-set",
     "Store a range of members from sorted set into another key", "6.2.0"},
    {"zrevrange", -4, kReadOnly, 1, 1, 1, zrevrange, "sorted-set",
     "Return a range of members in a sorted set, by index, with scores ordered from high to low",
     "1.2.0"},
    {"zrangebyscore", -4, kReadOnly, 1, 1, 1, zrangebyscore, "sorted-set",
     "Return a range of members in a sorted set, by score", "1.0.5"},
    {"zrevrangebyscore", -4, kReadOnly, 1, 1, 1, zrevrangebyscore, "sorted-set",
     "Return a range of members in a sorted set, by score, with scores ordered from high to low",
     "2.2.0"},
    {"zrangebylex", -4, kReadOnly, 1, 1, 1, zrangebylex, "sorted-set",
     "Return a range of members in a sorted set, by lexicographical range", "2.8.9"},
    {"zrevrangebylex", -4, kReadOnly, 1, 1, 1, zrevrangebylex, "sorted-set",
     "Return a range of members in a sorted set, by lexicographical range, ordered from higher "
     "to lower strings.",
     "2.8.9"},
    {"zremrangebyrank", 4, kWrite, 1, 1, 1, zremrangebyrank, "sorted-set",
     "Remove all members in a sorted set within the given indexes", "2.0.0"},
    {"zremrangebyscore", 4, kWrite, 1, 1, 1, zremrangebyscore, "sorted-set",
     "Remove all members in a sorted set within the given scores", "1.2.0"},
    {"zremrangebylex", 4, kWrite, 1, 1, 1, zremrangebylex, "sorted-set",
     "Remove all members in a sorted set between the given lexicographical range", "2.8.9"},
};

}  // namespace

void add_zset_range_commands(CommandTable& table) { table.add(kZsetRangeCommands); }

}  // namespace fkvs
