// List commands: pushes and pops at both ends, indexes and ranges, LINSERT,
// LREM, LTRIM, LPOS and the moves between lists (LMOVE, RPOPLPUSH, LMPOP).
// The blocking forms build on list_ops.h.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>

#include "commands/collection_access.h"
#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "commands/list_ops.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// ---- Shared helpers ----

// An integer argument, or nullopt after replying "not an integer".
std::optional<int64_t> integer_arg(CommandContext& ctx, size_t index) {
  std::optional<int64_t> value = parse_int64(ctx.arg(index));
  if (!value) ctx.reply().error(errors::kNotInteger);
  return value;
}

// A count in 0 .. LONG_MAX (LPOP's count, LPOS's COUNT and MAXLEN), or
// nullopt after replying error, which Redis sends for a bad number too.
std::optional<int64_t> non_negative_arg(CommandContext& ctx, std::string_view arg,
                                        std::string_view error) {
  const std::optional<int64_t> value = parse_int64(arg);
  if (!value || *value < 0) {
    ctx.reply().error(error);
    return std::nullopt;
  }
  return value;
}

// Redis's range rule (LRANGE, LTRIM): negative indexes count from the tail,
// start is clamped to 0 and end to the last item. Empty when start > end.
struct Range {
  int64_t start;
  int64_t end;
  bool empty() const { return start > end; }
};

Range clamp_range(int64_t start, int64_t end, size_t size) {
  const auto length = static_cast<int64_t>(size);
  if (start < 0) start += length;
  if (end < 0) end += length;
  start = std::max<int64_t>(start, 0);
  if (start > end || start >= length) return {1, 0};
  return {start, std::min(end, length - 1)};
}

// ---- Pushes ----

enum class PushMode : uint8_t { kCreate, kOnlyExisting };

void push(CommandContext& ctx, ListEnd end, PushMode mode) {
  const std::string_view key = ctx.arg(1);
  ListRef ref = find_for_write<ListValue>(ctx, key);
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) {
    if (mode == PushMode::kOnlyExisting) return ctx.reply().integer(0);
    const int64_t fill = ctx.server().config().list_max_listpack_size;
    ref = create_collection(
        ctx, key, std::make_unique<ListValue>(fill, ctx.server().config().list_compress_depth));
  }
  QuickList& list = ref.collection->list();
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (end == ListEnd::kLeft) {
      list.push_front(ctx.arg(i));
    } else {
      list.push_back(ctx.arg(i));
    }
  }
  ctx.notify(keyspace_events::kList, push_event(end), key);
  ctx.dirty(ctx.argc() - 2);
  ctx.signal_key_ready(key);
  ctx.reply().integer(static_cast<int64_t>(list.size()));
}

void lpush(CommandContext& ctx) { push(ctx, ListEnd::kLeft, PushMode::kCreate); }
void rpush(CommandContext& ctx) { push(ctx, ListEnd::kRight, PushMode::kCreate); }
void lpushx(CommandContext& ctx) { push(ctx, ListEnd::kLeft, PushMode::kOnlyExisting); }
void rpushx(CommandContext& ctx) { push(ctx, ListEnd::kRight, PushMode::kOnlyExisting); }

// ---- Pops ----

// LPOP and RPOP: the count is checked before the key, and a missing key
// replies a nil array when a count was given and a nil bulk when not.
void pop(CommandContext& ctx, ListEnd end) {
  if (ctx.argc() > 3) return ctx.reply_error_naming_command(errors::kWrongArity);
  std::optional<int64_t> count;
  if (ctx.argc() == 3) {
    count = non_negative_arg(ctx, ctx.arg(2), errors::kMustBePositive);
    if (!count) return;
  }
  ListRef ref = find_for_write<ListValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return count ? ctx.reply().null_array() : ctx.reply().null_bulk();
  if (!count) return pop_one_and_reply(ctx, ref, end);
  pop_many_and_reply(ctx, ref, end, static_cast<uint64_t>(*count));
}

