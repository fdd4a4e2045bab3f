#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>

namespace fkvs {

// Forks a child that runs work on its copy-on-write view of the server's
// memory (a snapshot, an AOF rewrite) and exits: status 0 when work
// returned, 1 when it threw (the exception's message logged after
// failure_message). Returns the child's pid to the parent; throws
// std::system_error when fork fails.
pid_t fork_child(const std::function<void()>& work, const char* failure_message);

// What the forks cost the parent (INFO stats: latest_fork_usec, total_forks).
struct ForkStats {
  int64_t latest_fork_us = 0;
  uint64_t total_forks = 0;
};
const ForkStats& fork_stats();

}  // namespace fkvs
