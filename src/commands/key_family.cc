// Generic key commands: DEL, EXISTS, TYPE, RENAME, COPY, MOVE, KEYS, SCAN,
// the EXPIRE and TTL families, OBJECT, and the database-wide FLUSHDB,
// FLUSHALL, SWAPDB, DBSIZE, RANDOMKEY.
#include <cctype>
#include <charconv>
#include <climits>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "commands/command_context.h"
#include "commands/errors.h"
#include "commands/families.h"
#include "commands/scan_options.h"
#include "store/key_access.h"
#include "util/clock.h"
#include "util/glob.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

// SCAN's COUNT when the client gives none, as in Redis.

// An argument that must be an int, as Redis's getIntFromObjectOrReply reads
// it. With custom_error, that one message answers both failures (SWAPDB).
std::optional<int> parse_int_or_reply(CommandContext& ctx, std::string_view text,
                                      std::string_view custom_error = {}) {
  auto value = parse_int64(text);
  if (!value) {
    ctx.reply().error(custom_error.empty() ? errors::kNotInteger : custom_error);
    return std::nullopt;
  }
  if (*value < INT_MIN || *value > INT_MAX) {
    ctx.reply().error(custom_error.empty() ? errors::kIntOutOfRange : custom_error);
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

bool is_db_index(CommandContext& ctx, int index) {
  return index >= 0 && index < ctx.server().db_count();
}

// ---- DEL, UNLINK, EXISTS, TOUCH, TYPE ----

// UNLINK frees in the foreground too: values are small enough here that a
// background thread would cost more than it saves.
// DEL and UNLINK: UNLINK frees big values on the lazy-free thread, and so
// does DEL under lazyfree-lazy-user-del.
void delete_keys(CommandContext& ctx, bool lazily) {
  Db& db = ctx.db();
  int64_t deleted = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (db.erase(ctx.arg(i), lazily)) {
      ++deleted;
      ctx.notify(keyspace_events::kGeneric, "del", ctx.arg(i));
    }
  }
  if (deleted > 0) ctx.dirty(deleted);
  ctx.reply().integer(deleted);
}
void del(CommandContext& ctx) { delete_keys(ctx, ctx.server().config().lazyfree_lazy_user_del); }
void unlink(CommandContext& ctx) { delete_keys(ctx, true); }

// EXISTS and TOUCH both count the keys that exist, repeats included; only
// TOUCH counts as an access.
void count_existing(CommandContext& ctx, bool touch) {
  Db& db = ctx.db();
  int64_t found = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const std::string_view key = ctx.arg(i);
    if ((touch ? db.lookup_read(key) : db.lookup_read_no_touch(key)) != nullptr) ++found;
  }
  ctx.reply().integer(found);
}
void exists(CommandContext& ctx) { count_existing(ctx, false); }
void touch(CommandContext& ctx) { count_existing(ctx, true); }

// TYPE, TTL and friends only look: a key's access time stays (eviction, OBJECT IDLETIME).
void type(CommandContext& ctx) {
  Entry* entry = ctx.db().lookup_read_no_touch(ctx.arg(1));
  ctx.reply().simple(entry == nullptr ? "none" : Value::type_name(entry->value().type()));
}

// ---- RENAME, RENAMENX, COPY, MOVE ----

// Moves the value and TTL of entry (in from) to key in to, replacing what
// key held there.
void transfer(Db& from, Entry* entry, Db& to, std::string_view key) {
  const int64_t expire_at = from.expire_at(entry);
  Value value = std::move(entry->value());
  from.erase(entry);
  Entry* moved = to.insert(key, std::move(value));
  if (expire_at != -1) to.set_expire(moved, expire_at);
}

// A list or sorted set arriving under key may serve clients blocked on it,
// as when Redis adds any such key to a database.
void signal_if_blockable(CommandContext& ctx, int db_index, std::string_view key) {
  Entry* entry = ctx.server().db(db_index).find(key);
  if (entry == nullptr) return;
  const ValueType type = entry->value().type();
  if (type == ValueType::kList || type == ValueType::kZSet) {
    ctx.server().signal_key_ready(db_index, key);
  }
}

