// Sorted-set commands on single members and counts: ZADD, ZINCRBY, ZREM,
// ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT, the pops,
// ZRANDMEMBER and ZSCAN. Ranges are in zset_range_family.cc, the
// multi-key operations in zset_set_ops.cc.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "commands/collection_access.h"
#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "commands/multi_pop_args.h"
#include "commands/scan_options.h"
#include "commands/zset_common.h"
#include "store/zset_range.h"
#include "store/zset_value.h"
#include "util/glob.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {

ZSetLimits zset_limits(CommandContext& ctx) { return encoding_limits(ctx.server().config()).zset; }

std::optional<int64_t> zset_parse_long(CommandContext& ctx, std::string_view text) {
  auto value = parse_int64(text);
  if (!value) ctx.reply().error(errors::kNotInteger);
  return value;
}

void zset_store_result(CommandContext& ctx, std::string_view key, std::unique_ptr<ZSetValue> set) {
  Db& db = ctx.db();
  if (set->size() == 0) {
    if (db.erase(key)) {
      ctx.notify(keyspace_events::kGeneric, "del", key);
      ctx.dirty();
    }
    return ctx.reply().integer(0);
  }
  const size_t size = set->size();
  auto [entry, added] = db.find_or_insert(key);
  if (!added && entry->has_ttl()) db.persist(entry);
  entry->value() = Value();
  entry->value().set_collection(std::move(set));
  // The event is the command's name ("zunionstore", "zrangestore").
  ctx.notify(keyspace_events::kZset, ctx.command().spec.name, key);
  ctx.signal_key_ready(key);
  ctx.dirty();
  ctx.reply().integer(static_cast<int64_t>(size));
}

std::optional<ZMpopArgs> parse_zmpop_args(CommandContext& ctx, size_t numkeys_index) {
  const std::optional<MultiPopArgs> args = parse_multi_pop_args(ctx, numkeys_index, "min", "max");
  if (!args) return std::nullopt;
  return ZMpopArgs{args->first_key, args->key_count, args->second_where,
                   static_cast<size_t>(args->count)};
}

std::optional<bool> try_zmpop_and_reply(CommandContext& ctx, const ZMpopArgs& args) {
  for (size_t i = args.first_key; i < args.first_key + args.key_count; ++i) {
    auto ref = find_for_write<ZSetValue>(ctx, ctx.arg(i));
    if (ref.wrong_type) {
      ctx.reply().error(errors::kWrongType);
      return std::nullopt;
    }
    if (!ref) continue;
    zset_pop(ctx, ref, ctx.arg(i), args.max, args.count, ZPopReply::kKeyThenPairs);
    return true;
  }
  return false;
}

void zset_pop(CommandContext& ctx, CollectionRef<ZSetValue>& ref, std::string_view key, bool max,
              size_t count, ZPopReply style) {
  ZSetValue& set = *ref.collection;
  const size_t popped = std::min(count, set.size());
  resp::ReplyWriter& reply = ctx.reply();
  switch (style) {
    case ZPopReply::kOne:
      reply.array(popped * 2);
      break;
    case ZPopReply::kScored:
      reply_scored_header(reply, popped, true);
      break;
    case ZPopReply::kKeyThenOne:
      reply.array(popped * 2 + 1);
      reply.bulk(key);
      break;
    case ZPopReply::kKeyThenPairs:
      reply.array(2);
      reply.bulk(key);
      reply.array(popped);
      break;
  }
  // ZMPOP nests its pairs in RESP2 too; a counted ZPOPMIN only in RESP3.
  const bool in_pairs =
      style == ZPopReply::kKeyThenPairs || (style == ZPopReply::kScored && reply.resp3());
  ZSetValue::Cursor cursor = set.at_rank(max ? set.size() - 1 : 0);
  for (size_t i = 0; i < popped; ++i) {
    if (in_pairs) reply.array(2);
    reply.bulk(cursor.member());
    reply.double_number(cursor.score());
    if (max) {
      cursor.prev();
    } else {
      cursor.next();
    }
  }
  set.erase_ranks(max ? set.size() - popped : 0, popped);
  ctx.dirty(popped);
  ctx.notify(keyspace_events::kZset, max ? "zpopmax" : "zpopmin", key);
  // ZMPOP and a served BZPOPMIN replay as the plain pop they were.
  if (ctx.propagating() && popped > 0) [[unlikely]] {
    const std::string count_text = std::to_string(popped);
    ctx.propagate_as({max ? "ZPOPMAX" : "ZPOPMIN", key, count_text});
  }
  erase_if_empty(ctx, ref);
}

