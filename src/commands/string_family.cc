// String commands: GET, SET and its variants, MGET/MSET, APPEND, GETRANGE,
// SETRANGE, STRLEN and the INCR family.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "util/clock.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// ---- Shared helpers ----

void reply_string(CommandContext& ctx, const Value& value) {
  IntScratch scratch;
  ctx.reply().bulk(value.string_bytes(scratch));
}

// Stores bytes as the key's string, in place so an existing value's storage
// is reused. Like Redis's setKey, any TTL goes unless keep_ttl. Returns the
// entry, which may have moved (Db::writable).
Entry* store_string(Db& db, Entry* entry, std::string_view bytes, bool keep_ttl) {
  entry = db.writable(entry);
  Value& value = entry->value();
  if (!value.is_string()) value = Value();
  value.set_string(bytes);
  if (!keep_ttl && entry->has_ttl()) db.persist(entry);
  return entry;
}

// Redis's checkStringLength: a string may not grow past proto-max-bulk-len.
bool fits_string_limit(CommandContext& ctx, uint64_t length, uint64_t added) {
  const auto limit = static_cast<uint64_t>(ctx.server().config().proto_max_bulk_len);
  if (length + added > limit) {
    ctx.reply().error(errors::kStringTooLong);
    return false;
  }
  return true;
}

// ---- SET / GETEX options ----

enum class ExpireKind : uint8_t { kNone, kEx, kPx, kExAt, kPxAt };

struct ExtendedOptions {
  bool nx = false;
  bool xx = false;
  bool get = false;
  bool keep_ttl = false;
  bool persist = false;
  ExpireKind expire = ExpireKind::kNone;
  std::string_view expire_arg;
};

ExpireKind expire_option(std::string_view arg) {
  if (option_is(arg, "ex")) return ExpireKind::kEx;
  if (option_is(arg, "px")) return ExpireKind::kPx;
  if (option_is(arg, "exat")) return ExpireKind::kExAt;
  if (option_is(arg, "pxat")) return ExpireKind::kPxAt;
  return ExpireKind::kNone;
}

enum class OptionsFor : uint8_t { kSet, kGetEx };

// Parses SET's or GETEX's options from argument 3 (SET) or 2 (GETEX) on, with
// Redis's conflict rules: NX/XX exclude each other, KEEPTTL and PERSIST
// exclude any expire, and only one kind of expire may appear (repeating the
// same one is allowed; the last wins). Replies ERR syntax error on failure.
std::optional<ExtendedOptions> parse_extended_options(CommandContext& ctx, size_t first,
                                                      OptionsFor caller) {
  ExtendedOptions options;
  const bool for_set = caller == OptionsFor::kSet;
  for (size_t i = first; i < ctx.argc(); ++i) {
    const std::string_view arg = ctx.arg(i);
    const ExpireKind expire = expire_option(arg);
    const bool may_take_expire = expire != ExpireKind::kNone && i + 1 < ctx.argc() &&
                                 !options.keep_ttl && !options.persist &&
                                 (options.expire == ExpireKind::kNone || options.expire == expire);
    if (option_is(arg, "nx") && for_set && !options.xx) {
      options.nx = true;
    } else if (option_is(arg, "xx") && for_set && !options.nx) {
      options.xx = true;
    } else if (option_is(arg, "get") && for_set) {
      options.get = true;
    } else if (option_is(arg, "keepttl") && for_set && options.expire == ExpireKind::kNone) {
      options.keep_ttl = true;
    } else if (option_is(arg, "persist") && !for_set && options.expire == ExpireKind::kNone) {
      options.persist = true;
    } else if (may_take_expire) {
      options.expire = expire;
      options.expire_arg = ctx.arg(++i);
    } else {
      ctx.reply().error(errors::kSyntax);
      return std::nullopt;
    }
  }
  return options;
}

