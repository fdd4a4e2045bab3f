#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/event.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <vector>

namespace {

struct Filter {
  bool added = false;
  bool enabled = false;
};

// A descriptor's two filters; together they decide its epoll mask.
struct Watched {
  Filter read;
  Filter write;
  bool in_epoll = false;
};

using Queue = std::map<int, Watched>;  // by descriptor

// Each kqueue is an epoll descriptor, and its state is kept under that number.
std::map<int, Queue>& queues() {
  static std::map<int, Queue> by_epoll_fd;
  return by_epoll_fd;
}

// epoll still reports hang-ups of a descriptor with an empty mask, where
// kqueue would report nothing, so such a descriptor leaves the epoll set.
int update_epoll(int kq, int fd, Watched& watched) {
  uint32_t mask = (watched.read.enabled ? EPOLLIN | EPOLLRDHUP : 0u) |
                  (watched.write.enabled ? static_cast<uint32_t>(EPOLLOUT) : 0u);
  if (mask == 0) {
    if (watched.in_epoll) epoll_ctl(kq, EPOLL_CTL_DEL, fd, nullptr);
    watched.in_epoll = false;
    return 0;
  }
  epoll_event ev{};
  ev.events = mask;
  ev.data.fd = fd;
  if (epoll_ctl(kq, watched.in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0) return errno;
  watched.in_epoll = true;
  return 0;
}

// Returns 0 or the errno kqueue would give for this change.
int apply_change(int kq, Queue& queue, const struct kevent& change) {
  if (change.filter != EVFILT_READ && change.filter != EVFILT_WRITE) return EINVAL;
  int fd = static_cast<int>(change.ident);
  if (fcntl(fd, F_GETFD) < 0) return EBADF;
  auto known = queue.find(fd);
  Watched updated = known == queue.end() ? Watched{} : known->second;
  Filter& filter = change.filter == EVFILT_READ ? updated.read : updated.write;
  if (change.flags & EV_DELETE) {
    if (!filter.added) return ENOENT;
    filter = {};
  } else if (change.flags & EV_ADD) {
    // Adding enables a new filter; re-adding one leaves it as it was.
    if (!filter.added) filter = {.added = true, .enabled = true};
  } else if (!filter.added) {
    return ENOENT;
  }
  if (filter.added && (change.flags & EV_ENABLE)) filter.enabled = true;
  if (filter.added && (change.flags & EV_DISABLE)) filter.enabled = false;
  if (int error = update_epoll(kq, fd, updated)) return error;
  if (updated.read.added || updated.write.added) {
    queue[fd] = updated;
  } else {
    queue.erase(fd);
  }
  return 0;
}

struct kevent report(int fd, int16_t filter, bool eof) {
  struct kevent ev {};
  EV_SET(&ev, fd, filter, eof ? EV_EOF : 0, 0, 0, nullptr);
  return ev;
}

}  // namespace

int kqueue() {
  int kq = epoll_create1(0);
  // The number may be that of a kqueue closed earlier.
  if (kq >= 0) queues()[kq].clear();
  return kq;
}

int kevent(int kq, const struct kevent* changelist, int nchanges, struct kevent* eventlist,
           int nevents, const struct timespec* timeout) {
  auto found = queues().find(kq);
  if (found == queues().end()) {
    errno = EBADF;
    return -1;
  }
  Queue& queue = found->second;
  int reported = 0;
  for (int i = 0; i < nchanges; ++i) {
    int error = apply_change(kq, queue, changelist[i]);
    if (error == 0) continue;
    if (reported == nevents) {
      errno = error;
      return -1;
    }
    eventlist[reported] = changelist[i];
    eventlist[reported].flags = EV_ERROR;
    eventlist[reported].data = error;
    ++reported;
  }
  if (reported > 0 || nevents == 0) return reported;

  int timeout_ms = -1;
  if (timeout != nullptr) {
    timeout_ms = static_cast<int>(timeout->tv_sec * 1000 + (timeout->tv_nsec + 999999) / 1000000);
  }
  // One epoll event may become two kevents. A readiness left out for lack of
  // room is level-triggered, so the next call reports it.
  std::vector<epoll_event> ready(std::max(1, nevents / 2));
  int count = epoll_wait(kq, ready.data(), static_cast<int>(ready.size()), timeout_ms);
  if (count < 0) return -1;
  for (int i = 0; i < count && reported < nevents; ++i) {
    int fd = ready[i].data.fd;
    uint32_t got = ready[i].events;
    const Watched& watched = queue.at(fd);
    if (watched.read.enabled && (got & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
      eventlist[reported++] = report(fd, EVFILT_READ, got & (EPOLLRDHUP | EPOLLHUP));
    }
    if (watched.write.enabled && reported < nevents && (got & (EPOLLOUT | EPOLLHUP | EPOLLERR))) {
      eventlist[reported++] = report(fd, EVFILT_WRITE, got & EPOLLHUP);
    }
  }
  return reported;
}
