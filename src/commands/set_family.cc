// Set commands: SADD, SREM, membership, SPOP/SRANDMEMBER, SMOVE, the
// SINTER/SUNION/SDIFF algebra with its STORE forms, SINTERCARD and SSCAN.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/collection_access.h"
#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "commands/scan_options.h"
#include "store/set_value.h"
#include "util/glob.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

using SetRef = CollectionRef<SetValue>;

size_t max_intset_entries(CommandContext& ctx) {
  return encoding_limits(ctx.server().config()).set_max_intset_entries;
}

// ---- Single-key commands ----

void sadd(CommandContext& ctx) {
  SetRef set = find_for_write<SetValue>(ctx, ctx.arg(1));
  if (set.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!set) set = create_collection(ctx, ctx.arg(1), SetValue::create_for(ctx.arg(2)));
  const size_t limit = max_intset_entries(ctx);
  int64_t added = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) added += set.collection->add(ctx.arg(i), limit) ? 1 : 0;
  if (added > 0) {
    ctx.notify(keyspace_events::kSet, "sadd", ctx.arg(1));
    ctx.dirty(added);
  }
  ctx.reply().integer(added);
}

void srem(CommandContext& ctx) {
  SetRef set = find_for_write<SetValue>(ctx, ctx.arg(1));
  if (set.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!set) return ctx.reply().integer(0);
  int64_t removed = 0;
  // Redis stops at the member that empties the set.
  for (size_t i = 2; i < ctx.argc() && set.collection->size() > 0; ++i) {
    if (set.collection->remove(ctx.arg(i))) ++removed;
  }
  if (removed > 0) {
    ctx.notify(keyspace_events::kSet, "srem", ctx.arg(1));
    erase_if_empty(ctx, set);
    ctx.dirty(removed);
  }
  ctx.reply().integer(removed);
}

void sismember(CommandContext& ctx) {
  SetRef set = find_for_read<SetValue>(ctx, ctx.arg(1));
  if (set.wrong_type) return ctx.reply().error(errors::kWrongType);
  ctx.reply().integer(set && set.collection->contains(ctx.arg(2)) ? 1 : 0);
}

void smismember(CommandContext& ctx) {
  SetRef set = find_for_read<SetValue>(ctx, ctx.arg(1));
  if (set.wrong_type) return ctx.reply().error(errors::kWrongType);
  ctx.reply().array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply().integer(set && set.collection->contains(ctx.arg(i)) ? 1 : 0);
  }
}

void scard(CommandContext& ctx) {
  SetRef set = find_for_read<SetValue>(ctx, ctx.arg(1));
  if (set.wrong_type) return ctx.reply().error(errors::kWrongType);
  ctx.reply().integer(set ? static_cast<int64_t>(set.collection->size()) : 0);
}

// Every member: a set in RESP3 (SMEMBERS, SUNION, SDIFF, SPOP with a count).
void reply_members(CommandContext& ctx, const SetValue& set) {
  resp::ReplyWriter& reply = ctx.reply();
  reply.set(set.size());
  set.for_each([&](std::string_view member) { reply.bulk(member); });
}

void smembers(CommandContext& ctx) {
  SetRef set = find_for_read<SetValue>(ctx, ctx.arg(1));
  if (set.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!set) return ctx.reply().set(0);
  reply_members(ctx, *set.collection);
}

// ---- SPOP / SRANDMEMBER ----

// SPOP key count, count >= 1 and below the set's size.
void pop_some(CommandContext& ctx, SetRef& set, size_t count) {
  SetValue& members = *set.collection;
  resp::ReplyWriter& reply = ctx.reply();
  reply.set(count);
  const size_t remaining = members.size() - count;
  if (remaining * 5 > count) {
    for (size_t i = 0; i < count; ++i) {
      members.pop_random([&](std::string_view member) {
        reply.bulk(member);
        ctx.propagate_as({"SREM", ctx.arg(1), member});
      });
    }
    return;
  }
  // Most of the set goes: as Redis, draw the few members that stay into a
  // new set, which picks its own encoding (integers left in a hashtable set
  // become an intset again), and reply with the rest.
  std::unique_ptr<SetValue> kept;
  const size_t limit = max_intset_entries(ctx);
  members.random_distinct(remaining, [&](std::string_view member) {
    if (!kept) kept = SetValue::create_for(member);
    kept->add(member, limit);
  });
  members.for_each([&](std::string_view member) {
    if (kept->contains(member)) return;
    reply.bulk(member);
    ctx.propagate_as({"SREM", ctx.arg(1), member});
  });
  // The key keeps its TTL, as Redis's dbOverwrite.
  set.entry->value().set_collection(std::move(kept));
}