// Turns an expire argument into an absolute unix time in milliseconds, as
// Redis's getExpireMillisecondsOrReply: the number must be positive and must
// not overflow when scaled to milliseconds or made absolute. Replies the
// error and returns nullopt otherwise.
std::optional<int64_t> expire_at_ms(CommandContext& ctx, ExpireKind kind, std::string_view arg) {
  const std::optional<int64_t> number = parse_int64(arg);
  if (!number) {
    ctx.reply().error(errors::kNotInteger);
    return std::nullopt;
  }
  int64_t ms = *number;
  const bool in_seconds = kind == ExpireKind::kEx || kind == ExpireKind::kExAt;
  const bool relative = kind == ExpireKind::kEx || kind == ExpireKind::kPx;
  constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / 1000;
  if (ms <= 0 || (in_seconds && ms > kMaxSeconds)) {
    ctx.reply_error_naming_command(errors::kInvalidExpire);
    return std::nullopt;
  }
  if (in_seconds) ms *= 1000;
  if (relative && __builtin_add_overflow(ms, clock::now_ms(), &ms)) {
    ctx.reply_error_naming_command(errors::kInvalidExpire);
    return std::nullopt;
  }
  return ms;
}

// ---- GET / SET and friends ----

void get(CommandContext& ctx) {
  Entry* entry = ctx.db().lookup_read(ctx.arg(1));
  if (entry == nullptr) return ctx.reply().null_bulk();
  if (!entry->value().is_string()) return ctx.reply().error(errors::kWrongType);
  reply_string(ctx, entry->value());
}

// GET's reply for SET ... GET, GETSET and GETDEL. Returns the key's entry
// (nullptr when missing), or nullopt after a WRONGTYPE error.
std::optional<Entry*> reply_old_value(CommandContext& ctx) {
  Entry* entry = ctx.db().lookup_read(ctx.arg(1));
  if (entry == nullptr) {
    ctx.reply().null_bulk();
  } else if (!entry->value().is_string()) {
    ctx.reply().error(errors::kWrongType);
    return std::nullopt;
  } else {
    reply_string(ctx, entry->value());
  }
  return entry;
}

enum class SetOutcome : uint8_t {
  kStored,
  kSkipped,  // NX or XX did not hold
  kFailed,   // an error was replied
};

// What SET, SETNX, SETEX and PSETEX share: the expire is validated first,
// then GET's reply is sent, then the NX/XX condition decides.
SetOutcome set_with_options(CommandContext& ctx, std::string_view value,
                            const ExtendedOptions& options) {
  std::optional<int64_t> expire_at;
  if (options.expire != ExpireKind::kNone) {
    expire_at = expire_at_ms(ctx, options.expire, options.expire_arg);
    if (!expire_at) return SetOutcome::kFailed;
  }
  Db& db = ctx.db();
  const std::string_view key = ctx.arg(1);
  Entry* entry = nullptr;
  if (options.get) {
    const std::optional<Entry*> old = reply_old_value(ctx);
    if (!old) return SetOutcome::kFailed;
    entry = *old;
  } else if (options.nx || options.xx) {
    entry = db.find(key);
  }
  if ((options.nx && entry != nullptr) || (options.xx && entry == nullptr)) {
    return SetOutcome::kSkipped;
  }
  if (entry == nullptr) entry = db.find_or_insert(key).first;
  // An EXAT or PXAT already past is still stored, as Redis 7.0 does; the key
  // expires on its next access.
  entry = store_string(db, entry, value, options.keep_ttl || expire_at.has_value());
  ctx.notify(keyspace_events::kString, "set", key);
  if (expire_at) {
    db.set_expire(entry, *expire_at);
    ctx.notify(keyspace_events::kGeneric, "expire", key);
    // As Redis 7.0: any expiry goes out as an absolute PXAT.
    if (ctx.propagating()) [[unlikely]] {
      const std::string at = std::to_string(*expire_at);
      ctx.propagate_as({"SET", key, value, "PXAT", at});
    }
  }
  ctx.dirty();
  return SetOutcome::kStored;
}

