#include "server/client_pause.h"

#include <algorithm>
#include <utility>

#include "commands/command_table.h"
#include "server/client.h"

namespace fkvs {
namespace {

// What WRITE holds back, as Redis 7.0: writes, and commands that may put
// something in the replication stream (PUBLISH).
constexpr uint32_t kMayWrite = kWrite | kMayReplicate;

}  // namespace

void ClientPause::pause(int64_t until_ms, Mode mode) {
  mode_ = std::max(mode_, mode);
  until_ms_ = std::max(until_ms_, until_ms);
}

bool ClientPause::holds(const Client& client, const Command& command,
                        std::span<const std::string_view> args, const CallFlags& flags_of) const {
  if (mode_ == Mode::kAll) return true;
  if (mode_ != Mode::kWrite) return false;
  auto call_flags = [&](const Command& called, std::span<const std::string_view> called_args) {
    return flags_of ? flags_of(called, called_args) : called.spec.flags;
  };
  if (call_flags(command, args) & kMayWrite) return true;
  // EXEC waits when its queue would write.
  if (command.spec.name != "exec" || !client.multi.open) return false;
  std::vector<std::string_view> queued_args;
  return std::ranges::any_of(client.multi.queued, [&](const QueuedCommand& queued) {
    queued_args.assign(queued.args.begin(), queued.args.end());
    return (call_flags(*queued.command, queued_args) & kMayWrite) != 0;
  });
}

void ClientPause::hold(Client& client) {
  client.paused = true;
  held_.push_back(client.id());
}

void ClientPause::forget(Client& client) {
  if (!client.paused) return;
  client.paused = false;
  std::erase(held_, client.id());
}

std::vector<uint64_t> ClientPause::end() {
  mode_ = Mode::kNone;
  until_ms_ = 0;
  return std::exchange(held_, {});
}

}  // namespace fkvs