void rename_generic(CommandContext& ctx, bool only_if_new) {
  Db& db = ctx.db();
  const std::string_view source = ctx.arg(1);
  const std::string_view destination = ctx.arg(2);
  Entry* entry = db.find(source);
  if (entry == nullptr) return ctx.reply().error(errors::kNoSuchKey);
  // Redis 7.0 treats renaming a key onto itself as a no-op that succeeds,
  // except that RENAMENX reports the destination as taken.
  if (source == destination) return only_if_new ? ctx.reply().integer(0) : ctx.reply().ok();
  if (only_if_new && db.find(destination) != nullptr) return ctx.reply().integer(0);
  transfer(db, entry, db, destination);
  ctx.notify(keyspace_events::kGeneric, "rename_from", source);
  ctx.notify(keyspace_events::kGeneric, "rename_to", destination);
  signal_if_blockable(ctx, ctx.client().db_index, destination);
  ctx.dirty();
  only_if_new ? ctx.reply().integer(1) : ctx.reply().ok();
}

void rename(CommandContext& ctx) { rename_generic(ctx, false); }
void renamenx(CommandContext& ctx) { rename_generic(ctx, true); }

void copy(CommandContext& ctx) {
  int destination_index = ctx.client().db_index;
  bool replace = false;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    const bool has_value = i + 1 < ctx.argc();
    if (equals_nocase(ctx.arg(i), "replace")) {
      replace = true;
    } else if (equals_nocase(ctx.arg(i), "db") && has_value) {
      auto index = parse_int_or_reply(ctx, ctx.arg(++i));
      if (!index) return;
      if (!is_db_index(ctx, *index)) return ctx.reply().error(errors::kDbIndexOutOfRange);
      destination_index = *index;
    } else {
      return ctx.reply().error(errors::kSyntax);
    }
  }
  const std::string_view source = ctx.arg(1);
  const std::string_view destination = ctx.arg(2);
  if (destination_index == ctx.client().db_index && source == destination) {
    return ctx.reply().error(errors::kSameObject);
  }
  Db& source_db = ctx.db();
  Db& destination_db = ctx.server().db(destination_index);
  Entry* entry = source_db.lookup_read(source);
  if (entry == nullptr) return ctx.reply().integer(0);
  if (!replace && destination_db.find(destination) != nullptr) return ctx.reply().integer(0);
  const int64_t expire_at = source_db.expire_at(entry);
  Entry* copied = destination_db.insert(destination, entry->value().clone());
  if (expire_at != -1) destination_db.set_expire(copied, expire_at);
  ctx.server().key_changed(keyspace_events::kGeneric, "copy_to", destination, destination_index);
  signal_if_blockable(ctx, destination_index, destination);
  ctx.dirty();
  ctx.reply().integer(1);
}

void move(CommandContext& ctx) {
  auto index = parse_int_or_reply(ctx, ctx.arg(2));
  if (!index) return;
  if (!is_db_index(ctx, *index)) return ctx.reply().error(errors::kDbIndexOutOfRange);
  if (*index == ctx.client().db_index) return ctx.reply().error(errors::kSameObject);
  Db& source_db = ctx.db();
  Db& destination_db = ctx.server().db(*index);
  const std::string_view key = ctx.arg(1);
  Entry* entry = source_db.find(key);
  if (entry == nullptr || destination_db.find(key) != nullptr) return ctx.reply().integer(0);
  transfer(source_db, entry, destination_db, key);
  ctx.notify(keyspace_events::kGeneric, "move_from", key);
  ctx.server().key_changed(keyspace_events::kGeneric, "move_to", key, static_cast<int>(*index));
  signal_if_blockable(ctx, static_cast<int>(*index), key);
  ctx.dirty();
  ctx.reply().integer(1);
}

// ---- KEYS, SCAN, RANDOMKEY, DBSIZE ----

void keys(CommandContext& ctx) {
  const std::string_view pattern = ctx.arg(1);
  const bool all_keys = pattern == "*";
  resp::ReplyWriter& reply = ctx.reply();
  const size_t token = reply.begin_array();
  size_t count = 0;
  ctx.db().for_each([&](Entry& entry) {
    if (all_keys || glob_match(pattern, entry.key())) {
      reply.bulk(entry.key());
      ++count;
    }
  });
  reply.end_array(token, count);
}