void set(CommandContext& ctx) {
  const std::optional<ExtendedOptions> options =
      ctx.argc() == 3 ? ExtendedOptions{} : parse_extended_options(ctx, 3, OptionsFor::kSet);
  if (!options) return;
  const SetOutcome outcome = set_with_options(ctx, ctx.arg(2), *options);
  // With GET the old value is the reply.
  if (outcome == SetOutcome::kFailed || options->get) return;
  if (outcome == SetOutcome::kStored) return ctx.reply().ok();
  ctx.reply().null_bulk();
}

void setnx(CommandContext& ctx) {
  ExtendedOptions options;
  options.nx = true;
  const SetOutcome outcome = set_with_options(ctx, ctx.arg(2), options);
  ctx.reply().integer(outcome == SetOutcome::kStored ? 1 : 0);
}

// SETEX and PSETEX: key, expire, value.
void set_with_expire(CommandContext& ctx, ExpireKind kind) {
  ExtendedOptions options;
  options.expire = kind;
  options.expire_arg = ctx.arg(2);
  if (set_with_options(ctx, ctx.arg(3), options) == SetOutcome::kStored) ctx.reply().ok();
}

void setex(CommandContext& ctx) { set_with_expire(ctx, ExpireKind::kEx); }
void psetex(CommandContext& ctx) { set_with_expire(ctx, ExpireKind::kPx); }

void getset(CommandContext& ctx) {
  const std::optional<Entry*> old = reply_old_value(ctx);
  if (!old) return;
  Db& db = ctx.db();
  Entry* entry = *old != nullptr ? *old : db.find_or_insert(ctx.arg(1)).first;
  store_string(db, entry, ctx.arg(2), false);
  ctx.notify(keyspace_events::kString, "set", ctx.arg(1));
  ctx.dirty();
}

void getdel(CommandContext& ctx) {
  const std::optional<Entry*> old = reply_old_value(ctx);
  if (!old || *old == nullptr) return;
  ctx.db().erase(*old);
  ctx.notify(keyspace_events::kGeneric, "del", ctx.arg(1));
  ctx.dirty();
}

// GETEX looks the key up before it validates the expire, so a missing key
// replies nil even with an invalid expire time.
void getex(CommandContext& ctx) {
  const std::optional<ExtendedOptions> options = parse_extended_options(ctx, 2, OptionsFor::kGetEx);
  if (!options) return;
  Db& db = ctx.db();
  Entry* entry = db.lookup_read(ctx.arg(1));
  if (entry == nullptr) return ctx.reply().null_bulk();
  if (!entry->value().is_string()) return ctx.reply().error(errors::kWrongType);
  std::optional<int64_t> expire_at;
  if (options->expire != ExpireKind::kNone) {
    expire_at = expire_at_ms(ctx, options->expire, options->expire_arg);
    if (!expire_at) return;
  }
  reply_string(ctx, entry->value());
  const bool absolute =
      options->expire == ExpireKind::kExAt || options->expire == ExpireKind::kPxAt;
  if (absolute && *expire_at <= clock::now_ms()) {
    db.erase(entry);  // a time already past deletes the key, as Redis does
    ctx.notify(keyspace_events::kGeneric, "del", ctx.arg(1));
    ctx.propagate_as({"DEL", ctx.arg(1)});
    ctx.dirty();
  } else if (expire_at) {
    db.set_expire(entry, *expire_at);
    ctx.notify(keyspace_events::kGeneric, "expire", ctx.arg(1));
    if (ctx.propagating()) [[unlikely]] {
      const std::string at = std::to_string(*expire_at);
      ctx.propagate_as({"PEXPIREAT", ctx.arg(1), at});
    }
    ctx.dirty();
  } else if (options->persist && db.persist(entry)) {
    ctx.notify(keyspace_events::kGeneric, "persist", ctx.arg(1));
    ctx.propagate_as({"PERSIST", ctx.arg(1)});
    ctx.dirty();
  }
}

// ---- Multi-key ----

void mget(CommandContext& ctx) {
  Db& db = ctx.db();
  ctx.reply().array(ctx.argc() - 1);
  for (size_t i = 1; i < ctx.argc(); ++i) {
    Entry* entry = db.lookup_read(ctx.arg(i));
    if (entry == nullptr || !entry->value().is_string()) {
      ctx.reply().null_bulk();
    } else {
      reply_string(ctx, entry->value());
    }
  }
}

