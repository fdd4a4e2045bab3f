#include "commands/key_specs.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "util/number.h"
#include "util/strings.h"

namespace fkvs {
namespace {

constexpr KeySpec range(uint32_t flags, int begin, int last = 0, int step = 1) {
  return KeySpec{flags, begin, KeySpec::Search::kRange, last, step};
}

constexpr KeySpec counted(uint32_t flags, int begin) {
  return KeySpec{flags, begin, KeySpec::Search::kCounted, 0, 1};
}

// Keys after a keyword found from argument start_from on, the first 1/limit of what follows.
constexpr KeySpec after_keyword(uint32_t flags, std::string_view keyword, int start_from,
                                int limit) {
  return KeySpec{flags, start_from, KeySpec::Search::kRange, -1, 1, keyword, limit};
}

// Keys no position tells, read by finder if any.
constexpr KeySpec unknown(uint32_t flags, std::string_view notes, KeyFinder finder = nullptr) {
  return KeySpec{flags, 0, KeySpec::Search::kUnknown, 0, 1, {}, 0, finder, notes};
}

// SORT's destination, found as Redis's sortGetKeys finds it: options are skipped with their
// arguments (LIMIT's two, BY's and GET's one), and the last STORE that has an argument after
// it wins, its argument never skipped.
void sort_store_key(std::span<const std::string_view> args, uint32_t flags,
                    std::vector<KeyPosition>& keys) {
  std::optional<size_t> destination;
  for (size_t i = 2; i < args.size(); ++i) {
    if (equals_nocase(args[i], "limit")) {
      i += 2;
    } else if (equals_nocase(args[i], "get") || equals_nocase(args[i], "by")) {
      i += 1;
    } else if (equals_nocase(args[i], "store") && i + 1 < args.size()) {
      destination = i + 1;
    }
  }
  if (destination) keys.push_back(KeyPosition{*destination, flags});
}

// MIGRATE's keys, as Redis's migrateGetKeys finds them: the key argument, or, when KEYS
// follows the options (AUTH's and AUTH2's arguments skipped) and the key argument is empty,
// every argument after it.
void migrate_keys(std::span<const std::string_view> args, uint32_t flags,
                  std::vector<KeyPosition>& keys) {
  size_t first = 3;
  size_t count = 1;
  for (size_t i = 6; i < args.size(); ++i) {
    if (equals_nocase(args[i], "auth")) {
      i += 1;
    } else if (equals_nocase(args[i], "auth2")) {
      i += 2;
    } else if (equals_nocase(args[i], "keys")) {
      if (!args[3].empty()) return;
      first = i + 1;
      count = args.size() - first;
      break;
    }
  }
  for (size_t i = first; i < first + count && i < args.size(); ++i) {
    keys.push_back(KeyPosition{i, flags});
  }
}

// The keys migrate_keys found, through the first spec.
void keys_found_by_first_spec(std::span<const std::string_view>, uint32_t,
                              std::vector<KeyPosition>&) {}

constexpr std::string_view kSortByGetNotes =
    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from "
    "the content of the key we sort";
constexpr std::string_view kSortStoreNotes =
    "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear "
    "anywhere in the argument array";

// The key after a keyword found from argument start_from on (GEORADIUS's STORE key).
constexpr KeySpec key_after_keyword(uint32_t flags, std::string_view keyword, int start_from) {
  return KeySpec{flags, start_from, KeySpec::Search::kRange, 0, 1, keyword, 0};
}

struct CommandKeySpecs {
  std::string_view command;
  std::array<KeySpec, 3> specs;  // specs with no flags are absent
  size_t count() const {
    return static_cast<size_t>(
        std::ranges::count_if(specs, [](const KeySpec& spec) { return spec.flags != 0; }));
  }
};

// Redis 7.0's key specifications of the commands fkvs has, sorted by name.
constexpr CommandKeySpecs kKeySpecs[] = {
    {"append", {range(kKeyRW | kKeyInsert, 1)}},
    {"bitcount", {range(kKeyRO | kKeyAccess, 1)}},
    {"bitfield", {range(kKeyRW | kKeyAccess | kKeyUpdate | kKeyVariableFlags, 1)}},
    {"bitfield_ro", {range(kKeyRO | kKeyAccess, 1)}},
    {"bitop", {range(kKeyOW | kKeyUpdate, 2), range(kKeyRO | kKeyAccess, 3, -1)}},
    {"bitpos", {range(kKeyRO | kKeyAccess, 1)}},
    {"blmove", {range(kKeyRW | kKeyAccess | kKeyDelete, 1), range(kKeyRW | kKeyInsert, 2)}},
    {"blmpop", {counted(kKeyRW | kKeyAccess | kKeyDelete, 2)}},
    {"blpop", {range(kKeyRW | kKeyAccess | kKeyDelete, 1, -2)}},
    {"brpop", {range(kKeyRW | kKeyAccess | kKeyDelete, 1, -2)}},
    {"brpoplpush", {range(kKeyRW | kKeyAccess | kKeyDelete, 1), range(kKeyRW | kKeyInsert, 2)}},
    {"bzmpop", {counted(kKeyRW | kKeyAccess | kKeyDelete, 2)}},
    {"bzpopmax", {range(kKeyRW | kKeyAccess | kKeyDelete, 1, -2)}},
    {"bzpopmin", {range(kKeyRW | kKeyAccess | kKeyDelete, 1, -2)}},
    {"copy", {range(kKeyRO | kKeyAccess, 1), range(kKeyOW | kKeyUpdate, 2)}},
    {"decr", {range(kKeyRW | kKeyAccess | kKeyUpdate, 1)}},
    {"decrby", {range(kKeyRW | kKeyAccess | kKeyUpdate, 1)}},
    {"del", {range(kKeyRM | kKeyDelete, 1, -1)}},
    {"dump", {range(kKeyRO | kKeyAccess, 1)}},
    {"eval", {counted(kKeyRW | kKeyAccess | kKeyUpdate, 2)}},
    {"eval_ro", {counted(kKeyRO | kKeyAccess, 2)}},
    {"evalsha", {counted(kKeyRW | kKeyAccess | kKeyUpdate, 2)}},
    {"evalsha_ro", {counted(kKeyRO | kKeyAccess, 2)}},
    {"exists", {range(kKeyRO, 1, -1)}},
    {"expire", {range(kKeyRW | kKeyUpdate, 1)}},
    {"expireat", {range(kKeyRW | kKeyUpdate, 1)}},
    {"expiretime", {range(kKeyRO | kKeyAccess, 1)}},
    {"fcall", {counted(kKeyRW | kKeyAccess | kKeyUpdate, 2)}},
    {"fcall_ro", {counted(kKeyRO | kKeyAccess, 2)}},
    {"geoadd", {range(kKeyRW | kKeyUpdate, 1)}},
    {"geodist", {range(kKeyRO | kKeyAccess, 1)}},
    {"geohash", {range(kKeyRO | kKeyAccess, 1)}},
    {"geopos", {range(kKeyRO | kKeyAccess, 1)}},
    {"georadius",
     {range(kKeyRO | kKeyAccess, 1), key_after_keyword(kKeyOW | kKeyUpdate, "STORE", 6),
      key_after_keyword(kKeyOW | kKeyUpdate, "STOREDIST", 6)}},
    {"georadius_ro", {range(kKeyRO | kKeyAccess, 1)}},
    {"georadiusbymember",
     {range(kKeyRO | kKeyAccess, 1), key_after_keyword(kKeyOW | kKeyUpdate, "STORE", 5),
      key_after_keyword(kKeyOW | kKeyUpdate, "STOREDIST", 5)}},
    {"georadiusbymember_ro", {range(kKeyRO | kKeyAccess, 1)}},
    {"geosearch", {range(kKeyRO | kKeyAccess, 1)}},
    {"geosearchstore", {range(kKeyOW | kKeyUpdate, 1), range(kKeyRO | kKeyAccess, 2)}},
    {"get", {range(kKeyRO | kKeyAccess, 1)}},
    {"getbit", {range(kKeyRO | kKeyAccess, 1)}},
    {"getdel", {range(kKeyRW | kKeyAccess | kKeyDelete, 1)}},
    {"getex", {range(kKeyRW | kKeyAccess | kKeyUpdate, 1)}},
    {"getrange", {range(kKeyRO | kKeyAccess, 1)}},
    {"getset", {range(kKeyRW | kKeyAccess | kKeyUpdate, 1)}},
    {"hdel", {range(kKeyRW | kKeyDelete, 1)}},
    {"hexists", {range(kKeyRO, 1)}},
    {"hget", {range(kKeyRO | kKeyAccess, 1)}},
    {"hgetall", {range(kKeyRO | kKeyAccess, 1)}},
    {"hincrby", {range(kKeyRW | kKeyAccess | kKeyUpdate, 1)}},
    {"hincrbyfloat", {range(kKeyRW | kKeyAccess | kKeyUpdate, 1)}},
    {"hkeys", {range(kKeyRO | kKeyAccess, 1)}},
    {"hlen", {range(kKeyRO, 1)}},
    {"hmget", {range(kKeyRO | kKeyAccess, 1)}},
    {"hmset", {range(kKeyRW | kKeyUpdate, 1)}},
    {"hrandfield", {range(kKeyRO | kKeyAccess, 1)}},
    {"hscan", {range(kKeyRO | kKeyAccess, 1)}},
    {"hset", {range(kKeyRW | kKeyUpdate, 1)}},
    {"hsetnx", {range(kKeyRW | kKeyInsert, 1)}},
    {"hstrlen", {range(kKeyRO, 1)}},
    {"hvals", {range(kKeyRO | kKeyAccess, 1)}},
    {"incr", {range(kKeyRW | kKeyAccess | kKeyUpdate, 1)}},
    {"incrby", {range(kKeyRW | kKeyAccess | kKeyUpdate, 1)}},
    {"incrbyfloat", {range(kKeyRW | kKeyAccess | kKeyUpdate, 1)}},
    {"lcs", {range(kKeyRO | kKeyAccess, 1, 1)}},
    {"lindex", {range(kKeyRO | kKeyAccess, 1)}},
    {"linsert", {range(kKeyRW | kKeyInsert, 1)}},
    {"llen", {range(kKeyRO, 1)}},
    {"lmove", {range(kKeyRW | kKeyAccess | kKeyDelete, 1), range(kKeyRW | kKeyInsert, 2)}},
    {"lmpop", {counted(kKeyRW | kKeyAccess | kKeyDelete, 1)}},
    {"lpop", {range(kKeyRW | kKeyAccess | kKeyDelete, 1)}},
    {"lpos", {range(kKeyRO | kKeyAccess, 1)}},
    {"lpush", {range(kKeyRW | kKeyInsert, 1)}},
    {"lpushx", {range(kKeyRW | kKeyInsert, 1)}},
    {"lrange", {range(kKeyRO | kKeyAccess, 1)}},
    {"lrem", {range(kKeyRW | kKeyDelete, 1)}},
    {"lset", {range(kKeyRW | kKeyUpdate, 1)}},
    {"ltrim", {range(kKeyRW | kKeyDelete, 1)}},
    {"memory|usage", {range(kKeyRO, 2)}},
    {"mget", {range(kKeyRO | kKeyAccess, 1, -1)}},
    {"migrate",
     {KeySpec{
          kKeyRW | kKeyAccess | kKeyDelete, 3, KeySpec::Search::kRange, 0, 1, {}, 0, migrate_keys},
      KeySpec{kKeyRW | kKeyAccess | kKeyDelete | kKeyIncomplete, -2, KeySpec::Search::kRange, -1, 1,
              "KEYS", 0, keys_found_by_first_spec}}},
    {"move", {range(kKeyRW | kKeyAccess | kKeyUpdate, 1)}},
    {"mset", {range(kKeyOW | kKeyUpdate, 1, -1, 2)}},
    {"msetnx", {range(kKeyOW | kKeyInsert, 1, -1, 2)}},
    {"object|encoding", {range(kKeyRO, 2)}},
    {"object|freq", {range(kKeyRO, 2)}},
    {"object|idletime", {range(kKeyRO, 2)}},
    {"object|refcount", {range(kKeyRO, 2)}},
    {"persist", {range(kKeyRW | kKeyUpdate, 1)}},
    {"pexpire", {range(kKeyRW | kKeyUpdate, 1)}},
    {"pexpireat", {range(kKeyRW | kKeyUpdate, 1)}},
    {"pexpiretime", {range(kKeyRO | kKeyAccess, 1)}},
    {"pfadd", {range(kKeyRW | kKeyInsert, 1)}},
    {"pfcount", {range(kKeyRW | kKeyAccess, 1, -1)}},
    {"pfdebug", {range(kKeyRW | kKeyAccess, 2)}},
    {"pfmerge", {range(kKeyRW | kKeyAccess | kKeyInsert, 1), range(kKeyRO | kKeyAccess, 2, -1)}},
    {"psetex", {range(kKeyOW | kKeyUpdate, 1)}},
    {"pttl", {range(kKeyRO | kKeyAccess, 1)}},
    {"rename", {range(kKeyRW | kKeyAccess | kKeyDelete, 1), range(kKeyOW | kKeyUpdate, 2)}},
    {"renamenx", {range(kKeyRW | kKeyAccess | kKeyDelete, 1), range(kKeyOW | kKeyInsert, 2)}},
    {"restore", {range(kKeyOW | kKeyUpdate, 1)}},
    {"rpop", {range(kKeyRW | kKeyAccess | kKeyDelete, 1)}},
    {"rpoplpush", {range(kKeyRW | kKeyAccess | kKeyDelete, 1), range(kKeyRW | kKeyInsert, 2)}},
    {"rpush", {range(kKeyRW | kKeyInsert, 1)}},
    {"rpushx", {range(kKeyRW | kKeyInsert, 1)}},
    {"sadd", {range(kKeyRW | kKeyInsert, 1)}},
    {"scard", {range(kKeyRO, 1)}},
    {"sdiff", {range(kKeyRO | kKeyAccess, 1, -1)}},
    {"sdiffstore", {range(kKeyOW | kKeyUpdate, 1), range(kKeyRO | kKeyAccess, 2, -1)}},
    {"set", {range(kKeyRW | kKeyAccess | kKeyUpdate | kKeyVariableFlags, 1)}},
    {"setbit", {range(kKeyRW | kKeyAccess | kKeyUpdate, 1)}},
    {"setex", {range(kKeyOW | kKeyUpdate, 1)}},
    {"setnx", {range(kKeyOW | kKeyInsert, 1)}},
    {"setrange", {range(kKeyRW | kKeyUpdate, 1)}},
    {"sinter", {range(kKeyRO | kKeyAccess, 1, -1)}},
    {"sintercard", {counted(kKeyRO | kKeyAccess, 1)}},
    {"sinterstore", {range(kKeyRW | kKeyUpdate, 1), range(kKeyRO | kKeyAccess, 2, -1)}},
    {"sismember", {range(kKeyRO, 1)}},
    {"smembers", {range(kKeyRO | kKeyAccess, 1)}},
    {"smismember", {range(kKeyRO | kKeyAccess, 1)}},
    {"smove", {range(kKeyRW | kKeyAccess | kKeyDelete, 1), range(kKeyRW | kKeyInsert, 2)}},
    {"sort",
     {range(kKeyRO | kKeyAccess, 1), unknown(kKeyRO | kKeyAccess, kSortByGetNotes),
      unknown(kKeyOW | kKeyUpdate, kSortStoreNotes, sort_store_key)}},
    {"sort_ro", {range(kKeyRO | kKeyAccess, 1), unknown(kKeyRO | kKeyAccess, kSortByGetNotes)}},
    {"spop", {range(kKeyRW | kKeyAccess | kKeyDelete, 1)}},
    {"spublish", {range(kKeyNotKey, 1)}},
    {"srandmember", {range(kKeyRO | kKeyAccess, 1)}},
    {"srem", {range(kKeyRW | kKeyDelete, 1)}},
    {"sscan", {range(kKeyRO | kKeyAccess, 1)}},
    {"ssubscribe", {range(kKeyNotKey, 1, -1)}},
    {"strlen", {range(kKeyRO, 1)}},
    {"substr", {range(kKeyRO | kKeyAccess, 1)}},
    {"sunion", {range(kKeyRO | kKeyAccess, 1, -1)}},
    {"sunionstore", {range(kKeyOW | kKeyUpdate, 1), range(kKeyRO | kKeyAccess, 2, -1)}},
    {"sunsubscribe", {range(kKeyNotKey, 1, -1)}},
    {"touch", {range(kKeyRO, 1, -1)}},
    {"ttl", {range(kKeyRO | kKeyAccess, 1)}},
    {"type", {range(kKeyRO, 1)}},
    {"unlink", {range(kKeyRM | kKeyDelete, 1, -1)}},
    {"watch", {range(kKeyRO, 1, -1)}},
    {"xack", {range(kKeyRW | kKeyUpdate, 1)}},
    {"xadd", {range(kKeyRW | kKeyUpdate, 1)}},
    {"xautoclaim", {range(kKeyRW | kKeyDelete, 1)}},
    {"xclaim", {range(kKeyRW | kKeyUpdate, 1)}},
    {"xdel", {range(kKeyRW | kKeyDelete, 1)}},
    {"xgroup|create", {range(kKeyRW | kKeyInsert, 2)}},
    {"xgroup|createconsumer", {range(kKeyRW | kKeyInsert, 2)}},
    {"xgroup|delconsumer", {range(kKeyRW | kKeyDelete, 2)}},
    {"xgroup|destroy", {range(kKeyRW | kKeyDelete, 2)}},
    {"xgroup|setid", {range(kKeyRW | kKeyUpdate, 2)}},
    {"xinfo|consumers", {range(kKeyRO | kKeyAccess, 2)}},
    {"xinfo|groups", {range(kKeyRO | kKeyAccess, 2)}},
    {"xinfo|stream", {range(kKeyRO | kKeyAccess, 2)}},
    {"xlen", {range(kKeyRO, 1)}},
    {"xpending", {range(kKeyRO | kKeyAccess, 1)}},
    {"xrange", {range(kKeyRO | kKeyAccess, 1)}},
    {"xread", {after_keyword(kKeyRO | kKeyAccess, "STREAMS", 1, 2)}},
    {"xreadgroup", {after_keyword(kKeyRO | kKeyAccess, "STREAMS", 4, 2)}},
    {"xrevrange", {range(kKeyRO | kKeyAccess, 1)}},
    {"xsetid", {range(kKeyRW | kKeyUpdate, 1)}},
    {"xtrim", {range(kKeyRW | kKeyDelete, 1)}},
    {"zadd", {range(kKeyRW | kKeyUpdate, 1)}},
    {"zcard", {range(kKeyRO, 1)}},
    {"zcount", {range(kKeyRO | kKeyAccess, 1)}},
    {"zdiff", {counted(kKeyRO | kKeyAccess, 1)}},
    {"zdiffstore", {range(kKeyOW | kKeyUpdate, 1), counted(kKeyRO | kKeyAccess, 2)}},
    {"zincrby", {range(kKeyRW | kKeyAccess | kKeyUpdate, 1)}},
    {"zinter", {counted(kKeyRO | kKeyAccess, 1)}},
    {"zintercard", {counted(kKeyRO | kKeyAccess, 1)}},
    {"zinterstore", {range(kKeyOW | kKeyUpdate, 1), counted(kKeyRO | kKeyAccess, 2)}},
    {"zlexcount", {range(kKeyRO | kKeyAccess, 1)}},
    {"zmpop", {counted(kKeyRW | kKeyAccess | kKeyDelete, 1)}},
    {"zmscore", {range(kKeyRO | kKeyAccess, 1)}},
    {"zpopmax", {range(kKeyRW | kKeyAccess | kKeyDelete, 1)}},
    {"zpopmin", {range(kKeyRW | kKeyAccess | kKeyDelete, 1)}},
    {"zrandmember", {range(kKeyRO | kKeyAccess, 1)}},
    {"zrange", {range(kKeyRO | kKeyAccess, 1)}},
    {"zrangebylex", {range(kKeyRO | kKeyAccess, 1)}},
    {"zrangebyscore", {range(kKeyRO | kKeyAccess, 1)}},
    {"zrangestore", {range(kKeyOW | kKeyUpdate, 1), range(kKeyRO | kKeyAccess, 2)}},
    {"zrank", {range(kKeyRO | kKeyAccess, 1)}},
    {"zrem", {range(kKeyRW | kKeyDelete, 1)}},
    {"zremrangebylex", {range(kKeyRW | kKeyDelete, 1)}},
    {"zremrangebyrank", {range(kKeyRW | kKeyDelete, 1)}},
    {"zremrangebyscore", {range(kKeyRW | kKeyDelete, 1)}},
    {"zrevrange", {range(kKeyRO | kKeyAccess, 1)}},
    {"zrevrangebylex", {range(kKeyRO | kKeyAccess, 1)}},
    {"zrevrangebyscore", {range(kKeyRO | kKeyAccess, 1)}},
    {"zrevrank", {range(kKeyRO | kKeyAccess, 1)}},
    {"zscan", {range(kKeyRO | kKeyAccess, 1)}},
    {"zscore", {range(kKeyRO | kKeyAccess, 1)}},
    {"zunion", {counted(kKeyRO | kKeyAccess, 1)}},
    {"zunionstore", {range(kKeyOW | kKeyUpdate, 1), counted(kKeyRO | kKeyAccess, 2)}},
};
static_assert(std::ranges::is_sorted(kKeySpecs, {}, &CommandKeySpecs::command));

// Redis reads numkeys with atoi(): leading digits count, anything else is 0.
int64_t leading_integer(std::string_view text) {
  size_t at = 0;
  while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
  const bool negative = at < text.size() && text[at] == '-';
  if (at < text.size() && (text[at] == '-' || text[at] == '+')) ++at;
  int64_t value = 0;
  for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
    value = std::min<int64_t>(value * 10 + (text[at] - '0'), INT32_MAX);
  }
  return negative ? -value : value;
}

// SET overwrites its key unless GET asks for the old value too.
uint32_t set_key_flags(std::span<const std::string_view> args) {
  for (size_t i = 3; i < args.size(); ++i) {
    if (equals_nocase(args[i], "get")) return kKeyRW | kKeyAccess | kKeyUpdate;
  }
  return kKeyOW | kKeyUpdate;
}

// BITFIELD only reads its key when every operation is a GET (or OVERFLOW);
// as Redis, arguments it cannot read count as a write.
uint32_t bitfield_key_flags(std::span<const std::string_view> args) {
  for (size_t i = 2; i < args.size(); ++i) {
    const size_t following = args.size() - i - 1;
    if (equals_nocase(args[i], "get") && following >= 2) {
      i += 2;
    } else if (equals_nocase(args[i], "overflow") && following >= 1) {
      i += 1;
    } else {
      return kKeyRW | kKeyAccess | kKeyUpdate;
    }
  }
  return kKeyRO | kKeyAccess;
}

// The flags of a key spec marked variable, from the call's arguments.
uint32_t variable_key_flags(std::span<const std::string_view> args) {
  return equals_nocase(args[0], "bitfield") ? bitfield_key_flags(args) : set_key_flags(args);
}

// How numkeys is read: strictly, as the key specs read it, or with atoi(), as the commands'
// own key finders read it; those report keys without flags, the counted ones first.
enum class CountReading { kStrict, kAtoi };

std::optional<std::vector<KeyPosition>> search(std::span<const KeySpec> specs,
                                               std::span<const std::string_view> args,
                                               CountReading reading) {
  const int argc = static_cast<int>(args.size());
  std::vector<KeyPosition> counted_keys;
  std::vector<KeyPosition> keys;
  for (const KeySpec& spec : specs) {
    if (spec.flags & kKeyNotKey) continue;
    uint32_t flags = (spec.flags & kKeyVariableFlags) ? variable_key_flags(args) : spec.flags;
    if (reading == CountReading::kAtoi) flags = 0;
    if (spec.search == KeySpec::Search::kUnknown || spec.finder != nullptr) {
      if (spec.finder != nullptr) spec.finder(args, flags, keys);
      continue;
    }
    int first = spec.begin;
    int last = 0;
    if (!spec.keyword.empty()) {
      // As Redis, the last argument is never taken for the keyword.
      int found = 0;
      if (spec.begin >= 0) {
        for (int i = spec.begin; i < argc - 1 && found == 0; ++i) {
          if (equals_nocase(args[i], spec.keyword)) found = i + 1;
        }
      } else {
        for (int i = argc + spec.begin; i > 0 && found == 0; --i) {
          if (equals_nocase(args[i], spec.keyword)) found = i + 1;
        }
      }
      if (found == 0) continue;
      first = found;
    }
    if (spec.search == KeySpec::Search::kCounted) {
      if (first >= argc) return std::nullopt;
      const std::optional<int64_t> count = reading == CountReading::kStrict
                                               ? parse_int64(args[first])
                                               : leading_integer(args[first]);
      // At least one key, and all of them present.
      if (!count || *count < 1 || *count > argc - first - 1) return std::nullopt;
      first += 1;
      last = first + static_cast<int>(*count) - 1;
    } else if (spec.last >= 0) {
      last = first + spec.last;
    } else {
      last = spec.limit > 0 ? first + (argc - first) / spec.limit + spec.last : argc + spec.last;
    }
    std::vector<KeyPosition>& found =
        reading == CountReading::kAtoi && spec.search == KeySpec::Search::kCounted ? counted_keys
                                                                                   : keys;
    for (int i = first; i <= last && i < argc; i += spec.step) {
      found.push_back(KeyPosition{static_cast<size_t>(i), flags});
    }
  }
  counted_keys.insert(counted_keys.end(), keys.begin(), keys.end());
  return counted_keys;
}

}  // namespace