namespace {

// ---- ZADD / ZINCRBY ----

struct AddFlags {
  bool nx = false;
  bool xx = false;
  bool gt = false;
  bool lt = false;
  bool ch = false;
  bool incr = false;
};

enum class AddOutcome { kAdded, kUpdated, kUnchanged, kSkipped, kNaN };

// Redis's zsetAdd: applies one member under the flags; new_score gets the
// score the member ends with when not skipped.
AddOutcome add_member(ZSetValue& set, std::string_view member, double score, const AddFlags& flags,
                      const ZSetLimits& limits, double& new_score) {
  const std::optional<double> current = set.score(member);
  if (current) {
    if (flags.nx) return AddOutcome::kSkipped;
    if (flags.incr) {
      score += *current;
      if (std::isnan(score)) return AddOutcome::kNaN;
    }
    if ((flags.lt && score >= *current) || (flags.gt && score <= *current)) {
      return AddOutcome::kSkipped;
    }
    new_score = score;
    if (score == *current) return AddOutcome::kUnchanged;
    set.set(member, score, limits);
    return AddOutcome::kUpdated;
  }
  if (flags.xx) return AddOutcome::kSkipped;
  new_score = score;
  set.set(member, score, limits);
  return AddOutcome::kAdded;
}

void add_generic(CommandContext& ctx, AddFlags flags, size_t first) {
  size_t index = first;
  for (; index < ctx.argc(); ++index) {
    const std::string_view option = ctx.arg(index);
    if (option_is(option, "nx")) {
      flags.nx = true;
    } else if (option_is(option, "xx")) {
      flags.xx = true;
    } else if (option_is(option, "ch")) {
      flags.ch = true;
    } else if (option_is(option, "incr")) {
      flags.incr = true;
    } else if (option_is(option, "gt")) {
      flags.gt = true;
    } else if (option_is(option, "lt")) {
      flags.lt = true;
    } else {
      break;
    }
  }
  const size_t arguments = ctx.argc() - index;
  if (arguments == 0 || arguments % 2 != 0) return ctx.reply().error(errors::kSyntax);
  const size_t elements = arguments / 2;
  if (flags.nx && flags.xx) return ctx.reply().error(errors::kZAddNxXx);
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt)) {
    return ctx.reply().error(errors::kZAddGtLtNx);
  }
  if (flags.incr && elements > 1) return ctx.reply().error(errors::kZAddIncrPairs);

  std::vector<double> scores(elements);
  for (size_t i = 0; i < elements; ++i) {
    auto score = parse_double(ctx.arg(index + 2 * i));
    if (!score) return ctx.reply().error(errors::kNotFloat);
    scores[i] = *score;
  }

  const std::string_view key = ctx.arg(1);
  auto ref = find_for_write<ZSetValue>(ctx, key);
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  const ZSetLimits limits = zset_limits(ctx);
  size_t added = 0;
  size_t updated = 0;
  bool processed = false;
  double score = 0;
  if (!ref) {
    if (flags.xx) {
      if (flags.incr) return ctx.reply().null_bulk();
      return ctx.reply().integer(0);
    }
    // Redis sizes a new set by its first member only.
    ref = create_collection(ctx, key,
                            std::make_unique<ZSetValue>(limits, 1, ctx.arg(index + 1).size()));
    ctx.signal_key_ready(key);
  }
  for (size_t i = 0; i < elements; ++i) {
    switch (
        add_member(*ref.collection, ctx.arg(index + 2 * i + 1), scores[i], flags, limits, score)) {
      case AddOutcome::kAdded:
        ++added;
        processed = true;
        break;
      case AddOutcome::kUpdated:
        ++updated;
        processed = true;
        break;
      case AddOutcome::kUnchanged:
        processed = true;
        break;
      case AddOutcome::kSkipped:
        break;
      case AddOutcome::kNaN:
        erase_if_empty(ctx, ref);
        return ctx.reply().error(errors::kZScoreNaN);
    }
  }
  ctx.dirty(added + updated);
  if (added + updated > 0) ctx.notify(keyspace_events::kZset, flags.incr ? "zincr" : "zadd", key);
  erase_if_empty(ctx, ref);
  if (flags.incr) {
    if (!processed) return ctx.reply().null_bulk();
    return ctx.reply().double_number(score);
  }
  ctx.reply().integer(static_cast<int64_t>(flags.ch ? added + updated : added));
}