// MSET and MSETNX take key/value pairs; an unpaired key is an arity error.
bool has_key_value_pairs(CommandContext& ctx) {
  if (ctx.argc() % 2 == 1) return true;
  ctx.reply_error_naming_command(errors::kWrongArity);
  return false;
}

void store_pairs(CommandContext& ctx) {
  Db& db = ctx.db();
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    store_string(db, db.find_or_insert(ctx.arg(i)).first, ctx.arg(i + 1), false);
    ctx.notify(keyspace_events::kString, "set", ctx.arg(i));
  }
  ctx.dirty((ctx.argc() - 1) / 2);
}

void mset(CommandContext& ctx) {
  if (!has_key_value_pairs(ctx)) return;
  store_pairs(ctx);
  ctx.reply().ok();
}

// Sets nothing when any key exists.
void msetnx(CommandContext& ctx) {
  if (!has_key_value_pairs(ctx)) return;
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    if (ctx.db().find(ctx.arg(i)) != nullptr) return ctx.reply().integer(0);
  }
  store_pairs(ctx);
  ctx.reply().integer(1);
}

// ---- In-place edits and lengths ----

void append(CommandContext& ctx) {
  const std::string_view suffix = ctx.arg(2);
  auto [entry, created] = ctx.db().find_or_insert(ctx.arg(1));
  Value& value = entry->value();
  if (created) {
    value.set_string(suffix);  // an empty suffix still creates the key
    ctx.notify(keyspace_events::kString, "append", ctx.arg(1));
    ctx.dirty();
    return ctx.reply().integer(static_cast<int64_t>(suffix.size()));
  }
  if (!value.is_string()) return ctx.reply().error(errors::kWrongType);
  const size_t length = value.string_length();
  if (!fits_string_limit(ctx, length, suffix.size())) return;
  char* bytes = ctx.db().writable(entry)->value().resize_raw(length + suffix.size());
  std::memcpy(bytes + length, suffix.data(), suffix.size());
  ctx.notify(keyspace_events::kString, "append", ctx.arg(1));
  ctx.dirty();
  ctx.reply().integer(static_cast<int64_t>(length + suffix.size()));
}

void setrange(CommandContext& ctx) {
  const std::optional<int64_t> offset = parse_int64(ctx.arg(2));
  if (!offset) return ctx.reply().error(errors::kNotInteger);
  if (*offset < 0) return ctx.reply().error(errors::kOffsetOutOfRange);
  const std::string_view patch = ctx.arg(3);
  Db& db = ctx.db();
  Entry* entry = db.find(ctx.arg(1));
  size_t length = 0;
  if (entry != nullptr) {
    if (!entry->value().is_string()) return ctx.reply().error(errors::kWrongType);
    length = entry->value().string_length();
  }
  // Writing nothing changes nothing and creates no key.
  if (patch.empty()) return ctx.reply().integer(static_cast<int64_t>(length));
  const auto start = static_cast<uint64_t>(*offset);
  if (!fits_string_limit(ctx, start, patch.size())) return;
  entry = entry == nullptr ? db.find_or_insert(ctx.arg(1)).first : db.writable(entry);
  const size_t new_length = std::max<size_t>(length, start + patch.size());
  char* bytes = entry->value().resize_raw(new_length);
  std::memcpy(bytes + start, patch.data(), patch.size());
  ctx.notify(keyspace_events::kString, "setrange", ctx.arg(1));
  ctx.dirty();
  ctx.reply().integer(static_cast<int64_t>(new_length));
}

void strlen(CommandContext& ctx) {
  Entry* entry = ctx.db().lookup_read(ctx.arg(1));
  if (entry == nullptr) return ctx.reply().integer(0);
  if (!entry->value().is_string()) return ctx.reply().error(errors::kWrongType);
  ctx.reply().integer(static_cast<int64_t>(entry->value().string_length()));
}