void scan(CommandContext& ctx) {
  auto cursor = parse_uint64(ctx.arg(1));
  if (!cursor) return ctx.reply().error(errors::kInvalidCursor);
  const std::optional<ScanOptions> options = parse_scan_options(ctx, 2, true);
  if (!options) return;
  const auto& [count, pattern, type_filter] = *options;

  Db& db = ctx.db();
  // COUNT bounds the keys gathered before filtering, as in Redis, so a
  // narrow MATCH may return an empty page with a non-zero cursor.
  std::vector<Entry*> gathered;
  const uint64_t next_cursor = db.scan(*cursor, static_cast<size_t>(count),
                                       [&](Entry& entry) { gathered.push_back(&entry); });

  resp::ReplyWriter& reply = ctx.reply();
  reply.array(2);
  reply_scan_cursor(reply, next_cursor);
  const size_t token = reply.begin_array();
  size_t returned = 0;
  for (Entry* entry : gathered) {
    if (pattern && !glob_match(*pattern, entry->key())) continue;
    if (type_filter) {
      // Redis looks the key up again to learn its type, which counts a keyspace hit.
      db.lookup_read(entry->key());
      if (!equals_nocase(*type_filter, Value::type_name(entry->value().type()))) continue;
    }
    reply.bulk(entry->key());
    ++returned;
  }
  reply.end_array(token, returned);
}

void randomkey(CommandContext& ctx) {
  Entry* entry = ctx.db().random_entry();
  if (entry == nullptr) return ctx.reply().null_bulk();
  ctx.reply().bulk(entry->key());
}

void dbsize(CommandContext& ctx) { ctx.reply().integer(static_cast<int64_t>(ctx.db().size())); }

// ---- FLUSHDB, FLUSHALL, SWAPDB ----

// FLUSHDB and FLUSHALL take an optional ASYNC or SYNC; without either,
// lazyfree-lazy-user-flush decides. Returns whether to free lazily, or
// nullopt after a syntax error.
std::optional<bool> flush_lazily(CommandContext& ctx) {
  if (ctx.argc() == 1) return ctx.server().config().lazyfree_lazy_user_flush;
  if (ctx.argc() == 2 && equals_nocase(ctx.arg(1), "async")) return true;
  if (ctx.argc() == 2 && equals_nocase(ctx.arg(1), "sync")) return false;
  ctx.reply().error(errors::kSyntax);
  return std::nullopt;
}

void flushdb(CommandContext& ctx) {
  const std::optional<bool> lazily = flush_lazily(ctx);
  if (!lazily) return;
  const size_t removed = ctx.server().clear_db(ctx.client().db_index, *lazily);
  if (removed > 0) ctx.dirty(removed);
  ctx.reply().ok();
}

void flushall(CommandContext& ctx) {
  const std::optional<bool> lazily = flush_lazily(ctx);
  if (!lazily) return;
  size_t removed = 0;
  Server& server = ctx.server();
  for (int i = 0; i < server.db_count(); ++i) removed += server.clear_db(i, *lazily);
  if (removed > 0) ctx.dirty(removed);
  // As Redis: a save in progress is of data that is gone, and with save
  // points set the empty dataset is saved at once.
  server.snapshots().kill_child();
  if (!server.config().save.empty()) server.snapshots().save();
  ctx.dirty();
  ctx.reply().ok();
}

void swapdb(CommandContext& ctx) {
  auto first = parse_int_or_reply(ctx, ctx.arg(1), errors::kInvalidFirstDbIndex);
  if (!first) return;
  auto second = parse_int_or_reply(ctx, ctx.arg(2), errors::kInvalidSecondDbIndex);
  if (!second) return;
  if (!is_db_index(ctx, *first) || !is_db_index(ctx, *second)) {
    return ctx.reply().error(errors::kDbIndexOutOfRange);
  }
  if (*first != *second) {
    ctx.server().swap_dbs(*first, *second);
    // Clients blocked in either database now see the other's keys.
    ctx.server().signal_waited_keys(static_cast<int>(*first));
    ctx.server().signal_waited_keys(static_cast<int>(*second));
  }
  ctx.dirty();
  ctx.reply().ok();
}

