#pragma once

#include <sys/types.h>

#include <functional>

namespace fkvs {

// Forks a child that runs work on its copy-on-write view of the server's
// memory (a snapshot, an AOF rewrite) and exits: status 0 when work
// returned, 1 when it threw (the exception's message logged after
// failure_message). Returns the child's pid to the parent; throws
// std::system_error when fork fails.
pid_t fork_child(const std::function<void()>& work, const char* failure_message);

}  // namespace fkvs
