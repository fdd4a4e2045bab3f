#include "commands/command_table.h"

#include <bit>
#include <cstring>

#include "util/strings.h"

namespace fkvs {
namespace {

// FNV-1a: a few instructions per byte, plenty for a couple of hundred names.
constexpr uint32_t kFnvOffset = 2166136261u;
constexpr uint32_t kFnvPrime = 16777619u;

uint32_t hash_step(uint32_t hash, char c) {
  return (hash ^ static_cast<unsigned char>(c)) * kFnvPrime;
}

uint32_t name_hash(std::string_view lower_name) {
  uint32_t hash = kFnvOffset;
  for (char c : lower_name) hash = hash_step(hash, c);
  return hash;
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
  for (const CommandSpec& spec : specs) commands_.push_back(Command{spec, {}});
  rebuild_index();
}

void CommandTable::add_container(const CommandSpec& container,
                                 std::span<const CommandSpec> subcommands) {
  Command command{container, {}};
  for (const CommandSpec& sub : subcommands) command.subcommands.push_back(Command{sub, {}});
  commands_.push_back(std::move(command));
  rebuild_index();
}

// Registration only: sized to stay at most a quarter full, so probes are short.
void CommandTable::rebuild_index() {
  size_t size = std::bit_ceil(commands_.size() * 4);
  index_.assign(size, Slot{});
  index_mask_ = size - 1;
  for (size_t i = 0; i < commands_.size(); ++i) {
    uint32_t hash = name_hash(commands_[i].spec.name);
    size_t at = hash & index_mask_;
    while (index_[at].command != 0) at = (at + 1) & index_mask_;
    index_[at] = Slot{hash, static_cast<uint32_t>(i + 1)};
  }
}

const Command* CommandTable::find(std::string_view name) const {
  if (name.size() > kMaxNameLength || index_.empty()) return nullptr;
  // Fold and hash in one pass; the folded copy stays on the stack.
  char folded[kMaxNameLength];
  uint32_t hash = kFnvOffset;
  for (size_t i = 0; i < name.size(); ++i) {
    folded[i] = ascii_lower(name[i]);
    hash = hash_step(hash, folded[i]);
  }
  for (size_t at = hash & index_mask_;; at = (at + 1) & index_mask_) {
    const Slot& slot = index_[at];
    if (slot.command == 0) return nullptr;
    if (slot.hash != hash) continue;
    const Command& command = commands_[slot.command - 1];
    if (command.spec.name.size() == name.size() &&
        std::memcmp(command.spec.name.data(), folded, name.size()) == 0) {
      return &command;
    }
  }
}

void CommandTable::reset_stats() {
  for (const Command& command : commands_) {
    command.calls = command.usec = command.rejected_calls = command.failed_calls = 0;
    for (const Command& sub : command.subcommands) {
      sub.calls = sub.usec = sub.rejected_calls = sub.failed_calls = 0;
    }
  }
}

}  // namespace fkvs
