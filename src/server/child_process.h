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

// After the child pid has exited (or was killed): the bytes of memory it
// had copied on write when its work was done, as INFO's rdb_last_cow_size
// and aof_last_cow_size report them; 0 when it did not say. Forgets pid.
uint64_t take_child_cow_bytes(pid_t pid);

// The Private_Dirty of this process, in bytes (what a forked child has
// copied on write); 0 where /proc does not tell.
uint64_t private_dirty_bytes();

// What the forks cost the parent (INFO stats: latest_fork_usec, total_forks).
struct ForkStats {
  int64_t latest_fork_us = 0;
  uint64_t total_forks = 0;
};
const ForkStats& fork_stats();

}  // namespace fkvs
