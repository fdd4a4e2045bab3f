#include "net/kqueue_poller.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace fkvs::net {

KqueuePoller::KqueuePoller() : kqueue_fd_(kqueue()), events_(1024) {
  if (kqueue_fd_ < 0) throw std::runtime_error(std::string("kqueue: ") + strerror(errno));
  // As EPOLL_CLOEXEC does for epoll; kqueue() takes no flags.
  fcntl(kqueue_fd_, F_SETFD, FD_CLOEXEC);
}

KqueuePoller::~KqueuePoller() { ::close(kqueue_fd_); }

bool KqueuePoller::add(int fd) {
  if (static_cast<size_t>(fd) >= filters_.size()) filters_.resize(fd + 1);
  filters_[fd] = {.read_enabled = true};
  queue_change(fd, EVFILT_READ, EV_ADD);
  // At once, so that a refused descriptor is known now, as with epoll_ctl.
  return apply_changes();
}

void KqueuePoller::set_interest(int fd, Interest which) {
  Filters& filters = filters_[fd];
  if (which.read != filters.read_enabled) {
    queue_change(fd, EVFILT_READ, which.read ? EV_ENABLE : EV_DISABLE);
    filters.read_enabled = which.read;
  }
  if (which.write != filters.write_enabled) {
    uint16_t flags = !which.write ? EV_DISABLE : filters.write_added ? EV_ENABLE : EV_ADD;
    queue_change(fd, EVFILT_WRITE, flags);
    filters.write_added = filters.write_added || which.write;
    filters.write_enabled = which.write;
  }
}

void KqueuePoller::remove(int fd) {
  queue_change(fd, EVFILT_READ, EV_DELETE);
  if (filters_[fd].write_added) queue_change(fd, EVFILT_WRITE, EV_DELETE);
  filters_[fd] = {};
  // At once: a change still queued for fd would fail once it is closed.
  apply_changes();
}

void KqueuePoller::queue_change(int fd, int16_t filter, uint16_t flags) {
  struct kevent change {};
  EV_SET(&change, fd, filter, flags, 0, 0, nullptr);
  changes_.push_back(change);
}

bool KqueuePoller::apply_changes() {
  const timespec no_wait{0, 0};
  int result =
      kevent(kqueue_fd_, changes_.data(), static_cast<int>(changes_.size()), nullptr, 0, &no_wait);
  changes_.clear();
  return result == 0;
}

void KqueuePoller::throw_wait_error() {
  throw std::runtime_error(std::string("kevent: ") + strerror(errno));
}

}  // namespace fkvs::net
