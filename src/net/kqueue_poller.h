#pragma once

#include <sys/types.h>
// kqueue(2) on older BSDs asks for sys/types.h before sys/event.h.
#include <sys/event.h>

#include <cerrno>
#include <cstdint>
#include <ctime>
#include <vector>

#include "net/poller.h"

namespace fkvs::net {

// kqueue (BSD, macOS) with level-triggered read and write filters. Interest
// changes are queued and handed to the kernel with the next wait, so pausing
// or resuming a connection costs no system call of its own; adding and
// removing a descriptor go to the kernel at once, together with the queue.
class KqueuePoller {
 public:
  static constexpr const char* kName = "kqueue";

  KqueuePoller();
  ~KqueuePoller();
  KqueuePoller(const KqueuePoller&) = delete;
  KqueuePoller& operator=(const KqueuePoller&) = delete;

  bool add(int fd);
  void set_interest(int fd, Interest which);
  void remove(int fd);

  int wait(int timeout_ms) {
    const timespec timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
    int ready = kevent(kqueue_fd_, changes_.data(), static_cast<int>(changes_.size()),
                       events_.data(), static_cast<int>(events_.size()), &timeout);
    // The kernel takes the changes before it sleeps: a signal that cuts the
    // wait short leaves them applied.
    changes_.clear();
    if (ready < 0 && errno != EINTR) throw_wait_error();
    return ready;
  }

  class Event {
   public:
    explicit Event(const struct kevent& ev) : ev_(ev) {}
    int fd() const { return static_cast<int>(ev_.ident); }
    // EV_EOF on the read filter only says the peer has finished sending;
    // what it sent before is still there to read.
    bool readable() const { return ev_.filter == EVFILT_READ && !refused_change(); }
    bool writable() const { return ev_.filter == EVFILT_WRITE && !refused_change(); }
    // EV_EOF on the write filter: nothing more can be sent.
    bool hung_up() const { return writable() && (ev_.flags & EV_EOF) != 0; }

   private:
    // A queued change the kernel refused comes back flagged EV_ERROR; it is
    // ignored, as the epoll loop ignores a failed epoll_ctl.
    bool refused_change() const { return (ev_.flags & EV_ERROR) != 0; }

    const struct kevent& ev_;
  };

  Event event(int index) const { return Event(events_[index]); }

 private:
  // What has been asked of the kernel for one descriptor, queued changes included.
  struct Filters {
    bool read_enabled = false;
    // The write filter is added the first time output has to wait: most
    // connections never need one, and listeners never do.
    bool write_added = false;
    bool write_enabled = false;
  };

  void queue_change(int fd, int16_t filter, uint16_t flags);
  bool apply_changes();
  [[noreturn]] static void throw_wait_error();

  int kqueue_fd_;
  std::vector<struct kevent> changes_;
  std::vector<struct kevent> events_;
  std::vector<Filters> filters_;  // indexed by fd
};

static_assert(Poller<KqueuePoller>);

}  // namespace fkvs::net
