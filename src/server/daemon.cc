#include "server/daemon.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace fkvs {

void daemonize() {
  const pid_t child = fork();
  if (child < 0) {
    std::fprintf(stderr, "Can't daemonize: fork: %s\n", std::strerror(errno));
    std::exit(1);
  }
  if (child > 0) std::_Exit(0);
  setsid();
  const int null = open("/dev/null", O_RDWR);
  if (null < 0) return;
  dup2(null, STDIN_FILENO);
  dup2(null, STDOUT_FILENO);
  dup2(null, STDERR_FILENO);
  if (null > STDERR_FILENO) close(null);
}

PidFile::PidFile(std::string path) : path_(std::move(path)) {
  std::FILE* file = std::fopen(path_.c_str(), "w");
  if (file == nullptr) {
    spdlog::warn("Failed to write PID file: {}", std::strerror(errno));
    return;
  }
  std::fprintf(file, "%d\n", static_cast<int>(getpid()));
  written_ = std::fclose(file) == 0;
}

PidFile::~PidFile() {
  if (written_) unlink(path_.c_str());
}

}  // namespace fkvs
