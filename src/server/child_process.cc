#include "server/child_process.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <system_error>

#include "util/clock.h"

namespace fkvs {

namespace {

ForkStats stats;

}  // namespace

const ForkStats& fork_stats() { return stats; }

pid_t fork_child(const std::function<void()>& work, const char* failure_message) {
  const int64_t started_us = clock::monotonic_us();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid > 0) {
    // The parent is stopped while the kernel copies the page tables.
    stats.latest_fork_us = clock::monotonic_us() - started_us;
    ++stats.total_forks;
    return pid;
  }
  // The parent's shutdown handlers would only set a flag nobody reads here,
  // so a signal ends the child as it would any process.
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGINT, SIG_DFL);
  int code = 0;
  try {
    work();
  } catch (const std::exception& error) {
    spdlog::warn("{}: {}", failure_message, error.what());
    code = 1;
  }
  spdlog::default_logger()->flush();
  // No destructors, no atexit handlers: they belong to the parent.
  ::_exit(code);
}

}  // namespace fkvs
