// The epoll-backed <sys/event.h> of kqueue_shim/ must behave as kqueue does,
// or the kqueue backend's tests would prove nothing.
#include <doctest/doctest.h>
#include <sys/event.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <vector>

namespace {

struct SocketPair {
  int near = -1;
  int far = -1;
  SocketPair() {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0);
    near = fds[0];
    far = fds[1];
  }
  ~SocketPair() {
    ::close(near);
    if (far >= 0) ::close(far);
  }
  void close_far() {
    ::close(far);
    far = -1;
  }
};

struct Kqueue {
  int fd = kqueue();
  ~Kqueue() { ::close(fd); }

  // Applies changes, then collects what is ready without waiting.
  std::vector<struct kevent> poll(std::vector<struct kevent> changes = {}, int room = 8) {
    std::vector<struct kevent> events(room);
    const timespec no_wait{0, 0};
    int n =
        kevent(fd, changes.data(), static_cast<int>(changes.size()), events.data(), room, &no_wait);
    REQUIRE(n >= 0);
    events.resize(n);
    return events;
  }
};

struct kevent change(int fd, int16_t filter, uint16_t flags) {
  struct kevent kev;
  EV_SET(&kev, fd, filter, flags, 0, 0, nullptr);
  return kev;
}

}  // namespace

TEST_CASE("kqueue shim: read and write are separate filters, applied before the wait") {
  Kqueue kq;
  SocketPair pair;
  auto events =
      kq.poll({change(pair.near, EVFILT_READ, EV_ADD), change(pair.near, EVFILT_WRITE, EV_ADD)});
  REQUIRE(events.size() == 1);
  CHECK(events[0].ident == static_cast<uintptr_t>(pair.near));
  CHECK(events[0].filter == EVFILT_WRITE);
  CHECK(events[0].flags == 0);

  REQUIRE(write(pair.far, "x", 1) == 1);
  events = kq.poll();
  REQUIRE(events.size() == 2);
  CHECK(events[0].filter == EVFILT_READ);
  CHECK(events[1].filter == EVFILT_WRITE);
  CHECK(events[0].ident == events[1].ident);
  // Level-triggered: still readable until read.
  CHECK(kq.poll().size() == 2);
}

TEST_CASE("kqueue shim: a disabled filter reports nothing until it is enabled again") {
  Kqueue kq;
  SocketPair pair;
  REQUIRE(write(pair.far, "x", 1) == 1);
  CHECK(kq.poll({change(pair.near, EVFILT_READ, EV_ADD | EV_DISABLE)}).empty());
  CHECK(kq.poll({change(pair.near, EVFILT_READ, EV_ENABLE)}).size() == 1);
  CHECK(kq.poll({change(pair.near, EVFILT_READ, EV_DISABLE)}).empty());
  // A disabled read filter stays silent even when the peer goes away.
  pair.close_far();
  CHECK(kq.poll().empty());
  CHECK(kq.poll({change(pair.near, EVFILT_READ, EV_DELETE)}).empty());
}

TEST_CASE("kqueue shim: EV_EOF on the read filter once the peer has finished sending") {
  Kqueue kq;
  SocketPair pair;
  REQUIRE(write(pair.far, "x", 1) == 1);
  pair.close_far();
  auto events = kq.poll({change(pair.near, EVFILT_READ, EV_ADD)});
  REQUIRE(events.size() == 1);
  CHECK(events[0].filter == EVFILT_READ);
  CHECK((events[0].flags & EV_EOF) != 0);
  // What was sent before the close is still there to read.
  char byte;
  CHECK(read(pair.near, &byte, 1) == 1);
  CHECK(read(pair.near, &byte, 1) == 0);
}

TEST_CASE("kqueue shim: EV_EOF on the write filter once nothing more can be sent") {
  Kqueue kq;
  SocketPair pair;
  auto events = kq.poll({change(pair.near, EVFILT_WRITE, EV_ADD)});
  REQUIRE(events.size() == 1);
  CHECK((events[0].flags & EV_EOF) == 0);
  pair.close_far();
  events = kq.poll();
  REQUIRE(events.size() == 1);
  CHECK(events[0].filter == EVFILT_WRITE);
  CHECK((events[0].flags & EV_EOF) != 0);
}

TEST_CASE("kqueue shim: a refused change is an EV_ERROR event, or fails the call without room") {
  Kqueue kq;
  SocketPair pair;
  auto events =
      kq.poll({change(pair.near, EVFILT_WRITE, EV_ENABLE), change(pair.near, EVFILT_READ, EV_ADD)});
  // As on FreeBSD, only the refusals come back when there are any.
  REQUIRE(events.size() == 1);
  CHECK(events[0].filter == EVFILT_WRITE);
  CHECK(events[0].flags == EV_ERROR);
  CHECK(events[0].data == ENOENT);

  struct kevent missing = change(pair.near, EVFILT_WRITE, EV_DELETE);
  const timespec no_wait{0, 0};
  errno = 0;
  CHECK(kevent(kq.fd, &missing, 1, nullptr, 0, &no_wait) == -1);
  CHECK(errno == ENOENT);

  int closed = dup(pair.near);
  ::close(closed);
  events = kq.poll({change(closed, EVFILT_READ, EV_ADD)});
  REQUIRE(events.size() == 1);
  CHECK(events[0].data == EBADF);
  // The read filter added next to the first refusal took effect all the same.
  REQUIRE(write(pair.far, "x", 1) == 1);
  CHECK(kq.poll().size() == 1);
}

TEST_CASE("kqueue shim: the timeout bounds the wait") {
  Kqueue kq;
  SocketPair pair;
  struct kevent add = change(pair.near, EVFILT_READ, EV_ADD);
  struct kevent event;
  const timespec thirty_ms{0, 30'000'000};
  auto start = std::chrono::steady_clock::now();
  CHECK(kevent(kq.fd, &add, 1, &event, 1, &thirty_ms) == 0);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(30));
}
