#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace fkvs::net {

class Connection;

// What the server does with connections. The loop owns sockets and buffers;
// the handler sees bytes already in Connection::input() and queues replies in
// Connection::output(), then asks the loop to flush.
class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  // A client was accepted. The handler may refuse it by calling close_now()
  // or close_after_flush() (after queuing an error) on it.
  virtual void on_open(Connection& conn) = 0;
  // New bytes were appended to conn.input().
  virtual void on_input(Connection& conn) = 0;
  // When several connections received bytes in one pass of the loop, this
  // runs for each of them with step 0, then again with step 1, before their
  // on_input calls: the handler may prefetch what their first requests will
  // need, in two dependent steps, so those memory waits overlap.
  virtual void prefetch_input(Connection& /*conn*/, int /*step*/) {}
  // The connection is going away (peer closed, error, or asked to close);
  // this is the last call that sees it.
  virtual void on_close(Connection& conn) = 0;
  // conn's output has all been sent while its reading was paused.
  virtual void on_output_drained(Connection& conn) = 0;
  // Called every tick_interval_ms (Redis's serverCron).
  virtual void on_tick() = 0;
  // Called once per loop iteration before the loop waits (Redis's beforeSleep).
  virtual void before_wait() {}
};

struct ListenerSpec {
  int fd;
  bool is_unix;
  std::string unix_path;  // for addresses of unix-socket clients
};

// An event-loop backend (epoll, io_uring, kqueue).
class EventLoop {
 public:
  virtual ~EventLoop() = default;

  // The name INFO reports as multiplexing_api.
  virtual const char* name() const = 0;
  virtual void add_listener(ListenerSpec listener) = 0;
  // Stops accepting on fd and closes it (CONFIG SET port/bind).
  virtual void remove_listener(int fd) = 0;
  // Runs until stop(); throws std::runtime_error on a fatal backend error.
  virtual void run() = 0;
  // Makes run() return after the current iteration.
  virtual void stop() = 0;
  // conn has new output; it is sent before the loop next waits, one send
  // per connection per iteration.
  virtual void want_flush(Connection& conn) = 0;
  // Closes conn at the end of the current iteration (after a last flush if it
  // was marked close_after_flush).
  virtual void want_close(Connection& conn) = 0;
  virtual void set_tick_interval_ms(int interval_ms) = 0;
  // Stop or resume reading from conn (backpressure on large pending output).
  virtual void pause_reading(Connection& conn, bool paused) = 0;
  // Calls on_readable on the loop's thread whenever fd is readable, for as
  // long as the loop lives: how another thread (a background fsync) wakes
  // the loop through a pipe. on_readable drains fd itself.
  virtual void watch(int fd, std::function<void()> on_readable) = 0;
  // While one command holds the loop's thread for long (a script past
  // busy-reply-threshold): one pass over what is ready now, without
  // waiting. New clients are accepted, input is handed to on_input and
  // replies are sent; busy itself (the connection whose command runs) is
  // neither read nor flushed, and closes wait for the loop's own iteration.
  // Called from inside a command, a pass is refused where the loop is in the
  // middle of what it would redo (its poller's events, its completion queue).
  virtual void serve_while_busy(Connection& busy) = 0;
};

// Builds the backend named "epoll", "uring", "kqueue" or "auto". Returns
// nullptr and sets why when it is not available on this platform.
std::unique_ptr<EventLoop> make_event_loop(std::string_view backend, ConnectionHandler& handler,
                                           std::string& why);

}  // namespace fkvs::net
