#include "server/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <system_error>
#include <unordered_map>

#include "util/clock.h"

namespace fkvs {

namespace {

ForkStats stats;
// Per running child, the pipe it reports its copy-on-write size on.
std::unordered_map<pid_t, int> cow_reports;

}  // namespace

uint64_t private_dirty_bytes() {
  std::FILE* file = std::fopen("/proc/self/smaps_rollup", "r");
  if (file == nullptr) return 0;
  uint64_t total_kb = 0;
  char line[256];
  while (std::fgets(line, sizeof line, file) != nullptr) {
    unsigned long long kb = 0;
    if (std::sscanf(line, "Private_Dirty: %llu kB", &kb) == 1) total_kb += kb;
  }
  std::fclose(file);
  return total_kb * 1024;
}

uint64_t take_child_cow_bytes(pid_t pid) {
  auto found = cow_reports.find(pid);
  if (found == cow_reports.end()) return 0;
  uint64_t bytes = 0;
  if (::read(found->second, &bytes, sizeof bytes) != static_cast<ssize_t>(sizeof bytes)) bytes = 0;
  ::close(found->second);
  cow_reports.erase(found);
  return bytes;
}

const ForkStats& fork_stats() { return stats; }

pid_t fork_child(const std::function<void()>& work, const char* failure_message) {
  int report[2] = {-1, -1};
  // Without the pipe the child just cannot say how much it copied.
  if (::pipe2(report, O_CLOEXEC | O_NONBLOCK) != 0) report[0] = report[1] = -1;
  const int64_t started_us = clock::monotonic_us();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    if (report[0] >= 0) {
      ::close(report[0]);
      ::close(report[1]);
    }
    throw std::system_error(error, std::generic_category(), "fork");
  }
  if (pid > 0) {
    // The parent is stopped while the kernel copies the page tables.
    stats.latest_fork_us = clock::monotonic_us() - started_us;
    ++stats.total_forks;
    if (report[0] >= 0) {
      ::close(report[1]);
      cow_reports[pid] = report[0];
    }
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
  if (report[1] >= 0) {
    const uint64_t copied = private_dirty_bytes();
    [[maybe_unused]] ssize_t ignored = ::write(report[1], &copied, sizeof copied);
  }
  spdlog::default_logger()->flush();
  // No destructors, no atexit handlers: they belong to the parent.
  ::_exit(code);
}

}  // namespace fkvs
