#include "net/epoll_loop.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "net/connection.h"
#include "net/socket_util.h"
#include "util/clock.h"

namespace fkvs::net {
namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr int kMaxAcceptsPerEvent = 1000;
// Output buffers above this are freed when they drain, so an idle client
// does not keep the memory of its largest reply.
constexpr size_t kIdleBufferKeep = 64 * 1024;

// Tables indexed by fd grow to cover the largest fd seen.
template <typename T>
void grow_to(std::vector<T>& table, int fd) {
  if (static_cast<size_t>(fd) >= table.size()) table.resize(fd + 1);
}

}  // namespace

EpollLoop::EpollLoop(ConnectionHandler& handler)
    : handler_(handler), epoll_fd_(epoll_create1(EPOLL_CLOEXEC)), events_(1024) {
  if (epoll_fd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + strerror(errno));
}

EpollLoop::~EpollLoop() {
  for (auto& conn : connections_) {
    if (conn) handler_.on_close(*conn);
  }
  connections_.clear();
  for (const auto& listener : listeners_) ::close(listener.fd);
  ::close(epoll_fd_);
}

void EpollLoop::add_listener(ListenerSpec listener) {
  if (static_cast<size_t>(listener.fd) >= listener_index_by_fd_.size()) {
    listener_index_by_fd_.resize(listener.fd + 1, -1);
  }
  listener_index_by_fd_[listener.fd] = static_cast<int>(listeners_.size());
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listener.fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listener.fd, &ev) != 0) {
    throw std::runtime_error(std::string("epoll_ctl(listener): ") + strerror(errno));
  }
  listeners_.push_back(std::move(listener));
}

void EpollLoop::remove_listener(int fd) {
  if (static_cast<size_t>(fd) >= listener_index_by_fd_.size()) return;
  int index = listener_index_by_fd_[fd];
  if (index < 0) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  listeners_.erase(listeners_.begin() + index);
  listener_index_by_fd_[fd] = -1;
  for (size_t i = index; i < listeners_.size(); ++i) {
    listener_index_by_fd_[listeners_[i].fd] = static_cast<int>(i);
  }
}

void EpollLoop::run() {
  running_ = true;
  next_tick_us_ = clock::monotonic_us() + tick_interval_us_;
  while (running_) {
    int ready =
        epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), wait_timeout_ms());
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("epoll_wait: ") + strerror(errno));
    }
    if (ready > 0) clock::update();
    for (int i = 0; i < ready; ++i) {
      const epoll_event& ev = events_[i];
      int fd = ev.data.fd;
      if (static_cast<size_t>(fd) < listener_index_by_fd_.size() &&
          listener_index_by_fd_[fd] >= 0) {
        accept_clients(listeners_[listener_index_by_fd_[fd]]);
        continue;
      }
      Connection* conn =
          static_cast<size_t>(fd) < connections_.size() ? connections_[fd].get() : nullptr;
      if (conn == nullptr) continue;
      // A connection closing after its replies still gets EPOLLOUT to send them.
      if (ev.events & EPOLLOUT) flush(*conn);
      if (conn->closing()) {
        // Nothing more is read from it; a peer that hung up will never take
        // the rest of its replies.
        if (ev.events & (EPOLLHUP | EPOLLERR)) {
          conn->close_now();
          want_close(*conn);
        }
        continue;
      }
      if (ev.events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_from(*conn);
    }
    if (clock::monotonic_us() >= next_tick_us_) {
      clock::update();
      handler_.on_tick();
      next_tick_us_ = clock::monotonic_us() + tick_interval_us_;
    }
    // After a shutdown request nothing more is sent, as with Redis.
    if (!running_) break;
    handler_.before_wait();
    flush_all();
    close_all_pending();
  }
}

int EpollLoop::wait_timeout_ms() const {
  int64_t until_tick = next_tick_us_ - clock::monotonic_us();
  if (until_tick <= 0) return 0;
  return static_cast<int>((until_tick + 999) / 1000);
}