void zadd(CommandContext& ctx) { add_generic(ctx, {}, 2); }

void zincrby(CommandContext& ctx) {
  AddFlags flags;
  flags.incr = true;
  add_generic(ctx, flags, 2);
}

// ---- Members ----

void zrem(CommandContext& ctx) {
  auto ref = find_for_write<ZSetValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().integer(0);
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (ref.collection->erase(ctx.arg(i))) ++removed;
    if (ref.collection->size() == 0) break;
  }
  ctx.dirty(static_cast<uint64_t>(removed));
  if (removed > 0) ctx.notify(keyspace_events::kZset, "zrem", ctx.arg(1));
  erase_if_empty(ctx, ref);
  ctx.reply().integer(removed);
}

void zcard(CommandContext& ctx) {
  auto ref = find_for_read<ZSetValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  ctx.reply().integer(ref ? static_cast<int64_t>(ref.collection->size()) : 0);
}

void zscore(CommandContext& ctx) {
  auto ref = find_for_read<ZSetValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().null_bulk();
  auto score = ref.collection->score(ctx.arg(2));
  if (!score) return ctx.reply().null_bulk();
  ctx.reply().double_number(*score);
}

void zmscore(CommandContext& ctx) {
  auto ref = find_for_read<ZSetValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  ctx.reply().array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    auto score = ref ? ref.collection->score(ctx.arg(i)) : std::nullopt;
    if (score) {
      ctx.reply().double_number(*score);
    } else {
      ctx.reply().null_bulk();
    }
  }
}

void rank_generic(CommandContext& ctx, bool reverse) {
  auto ref = find_for_read<ZSetValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().null_bulk();
  auto rank = ref.collection->rank(ctx.arg(2));
  if (!rank) return ctx.reply().null_bulk();
  const size_t value = reverse ? ref.collection->size() - 1 - *rank : *rank;
  ctx.reply().integer(static_cast<int64_t>(value));
}

void zrank(CommandContext& ctx) { rank_generic(ctx, false); }
void zrevrank(CommandContext& ctx) { rank_generic(ctx, true); }

void reply_span(CommandContext& ctx, std::pair<size_t, size_t> span) {
  ctx.reply().integer(span.first < span.second ? static_cast<int64_t>(span.second - span.first)
                                               : 0);
}

void zcount(CommandContext& ctx) {
  auto range = parse_score_range(ctx.arg(2), ctx.arg(3));
  if (!range) return ctx.reply().error(errors::kZMinMaxNotFloat);
  auto ref = find_for_read<ZSetValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().integer(0);
  reply_span(ctx, ref.collection->rank_span(*range));
}

void zlexcount(CommandContext& ctx) {
  auto range = parse_lex_range(ctx.arg(2), ctx.arg(3));
  if (!range) return ctx.reply().error(errors::kZMinMaxNotLex);
  auto ref = find_for_read<ZSetValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().integer(0);
  reply_span(ctx, ref.collection->rank_span(*range));
}

// ---- Pops ----

void pop_generic(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) return ctx.reply().error(errors::kSyntax);
  size_t count = 1;
  const bool counted = ctx.argc() == 3;
  if (counted) {
    auto parsed = parse_int64(ctx.arg(2));
    if (!parsed || *parsed < 0) return ctx.reply().error(errors::kMustBePositive);
    count = static_cast<size_t>(*parsed);
  }
  auto ref = find_for_write<ZSetValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref || count == 0) return ctx.reply().empty_array();
  // A count, even 1, makes RESP3 nest each member and score in a pair.
  zset_pop(ctx, ref, ctx.arg(1), max, count, counted ? ZPopReply::kScored : ZPopReply::kOne);
}

