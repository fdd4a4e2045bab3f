// Hash commands: HSET/HMSET/HSETNX, HGET/HMGET, HDEL, HLEN, HSTRLEN, HEXISTS,
// HKEYS/HVALS/HGETALL, HINCRBY/HINCRBYFLOAT, HRANDFIELD and HSCAN.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "commands/collection_access.h"
#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "commands/scan_options.h"
#include "store/hash_value.h"
#include "util/glob.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

using HashRef = CollectionRef<HashValue>;

// HSCAN's COUNT when the client gives none, as in Redis.
// HSCAN visits at most this many buckets per COUNT, as Redis's maxiterations.
constexpr int64_t kScanBucketsPerCount = 10;
// HRANDFIELD with a count below size / kRandomSparseRatio picks fields one
// at a time instead of sampling from the whole hash (Redis's case 3 / 4).
constexpr uint64_t kRandomSparseRatio = 3;

HashLimits limits_of(CommandContext& ctx) { return encoding_limits(ctx.server().config()).hash; }

// Redis's hashTypeLookupWriteOrCreate: the key's hash, a new empty one if
// it is missing; replies WRONGTYPE and returns nullptr for another type.
HashValue* find_or_create(CommandContext& ctx) {
  HashRef ref = find_for_write<HashValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) {
    ctx.reply().error(errors::kWrongType);
    return nullptr;
  }
  if (!ref) ref = create_collection(ctx, ctx.arg(1), std::make_unique<HashValue>());
  return ref.collection;
}

// A read: the key's hash, or nullptr when missing (replying `missing`) or of
// another type (replying WRONGTYPE).
template <typename ReplyMissing>
HashValue* find_or_reply(CommandContext& ctx, ReplyMissing&& reply_missing) {
  HashRef ref = find_for_read<HashValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) {
    ctx.reply().error(errors::kWrongType);
    return nullptr;
  }
  if (!ref) reply_missing();
  return ref.collection;
}

// HRANDFIELD's reply of count fields: with values, RESP3 nests each
// [field, value] pair where RESP2 flattens them.
void begin_random_fields(resp::ReplyWriter& reply, uint64_t count, bool with_values) {
  reply.array(with_values && !reply.resp3() ? count * 2 : count);
}

void reply_pair(resp::ReplyWriter& reply, const HashValue::Pair& pair, bool with_value) {
  if (with_value && reply.resp3()) reply.array(2);
  reply.bulk(pair.field);
  if (with_value) reply.bulk(pair.value);
}

// ---- Setting ----

// HSET and HMSET: field value pairs from argument 2 on.
bool set_pairs(CommandContext& ctx, int64_t& added) {
  if (ctx.argc() % 2 != 0) {
    ctx.reply_error_naming_command(errors::kWrongArity);
    return false;
  }
  HashValue* hash = find_or_create(ctx);
  if (hash == nullptr) return false;
  const HashLimits limits = limits_of(ctx);
  hash->convert_if_any_long(ctx.args().subspan(2), limits);
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    if (hash->set(ctx.arg(i), ctx.arg(i + 1), limits)) ++added;
  }
  ctx.notify(keyspace_events::kHash, "hset", ctx.arg(1));
  ctx.dirty((ctx.argc() - 2) / 2);
  return true;
}

void hset(CommandContext& ctx) {
  int64_t added = 0;
  if (set_pairs(ctx, added)) ctx.reply().integer(added);
}

void hmset(CommandContext& ctx) {
  int64_t added = 0;
  if (set_pairs(ctx, added)) ctx.reply().ok();
}

