#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/key_specs.h"
#include "server/latency_histogram.h"

namespace fkvs {

class CommandContext;
using CommandHandler = void (*)(CommandContext&);

// Flags as Redis names them in COMMAND INFO.
enum CommandFlag : uint32_t {
  kWrite = 1 << 0,
  kReadOnly = 1 << 1,
  kDenyOom = 1 << 2,
  kAdmin = 1 << 3,
  kPubSub = 1 << 4,
  kNoScript = 1 << 5,
  kBlocking = 1 << 6,
  kLoading = 1 << 7,
  kStale = 1 << 8,
  kSkipMonitor = 1 << 9,
  kFast = 1 << 10,
  kNoAuth = 1 << 11,  // allowed before AUTH
  kMayReplicate = 1 << 12,
  kNoMulti = 1 << 13,
  kAllowBusy = 1 << 14,
  kSentinel = 1 << 15,
  // Not a Redis flag: one of the few commands a RESP2 client in subscribed
  // mode may still send.
  kSubscriberAllowed = 1 << 16,
  // Not a Redis flag: runs at once between MULTI and EXEC instead of being
  // queued (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET).
  kRunsInMulti = 1 << 17,
  // Redis's CMD_PROTECTED, which COMMAND INFO does not show: refused unless
  // enable-debug-command allows it (DEBUG is the only such command fkvs has).
  kProtectedCommand = 1 << 18,
  kNoAsyncLoading = 1 << 19,
  // Set by the table, not written in rows: the keys are found by reading the arguments
  // (a numkeys argument), so COMMAND INFO's first/last/step do not tell them all.
  kMovableKeys = 1 << 20,
  // The command itself is never in the slow log (EXEC: the commands it ran are).
  kSkipSlowlog = 1 << 21,
  // Not a Redis flag: the call itself never propagates, the commands it ran
  // did (a script's effects).
  kPropagatesEffects = 1 << 22,
  // The command may be given no keys at all (EVAL, FCALL with numkeys 0).
  kNoMandatoryKeys = 1 << 23,
};

// The flags Redis gives its administrative commands (SHUTDOWN, DEBUG, LATENCY, ...).
constexpr uint32_t kAdminCommandFlags = kAdmin | kNoScript | kLoading | kStale;

// One row of the command table. Arity counts the command name; a negative
// arity means "at least -arity". Key positions follow COMMAND INFO's
// first/last/step convention (last -1 = the last argument).
struct CommandSpec {
  std::string_view name;  // lower case, e.g. "get" or "client|list" for a subcommand
  int arity;
  uint32_t flags;
  int first_key;
  int last_key;
  int key_step;
  CommandHandler handler;
  std::string_view group;    // COMMAND DOCS group: "string", "generic", "server", ...
  std::string_view summary;  // COMMAND DOCS summary
  std::string_view since;    // Redis version that introduced it

  // Calls visit(i) for each index of a call of argc arguments that the key
  // positions name (none when first_key is 0: the keys follow a count, or
  // there are none).
  template <typename Visit>
  void for_each_key_index(size_t argc, Visit visit) const {
    if (first_key <= 0) return;
    const int count = static_cast<int>(argc);
    const int last = last_key < 0 ? count + last_key : std::min(last_key, count - 1);
    for (int i = first_key; i <= last; i += std::max(key_step, 1)) visit(static_cast<size_t>(i));
  }
};

// A container command (CLIENT, CONFIG, OBJECT, COMMAND) dispatches on its
// first argument to a subcommand row named "container|sub".
struct Command {
  CommandSpec spec;
  std::vector<Command> subcommands;    // empty for plain commands
  std::span<const KeySpec> key_specs;  // Redis's key specifications of this command
  bool is_container() const { return !subcommands.empty(); }
  const Command* find_subcommand(std::string_view name) const;  // case-insensitive
  // Per-command statistics for INFO commandstats.
  mutable uint64_t calls = 0;
  mutable uint64_t ticks = 0;  // time spent, in clock::ticks()
  mutable uint64_t rejected_calls = 0;
  mutable uint64_t failed_calls = 0;
  mutable LatencyHistogram latency_histogram{};  // LATENCY HISTOGRAM, INFO latencystats
};

class CommandTable {
 public:
  CommandTable() = default;
  // The index points into commands_: a copy would point into the original.
  CommandTable(const CommandTable&) = delete;
  CommandTable& operator=(const CommandTable&) = delete;

  // Adds plain commands.
  void add(std::span<const CommandSpec> specs);
  // Adds a container whose subcommands are named "container|sub".
  void add_container(const CommandSpec& container, std::span<const CommandSpec> subcommands);
  // More subcommands for a container already added (a family of its own, as CLIENT TRACKING).
  void add_subcommands(std::string_view container, std::span<const CommandSpec> subcommands);

  // Case-insensitive lookup by the name a client sends.
  const Command* find(std::string_view name) const;
  const std::vector<Command>& commands() const { return commands_; }
  void reset_stats();

 private:
  // Every request looks its command up, so the index is a small open-addressing
  // table keyed by the name's first 16 bytes folded to lower case in two
  // words: a probe compares integers, not strings.
  struct NameKey {
    uint64_t head = 0;
    uint64_t tail = 0;
    size_t length = 0;
    bool operator==(const NameKey&) const = default;
  };
  struct Slot {
    NameKey key;
    const Command* command = nullptr;  // null marks an empty slot
  };
  static constexpr size_t kMaxNameLength = 32;
  static std::optional<NameKey> key_of(std::string_view name);
  size_t home_slot(const NameKey& key) const;
  void rebuild_index();

  std::vector<Command> commands_;
  std::vector<Slot> index_;
  size_t index_mask_ = 0;
};

}  // namespace fkvs
