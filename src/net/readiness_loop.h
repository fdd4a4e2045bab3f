#pragma once

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "net/connection.h"
#include "net/event_loop.h"
#include "net/input_batch.h"
#include "net/poller.h"
#include "net/socket_util.h"
#include "net/tick_schedule.h"
#include "util/clock.h"

namespace fkvs::net {

// The backend for kernels that report readiness (epoll, kqueue): one read per
// readable event, and replies sent once per iteration for every connection
// that queued output, so a pipelined batch costs one read and one write.
// Each backend's header names its instantiation (EpollLoop, KqueueLoop) and
// its .cc compiles it once.
template <Poller P>
class ReadinessLoop final : public EventLoop {
 public:
  explicit ReadinessLoop(ConnectionHandler& handler) : handler_(handler) {}
  ~ReadinessLoop() override;

  const char* name() const override { return P::kName; }
  void add_listener(ListenerSpec listener) override;
  void remove_listener(int fd) override;
  void run() override;
  void stop() override { running_ = false; }
  void want_flush(Connection& conn) override;
  void want_close(Connection& conn) override;
  void set_tick_interval_ms(int interval_ms) override { ticks_.set_interval_ms(interval_ms); }
  void pause_reading(Connection& conn, bool paused) override;
  void watch(int fd, std::function<void()> on_readable) override;
  void serve_while_busy(Connection& busy) override;

 private:
  static constexpr size_t kReadChunk = 16 * 1024;
  static constexpr int kMaxAcceptsPerEvent = 1000;
  void accept_clients(const ListenerSpec& listener);
  void read_from(Connection& conn);
  void flush(Connection& conn);
  void flush_all();
  void close_all_pending();
  void update_interest(Connection& conn);
  int wait_timeout_ms() const;

