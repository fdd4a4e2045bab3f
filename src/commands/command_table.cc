#include "commands/command_table.h"

#include <algorithm>
#include <cctype>

#include "util/strings.h"

namespace fkvs {
namespace {}  // namespace

const Command* Command::find_subcommand(std::string_view name) const {
  for (const Command& sub : subcommands) {
    std::string_view full = sub.spec.name;
    std::string_view short_name = full.substr(full.find('|') + 1);
    if (equals_nocase(short_name, name)) return &sub;
  }
  return nullptr;
}

void CommandTable::add(std::span<const CommandSpec> specs) {
  for (const CommandSpec& spec : specs) {
    index_[std::string(spec.name)] = commands_.size();
    commands_.push_back(Command{spec, {}});
  }
}

void CommandTable::add_container(const CommandSpec& container,
                                 std::span<const CommandSpec> subcommands) {
  Command command{container, {}};
  for (const CommandSpec& sub : subcommands) command.subcommands.push_back(Command{sub, {}});
  index_[std::string(container.name)] = commands_.size();
  commands_.push_back(std::move(command));
}

const Command* CommandTable::find(std::string_view name) const {
  // Command names are short; a stack copy keeps the lookup allocation-free.
  char folded[32] = {};
  if (name.size() > sizeof folded) return nullptr;
  for (size_t i = 0; i < name.size(); ++i) folded[i] = ascii_lower(name[i]);
  auto it = index_.find(std::string_view(folded, name.size()));
  return it == index_.end() ? nullptr : &commands_[it->second];
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