void zpopmin(CommandContext& ctx) { pop_generic(ctx, false); }
void zpopmax(CommandContext& ctx) { pop_generic(ctx, true); }

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
void zmpop(CommandContext& ctx) {
  const std::optional<ZMpopArgs> args = parse_zmpop_args(ctx, 1);
  if (!args) return;
  const std::optional<bool> popped = try_zmpop_and_reply(ctx, *args);
  if (popped && !*popped) ctx.reply().null_array();
}

// ---- ZRANDMEMBER ----

void reply_member(CommandContext& ctx, const ZSetValue::Cursor& cursor, bool with_scores) {
  reply_scored_member(ctx.reply(), cursor.member(), cursor.score(), with_scores);
}

void zrandmember(CommandContext& ctx) {
  static std::mt19937_64 random(std::random_device{}());
  if (ctx.argc() == 2) {
    auto ref = find_for_read<ZSetValue>(ctx, ctx.arg(1));
    if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
    if (!ref) return ctx.reply().null_bulk();
    const size_t rank = random() % ref.collection->size();
    return ctx.reply().bulk(ref.collection->at_rank(rank).member());
  }
  auto count = parse_int64(ctx.arg(2));
  if (!count) return ctx.reply().error(errors::kNotInteger);
  if (*count == INT64_MIN) return ctx.reply().error(errors::kRandCountOutOfRange);
  bool with_scores = false;
  if (ctx.argc() > 4 || (ctx.argc() == 4 && !option_is(ctx.arg(3), "withscores"))) {
    return ctx.reply().error(errors::kSyntax);
  }
  if (ctx.argc() == 4) {
    with_scores = true;
    if (*count < -INT64_MAX / 2 || *count > INT64_MAX / 2) {
      return ctx.reply().error(errors::kValueOutOfRange);
    }
  }
  auto ref = find_for_read<ZSetValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref || *count == 0) return ctx.reply().empty_array();
  const ZSetValue& set = *ref.collection;
  const size_t size = set.size();
  if (*count < 0) {
    // Repeats allowed: each pick independent.
    const auto picks = static_cast<uint64_t>(-*count);
    reply_scored_header(ctx.reply(), picks, with_scores);
    for (uint64_t i = 0; i < picks; ++i) {
      if (i % kRepliesPerOverflowCheck == 0 && ctx.reply_overflowed()) return;
      reply_member(ctx, set.at_rank(random() % size), with_scores);
    }
    return;
  }
  const auto wanted = static_cast<uint64_t>(*count);
  if (wanted >= size) {
    // Redis walks a sorted set from its highest member here.
    reply_scored_header(ctx.reply(), size, with_scores);
    for (auto cursor = set.at_rank(size - 1); cursor.valid(); cursor.prev()) {
      reply_member(ctx, cursor, with_scores);
    }
    return;
  }
  reply_scored_header(ctx.reply(), wanted, with_scores);
  if (wanted * 3 > size) {
    // Many of the members: a partial Fisher-Yates shuffle of all ranks
    // (size is under three times the reply).
    std::vector<size_t> ranks(size);
    for (size_t i = 0; i < size; ++i) ranks[i] = i;
    for (size_t i = 0; i < wanted; ++i) {
      std::swap(ranks[i], ranks[i + random() % (size - i)]);
      reply_member(ctx, set.at_rank(ranks[i]), with_scores);
    }
    return;
  }
  // Few of them: random ranks, skipping repeats.
  std::unordered_set<size_t> picked;
  while (picked.size() < wanted) {
    const size_t rank = random() % size;
    if (picked.insert(rank).second) reply_member(ctx, set.at_rank(rank), with_scores);
  }
}

// ---- ZSCAN ----