void spop(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.reply().error(errors::kSyntax);
  std::optional<size_t> count;
  if (ctx.argc() == 3) {
    // Redis's getPositiveLongFromObjectOrReply: one message for both failures.
    auto parsed = parse_int64(ctx.arg(2));
    if (!parsed || *parsed < 0) return ctx.reply().error(errors::kMustBePositive);
    count = static_cast<size_t>(*parsed);
  }
  SetRef set = find_for_write<SetValue>(ctx, ctx.arg(1));
  if (!set && !set.wrong_type) return count ? ctx.reply().set(0) : ctx.reply().null_bulk();
  if (set.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!count) {
    // Replayed, the same member must go: the pick becomes an SREM.
    set.collection->pop_random([&](std::string_view member) {
      ctx.reply().bulk(member);
      ctx.propagate_as({"SREM", ctx.arg(1), member});
    });
    ctx.dirty();
    ctx.notify(keyspace_events::kSet, "spop", ctx.arg(1));
    erase_if_empty(ctx, set);
    return;
  }
  if (*count == 0) return ctx.reply().set(0);
  const size_t size = set.collection->size();
  if (*count >= size) {
    if (set.collection->encoding() == Encoding::kHashtable) {
      // Redis replies from a union of the set with nothing, a new set that
      // may be an intset (and so sorted) again.
      SetValue copy;
      const size_t limit = max_intset_entries(ctx);
      set.collection->for_each([&](std::string_view member) { copy.add(member, limit); });
      reply_members(ctx, copy);
    } else {
      reply_members(ctx, *set.collection);
    }
    ctx.notify(keyspace_events::kSet, "spop", ctx.arg(1));
    ctx.notify(keyspace_events::kGeneric, "del", ctx.arg(1));
    ctx.propagate_as({"DEL", ctx.arg(1)});
    ctx.db().erase(set.entry);
  } else {
    pop_some(ctx, set, *count);
    ctx.notify(keyspace_events::kSet, "spop", ctx.arg(1));
  }
  ctx.dirty(std::min(*count, size));
}

void srandmember(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.reply().error(errors::kSyntax);
  if (ctx.argc() == 2) {
    SetRef set = find_for_read<SetValue>(ctx, ctx.arg(1));
    if (set.wrong_type) return ctx.reply().error(errors::kWrongType);
    if (!set) return ctx.reply().null_bulk();
    set.collection->random_member([&](std::string_view member) { ctx.reply().bulk(member); });
    return;
  }
  auto parsed = parse_int64(ctx.arg(2));
  if (!parsed) return ctx.reply().error(errors::kNotInteger);
  if (*parsed == std::numeric_limits<int64_t>::min()) {
    return ctx.reply().error(errors::kRandCountOutOfRange);
  }
  const bool distinct = *parsed >= 0;
  const auto count = static_cast<size_t>(distinct ? *parsed : -*parsed);
  SetRef set = find_for_read<SetValue>(ctx, ctx.arg(1));
  if (set.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!set || count == 0) return ctx.reply().empty_array();
  SetValue& members = *set.collection;
  resp::ReplyWriter& reply = ctx.reply();
  auto reply_member = [&](std::string_view member) { reply.bulk(member); };
  if (!distinct || count == 1) {
    // Each pick is written as it is drawn: a huge count allocates nothing
    // up front, only the reply grows.
    reply.array(count);
    for (size_t i = 0; i < count; ++i) {
      if (i % kRepliesPerOverflowCheck == 0 && ctx.reply_overflowed()) return;
      members.random_member(reply_member);
    }
    return;
  }
  if (count >= members.size()) {
    // Every member, still an array in RESP3 (Redis 7.0 replies so).
    reply.array(members.size());
    members.for_each(reply_member);
    return;
  }
  reply.array(count);
  members.random_distinct(count, reply_member);
}