// ---- EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, PERSIST ----

struct ExpireConditions {
  bool only_without_ttl = false;  // NX
  bool only_with_ttl = false;     // XX
  bool only_later = false;        // GT
  bool only_sooner = false;       // LT
};

std::optional<ExpireConditions> parse_expire_conditions(CommandContext& ctx) {
  ExpireConditions conditions;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    const std::string_view option = ctx.arg(i);
    if (equals_nocase(option, "nx")) {
      conditions.only_without_ttl = true;
    } else if (equals_nocase(option, "xx")) {
      conditions.only_with_ttl = true;
    } else if (equals_nocase(option, "gt")) {
      conditions.only_later = true;
    } else if (equals_nocase(option, "lt")) {
      conditions.only_sooner = true;
    } else {
      // Redis formats the option as a C string, so it ends at a NUL byte.
      ctx.reply().error(std::string(errors::kUnsupportedOptionPrefix) +
                        std::string(option.substr(0, option.find('\0'))));
      return std::nullopt;
    }
  }
  if (conditions.only_without_ttl &&
      (conditions.only_with_ttl || conditions.only_later || conditions.only_sooner)) {
    ctx.reply().error(errors::kExpireNxConflict);
    return std::nullopt;
  }
  if (conditions.only_later && conditions.only_sooner) {
    ctx.reply().error(errors::kExpireGtLtConflict);
    return std::nullopt;
  }
  return conditions;
}

// Whether the conditions allow replacing current (-1 = no TTL, which GT and
// LT treat as an infinite TTL) with when.
bool conditions_allow(const ExpireConditions& conditions, int64_t current, int64_t when) {
  const bool has_ttl = current != -1;
  if (conditions.only_without_ttl && has_ttl) return false;
  if (conditions.only_with_ttl && !has_ttl) return false;
  if (conditions.only_later && (!has_ttl || when <= current)) return false;
  if (conditions.only_sooner && has_ttl && when >= current) return false;
  return true;
}

// base_ms is "now" for the relative forms and 0 for the absolute ones.
void expire_generic(CommandContext& ctx, int64_t base_ms, bool in_seconds) {
  auto conditions = parse_expire_conditions(ctx);
  if (!conditions) return;
  auto amount = parse_int64(ctx.arg(2));
  if (!amount) return ctx.reply().error(errors::kNotInteger);
  int64_t when = *amount;
  if (in_seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000)
      return ctx.reply_error_naming_command(errors::kInvalidExpire);
    when *= 1000;
  }
  if (when > INT64_MAX - base_ms) return ctx.reply_error_naming_command(errors::kInvalidExpire);
  when += base_ms;

  Db& db = ctx.db();
  Entry* entry = db.find(ctx.arg(1));
  if (entry == nullptr || !conditions_allow(*conditions, db.expire_at(entry), when)) {
    return ctx.reply().integer(0);
  }
  // A time already past deletes the key at once, and still counts as set.
  // Replayed later, a relative time would land elsewhere: it goes out as
  // the absolute PEXPIREAT (or the DEL it amounted to).
  if (when <= clock::now_ms() && !ctx.server().loading()) {
    db.erase(entry);
    ctx.notify(keyspace_events::kGeneric, "del", ctx.arg(1));
    ctx.propagate_as({"DEL", ctx.arg(1)});
  } else {
    db.set_expire(entry, when);
    ctx.notify(keyspace_events::kGeneric, "expire", ctx.arg(1));
    if (ctx.propagating()) [[unlikely]] {
      const std::string at = std::to_string(when);
      ctx.propagate_as({"PEXPIREAT", ctx.arg(1), at});
    }
  }
  ctx.dirty();
  ctx.reply().integer(1);
}

void expire(CommandContext& ctx) { expire_generic(ctx, clock::now_ms(), true); }
void pexpire(CommandContext& ctx) { expire_generic(ctx, clock::now_ms(), false); }
void expireat(CommandContext& ctx) { expire_generic(ctx, 0, true); }
void pexpireat(CommandContext& ctx) { expire_generic(ctx, 0, false); }