std::span<const KeySpec> key_specs_of(std::string_view name) {
  const auto* found = std::ranges::lower_bound(kKeySpecs, name, {}, &CommandKeySpecs::command);
  if (found == std::end(kKeySpecs) || found->command != name) return {};
  return std::span(found->specs.data(), found->count());
}

bool has_key_arguments(std::span<const KeySpec> specs) {
  return std::ranges::any_of(specs, [](const KeySpec& spec) { return !(spec.flags & kKeyNotKey); });
}

bool has_movable_keys(std::span<const KeySpec> specs) {
  return std::ranges::any_of(specs, [](const KeySpec& spec) {
    return spec.search != KeySpec::Search::kRange || !spec.keyword.empty();
  });
}

std::optional<std::vector<KeyPosition>> find_keys(std::span<const KeySpec> specs,
                                                  std::span<const std::string_view> args) {
  if (auto keys = search(specs, args, CountReading::kStrict)) return keys;
  // As Redis: when the specs cannot read numkeys, the command's own key finder reads it with
  // atoi() and reports the keys without flags, those after numkeys first.
  if (!has_movable_keys(specs)) return std::nullopt;
  return search(specs, args, CountReading::kAtoi);
}

std::vector<std::string_view> key_flag_names(uint32_t flags) {
  static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
      {kKeyRO, "RO"},
      {kKeyRW, "RW"},
      {kKeyOW, "OW"},
      {kKeyRM, "RM"},
      {kKeyAccess, "access"},
      {kKeyUpdate, "update"},
      {kKeyInsert, "insert"},
      {kKeyDelete, "delete"},
      {kKeyNotKey, "not_key"},
      {kKeyIncomplete, "incomplete"},
      {kKeyVariableFlags, "variable_flags"},
  };
  std::vector<std::string_view> names;
  for (const auto& [flag, name] : kNames) {
    if (flags & flag) names.push_back(name);
  }
  return names;
}

}  // namespace fkvs
