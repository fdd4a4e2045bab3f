#include "commands/command_table.h"

#include <algorithm>
#include <bit>

#include "util/bytes.h"
#include "util/strings.h"

namespace fkvs {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080;

// Lower-cases the ASCII letters among eight bytes at once; every byte must be
// below 0x80, so no sum below carries into the next byte.
uint64_t fold_word(uint64_t word) {
  uint64_t at_least_a = word + 0x3f3f3f3f3f3f3f3f;  // high bit set where byte >= 'A'
  uint64_t above_z = word + 0x2525252525252525;     // high bit set where byte > 'Z'
  uint64_t upper = at_least_a & ~above_z & kHighBits;
  return word | (upper >> 2);  // 0x80 >> 2 is 0x20, 'a' - 'A'
}

// A table row with the key specifications Redis gives the command.
Command make_command(const CommandSpec& spec) {
  Command command{spec, {}, key_specs_of(spec.name)};
  if (has_movable_keys(command.key_specs)) command.spec.flags |= kMovableKeys;
  return command;
}

}  // namespace

const Command* Command::find_subcommand(std::string_view name) const {
  for (const Command& sub : subcommands) {
    std::string_view full = sub.spec.name;
    std::string_view short_name = full.substr(full.find('|') + 1);
    if (equals_nocase(short_name, name)) return &sub;
  }
  return nullptr;
}

void CommandTable::add(std::span<const CommandSpec> specs) {
  for (const CommandSpec& spec : specs) commands_.push_back(make_command(spec));
  rebuild_index();
}

void CommandTable::add_container(const CommandSpec& container,
                                 std::span<const CommandSpec> subcommands) {
  Command command = make_command(container);
  for (const CommandSpec& sub : subcommands) command.subcommands.push_back(make_command(sub));
  commands_.push_back(std::move(command));
  rebuild_index();
}

void CommandTable::add_subcommands(std::string_view container,
                                   std::span<const CommandSpec> subcommands) {
  auto found =
      std::ranges::find(commands_, container, [](const Command& c) { return c.spec.name; });
  for (const CommandSpec& sub : subcommands) found->subcommands.push_back(make_command(sub));
}

inline std::optional<CommandTable::NameKey> CommandTable::key_of(std::string_view name) {
  size_t length = name.size();
  if (length > kMaxNameLength) return std::nullopt;
  const char* bytes = name.data();
  uint64_t head = 0;
  uint64_t tail = 0;
  if (length <= 8) {
    head = load_up_to_8(bytes, length);
  } else {
    head = load_u64(bytes);
    tail = load_up_to_8(bytes + 8, std::min<size_t>(length - 8, 8));
  }
  if ((head | tail) & kHighBits) return std::nullopt;  // no command name has such bytes
  return NameKey{fold_word(head), fold_word(tail), length};
}

inline size_t CommandTable::home_slot(const NameKey& key) const {
  uint64_t mixed = (key.head ^ (key.tail * 0xc2b2ae3d27d4eb4f) ^ key.length) * 0x9e3779b97f4a7c15;
  return (mixed >> 40) & index_mask_;
}

// Registration only: sized to stay at most a quarter full, so probes are short.
void CommandTable::rebuild_index() {
  size_t size = std::bit_ceil(commands_.size() * 4);
  index_.assign(size, Slot{});
  index_mask_ = size - 1;
  for (Command& command : commands_) {
    NameKey key = *key_of(command.spec.name);
    size_t at = home_slot(key);
    while (index_[at].command != nullptr) at = (at + 1) & index_mask_;
    index_[at] = Slot{key, &command};
  }
}

const Command* CommandTable::find(std::string_view name) const {
  std::optional<NameKey> key = key_of(name);
  if (!key || index_.empty()) return nullptr;
  for (size_t at = home_slot(*key);; at = (at + 1) & index_mask_) {
    const Slot& slot = index_[at];
    if (slot.command == nullptr) return nullptr;
    if (slot.key != *key) continue;
    // The key holds 16 bytes; a longer name must match in the rest too.
    if (name.size() <= 16 ||
        equals_nocase(name.substr(16), std::string_view(slot.command->spec.name).substr(16))) {
      return slot.command;
    }
  }
}

void CommandTable::reset_stats() {
  for (const Command& command : commands_) {
    command.calls = command.ticks = command.rejected_calls = command.failed_calls = 0;
    command.latency_histogram.reset();
    for (const Command& sub : command.subcommands) {
      sub.calls = sub.ticks = sub.rejected_calls = sub.failed_calls = 0;
      sub.latency_histogram.reset();
    }
  }
}

}  // namespace fkvs