void lpop(CommandContext& ctx) { pop(ctx, ListEnd::kLeft); }
void rpop(CommandContext& ctx) { pop(ctx, ListEnd::kRight); }

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
void lmpop(CommandContext& ctx) {
  const std::optional<MpopArgs> args = parse_mpop_args(ctx, 1);
  if (!args) return;
  const std::optional<bool> popped = try_mpop_and_reply(ctx, *args);
  if (popped && !*popped) ctx.reply().null_array();
}

// ---- Moves ----

void move(CommandContext& ctx, ListEnd from, ListEnd to) {
  ListRef source = find_for_write<ListValue>(ctx, ctx.arg(1));
  if (source.wrong_type) return ctx.reply().error(errors::kWrongType);
  // A missing source replies nil before the destination's type is looked at.
  if (!source) return ctx.reply().null_bulk();
  move_and_reply(ctx, source, ctx.arg(2), from, to);
}

void lmove(CommandContext& ctx) {
  const std::optional<ListEnd> from = parse_list_end(ctx.arg(3));
  const std::optional<ListEnd> to = parse_list_end(ctx.arg(4));
  if (!from || !to) return ctx.reply().error(errors::kSyntax);
  move(ctx, *from, *to);
}

void rpoplpush(CommandContext& ctx) { move(ctx, ListEnd::kRight, ListEnd::kLeft); }

// ---- Reads ----

void llen(CommandContext& ctx) {
  const ListRef ref = find_for_read<ListValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  ctx.reply().integer(ref ? static_cast<int64_t>(ref.collection->size()) : 0);
}

// LINDEX looks the key up before it parses the index: a missing key is nil
// whatever the index.
void lindex(CommandContext& ctx) {
  const ListRef ref = find_for_read<ListValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().null_bulk();
  const std::optional<int64_t> index = integer_arg(ctx, 2);
  if (!index) return;
  const QuickList& list = ref.collection->list();
  const QuickList::Cursor cursor = list.at(*index);
  if (!cursor) return ctx.reply().null_bulk();
  reply_list_item(ctx, list.get(cursor));
  list.recompress();
}