void zscan(CommandContext& ctx) {
  auto cursor = parse_uint64(ctx.arg(2));
  if (!cursor) return ctx.reply().error(errors::kInvalidCursor);
  auto ref = find_for_read<ZSetValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().raw("*2\r\n$1\r\n0\r\n*0\r\n");
  const std::optional<ScanOptions> options = parse_scan_options(ctx, 3);
  if (!options) return;
  const auto& [count, pattern, unused_type] = *options;
  std::vector<std::pair<std::string, double>> gathered;
  uint64_t next = *cursor;
  // As Redis: buckets until count members or ten times count steps.
  int64_t steps = count * 10;
  do {
    next = ref.collection->scan(
        next, [&](std::string_view member, double score) { gathered.emplace_back(member, score); });
  } while (next != 0 && steps-- > 0 && gathered.size() < static_cast<size_t>(count));

  resp::ReplyWriter& reply = ctx.reply();
  reply.array(2);
  reply_scan_cursor(reply, next);
  const size_t token = reply.begin_array();
  size_t returned = 0;
  // A listpack replies its stored score text, a skiplist "%.17g".
  const bool listpack = ref.collection->encoding() == Encoding::kListpack;
  char score_text[kDoubleTextMax];
  for (const auto& [member, score] : gathered) {
    if (pattern && !glob_match(*pattern, member)) continue;
    reply.bulk(member);
    reply.bulk(listpack ? ZSetValue::listpack_score_text(score, score_text)
                        : format_double(score, score_text));
    returned += 2;
  }
  reply.end_array(token, returned);
}

constexpr CommandSpec kZsetCommands[] = {
    // name        arity flags                       first last step handler
    {"zadd", -4, kWrite | kDenyOom | kFast, 1, 1, 1, zadd, "sorted-set",
     "Add one or more members to a sorted set, or update its score if it already exists", "1.2.0"},
    {"zincrby", 4, kWrite | kDenyOom | kFast, 1, 1, 1, zincrby, "sorted-set",
     "Increment the score of a member in a sorted set", "1.2.0"},
    {"zrem", -3, kWrite | kFast, 1, 1, 1, zrem, "sorted-set",
     "Remove one or more members from a sorted set", "1.2.0"},
    {"zcard", 2, kReadOnly | kFast, 1, 1, 1, zcard, "sorted-set",
     "Get the number of members in a sorted set", "1.2.0"},
    {"zscore", 3, kReadOnly | kFast, 1, 1, 1, zscore, "sorted-set",
     "Get the score associated with the given member in a sorted set", "1.2.0"},
    {"zmscore", -3, kReadOnly | kFast, 1, 1, 1, zmscore, "sorted-set",
     "Get the score associated with the given members in a sorted set", "6.2.0"},
    {"zrank", 3, kReadOnly | kFast, 1, 1, 1, zrank, "sorted-set",
     "Determine the index of a member in a sorted set", "2.0.0"},
    {"zrevrank", 3, kReadOnly | kFast, 1, 1, 1, zrevrank, "sorted-set",
     "Determine the index of a member in a sorted set, with scores ordered from high to low",
     "2.0.0"},
    {"zcount", 4, kReadOnly | kFast, 1, 1, 1, zcount, "sorted-set",
     "Count the members in a sorted set with scores within the given values", "2.0.0"},
    {"zlexcount", 4, kReadOnly | kFast, 1, 1, 1, zlexcount, "sorted-set",
     "Count the number of members in a sorted set between a given lexicographical range", "2.8.9"},
    {"zpopmin", -2, kWrite | kFast, 1, 1, 1, zpopmin, "sorted-set",
     "Remove and return members with the lowest scores in a sorted set", "5.0.0"},
    {"zpopmax", -2, kWrite | kFast, 1, 1, 1, zpopmax, "sorted-set",
     "Remove and return members with the highest scores in a sorted set", "5.0.0"},
    {"zmpop", -4, kWrite, 0, 0, 0, zmpop, "sorted-set",
     "Remove and return members with scores in a sorted set", "7.0.0"},
    {"zrandmember", -2, kReadOnly, 1, 1, 1, zrandmember, "sorted-set",
     "Get one or multiple random elements from a sorted set", "6.2.0"},
    {"zscan", -3, kReadOnly, 1, 1, 1, zscan, "sorted-set",
     "Incrementally iterate sorted sets elements and associated scores", "2.8.0"},
};

}  // namespace

void register_zset_family(CommandTable& table) {
  table.add(kZsetCommands);
  add_zset_range_commands(table);
  add_zset_set_ops_commands(table);
}

}  // namespace fkvs