void hsetnx(CommandContext& ctx) {
  HashValue* hash = find_or_create(ctx);
  if (hash == nullptr) return;
  // Redis looks for the field before checking lengths: an existing field
  // leaves a listpack as it is, however long the value sent.
  if (hash->contains(ctx.arg(2))) return ctx.reply().integer(0);
  const HashLimits limits = limits_of(ctx);
  hash->convert_if_any_long(ctx.args().subspan(2, 2), limits);
  hash->set(ctx.arg(2), ctx.arg(3), limits);
  ctx.notify(keyspace_events::kHash, "hset", ctx.arg(1));
  ctx.dirty();
  ctx.reply().integer(1);
}

// ---- Reading ----

void hget(CommandContext& ctx) {
  HashValue* hash = find_or_reply(ctx, [&] { ctx.reply().null_bulk(); });
  if (hash == nullptr) return;
  IntScratch scratch;
  const std::optional<std::string_view> value = hash->get(ctx.arg(2), scratch);
  if (!value) return ctx.reply().null_bulk();
  ctx.reply().bulk(*value);
}

void hmget(CommandContext& ctx) {
  HashRef ref = find_for_read<HashValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  resp::ReplyWriter& reply = ctx.reply();
  reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    IntScratch scratch;
    const std::optional<std::string_view> value =
        ref ? ref.collection->get(ctx.arg(i), scratch) : std::nullopt;
    if (value) {
      reply.bulk(*value);
    } else {
      reply.null_bulk();
    }
  }
}

void hlen(CommandContext& ctx) {
  HashValue* hash = find_or_reply(ctx, [&] { ctx.reply().integer(0); });
  if (hash != nullptr) ctx.reply().integer(static_cast<int64_t>(hash->size()));
}

void hstrlen(CommandContext& ctx) {
  HashValue* hash = find_or_reply(ctx, [&] { ctx.reply().integer(0); });
  if (hash == nullptr) return;
  IntScratch scratch;
  const std::optional<std::string_view> value = hash->get(ctx.arg(2), scratch);
  ctx.reply().integer(value ? static_cast<int64_t>(value->size()) : 0);
}

void hexists(CommandContext& ctx) {
  HashValue* hash = find_or_reply(ctx, [&] { ctx.reply().integer(0); });
  if (hash != nullptr) ctx.reply().integer(hash->contains(ctx.arg(2)) ? 1 : 0);
}

enum class Parts : uint8_t { kFields, kValues, kBoth };

void reply_all(CommandContext& ctx, Parts parts) {
  resp::ReplyWriter& reply = ctx.reply();
  HashValue* hash =
      find_or_reply(ctx, [&] { parts == Parts::kBoth ? reply.map(0) : reply.empty_array(); });
  if (hash == nullptr) return;
  if (parts == Parts::kBoth) {
    reply.map(hash->size());
  } else {
    reply.array(hash->size());
  }
  hash->for_each([&](std::string_view field, std::string_view value) {
    if (parts != Parts::kValues) reply.bulk(field);
    if (parts != Parts::kFields) reply.bulk(value);
  });
}

void hkeys(CommandContext& ctx) { reply_all(ctx, Parts::kFields); }
void hvals(CommandContext& ctx) { reply_all(ctx, Parts::kValues); }
void hgetall(CommandContext& ctx) { reply_all(ctx, Parts::kBoth); }

// ---- Deleting ----

void hdel(CommandContext& ctx) {
  HashRef ref = find_for_write<HashValue>(ctx, ctx.arg(1));
  if (ref.wrong_type) return ctx.reply().error(errors::kWrongType);
  if (!ref) return ctx.reply().integer(0);
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argc() && ref.collection->size() > 0; ++i) {
    if (ref.collection->erase(ctx.arg(i))) ++deleted;
  }
  if (deleted > 0) {
    ctx.notify(keyspace_events::kHash, "hdel", ctx.arg(1));
    erase_if_empty(ctx, ref);
    ctx.dirty(deleted);
  }
  ctx.reply().integer(deleted);
}

// ---- Counters ----

