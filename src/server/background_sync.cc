#include "server/background_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>

namespace fkvs {

BackgroundSync::BackgroundSync() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  notify_read_ = fds[0];
  notify_write_ = fds[1];
}

BackgroundSync::~BackgroundSync() {
  stop();
  ::close(notify_read_);
  ::close(notify_write_);
}

void BackgroundSync::start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void BackgroundSync::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wakeup_.notify_one();
  thread_.join();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void BackgroundSync::request(int fd, uint64_t batch) {
  std::lock_guard lock(mutex_);
  // A newer request covers an older one not yet begun: the file it names
  // was synced before the AOF moved on to another (see AppendOnlyFile).
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  if (batch > wanted_batch_) wanted_batch_ = batch;
  wakeup_.notify_one();
}

bool BackgroundSync::busy() {
  std::lock_guard lock(mutex_);
  return syncing_ || fd_ >= 0;
}

BackgroundSync::Outcome BackgroundSync::collect() {
  char drained[64];
  while (::read(notify_read_, drained, sizeof drained) > 0) {
  }
  std::lock_guard lock(mutex_);
  Outcome outcome{synced_batch_, error_};
  error_ = 0;
  return outcome;
}

void BackgroundSync::set_delay_us(int64_t delay_us) {
  std::lock_guard lock(mutex_);
  delay_us_ = delay_us;
}

void BackgroundSync::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wakeup_.wait(lock, [this] { return stop_ || fd_ >= 0; });
    if (stop_) return;
    const int fd = fd_;
    const uint64_t batch = wanted_batch_;
    const int64_t delay_us = delay_us_;
    fd_ = -1;
    syncing_ = true;
    lock.unlock();
    if (delay_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
    const int error = ::fdatasync(fd) == 0 ? 0 : errno;
    ::close(fd);
    lock.lock();
    syncing_ = false;
    if (error == 0) {
      if (batch > synced_batch_) synced_batch_ = batch;
    } else {
      error_ = error;
    }
    // A full pipe already says a sync finished.
    const char done = 1;
    [[maybe_unused]] ssize_t ignored = ::write(notify_write_, &done, 1);
  }
}

}  // namespace fkvs
