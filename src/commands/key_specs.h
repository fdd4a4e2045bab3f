#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace fkvs {

// What a command does with a key, as Redis 7.0's key specifications say it (COMMAND
// GETKEYSANDFLAGS names them in this order).
enum KeyFlag : uint32_t {
  kKeyRO = 1 << 0,  // reads the value
  kKeyRW = 1 << 1,  // reads and changes it
  kKeyOW = 1 << 2,  // overwrites it without reading it
  kKeyRM = 1 << 3,  // removes it
  kKeyAccess = 1 << 4,
  kKeyUpdate = 1 << 5,
  kKeyInsert = 1 << 6,
  kKeyDelete = 1 << 7,
  kKeyNotKey = 1 << 8,         // a shard channel: named where a key would be, but not a key
  kKeyVariableFlags = 1 << 9,  // the flags depend on the other arguments (SET ... GET)
  kKeyIncomplete = 1 << 10,    // the spec may miss some keys (COMMAND INFO says so)
};

// A key found in a call: its argument index and the flags of the spec that found it.
struct KeyPosition {
  size_t index;
  uint32_t flags;
};

// Reads the keys of a spec Redis marks "unknown" from a call's arguments, adding them with
// flags to keys (SORT's STORE destination).
using KeyFinder = void (*)(std::span<const std::string_view> args, uint32_t flags,
                           std::vector<KeyPosition>& keys);

// Where one group of a command's keys is: from argument `begin`, either a range or a
// count of keys given in an argument (ZUNIONSTORE's numkeys) with the keys after it.
// kUnknown: no position tells them (COMMAND INFO says "unknown"); finder, when set, reads
// them from the arguments, else the spec names none (SORT's BY and GET read key names
// from the sorted values). A finder on any spec reads that spec's keys instead of its
// position (MIGRATE's, which Redis finds with a function of its own).
struct KeySpec {
  enum class Search { kRange, kCounted, kUnknown };
  uint32_t flags = 0;
  int begin = 0;
  Search search = Search::kRange;
  // kRange: the last key relative to begin, or, when negative, counted back from the end of
  // the call (-1: the last argument). kCounted: unused, numkeys is the argument at begin.
  int last = 0;
  int step = 1;
  // When set, begin is only where the search for this keyword (any case) starts, searching
  // back from the end when negative: the keys start after it (XREAD's STREAMS).
  std::string_view keyword = {};
  // kRange with last -1: the keys are the first 1/limit of the arguments from the first key
  // on (XREAD's keys, followed by as many IDs).
  int limit = 0;
  KeyFinder finder = nullptr;
  // COMMAND INFO's notes for this spec alone (see also key_spec_notes).
  std::string_view notes = {};
};

// The key specs Redis 7.0 gives the command called `name` ("get", "object|encoding"),
// empty for a command without keys.
std::span<const KeySpec> key_specs_of(std::string_view name);

// Whether any spec names real keys (shard channels are not).
bool has_key_arguments(std::span<const KeySpec> specs);

// Whether the keys can only be found by reading the arguments (a numkeys argument, a keyword):
// COMMAND INFO's "movablekeys".
bool has_movable_keys(std::span<const KeySpec> specs);

// The keys of a call (args[0] is the command name, arity already checked), in the order the
// specs list them. nullopt when a numkeys argument is not a count of keys that are there.
std::optional<std::vector<KeyPosition>> find_keys(std::span<const KeySpec> specs,
                                                  std::span<const std::string_view> args);

// COMMAND GETKEYSANDFLAGS's names for a key's flags, in Redis's order.
std::vector<std::string_view> key_flag_names(uint32_t flags);

}  // namespace fkvs
