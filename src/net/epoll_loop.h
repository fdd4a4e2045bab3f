#pragma once

#include <sys/epoll.h>

#include <memory>
#include <vector>

#include "net/event_loop.h"

namespace fkvs::net {

// Readiness-based backend: level-triggered epoll, one read per readable
// event, and replies sent once per iteration for every connection that
// queued output, so a pipelined batch costs one read and one write.
class EpollLoop final : public EventLoop {
 public:
  explicit EpollLoop(ConnectionHandler& handler);
  ~EpollLoop() override;

  const char* name() const override { return "epoll"; }
  void add_listener(ListenerSpec listener) override;
  void remove_listener(int fd) override;
  void run() override;
  void stop() override { running_ = false; }
  void want_flush(Connection& conn) override;
  void want_close(Connection& conn) override;
  void set_tick_interval_ms(int interval_ms) override { tick_interval_us_ = interval_ms * 1000; }
  void pause_reading(Connection& conn, bool paused) override;

 private:
  void accept_clients(const ListenerSpec& listener);
  void read_from(Connection& conn);
  void flush(Connection& conn);
  void flush_all();
  void close_all_pending();
  void update_interest(Connection& conn);
  int wait_timeout_ms() const;

  ConnectionHandler& handler_;
  int epoll_fd_;
  bool running_ = false;
  int64_t tick_interval_us_ = 100000;
  int64_t next_tick_us_ = 0;
  std::vector<ListenerSpec> listeners_;                   // indexed by fd lookup below
  std::vector<int> listener_index_by_fd_;                 // -1 when the fd is not a listener
  std::vector<std::unique_ptr<Connection>> connections_;  // indexed by fd
  std::vector<Connection*> flush_list_;
  std::vector<Connection*> close_list_;
  std::vector<epoll_event> events_;
};

}  // namespace fkvs::net