// GETRANGE and SUBSTR: inclusive indexes, negative ones from the end, clamped
// to the string.
void getrange(CommandContext& ctx) {
  const std::optional<int64_t> first = parse_int64(ctx.arg(2));
  const std::optional<int64_t> last = parse_int64(ctx.arg(3));
  if (!first || !last) return ctx.reply().error(errors::kNotInteger);
  Entry* entry = ctx.db().lookup_read(ctx.arg(1));
  if (entry == nullptr) return ctx.reply().bulk("");
  if (!entry->value().is_string()) return ctx.reply().error(errors::kWrongType);
  IntScratch scratch;
  const std::string_view bytes = entry->value().string_bytes(scratch);
  const auto length = static_cast<int64_t>(bytes.size());
  int64_t start = *first;
  int64_t end = *last;
  // Redis replies "" for a reversed pair of negative indexes before clamping.
  if (start < 0 && end < 0 && start > end) return ctx.reply().bulk("");
  if (start < 0) start = std::max<int64_t>(length + start, 0);
  if (end < 0) end = std::max<int64_t>(length + end, 0);
  end = std::min(end, length - 1);
  if (start > end) return ctx.reply().bulk("");
  ctx.reply().bulk(bytes.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

// ---- Counters ----

// INCR, DECR, INCRBY, DECRBY. The TTL stays, and an int-encoded value is
// updated in place without allocating.
void increment_by(CommandContext& ctx, int64_t increment) {
  auto [entry, created] = ctx.db().find_or_insert(ctx.arg(1));
  Value& value = entry->value();
  int64_t current = 0;
  if (!created) {
    if (!value.is_string()) return ctx.reply().error(errors::kWrongType);
    const std::optional<int64_t> number = value.integer();
    if (!number) return ctx.reply().error(errors::kNotInteger);
    current = *number;
  }
  int64_t result;
  if (__builtin_add_overflow(current, increment, &result)) {
    return ctx.reply().error(errors::kOverflow);
  }
  ctx.db().writable(entry)->value().set_integer(result);
  ctx.notify(keyspace_events::kString, "incrby", ctx.arg(1));
  ctx.dirty();
  ctx.reply().integer(result);
}

void incr(CommandContext& ctx) { increment_by(ctx, 1); }
void decr(CommandContext& ctx) { increment_by(ctx, -1); }

void incrby(CommandContext& ctx) {
  const std::optional<int64_t> increment = parse_int64(ctx.arg(2));
  if (!increment) return ctx.reply().error(errors::kNotInteger);
  increment_by(ctx, *increment);
}

void decrby(CommandContext& ctx) {
  const std::optional<int64_t> decrement = parse_int64(ctx.arg(2));
  if (!decrement) return ctx.reply().error(errors::kNotInteger);
  // Its negation does not fit an int64.
  if (*decrement == std::numeric_limits<int64_t>::min()) {
    return ctx.reply().error(errors::kDecrementOverflow);
  }
  increment_by(ctx, -*decrement);
}

void incrbyfloat(CommandContext& ctx) {
  Db& db = ctx.db();
  Entry* entry = db.find(ctx.arg(1));
  long double current = 0;
  if (entry != nullptr) {
    if (!entry->value().is_string()) return ctx.reply().error(errors::kWrongType);
    IntScratch scratch;
    const std::optional<long double> number =
        parse_long_double(entry->value().string_bytes(scratch));
    if (!number) return ctx.reply().error(errors::kNotFloat);
    current = *number;
  }
  const std::optional<long double> increment = parse_long_double(ctx.arg(2));
  if (!increment) return ctx.reply().error(errors::kNotFloat);
  const long double result = current + *increment;
  if (std::isnan(result) || std::isinf(result)) {
    return ctx.reply().error(errors::kIncrFloatNanOrInf);
  }
  char text[kLongDoubleTextMax];
  const std::string_view formatted = format_long_double(result, text);
  entry = entry == nullptr ? db.find_or_insert(ctx.arg(1)).first : db.writable(entry);
  entry->value().set_text(formatted);  // the TTL stays
  ctx.notify(keyspace_events::kString, "incrbyfloat", ctx.arg(1));
  // The result, not the increment: float arithmetic replayed elsewhere may round otherwise.
  ctx.propagate_as({"SET", ctx.arg(1), formatted, "KEEPTTL"});
  ctx.dirty();
  ctx.reply().bulk(formatted);
}

// clang-format off
constexpr CommandSpec kStringCommands[] = {
    // name        arity flags                       first last step handler
    {"get",          2, kReadOnly | kFast,             1,  1, 1, get, "string",
     "Get the value of a key", "1.0.0"},
    {"set",         -3, kWrite | kDenyOom,             1,  1, 1, set, "string",
     "Set the string value of a key", "1.0.0"},
    {"setnx",        3, kWrite | kDenyOom | kFast,     1,  1, 1, setnx, "string",
     "Set the value of a key, only if the key does not exist", "1.0.0"},
    {"setex",        4, kWrite | kDenyOom,             1,  1, 1, setex, "string",
     "Set the value and expiration of a key", "2.0.0"},
    {"psetex",       4, kWrite | kDenyOom,             1,  1, 1, psetex, "string",
     "Set the value and expiration in milliseconds of a key", "2.6.0"},
    {"getset",       3, kWrite | kDenyOom | kFast,     1,  1, 1, getset, "string",
     "Set the string value of a key and return its old value", "1.0.0"},
    {"getdel",       2, kWrite | kFast,                1,  1, 1, getdel, "string",
     "Get the value of a key and delete the key", "6.2.0"},
    {"getex",       -2, kWrite | kFast,                1,  1, 1, getex, "string",
     "Get the value of a key and optionally set its expiration", "6.2.0"},
    {"mget",        -2, kReadOnly | kFast,             1, -1, 1, mget, "string",
     "Get the values of all the given keys", "1.0.0"},
    {"mset",        -3, kWrite | kDenyOom,             1, -1, 2, mset, "string",
     "Set multiple keys to multiple values", "1.0.1"},
    {"msetnx",      -3, kWrite | kDenyOom,             1, -1, 2, msetnx, "string",
     "Set multiple keys to multiple values, only if none of the keys exist", "1.0.1"},
    {"append",       3, kWrite | kDenyOom | kFast,     1,  1, 1, append, "string",
     "Append a value to a key", "2.0.0"},
    {"strlen",       2, kReadOnly | kFast,             1,  1, 1, strlen, "string",
     "Get the length of the value stored in a key", "2.2.0"},
    {"getrange",     4, kReadOnly,                     1,  1, 1, getrange, "string",
     "Get a substring of the string stored at a key", "2.4.0"},
    {"substr",       4, kReadOnly,                     1,  1, 1, getrange, "string",
     "Get a substring of the string stored at a key", "1.0.0"},
    {"setrange",     4, kWrite | kDenyOom,             1,  1, 1, setrange, "string",
     "Overwrite part of a string at key starting at the specified offset", "2.2.0"},
    {"incr",         2, kWrite | kDenyOom | kFast,     1,  1, 1, incr, "string",
     "Increment the integer value of a key by one", "1.0.0"},
    {"decr",         2, kWrite | kDenyOom | kFast,     1,  1, 1, decr, "string",
     "Decrement the integer value of a key by one", "1.0.0"},
    {"incrby",       3, kWrite | kDenyOom | kFast,     1,  1, 1, incrby, "string",
     "Increment the integer value of a key by the given amount", "1.0.0"},
    {"decrby",       3, kWrite | kDenyOom | kFast,     1,  1, 1, decrby, "string",
     "Decrement the integer value of a key by the given number", "1.0.0"},
    {"incrbyfloat",  3, kWrite | kDenyOom | kFast,     1,  1, 1, incrbyfloat, "string",
     "Increment the float value of a key by the given amount", "2.6.0"},
};
// clang-format on

}  // namespace

void register_string_family(CommandTable& table) { table.add(kStringCommands); }

}  // namespace fkvs