void persist(CommandContext& ctx) {
  Db& db = ctx.db();
  Entry* entry = db.find(ctx.arg(1));
  if (entry == nullptr || !db.persist(entry)) return ctx.reply().integer(0);
  ctx.notify(keyspace_events::kGeneric, "persist", ctx.arg(1));
  ctx.dirty();
  ctx.reply().integer(1);
}

// ---- TTL, PTTL, EXPIRETIME, PEXPIRETIME ----

// -2 for a missing key, -1 for one without a TTL; otherwise the time left
// (or the absolute expiry), never negative, in seconds rounded to nearest.
void ttl_generic(CommandContext& ctx, bool in_milliseconds, bool absolute) {
  Db& db = ctx.db();
  Entry* entry = db.lookup_read_no_touch(ctx.arg(1));
  if (entry == nullptr) return ctx.reply().integer(-2);
  const int64_t expire_at = db.expire_at(entry);
  if (expire_at == -1) return ctx.reply().integer(-1);
  int64_t ms = absolute ? expire_at : expire_at - clock::now_ms();
  if (ms < 0) ms = 0;
  if (in_milliseconds) return ctx.reply().integer(ms);
  // Split so that rounding an expiry near INT64_MAX cannot overflow.
  ctx.reply().integer(ms / 1000 + (ms % 1000 + 500) / 1000);
}

void ttl(CommandContext& ctx) { ttl_generic(ctx, false, false); }
void pttl(CommandContext& ctx) { ttl_generic(ctx, true, false); }
void expiretime(CommandContext& ctx) { ttl_generic(ctx, false, true); }
void pexpiretime(CommandContext& ctx) { ttl_generic(ctx, true, true); }

// ---- OBJECT ----

// OBJECT subcommands reply a null bulk for a missing key.
// OBJECT looks at a key without counting as an access to it, as in Redis.
Entry* object_lookup(CommandContext& ctx) {
  Entry* entry = ctx.db().lookup_read_no_touch(ctx.arg(2));
  if (entry == nullptr) ctx.reply().null_bulk();
  return entry;
}

void object_encoding(CommandContext& ctx) {
  Entry* entry = object_lookup(ctx);
  if (entry == nullptr) return;
  ctx.reply().bulk(Value::encoding_name(entry->value().encoding()));
}

// No value is shared between keys (Redis shares small integers and answers
// INT_MAX for them), so every value has exactly one reference.
void object_refcount(CommandContext& ctx) {
  if (object_lookup(ctx) == nullptr) return;
  ctx.reply().integer(1);
}

// A key's stamp holds its idle time or its access frequency, whichever the
// maxmemory-policy tracks; asking for the other is an error, as in Redis.
void object_idletime(CommandContext& ctx) {
  Entry* entry = object_lookup(ctx);
  if (entry == nullptr) return;
  if (key_access::settings.lfu) return ctx.reply().error(errors::kLruNotSelected);
  ctx.reply().integer(key_access::idle_seconds(entry->access_stamp(), clock::now_s()));
}

void object_freq(CommandContext& ctx) {
  Entry* entry = object_lookup(ctx);
  if (entry == nullptr) return;
  if (!key_access::settings.lfu) return ctx.reply().error(errors::kLfuNotSelected);
  ctx.reply().integer(key_access::counter(entry->access_stamp(), clock::now_s()));
}

void object_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply().simple_lines(kLines);
}