void hincrby(CommandContext& ctx) {
  const std::optional<int64_t> increment = parse_int64(ctx.arg(3));
  if (!increment) return ctx.reply().error(errors::kNotInteger);
  HashValue* hash = find_or_create(ctx);
  if (hash == nullptr) return;
  int64_t current = 0;
  IntScratch scratch;
  if (const std::optional<std::string_view> value = hash->get(ctx.arg(2), scratch)) {
    const std::optional<int64_t> number = parse_int64(*value);
    if (!number) return ctx.reply().error(errors::kHashValueNotInteger);
    current = *number;
  }
  int64_t result;
  if (__builtin_add_overflow(current, *increment, &result)) {
    return ctx.reply().error(errors::kOverflow);
  }
  char text[kInt64TextMax];
  hash->set(ctx.arg(2), std::string_view(text, format_int64(result, text)), limits_of(ctx));
  ctx.notify(keyspace_events::kHash, "hincrby", ctx.arg(1));
  ctx.dirty();
  ctx.reply().integer(result);
}

void hincrbyfloat(CommandContext& ctx) {
  const std::optional<long double> increment = parse_long_double(ctx.arg(3));
  if (!increment) return ctx.reply().error(errors::kNotFloat);
  if (std::isinf(*increment)) return ctx.reply().error(errors::kHashIncrementNanOrInf);
  HashValue* hash = find_or_create(ctx);
  if (hash == nullptr) return;
  long double current = 0;
  IntScratch scratch;
  if (const std::optional<std::string_view> value = hash->get(ctx.arg(2), scratch)) {
    const std::optional<long double> number = parse_long_double(*value);
    if (!number) return ctx.reply().error(errors::kHashValueNotFloat);
    current = *number;
  }
  const long double result = current + *increment;
  if (std::isnan(result) || std::isinf(result)) {
    return ctx.reply().error(errors::kIncrFloatNanOrInf);
  }
  char text[kLongDoubleTextMax];
  const std::string_view formatted = format_long_double(result, text);
  hash->set(ctx.arg(2), formatted, limits_of(ctx));
  ctx.propagate_as({"HSET", ctx.arg(1), ctx.arg(2), formatted});
  ctx.notify(keyspace_events::kHash, "hincrbyfloat", ctx.arg(1));
  ctx.dirty();
  ctx.reply().bulk(formatted);
}

// ---- HRANDFIELD ----

uint64_t random_below(uint64_t bound) {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_int_distribution<uint64_t>(0, bound - 1)(generator);
}

// A negative count: -count fields drawn independently, repeats allowed.
void reply_random_repeating(CommandContext& ctx, HashValue& hash, uint64_t count,
                            bool with_values) {
  resp::ReplyWriter& reply = ctx.reply();
  begin_random_fields(reply, count, with_values);
  HashValue::Scratch scratch;
  // A listpack has no random access: index its fields once.
  std::vector<HashValue::Ref> refs;
  if (hash.encoding() != Encoding::kHashtable) hash.refs(refs);
  for (uint64_t i = 0; i < count; ++i) {
    if (i % kRepliesPerOverflowCheck == 0 && ctx.reply_overflowed()) return;
    const HashValue::Ref ref = refs.empty() ? hash.random_ref() : refs[random_below(refs.size())];
    reply_pair(reply, hash.read(ref, scratch), with_values);
  }
}

// A positive count below the size: count distinct fields in random order.
void reply_random_distinct(resp::ReplyWriter& reply, HashValue& hash, uint64_t count,
                           bool with_values) {
  begin_random_fields(reply, count, with_values);
  HashValue::Scratch scratch;
  if (hash.encoding() == Encoding::kHashtable && count * kRandomSparseRatio <= hash.size()) {
    // Few of many: draw until count distinct, each draw likely new.
    std::unordered_set<HashNode*> seen;
    while (seen.size() < count) {
      const HashValue::Ref ref = hash.random_ref();
      if (seen.insert(ref.node).second) reply_pair(reply, hash.read(ref, scratch), with_values);
    }
    return;
  }
  // A partial shuffle of every field: the first count are the sample.
  std::vector<HashValue::Ref> refs;
  hash.refs(refs);
  for (uint64_t i = 0; i < count; ++i) {
    std::swap(refs[i], refs[i + random_below(refs.size() - i)]);
    reply_pair(reply, hash.read(refs[i], scratch), with_values);
  }
}