// ---- SMOVE ----

void smove(CommandContext& ctx) {
  const std::string_view member = ctx.arg(3);
  SetRef source = find_for_write<SetValue>(ctx, ctx.arg(1));
  SetRef destination = find_for_write<SetValue>(ctx, ctx.arg(2));
  // A missing source answers 0 before the destination's type is looked at.
  if (!source && !source.wrong_type) return ctx.reply().integer(0);
  if (source.wrong_type || destination.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (source.entry == destination.entry) {
    return ctx.reply().integer(source.collection->contains(member) ? 1 : 0);
  }
  if (!source.collection->remove(member)) return ctx.reply().integer(0);
  ctx.notify(keyspace_events::kSet, "srem", ctx.arg(1));
  erase_if_empty(ctx, source);
  if (!destination) {
    destination = create_collection(ctx, ctx.arg(2), SetValue::create_for(member));
  }
  const bool added = destination.collection->add(member, max_intset_entries(ctx));
  if (added) ctx.notify(keyspace_events::kSet, "sadd", ctx.arg(2));
  ctx.dirty(added ? 2 : 1);
  ctx.reply().integer(1);
}

// ---- SINTER / SUNION / SDIFF ----

// The source sets of a multi-key command: missing keys are null. Replies
// WRONGTYPE and returns nullopt if any key holds another type; Redis checks
// every key, so a missing key earlier does not hide a wrong type later.
// The STORE forms read their sources as reads too (hits and misses count).
std::optional<std::vector<SetValue*>> find_sources(CommandContext& ctx,
                                                   std::span<const std::string_view> keys) {
  std::vector<SetValue*> sets;
  sets.reserve(keys.size());
  for (std::string_view key : keys) {
    SetRef set = find_for_read<SetValue>(ctx, key);
    if (set.wrong_type) {
      ctx.reply().error(errors::kWrongType);
      return std::nullopt;
    }
    sets.push_back(set.collection);
  }
  return sets;
}

// Replaces destination with result (dropping any TTL, as Redis's setKey),
// or deletes it when the result is empty; replies with the result's size.
// The keyspace event is the command's name ("sunionstore").
void store_result(CommandContext& ctx, std::string_view destination,
                  std::unique_ptr<SetValue> result) {
  const size_t size = result->size();
  if (size == 0) {
    if (ctx.db().erase(destination)) {
      ctx.notify(keyspace_events::kGeneric, "del", destination);
      ctx.dirty();
    }
  } else {
    Value value;
    value.set_collection(std::move(result));
    ctx.db().insert(destination, std::move(value));
    ctx.notify(keyspace_events::kSet, ctx.command().spec.name, destination);
    ctx.dirty();
  }
  ctx.reply().integer(static_cast<int64_t>(size));
}

// The intersection, smallest set first; visit(member) for each member in the
// smallest set's order until it returns false.
template <typename Visitor>
void intersect(std::vector<SetValue*>& sets, Visitor&& visit) {
  std::sort(sets.begin(), sets.end(),
            [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  bool more = true;
  sets[0]->for_each([&](std::string_view member) {
    if (!more) return;
    for (size_t i = 1; i < sets.size(); ++i) {
      if (sets[i] != sets[0] && !sets[i]->contains(member)) return;
    }
    more = visit(member);
  });
}

void sinter_generic(CommandContext& ctx, std::span<const std::string_view> keys,
                    std::optional<std::string_view> destination) {
  auto sets = find_sources(ctx, keys);
  if (!sets) return;
  const bool any_missing = std::find(sets->begin(), sets->end(), nullptr) != sets->end();
  if (destination) {
    auto result = std::make_unique<SetValue>();
    if (!any_missing) {
      const size_t limit = max_intset_entries(ctx);
      intersect(*sets, [&](std::string_view member) {
        result->add(member, limit);
        return true;
      });
    }
    return store_result(ctx, *destination, std::move(result));
  }
  if (any_missing) return ctx.reply().set(0);
  resp::ReplyWriter& reply = ctx.reply();
  const size_t token = reply.begin_array();
  size_t count = 0;
  intersect(*sets, [&](std::string_view member) {
    reply.bulk(member);
    ++count;
    return true;
  });
  reply.end_set(token, count);
}

void sinter(CommandContext& ctx) { sinter_generic(ctx, ctx.args().subspan(1), std::nullopt); }

void sinterstore(CommandContext& ctx) { sinter_generic(ctx, ctx.args().subspan(2), ctx.arg(1)); }

void sintercard(CommandContext& ctx) {
  auto numkeys = parse_int64(ctx.arg(1));
  if (!numkeys || *numkeys < 1) return ctx.reply().error(errors::kNumKeysNotPositive);
  if (static_cast<uint64_t>(*numkeys) > ctx.argc() - 2) {
    return ctx.reply().error(errors::kNumkeysTooMany);
  }
  const size_t keys_end = 2 + static_cast<size_t>(*numkeys);
  size_t limit = 0;  // none
  for (size_t i = keys_end; i < ctx.argc(); ++i) {
    if (!equals_nocase(ctx.arg(i), "limit") || i + 1 >= ctx.argc()) {
      return ctx.reply().error(errors::kSyntax);
    }
    auto parsed = parse_int64(ctx.arg(++i));
    if (!parsed || *parsed < 0) return ctx.reply().error(errors::kLimitNegative);
    limit = static_cast<size_t>(*parsed);
  }
  auto sets = find_sources(ctx, ctx.args().subspan(2, keys_end - 2));
  if (!sets) return;
  if (std::find(sets->begin(), sets->end(), nullptr) != sets->end()) return ctx.reply().integer(0);
  size_t count = 0;
  intersect(*sets, [&](std::string_view) { return ++count != limit; });
  ctx.reply().integer(static_cast<int64_t>(count));
}

enum class SetOp : uint8_t { kUnion, kDiff };

// Redis builds the union or difference as a new set (intset until a member
// says otherwise) and replies in that set's order.
void sunion_diff_generic(CommandContext& ctx, std::span<const std::string_view> keys,
                         std::optional<std::string_view> destination, SetOp op) {
  auto sets = find_sources(ctx, keys);
  if (!sets) return;
  auto result = std::make_unique<SetValue>();
  const size_t limit = max_intset_entries(ctx);
  if (op == SetOp::kUnion) {
    for (const SetValue* set : *sets) {
      if (set) set->for_each([&](std::string_view member) { result->add(member, limit); });
    }
  } else if (const SetValue* first = (*sets)[0]) {
    first->for_each([&](std::string_view member) {
      for (size_t i = 1; i < sets->size(); ++i) {
        const SetValue* other = (*sets)[i];
        if (other && (other == first || other->contains(member))) return;
      }
      result->add(member, limit);
    });
  }
  if (destination) return store_result(ctx, *destination, std::move(result));
  reply_members(ctx, *result);
}

void sunion(CommandContext& ctx) {
  sunion_diff_generic(ctx, ctx.args().subspan(1), std::nullopt, SetOp::kUnion);
}
void sunionstore(CommandContext& ctx) {
  sunion_diff_generic(ctx, ctx.args().subspan(2), ctx.arg(1), SetOp::kUnion);
}
void sdiff(CommandContext& ctx) {
  sunion_diff_generic(ctx, ctx.args().subspan(1), std::nullopt, SetOp::kDiff);
}
void sdiffstore(CommandContext& ctx) {
  sunion_diff_generic(ctx, ctx.args().subspan(2), ctx.arg(1), SetOp::kDiff);
}

// ---- SSCAN ----

void sscan(CommandContext& ctx) {
  auto cursor = parse_uint64(ctx.arg(2));
  if (!cursor) return ctx.reply().error(errors::kInvalidCursor);
  SetRef set = find_for_read<SetValue>(ctx, ctx.arg(1));
  if (set.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!set) return ctx.reply().raw("*2\r\n$1\r\n0\r\n*0\r\n");
  const std::optional<ScanOptions> options = parse_scan_options(ctx, 3);
  if (!options) return;
  // Named, not a structured binding: clang before 16 cannot capture one in a lambda.
  const int64_t count = options->count;
  const std::optional<std::string_view>& pattern = options->pattern;
  // As Redis: gather up to COUNT members (visiting at most ten times as many
  // buckets), then filter by the pattern. Views into the nodes stay valid:
  // nothing changes the set meanwhile. Intset members are formatted, so
  // they are copied.
  std::vector<std::string> gathered;
  int64_t visited = 0;
  uint64_t next = *cursor;
  int64_t calls_left = count > std::numeric_limits<int64_t>::max() / 10
                           ? std::numeric_limits<int64_t>::max()
                           : count * 10;
  do {
    next = set.collection->scan(next, [&](std::string_view member) {
      ++visited;
      if (!pattern || glob_match(*pattern, member)) gathered.emplace_back(member);
    });
  } while (next != 0 && calls_left-- > 0 && visited < count);
  resp::ReplyWriter& reply = ctx.reply();
  reply.array(2);
  reply_scan_cursor(reply, next);
  reply.array(gathered.size());
  for (const std::string& member : gathered) reply.bulk(member);
}

// clang-format off
constexpr CommandSpec kSetCommands[] = {
    // name          arity flags                     first last step handler
    {"sadd",          -3, kWrite | kDenyOom | kFast,   1,  1, 1, sadd, "set",
     "Add one or more members to a set", "1.0.0"},
    {"srem",          -3, kWrite | kFast,              1,  1, 1, srem, "set",
     "Remove one or more members from a set", "1.0.0"},
    {"sismember",      3, kReadOnly | kFast,           1,  1, 1, sismember, "set",
     "Determine if a given value is a member of a set", "1.0.0"},
    {"smismember",    -3, kReadOnly | kFast,           1,  1, 1, smismember, "set",
     "Returns the membership associated with the given elements for a set", "6.2.0"},
    {"scard",          2, kReadOnly | kFast,           1,  1, 1, scard, "set",
     "Get the number of members in a set", "1.0.0"},
    {"smembers",       2, kReadOnly,                   1,  1, 1, smembers, "set",
     "Get all the members in a set", "1.0.0"},
    {"spop",          -2, kWrite | kFast,              1,  1, 1, spop, "set",
     "Remove and return one or multiple random members from a set", "1.0.0"},
    {"srandmember",   -2, kReadOnly,                   1,  1, 1, srandmember, "set",
     "Get one or multiple random members from a set", "1.0.0"},
    {"smove",          4, kWrite | kFast,              1,  2, 1, smove, "set",
     "Move a member from one set to another", "1.0.0"},
    {"sinter",        -2, kReadOnly,                   1, -1, 1, sinter, "set",
     "Intersect multiple sets", "1.0.0"},
    {"sintercard",    -3, kReadOnly,                   0,  0, 0, sintercard, "set",
     "Intersect multiple sets and return the cardinality of the result", "7.0.0"},
    {"sinterstore",   -3, kWrite | kDenyOom,           1, -1, 1, sinterstore, "set",
     "Intersect multiple sets and store the resulting set in a key", "1.0.0"},
    {"sunion",        -2, kReadOnly,                   1, -1, 1, sunion, "set",
     "Add multiple sets", "1.0.0"},
    {"sunionstore",   -3, kWrite | kDenyOom,           1, -1, 1, sunionstore, "set",
     "Add multiple sets and store the resulting set in a key", "1.0.0"},
    {"sdiff",         -2, kReadOnly,                   1, -1, 1, sdiff, "set",
     "Subtract multiple sets", "1.0.0"},
    {"sdiffstore",    -3, kWrite | kDenyOom,           1, -1, 1, sdiffstore, "set",
     "Subtract multiple sets and store the resulting set in a key", "1.0.0"},
    {"sscan",         -3, kReadOnly,                   1,  1, 1, sscan, "set",
     "Incrementally iterate Set elements", "2.8.0"},
};
// clang-format on

}  // namespace

void register_set_family(CommandTable& table) { table.add(kSetCommands); }

}  // namespace fkvs
