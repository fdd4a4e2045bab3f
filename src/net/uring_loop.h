#pragma once

#include <liburing.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/event_loop.h"
#include "net/input_batch.h"
#include "net/tick_schedule.h"

namespace fkvs::net {

// What the running kernel's io_uring can do; found out as the loop runs, so
// it uses the best form of each operation and says once what it had to do
// without.
struct UringFeatures {
  bool multishot_accept = true;  // Linux 5.19
};

// Completion-based backend. Every socket operation is a request in the ring:
// one multishot accept per listener, one receive per connection at a time
// into a ring of provided buffers (copied once into the connection's input),
// and at most one send per connection in flight. Replies queued during an
// iteration are sent by requests submitted together with the wait for the
// next completions, so an iteration costs one io_uring_enter however many
// clients it serves. While a command holds the loop (serve_while_busy), a
// pass submits and collects without waiting and serves everyone else; the
// busy connection's own completions wait until the command ends.
class UringLoop final : public EventLoop {
 public:
  // Throws std::runtime_error, saying why, when the kernel cannot give the
  // loop a ring with provided-buffer rings (the caller falls back to epoll).
  UringLoop(ConnectionHandler& handler, UringFeatures wanted = {});
  ~UringLoop() override;

  const char* name() const override { return "io_uring"; }
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

  const UringFeatures& features() const { return features_; }

 private:
  struct Listener;
  struct Slot;
  struct Watch;
  class BufferRing;

  io_uring_sqe* next_sqe();
  void arm_accept(Listener& listener);
  void arm_recv(Slot& slot);
  void arm_watch(Watch& watch);
  void cancel_recv(Slot& slot);
  void start_send(Slot& slot);
  void handle_completion(const io_uring_cqe& cqe);
  void handle_completion_while_busy(const io_uring_cqe& cqe, const Slot& busy);
  void handle_kept_completions();
  void on_accepted(Listener& listener, const io_uring_cqe& cqe);
  bool on_received(Slot& slot, const io_uring_cqe& cqe);
  void run_input(Slot& slot);
  void run_received();
  void on_sent(Slot& slot, const io_uring_cqe& cqe);
  void output_drained(Slot& slot);
  void flush_all();
  void close_all_pending();
  void finish_close(Slot& slot);
  void release_if_done(Slot& slot);
  void drain_in_flight();
  int submit_and_wait(int64_t timeout_us);
  void handle_completions();
  Slot& slot_of(Connection& conn);

  ConnectionHandler& handler_;
  io_uring ring_{};
  UringFeatures features_;
  std::unique_ptr<BufferRing> buffers_;
  bool running_ = false;
  TickSchedule ticks_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<std::unique_ptr<Slot>> slots_;  // indexed by fd; kept until no request uses it
  std::vector<std::unique_ptr<Watch>> watches_;
  std::vector<Slot*> flush_list_;
  std::vector<Slot*> close_list_;
  InputBatch received_;
  size_t requests_in_flight_ = 0;
  // Going through the completion queue: entries not yet marked seen would be
  // handled twice by a nested pass.
  bool walking_completions_ = false;
  // While a command holds the loop (serve_while_busy): the connections that
  // received bytes in the current pass, and the completions of the busy
  // connection itself, handled once the loop's own iteration resumes.
  std::vector<Slot*> received_while_busy_;
  std::vector<io_uring_cqe> kept_for_busy_;
};

}  // namespace fkvs::net