constexpr CommandSpec kKeyCommands[] = {
    {"del", -2, kWrite, 1, -1, 1, del, "generic", "Delete a key", "1.0.0"},
    {"unlink", -2, kWrite | kFast, 1, -1, 1, unlink, "generic",
     "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
     "blocking.",
     "4.0.0"},
    {"exists", -2, kReadOnly | kFast, 1, -1, 1, exists, "generic", "Determine if a key exists",
     "1.0.0"},
    {"touch", -2, kReadOnly | kFast, 1, -1, 1, touch, "generic",
     "Alters the last access time of a key(s). Returns the number of existing keys specified.",
     "3.2.1"},
    {"type", 2, kReadOnly | kFast, 1, 1, 1, type, "generic", "Determine the type stored at key",
     "1.0.0"},
    {"rename", 3, kWrite, 1, 2, 1, rename, "generic", "Rename a key", "1.0.0"},
    {"renamenx", 3, kWrite | kFast, 1, 2, 1, renamenx, "generic",
     "Rename a key, only if the new key does not exist", "1.0.0"},
    {"copy", -3, kWrite | kDenyOom, 1, 2, 1, copy, "generic", "Copy a key", "6.2.0"},
    {"move", 3, kWrite | kFast, 1, 1, 1, move, "generic", "Move a key to another database",
     "1.0.0"},
    {"keys", 2, kReadOnly, 0, 0, 0, keys, "generic", "Find all keys matching the given pattern",
     "1.0.0"},
    {"scan", -2, kReadOnly, 0, 0, 0, scan, "generic", "Incrementally iterate the keys space",
     "2.8.0"},
    {"randomkey", 1, kReadOnly, 0, 0, 0, randomkey, "generic",
     "Return a random key from the keyspace", "1.0.0"},
    {"dbsize", 1, kReadOnly | kFast, 0, 0, 0, dbsize, "server",
     "Return the number of keys in the selected database", "1.0.0"},
    {"flushdb", -1, kWrite, 0, 0, 0, flushdb, "server", "Remove all keys from the current database",
     "1.0.0"},
    {"flushall", -1, kWrite, 0, 0, 0, flushall, "server", "Remove all keys from all databases",
     "1.0.0"},
    {"swapdb", 3, kWrite | kFast, 0, 0, 0, swapdb, "server", "Swaps two Redis databases", "4.0.0"},
    {"expire", -3, kWrite | kFast, 1, 1, 1, expire, "generic",
     "Set a key's time to live in seconds", "1.0.0"},
    {"pexpire", -3, kWrite | kFast, 1, 1, 1, pexpire, "generic",
     "Set a key's time to live in milliseconds", "2.6.0"},
    {"expireat", -3, kWrite | kFast, 1, 1, 1, expireat, "generic",
     "Set the expiration for a key as a UNIX timestamp", "1.2.0"},
    {"pexpireat", -3, kWrite | kFast, 1, 1, 1, pexpireat, "generic",
     "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0"},
    {"persist", 2, kWrite | kFast, 1, 1, 1, persist, "generic", "Remove the expiration from a key",
     "2.2.0"},
    {"ttl", 2, kReadOnly | kFast, 1, 1, 1, ttl, "generic",
     "Get the time to live for a key in seconds", "1.0.0"},
    {"pttl", 2, kReadOnly | kFast, 1, 1, 1, pttl, "generic",
     "Get the time to live for a key in milliseconds", "2.6.0"},
    {"expiretime", 2, kReadOnly | kFast, 1, 1, 1, expiretime, "generic",
     "Get the expiration Unix timestamp for a key", "7.0.0"},
    {"pexpiretime", 2, kReadOnly | kFast, 1, 1, 1, pexpiretime, "generic",
     "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0"},
};

// The dispatcher always resolves a subcommand, so the container has no handler.
constexpr CommandSpec kObjectContainer = {
    "object", -2, 0, 0, 0, 0, nullptr, "generic", "A container for object introspection commands",
    "2.2.3"};

constexpr CommandSpec kObjectCommands[] = {
    {"object|encoding", 3, kReadOnly, 2, 2, 1, object_encoding, "generic",
     "Inspect the internal encoding of a Redis object", "2.2.3"},
    {"object|refcount", 3, kReadOnly, 2, 2, 1, object_refcount, "generic",
     "Get the number of references to the value of the key", "2.2.3"},
    {"object|idletime", 3, kReadOnly, 2, 2, 1, object_idletime, "generic",
     "Get the time since a Redis object was last accessed", "2.2.3"},
    {"object|freq", 3, kReadOnly, 2, 2, 1, object_freq, "generic",
     "Get the logarithmic access frequency counter of a Redis object", "4.0.0"},
    {"object|help", 2, kLoading | kStale, 0, 0, 0, object_help, "generic",
     "Show helpful text about the different subcommands", "6.2.0"},
};

}  // namespace

void register_key_family(CommandTable& table) {
  table.add(kKeyCommands);
  table.add_container(kObjectContainer, kObjectCommands);
}

}  // namespace fkvs
