#pragma once

#include <sys/epoll.h>

#include <cerrno>
#include <vector>

#include "net/poller.h"

namespace fkvs::net {

// Level-triggered epoll. One epoll_event carries a descriptor's read and
// write readiness together; EPOLLHUP and EPOLLERR come whatever was asked.
class EpollPoller {
 public:
  static constexpr const char* kName = "epoll";

  EpollPoller();
  ~EpollPoller();
  EpollPoller(const EpollPoller&) = delete;
  EpollPoller& operator=(const EpollPoller&) = delete;

  bool add(int fd);
  void set_interest(int fd, Interest which);
  void remove(int fd);

  int wait(int timeout_ms) {
    int ready = epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
    if (ready < 0 && errno != EINTR) throw_wait_error();
    return ready;
  }

  class Event {
   public:
    explicit Event(const epoll_event& ev) : ev_(ev) {}
    int fd() const { return ev_.data.fd; }
    bool readable() const { return (ev_.events & EPOLLIN) != 0; }
    bool writable() const { return (ev_.events & EPOLLOUT) != 0; }
    bool hung_up() const { return (ev_.events & (EPOLLHUP | EPOLLERR)) != 0; }

   private:
    const epoll_event& ev_;
  };

  Event event(int index) const { return Event(events_[index]); }

 private:
  // Out of line, so the loop's hot path stays as small as it was.
  [[noreturn]] static void throw_wait_error();

  int epoll_fd_;
  std::vector<epoll_event> events_;
};

static_assert(Poller<EpollPoller>);

}  // namespace fkvs::net