void hrandfield_with_count(CommandContext& ctx) {
  const std::optional<int64_t> count = parse_int64(ctx.arg(2));
  if (!count) return ctx.reply().error(errors::kNotInteger);
  if (*count == std::numeric_limits<int64_t>::min()) {
    return ctx.reply().error(errors::kRandCountOutOfRange);
  }
  bool with_values = false;
  if (ctx.argc() == 4 && equals_nocase(ctx.arg(3), "withvalues")) {
    with_values = true;
  } else if (ctx.argc() >= 4) {
    return ctx.reply().error(errors::kSyntax);
  }
  // Twice the count must fit: Redis's limit, checked before the key.
  constexpr int64_t kMaxWithValues = std::numeric_limits<int64_t>::max() / 2;
  if (with_values && (*count > kMaxWithValues || *count < -kMaxWithValues)) {
    return ctx.reply().error(errors::kValueOutOfRange);
  }
  HashValue* hash = find_or_reply(ctx, [&] { ctx.reply().empty_array(); });
  if (hash == nullptr) return;
  resp::ReplyWriter& reply = ctx.reply();
  if (*count == 0) return reply.empty_array();
  if (*count < 0) {
    return reply_random_repeating(ctx, *hash, static_cast<uint64_t>(-*count), with_values);
  }
  const auto wanted = static_cast<uint64_t>(*count);
  if (wanted >= hash->size()) {
    // The whole hash, in its own order, as Redis replies.
    begin_random_fields(reply, hash->size(), with_values);
    hash->for_each([&](std::string_view field, std::string_view value) {
      reply_pair(reply, {field, value}, with_values);
    });
    return;
  }
  reply_random_distinct(reply, *hash, wanted, with_values);
}

void hrandfield(CommandContext& ctx) {
  if (ctx.argc() >= 3) return hrandfield_with_count(ctx);
  HashValue* hash = find_or_reply(ctx, [&] { ctx.reply().null_bulk(); });
  if (hash == nullptr) return;
  HashValue::Scratch scratch;
  ctx.reply().bulk(hash->read(hash->random_ref(), scratch).field);
}

// ---- HSCAN ----

void hscan(CommandContext& ctx) {
  const std::optional<uint64_t> cursor = parse_uint64(ctx.arg(2));
  if (!cursor) return ctx.reply().error(errors::kInvalidCursor);
  // A missing key answers an empty page before the options are read.
  HashValue* hash = find_or_reply(ctx, [&] {
    ctx.reply().array(2);
    ctx.reply().bulk("0");
    ctx.reply().empty_array();
  });
  if (hash == nullptr) return;
  const std::optional<ScanOptions> options = parse_scan_options(ctx, 3);
  if (!options) return;
  // Named, not a structured binding: clang before 16 cannot capture one in a lambda.
  const int64_t count = options->count;
  const std::optional<std::string_view>& pattern = options->pattern;

  resp::ReplyWriter& reply = ctx.reply();
  reply.array(2);
  if (hash->encoding() == Encoding::kListpack) {
    // A listpack is small: Redis returns all of it at once, whatever the cursor.
    reply_scan_cursor(reply, 0);
    const size_t token = reply.begin_array();
    size_t returned = 0;
    hash->for_each([&](std::string_view field, std::string_view value) {
      if (pattern && !glob_match(*pattern, field)) return;
      reply.bulk(field);
      reply.bulk(value);
      returned += 2;
    });
    return reply.end_array(token, returned);
  }
  // COUNT counts fields (Redis 7.0 returns about COUNT pairs per page).
  std::vector<HashValue::Pair> page;
  int64_t buckets_left = count > std::numeric_limits<int64_t>::max() / kScanBucketsPerCount
                             ? std::numeric_limits<int64_t>::max()
                             : count * kScanBucketsPerCount;
  uint64_t next = *cursor;
  do {
    next = hash->scan_table(next, [&](std::string_view field, std::string_view value) {
      page.push_back({field, value});
    });
  } while (next != 0 && --buckets_left > 0 && static_cast<int64_t>(page.size()) < count);
  reply_scan_cursor(reply, next);
  const size_t token = reply.begin_array();
  size_t returned = 0;
  for (const HashValue::Pair& pair : page) {
    if (pattern && !glob_match(*pattern, pair.field)) continue;
    reply.bulk(pair.field);
    reply.bulk(pair.value);
    returned += 2;
  }
  reply.end_array(token, returned);
}