void EpollLoop::accept_clients(const ListenerSpec& listener) {
  for (int i = 0; i < kMaxAcceptsPerEvent; ++i) {
    int fd = accept4(listener.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or an error worth retrying on the next event
    auto conn = std::make_unique<Connection>(
        fd, peer_address_of(fd, listener.is_unix, listener.unix_path),
        local_address_of(fd, listener.is_unix, listener.unix_path), listener.is_unix);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) continue;  // conn closes fd
    grow_to(connections_, fd);
    Connection& added = *conn;
    connections_[fd] = std::move(conn);
    handler_.on_open(added);
    if (added.closing()) want_close(added);
  }
}

void EpollLoop::read_from(Connection& conn) {
  if (conn.closing()) return;
  resp::ByteBuffer& input = conn.input();
  // A large bulk in progress has already reserved its room; read into all of it.
  size_t room = input.tail_room() > kReadChunk ? input.tail_room() : kReadChunk;
  char* tail = input.prepare(room);
  ssize_t n = ::read(conn.fd(), tail, room);
  if (n > 0) {
    input.commit(static_cast<size_t>(n));
    conn.bytes_received += static_cast<uint64_t>(n);
    handler_.on_input(conn);
    if (conn.closing()) want_close(conn);
    return;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  // Peer closed (or the socket failed): send what is already queued, then close.
  conn.close_after_flush();
  want_close(conn);
}

void EpollLoop::want_flush(Connection& conn) {
  if (conn.flush_pending || conn.waiting_writable) return;
  conn.flush_pending = true;
  flush_list_.push_back(&conn);
}

void EpollLoop::flush(Connection& conn) {
  resp::ByteBuffer& output = conn.output();
  while (!output.empty() && !conn.closing_now()) {
    ssize_t n = ::send(conn.fd(), output.data(), output.size(), MSG_NOSIGNAL);
    if (n > 0) {
      output.consume(static_cast<size_t>(n));
      conn.bytes_sent += static_cast<uint64_t>(n);
      if (!output.empty()) break;  // the socket buffer is full; wait for EPOLLOUT
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    conn.close_now();
    want_close(conn);
    return;
  }
  bool pending = !output.empty() && !conn.closing_now();
  if (pending != conn.waiting_writable) {
    conn.waiting_writable = pending;
    update_interest(conn);
  }
  if (output.empty()) {
    output.release_if_idle(kIdleBufferKeep);
    if (conn.closing_after_flush()) want_close(conn);
    if (conn.reading_paused && !conn.closing()) {
      handler_.on_output_drained(conn);
      if (conn.closing()) want_close(conn);
    }
  }
}

void EpollLoop::flush_all() {
  // Handlers may queue more connections while we flush; index, don't iterate.
  for (size_t i = 0; i < flush_list_.size(); ++i) {
    Connection* conn = flush_list_[i];
    conn->flush_pending = false;
    flush(*conn);
  }
  flush_list_.clear();
}

void EpollLoop::want_close(Connection& conn) {
  if (conn.close_pending) return;
  conn.close_pending = true;
  close_list_.push_back(&conn);
  // Level-triggered EPOLLIN would fire on every wait while the last replies
  // go out, so a closing connection is no longer watched for input.
  if (!conn.reading_paused) {
    conn.reading_paused = true;
    update_interest(conn);
  }
}

void EpollLoop::close_all_pending() {
  size_t kept = 0;
  for (size_t i = 0; i < close_list_.size(); ++i) {
    Connection* conn = close_list_[i];
    // A connection closing after its replies waits while they are still going out.
    if (!conn->closing_now() && conn->closing_after_flush() && !conn->output().empty() &&
        conn->waiting_writable) {
      close_list_[kept++] = conn;
      continue;
    }
    handler_.on_close(*conn);
    int fd = conn->fd();
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    connections_[fd].reset();
  }
  close_list_.resize(kept);
}

void EpollLoop::pause_reading(Connection& conn, bool paused) {
  if (conn.reading_paused == paused) return;
  conn.reading_paused = paused;
  update_interest(conn);
}

void EpollLoop::update_interest(Connection& conn) {
  epoll_event ev{};
  ev.events = (conn.reading_paused ? 0u : static_cast<uint32_t>(EPOLLIN)) |
              (conn.waiting_writable ? static_cast<uint32_t>(EPOLLOUT) : 0u);
  ev.data.fd = conn.fd();
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, conn.fd(), &ev);
}

}  // namespace fkvs::net