// LRANGE parses its indexes before it looks the key up.
void lrange(CommandContext& ctx) {
  const std::optional<int64_t> start = integer_arg(ctx, 2);
  if (!start) return;
  const std::optional<int64_t> end = integer_arg(ctx, 3);
  if (!end) return;
  const ListRef ref = find_for_read<ListValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().empty_array();
  const QuickList& list = ref.collection->list();
  const Range range = clamp_range(*start, *end, list.size());
  if (range.empty()) return ctx.reply().empty_array();
  const auto count = static_cast<size_t>(range.end - range.start + 1);
  ctx.reply().array(count);
  QuickList::Cursor cursor = list.at(range.start);
  for (size_t i = 0; i < count; ++i, list.next(cursor)) reply_list_item(ctx, list.get(cursor));
  list.recompress();
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void lpos(CommandContext& ctx) {
  int64_t rank = 1;
  std::optional<int64_t> count;  // 0: every match
  int64_t maxlen = 0;            // 0: the whole list
  for (size_t i = 3; i < ctx.argc(); ++i) {
    const std::string_view option = ctx.arg(i);
    const bool has_value = i + 1 < ctx.argc();
    if (option_is(option, "rank") && has_value) {
      const std::optional<int64_t> value = integer_arg(ctx, ++i);
      if (!value) return;
      if (*value == 0) return ctx.reply().error(errors::kRankZero);
      rank = *value;
    } else if (option_is(option, "count") && has_value) {
      count = non_negative_arg(ctx, ctx.arg(++i), errors::kCountNegative);
      if (!count) return;
    } else if (option_is(option, "maxlen") && has_value) {
      const std::optional<int64_t> value =
          non_negative_arg(ctx, ctx.arg(++i), errors::kMaxLenNegative);
      if (!value) return;
      maxlen = *value;
    } else {
      return ctx.reply().error(errors::kSyntax);
    }
  }
  const ListRef ref = find_for_read<ListValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return count ? ctx.reply().empty_array() : ctx.reply().null_bulk();

  const QuickList& list = ref.collection->list();
  const bool from_tail = rank < 0;
  // Matches to skip before the first one reported. Redis 7.0 negates
  // LONG_MIN into itself, so RANK LONG_MIN acts as RANK -1.
  const uint64_t skip = rank == std::numeric_limits<int64_t>::min()
                            ? 0
                            : static_cast<uint64_t>(rank < 0 ? -rank : rank) - 1;
  const std::string_view element = ctx.arg(2);
  const size_t size = list.size();
  const auto limit = maxlen == 0 ? size : std::min<size_t>(size, static_cast<uint64_t>(maxlen));
  const size_t token = ctx.reply().begin_array();
  size_t reported = 0;
  uint64_t matches = 0;
  QuickList::Cursor cursor = from_tail ? list.last() : list.first();
  QuickList::BackwardWalk backward(list, cursor);
  for (size_t walked = 0; walked < limit; ++walked) {
    if (list.get(cursor).equals(element) && matches++ >= skip) {
      const size_t index = from_tail ? size - 1 - walked : walked;
      ctx.reply().integer(static_cast<int64_t>(index));
      ++reported;
      if (!count || (*count != 0 && reported == static_cast<uint64_t>(*count))) break;
    }
    if (from_tail) {
      backward.step();
      cursor = backward.cursor();
    } else {
      list.next(cursor);
    }
  }
  list.recompress();
  if (count) return ctx.reply().end_array(token, reported);
  if (reported == 0) ctx.reply().null_bulk();
}

// ---- Edits in place ----

// LSET looks the key up before it parses the index.
void lset(CommandContext& ctx) {
  ListRef ref = find_for_write<ListValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().error(errors::kNoSuchKey);
  const std::optional<int64_t> index = integer_arg(ctx, 2);
  if (!index) return;
  QuickList& list = ref.collection->list();
  const QuickList::Cursor cursor = list.at(*index);
  if (!cursor) return ctx.reply().error(errors::kIndexOutOfRange);
  list.replace(cursor, ctx.arg(3));
  ctx.notify(keyspace_events::kList, "lset", ctx.arg(1));
  ctx.dirty();
  ctx.reply().ok();
}

// LINSERT key BEFORE|AFTER pivot element: -1 when the pivot is missing, 0
// when the key is.
void linsert(CommandContext& ctx) {
  bool after;
  if (option_is(ctx.arg(2), "after")) {
    after = true;
  } else if (option_is(ctx.arg(2), "before")) {
    after = false;
  } else {
    return ctx.reply().error(errors::kSyntax);
  }
  ListRef ref = find_for_write<ListValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().integer(0);
  QuickList& list = ref.collection->list();
  const std::string_view pivot = ctx.arg(3);
  for (QuickList::Cursor cursor = list.first(); cursor; list.next(cursor)) {
    if (!list.get(cursor).equals(pivot)) continue;
    list.insert(cursor, ctx.arg(4), after);
    ctx.notify(keyspace_events::kList, "linsert", ctx.arg(1));
    ctx.dirty();
    return ctx.reply().integer(static_cast<int64_t>(list.size()));
  }
  ctx.reply().integer(-1);
}

// LREM key count element: count > 0 removes the first count matches from
// the head, count < 0 from the tail, 0 all of them.
void lrem(CommandContext& ctx) {
  const std::optional<int64_t> count = integer_arg(ctx, 2);
  if (!count) return;
  ListRef ref = find_for_write<ListValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().integer(0);
  QuickList& list = ref.collection->list();
  const std::string_view element = ctx.arg(3);
  const bool from_tail = *count < 0;
  // The magnitude as unsigned, so LONG_MIN is 2^63 rather than overflowing.
  const uint64_t wanted =
      from_tail ? 0 - static_cast<uint64_t>(*count) : static_cast<uint64_t>(*count);
  uint64_t removed = 0;
  QuickList::Cursor cursor = from_tail ? list.last() : list.first();
  QuickList::BackwardWalk backward(list, cursor);
  while (cursor && (wanted == 0 || removed < wanted)) {
    if (list.get(cursor).equals(element)) {
      cursor = list.erase(cursor, from_tail);
      backward.restart(cursor);
      ++removed;
    } else if (from_tail) {
      backward.step();
      cursor = backward.cursor();
    } else {
      list.next(cursor);
    }
  }
  if (removed > 0) {
    list.compact();
    ctx.notify(keyspace_events::kList, "lrem", ctx.arg(1));
    erase_if_empty(ctx, ref);
    ctx.dirty(removed);
  }
  ctx.reply().integer(static_cast<int64_t>(removed));
}

// LTRIM key start stop: keeps only the range (by LRANGE's rule); an empty
// range deletes the key.
void ltrim(CommandContext& ctx) {
  const std::optional<int64_t> start = integer_arg(ctx, 2);
  if (!start) return;
  const std::optional<int64_t> end = integer_arg(ctx, 3);
  if (!end) return;
  ListRef ref = find_for_write<ListValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().ok();
  QuickList& list = ref.collection->list();
  const size_t size = list.size();
  const Range range = clamp_range(*start, *end, size);
  if (range.empty()) {
    list.erase_range(0, size);
  } else {
    list.erase_range(static_cast<size_t>(range.end) + 1, size);
    list.erase_range(0, static_cast<size_t>(range.start));
  }
  ctx.dirty(size - list.size());
  ctx.notify(keyspace_events::kList, "ltrim", ctx.arg(1));
  erase_if_empty(ctx, ref);
  ctx.reply().ok();
}

// clang-format off
constexpr CommandSpec kListCommands[] = {
    // name      arity flags                     first last step handler
    {"lpush",      -3, kWrite | kDenyOom | kFast,  1,  1, 1, lpush, "list",
     "Prepend one or multiple elements to a list", "1.0.0"},
    {"rpush",      -3, kWrite | kDenyOom | kFast,  1,  1, 1, rpush, "list",
     "Append one or multiple elements to a list", "1.0.0"},
    {"lpushx",     -3, kWrite | kDenyOom | kFast,  1,  1, 1, lpushx, "list",
     "Prepend an element to a list, only if the list exists", "2.2.0"},
    {"rpushx",     -3, kWrite | kDenyOom | kFast,  1,  1, 1, rpushx, "list",
     "Append an element to a list, only if the list exists", "2.2.0"},
    {"lpop",       -2, kWrite | kFast,             1,  1, 1, lpop, "list",
     "Remove and get the first elements in a list", "1.0.0"},
    {"rpop",       -2, kWrite | kFast,             1,  1, 1, rpop, "list",
     "Remove and get the last elements in a list", "1.0.0"},
    {"llen",        2, kReadOnly | kFast,          1,  1, 1, llen, "list",
     "Get the length of a list", "1.0.0"},
    {"lrange",      4, kReadOnly,                  1,  1, 1, lrange, "list",
     "Get a range of elements from a list", "1.0.0"},
    {"lindex",      3, kReadOnly,                  1,  1, 1, lindex, "list",
     "Get an element from a list by its index", "1.0.0"},
    {"lset",        4, kWrite | kDenyOom,          1,  1, 1, lset, "list",
     "Set the value of an element in a list by its index", "1.0.0"},
    {"linsert",     5, kWrite | kDenyOom,          1,  1, 1, linsert, "list",
     "Insert an element before or after another element in a list", "2.2.0"},
    {"lrem",        4, kWrite,                     1,  1, 1, lrem, "list",
     "Remove elements from a list", "1.0.0"},
    {"ltrim",       4, kWrite,                     1,  1, 1, ltrim, "list",
     "Trim a list to the specified range", "1.0.0"},
    {"lpos",       -3, kReadOnly,                  1,  1, 1, lpos, "list",
     "Return the index of matching elements on a list", "6.0.6"},
    {"lmove",       5, kWrite | kDenyOom,          1,  2, 1, lmove, "list",
     "Pop an element from a list, push it to another list and return it", "6.2.0"},
    {"rpoplpush",   3, kWrite | kDenyOom,          1,  2, 1, rpoplpush, "list",
     "Remove the last element in a list, prepend it to another list and return it", "1.2.0"},
    // The keys follow numkeys (Redis marks LMPOP movablekeys, 0 0 0).
    {"lmpop",      -4, kWrite,                     0,  0, 0, lmpop, "list",
     "Pop elements from a list", "7.0.0"},
};
// clang-format on

}  // namespace

void register_list_family(CommandTable& table) { table.add(kListCommands); }

}  // namespace fkvs