  ConnectionHandler& handler_;
  P poller_;
  bool running_ = false;
  // Going through the poller's events: a nested pass would overwrite them.
  bool dispatching_events_ = false;
  TickSchedule ticks_;
  std::vector<ListenerSpec> listeners_;                   // indexed by fd lookup below
  std::vector<int> listener_index_by_fd_;                 // -1 when the fd is not a listener
  std::vector<std::function<void()>> watches_;            // indexed by fd; empty when not watched
  std::vector<std::unique_ptr<Connection>> connections_;  // indexed by fd
  std::vector<Connection*> flush_list_;
  std::vector<Connection*> close_list_;
  InputBatch received_;
};

template <Poller P>
ReadinessLoop<P>::~ReadinessLoop() {
  for (auto& conn : connections_) {
    if (conn) handler_.on_close(*conn);
  }
  connections_.clear();
  for (const auto& listener : listeners_) ::close(listener.fd);
}

template <Poller P>
void ReadinessLoop<P>::add_listener(ListenerSpec listener) {
  if (static_cast<size_t>(listener.fd) >= listener_index_by_fd_.size()) {
    listener_index_by_fd_.resize(listener.fd + 1, -1);
  }
  listener_index_by_fd_[listener.fd] = static_cast<int>(listeners_.size());
  if (!poller_.add(listener.fd)) {
    throw std::runtime_error(std::string(P::kName) +
                             ": cannot watch a listener: " + strerror(errno));
  }
  listeners_.push_back(std::move(listener));
}

template <Poller P>
void ReadinessLoop<P>::remove_listener(int fd) {
  if (static_cast<size_t>(fd) >= listener_index_by_fd_.size()) return;
  int index = listener_index_by_fd_[fd];
  if (index < 0) return;
  poller_.remove(fd);
  ::close(fd);
  listeners_.erase(listeners_.begin() + index);
  listener_index_by_fd_[fd] = -1;
  for (size_t i = index; i < listeners_.size(); ++i) {
    listener_index_by_fd_[listeners_[i].fd] = static_cast<int>(i);
  }
}

template <Poller P>
void ReadinessLoop<P>::run() {
  running_ = true;
  ticks_.start();
  while (running_) {
    int ready = poller_.wait(wait_timeout_ms());
    if (ready < 0) continue;  // a signal
    if (ready > 0) clock::update();
    dispatching_events_ = true;
    for (int i = 0; i < ready; ++i) {
      const auto ev = poller_.event(i);
      int fd = ev.fd();
      if (static_cast<size_t>(fd) < listener_index_by_fd_.size() &&
          listener_index_by_fd_[fd] >= 0) {
        accept_clients(listeners_[listener_index_by_fd_[fd]]);
        continue;
      }
      if (static_cast<size_t>(fd) < watches_.size() && watches_[fd]) [[unlikely]] {
        watches_[fd]();
        continue;
      }
      Connection* conn =
          static_cast<size_t>(fd) < connections_.size() ? connections_[fd].get() : nullptr;
      if (conn == nullptr) continue;
      // A connection closing after its replies is still told when it can send them.
      if (ev.writable()) flush(*conn);
      if (conn->closing()) {
        // Nothing more is read from it; a peer that hung up will never take
        // the rest of its replies.
        if (ev.hung_up()) {
          conn->close_now();
          want_close(*conn);
        }
        continue;
      }
      if (ev.readable() || ev.hung_up()) read_from(*conn);
    }
    dispatching_events_ = false;
    received_.run(handler_, [this](Connection& conn) {
      if (conn.closing()) return;
      handler_.on_input(conn);
      if (conn.closing()) want_close(conn);
    });
    ticks_.run_if_due(handler_);
    // After a shutdown request nothing more is sent, as with Redis.
    if (!running_) break;
    handler_.before_wait();
    flush_all();
    close_all_pending();
  }
}

template <Poller P>
void ReadinessLoop<P>::serve_while_busy(Connection& busy) {
  if (dispatching_events_) return;
  // Input this iteration read before the busy command began is served now too
  // (its connection is run again afterwards, with nothing left to do).
  for (Connection* conn : received_.pending()) {
    if (conn == &busy || conn->closing() || conn->input().empty()) continue;
    handler_.on_input(*conn);
    if (conn->closing()) want_close(*conn);
  }
  const int ready = poller_.wait(0);
  if (ready > 0) clock::update();
  // Gathered first: handling one may poll nothing, but it runs commands.
  std::vector<int> fds;
  for (int i = 0; i < ready; ++i) fds.push_back(poller_.event(i).fd());
  for (int fd : fds) {
    if (static_cast<size_t>(fd) < listener_index_by_fd_.size() && listener_index_by_fd_[fd] >= 0) {
      accept_clients(listeners_[listener_index_by_fd_[fd]]);
      continue;
    }
    if (static_cast<size_t>(fd) < watches_.size() && watches_[fd]) {
      watches_[fd]();
      continue;
    }
    Connection* conn =
        static_cast<size_t>(fd) < connections_.size() ? connections_[fd].get() : nullptr;
    if (conn == nullptr || conn == &busy || conn->closing()) continue;
    resp::ByteBuffer& input = conn->input();
    char* tail = input.prepare(kReadChunk);
    const ssize_t n = ::read(fd, tail, kReadChunk);
    if (n > 0) {
      input.commit(static_cast<size_t>(n));
      conn->bytes_received += static_cast<uint64_t>(n);
      handler_.on_input(*conn);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      conn->close_after_flush();
    }
    if (conn->closing()) want_close(*conn);
  }
  for (size_t i = 0; i < flush_list_.size();) {
    Connection* conn = flush_list_[i];
    if (conn == &busy) {
      ++i;
      continue;
    }
    flush_list_.erase(flush_list_.begin() + static_cast<std::ptrdiff_t>(i));
    conn->flush_pending = false;
    flush(*conn);
  }
}

template <Poller P>
int ReadinessLoop<P>::wait_timeout_ms() const {
  return static_cast<int>((ticks_.wait_budget_us() + 999) / 1000);
}

template <Poller P>
void ReadinessLoop<P>::accept_clients(const ListenerSpec& listener) {
  for (int i = 0; i < kMaxAcceptsPerEvent; ++i) {
    int fd = accept4(listener.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or an error worth retrying on the next event
    auto conn = std::make_unique<Connection>(
        fd, peer_address_of(fd, listener.is_unix, listener.unix_path),
        local_address_of(fd, listener.is_unix, listener.unix_path), listener.is_unix);
    if (!poller_.add(fd)) continue;  // conn closes fd
    if (static_cast<size_t>(fd) >= connections_.size()) connections_.resize(fd + 1);
    Connection& added = *conn;
    connections_[fd] = std::move(conn);
    handler_.on_open(added);
    if (added.closing()) want_close(added);
  }
}

template <Poller P>
void ReadinessLoop<P>::read_from(Connection& conn) {
  if (conn.closing()) return;
  resp::ByteBuffer& input = conn.input();
  // A large bulk in progress has already reserved its room; read into all of it.
  size_t room = input.tail_room() > kReadChunk ? input.tail_room() : kReadChunk;
  char* tail = input.prepare(room);
  ssize_t n = ::read(conn.fd(), tail, room);
  if (n > 0) {
    input.commit(static_cast<size_t>(n));
    conn.bytes_received += static_cast<uint64_t>(n);
    received_.add(conn);
    return;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  // Peer closed (or the socket failed): send what is already queued, then close.
  conn.close_after_flush();
  want_close(conn);
}

template <Poller P>
void ReadinessLoop<P>::want_flush(Connection& conn) {
  if (conn.flush_pending || conn.waiting_writable) return;
  conn.flush_pending = true;
  flush_list_.push_back(&conn);
}

template <Poller P>
void ReadinessLoop<P>::flush(Connection& conn) {
  resp::ByteBuffer& output = conn.output();
  // Replies held for the AOF's sync stay queued; the rest go.
  for (size_t sendable = conn.sendable_output(); sendable > 0 && !conn.closing_now();
       sendable = conn.sendable_output()) {
    ssize_t n = ::send(conn.fd(), output.data(), sendable, MSG_NOSIGNAL);
    if (n > 0) {
      output.consume(static_cast<size_t>(n));
      conn.bytes_sent += static_cast<uint64_t>(n);
      if (static_cast<size_t>(n) < sendable)
        break;  // the socket buffer is full; wait until it is writable
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    conn.close_now();
    want_close(conn);
    return;
  }
  bool pending = conn.sendable_output() > 0 && !conn.closing_now();
  if (pending != conn.waiting_writable) {
    conn.waiting_writable = pending;
    update_interest(conn);
  }
  if (output.empty()) {
    output.release_if_idle(Connection::kIdleOutputKeep);
    if (conn.closing_after_flush()) want_close(conn);
    if (conn.reading_paused && !conn.closing()) {
      handler_.on_output_drained(conn);
      if (conn.closing()) want_close(conn);
    }
  }
}

template <Poller P>
void ReadinessLoop<P>::flush_all() {
  // Handlers may queue more connections while we flush; index, don't iterate.
  for (size_t i = 0; i < flush_list_.size(); ++i) {
    Connection* conn = flush_list_[i];
    conn->flush_pending = false;
    flush(*conn);
  }
  flush_list_.clear();
}

template <Poller P>
void ReadinessLoop<P>::want_close(Connection& conn) {
  if (conn.close_pending) return;
  conn.close_pending = true;
  close_list_.push_back(&conn);
  // Level-triggered readability would be reported on every wait while the
  // last replies go out, so a closing connection is no longer watched for input.
  if (!conn.reading_paused) {
    conn.reading_paused = true;
    update_interest(conn);
  }
}

template <Poller P>
void ReadinessLoop<P>::close_all_pending() {
  size_t kept = 0;
  for (size_t i = 0; i < close_list_.size(); ++i) {
    Connection* conn = close_list_[i];
    // A connection closing after its replies waits while they are still going out.
    if (!conn->closing_now() && conn->closing_after_flush() && !conn->output().empty() &&
        (conn->waiting_writable || conn->output_held())) {
      close_list_[kept++] = conn;
      continue;
    }
    handler_.on_close(*conn);
    int fd = conn->fd();
    poller_.remove(fd);
    connections_[fd].reset();
  }
  close_list_.resize(kept);
}

template <Poller P>
void ReadinessLoop<P>::pause_reading(Connection& conn, bool paused) {
  if (conn.reading_paused == paused) return;
  conn.reading_paused = paused;
  update_interest(conn);
}

template <Poller P>
void ReadinessLoop<P>::watch(int fd, std::function<void()> on_readable) {
  if (!poller_.add(fd)) {
    throw std::runtime_error(std::string(P::kName) +
                             ": cannot watch a descriptor: " + strerror(errno));
  }
  if (static_cast<size_t>(fd) >= watches_.size()) watches_.resize(fd + 1);
  watches_[fd] = std::move(on_readable);
}

template <Poller P>
void ReadinessLoop<P>::update_interest(Connection& conn) {
  poller_.set_interest(conn.fd(), {.read = !conn.reading_paused, .write = conn.waiting_writable});
}

}  // namespace fkvs::net