// clang-format off
constexpr CommandSpec kHashCommands[] = {
    // name          arity flags                      first last step handler
    {"hset",          -4, kWrite | kDenyOom | kFast,    1,  1, 1, hset, "hash",
     "Set the string value of a hash field", "2.0.0"},
    {"hsetnx",         4, kWrite | kDenyOom | kFast,    1,  1, 1, hsetnx, "hash",
     "Set the value of a hash field, only if the field does not exist", "2.0.0"},
    {"hmset",         -4, kWrite | kDenyOom | kFast,    1,  1, 1, hmset, "hash",
     "Set multiple hash fields to multiple values", "2.0.0"},
    {"hget",           3, kReadOnly | kFast,            1,  1, 1, hget, "hash",
     "Get the value of a hash field", "2.0.0"},
    {"hmget",         -3, kReadOnly | kFast,            1,  1, 1, hmget, "hash",
     "Get the values of all the given hash fields", "2.0.0"},
    {"hdel",          -3, kWrite | kFast,               1,  1, 1, hdel, "hash",
     "Delete one or more hash fields", "2.0.0"},
    {"hlen",           2, kReadOnly | kFast,            1,  1, 1, hlen, "hash",
     "Get the number of fields in a hash", "2.0.0"},
    {"hstrlen",        3, kReadOnly | kFast,            1,  1, 1, hstrlen, "hash",
     "Get the length of the value of a hash field", "3.2.0"},
    {"hexists",        3, kReadOnly | kFast,            1,  1, 1, hexists, "hash",
     "Determine if a hash field exists", "2.0.0"},
    {"hkeys",          2, kReadOnly,                    1,  1, 1, hkeys, "hash",
     "Get all the fields in a hash", "2.0.0"},
    {"hvals",          2, kReadOnly,                    1,  1, 1, hvals, "hash",
     "Get all the values in a hash", "2.0.0"},
    {"hgetall",        2, kReadOnly,                    1,  1, 1, hgetall, "hash",
     "Get all the fields and values in a hash", "2.0.0"},
    {"hincrby",        4, kWrite | kDenyOom | kFast,    1,  1, 1, hincrby, "hash",
     "Increment the integer value of a hash field by the given number", "2.0.0"},
    {"hincrbyfloat",   4, kWrite | kDenyOom | kFast,    1,  1, 1, hincrbyfloat, "hash",
     "Increment the float value of a hash field by the given amount", "2.6.0"},
    {"hrandfield",    -2, kReadOnly,                    1,  1, 1, hrandfield, "hash",
     "Get one or multiple random fields from a hash", "6.2.0"},
    {"hscan",         -3, kReadOnly,                    1,  1, 1, hscan, "hash",
     "Incrementally iterate hash fields and associated values", "2.8.0"},
};
// clang-format on

}  // namespace

void register_hash_family(CommandTable& table) { table.add(kHashCommands); }

}  // namespace fkvs
