#include "net/uring_loop.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "net/connection.h"
#include "net/socket_util.h"
#include "util/clock.h"

namespace fkvs::net {
namespace {

constexpr unsigned kSubmissionEntries = 4096;
constexpr unsigned kCompletionEntries = 16384;
// Receives draw from this pool; each buffer goes back as soon as its bytes are
// copied into a connection's input, within the same pass over completions.
constexpr unsigned kBufferCount = 512;  // a power of two, as the ring needs
constexpr unsigned kBufferSize = 16 * 1024;
constexpr uint16_t kBufferGroup = 0;
// How long destruction waits for the kernel to finish requests that still
// point into our buffers.
constexpr int64_t kDrainTimeoutUs = 1'000'000;

// A request's user_data is the object it belongs to with the operation in the
// low bits (listeners and slots are at least 8-byte aligned).
enum class Op : uint64_t { kAccept = 1, kRecv = 2, kSend = 3, kCancel = 4, kWatch = 5 };
constexpr uint64_t kOpBits = 7;

uint64_t tagged(const void* object, Op op) {
  return reinterpret_cast<uint64_t>(object) | static_cast<uint64_t>(op);
}
Op op_of(uint64_t user_data) { return static_cast<Op>(user_data & kOpBits); }
template <typename T>
T& object_of(uint64_t user_data) {
  return *reinterpret_cast<T*>(user_data & ~kOpBits);
}

std::string describe(int negative_errno) { return std::strerror(-negative_errno); }

}  // namespace

struct UringLoop::Listener {
  explicit Listener(ListenerSpec s) : spec(std::move(s)) {}
  ListenerSpec spec;
  bool accept_armed = false;
  bool removed = false;
};

// A connection and the requests the kernel holds for it. It outlives the
// handler's view of it (on_close) until the last of them completes, so no
// completion ever points at freed memory.
struct UringLoop::Slot {
  Slot(int fd, std::string peer, std::string local, bool is_unix)
      : conn(fd, std::move(peer), std::move(local), is_unix) {}
  Connection conn;
  bool recv_armed = false;
  bool recv_cancelling = false;
  bool send_in_flight = false;
  bool closed = false;
  int requests = 0;
};

// A descriptor watched for readability: one poll request at a time.
struct UringLoop::Watch {
  int fd;
  std::function<void()> on_readable;
  bool armed = false;
};

// The provided-buffer ring receives draw from (Linux 5.19).
class UringLoop::BufferRing {
 public:
  explicit BufferRing(io_uring& ring) {
    constexpr size_t ring_bytes = kBufferCount * sizeof(io_uring_buf);
    constexpr size_t total = ring_bytes + size_t{kBufferCount} * kBufferSize;
    void* memory = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) throw std::runtime_error(std::string("mmap: ") + strerror(errno));
    memory_ = memory;
    bytes_ = total;
    ring_ = static_cast<io_uring_buf_ring*>(memory);
    data_ = static_cast<char*>(memory) + ring_bytes;
    io_uring_buf_reg registration{};
    registration.ring_addr = reinterpret_cast<uint64_t>(ring_);
    registration.ring_entries = kBufferCount;
    registration.bgid = kBufferGroup;
    if (int rc = io_uring_register_buf_ring(&ring, &registration, 0); rc != 0) {
      munmap(memory_, bytes_);
      throw std::runtime_error("provided-buffer rings are unavailable (io_uring_register: " +
                               describe(rc) + ", needs Linux 5.19)");
    }
    io_uring_buf_ring_init(ring_);
    for (unsigned id = 0; id < kBufferCount; ++id) give_back(static_cast<uint16_t>(id));
    publish();
  }
  ~BufferRing() { munmap(memory_, bytes_); }
  BufferRing(const BufferRing&) = delete;
  BufferRing& operator=(const BufferRing&) = delete;

  const char* data(uint16_t id) const { return data_ + size_t{id} * kBufferSize; }
  void give_back(uint16_t id) {
    io_uring_buf_ring_add(ring_, data_ + size_t{id} * kBufferSize, kBufferSize, id,
                          io_uring_buf_ring_mask(kBufferCount), unpublished_++);
  }
  // Makes the buffers given back since the last call visible to the kernel.
  void publish() {
    if (unpublished_ == 0) return;
    io_uring_buf_ring_advance(ring_, unpublished_);
    unpublished_ = 0;
  }

 private:
  void* memory_ = nullptr;
  size_t bytes_ = 0;
  io_uring_buf_ring* ring_ = nullptr;
  char* data_ = nullptr;
  int unpublished_ = 0;
};

UringLoop::UringLoop(ConnectionHandler& handler, UringFeatures wanted)
    : handler_(handler), features_(wanted) {
  io_uring_params params{};
  // Completions are delivered only when we wait for them, on this thread:
  // no interrupts of the loop by task work (Linux 6.1).
  params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER |
                 IORING_SETUP_DEFER_TASKRUN;
  params.cq_entries = kCompletionEntries;
  int rc = io_uring_queue_init_params(kSubmissionEntries, &ring_, &params);
  if (rc == -EINVAL) {
    params = {};
    params.flags = IORING_SETUP_CQSIZE;
    params.cq_entries = kCompletionEntries;
    rc = io_uring_queue_init_params(kSubmissionEntries, &ring_, &params);
  }
  if (rc < 0) throw std::runtime_error("io_uring_setup: " + describe(rc));
  if (!(params.features & IORING_FEAT_EXT_ARG)) {
    io_uring_queue_exit(&ring_);
    throw std::runtime_error("io_uring cannot wait with a timeout in one call (needs Linux 5.11)");
  }
  // Saves looking the ring's file up on every enter (Linux 5.18); without it
  // the plain descriptor is used.
  io_uring_register_ring_fd(&ring_);
  try {
    buffers_ = std::make_unique<BufferRing>(ring_);
  } catch (...) {
    io_uring_queue_exit(&ring_);
    throw;
  }
}

UringLoop::~UringLoop() {
  for (auto& slot : slots_) {
    if (!slot || slot->closed) continue;
    handler_.on_close(slot->conn);
    slot->closed = true;
    if (slot->requests > 0) ::shutdown(slot->conn.fd(), SHUT_RDWR);
  }
  for (auto& listener : listeners_) {
    listener->removed = true;
    ::shutdown(listener->spec.fd, SHUT_RDWR);
  }
  for (auto& watch : watches_) {
    if (!watch->armed) continue;
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_cancel64(sqe, tagged(watch.get(), Op::kWatch), 0);
    io_uring_sqe_set_data64(sqe, tagged(nullptr, Op::kCancel));
    ++requests_in_flight_;
  }
  // Their requests are over; what is left is to count them and give buffers back.
  for (const io_uring_cqe& cqe : kept_for_busy_) handle_completion(cqe);
  drain_in_flight();
  slots_.clear();
  for (auto& listener : listeners_) ::close(listener->spec.fd);
  // The kernel lets go of the buffer ring with the ring itself.
  io_uring_queue_exit(&ring_);
  buffers_.reset();
}

io_uring_sqe* UringLoop::next_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {
    // The submission queue is full: hand it to the kernel early.
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

void UringLoop::add_listener(ListenerSpec spec) {
  listeners_.push_back(std::make_unique<Listener>(std::move(spec)));
  if (running_) arm_accept(*listeners_.back());
}

void UringLoop::remove_listener(int fd) {
  for (size_t i = 0; i < listeners_.size(); ++i) {
    Listener& listener = *listeners_[i];
    if (listener.spec.fd != fd || listener.removed) continue;
    listener.removed = true;
    // shutdown() stops a TCP listener at once, before the reply to CONFIG SET
    // goes out; the cancel ends the accept request on any kind of socket.
    ::shutdown(fd, SHUT_RDWR);
    if (!listener.accept_armed) {
      ::close(fd);
      listeners_.erase(listeners_.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_cancel64(sqe, tagged(&listener, Op::kAccept), 0);
    io_uring_sqe_set_data64(sqe, tagged(nullptr, Op::kCancel));
    ++requests_in_flight_;
    return;
  }
}

void UringLoop::arm_accept(Listener& listener) {
  io_uring_sqe* sqe = next_sqe();
  constexpr int kFlags = SOCK_NONBLOCK | SOCK_CLOEXEC;
  if (features_.multishot_accept) {
    io_uring_prep_multishot_accept(sqe, listener.spec.fd, nullptr, nullptr, kFlags);
  } else {
    io_uring_prep_accept(sqe, listener.spec.fd, nullptr, nullptr, kFlags);
  }
  io_uring_sqe_set_data64(sqe, tagged(&listener, Op::kAccept));
  listener.accept_armed = true;
  ++requests_in_flight_;
}

void UringLoop::arm_recv(Slot& slot) {
  // One receive at a time, not a multishot one: on Linux 6.18 a multishot
  // receive sometimes misses the reset of a connection it has drained and
  // never completes, leaving a dead client open for good (our churn test hit
  // it in about 1 run in 9). A fresh receive checks the socket's state when
  // it is issued, and rides the same io_uring_enter as everything else.
  assert(!slot.recv_armed);
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_recv(sqe, slot.conn.fd(), nullptr, kBufferSize, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = kBufferGroup;
  io_uring_sqe_set_data64(sqe, tagged(&slot, Op::kRecv));
  slot.recv_armed = true;
  ++slot.requests;
  ++requests_in_flight_;
}

void UringLoop::watch(int fd, std::function<void()> on_readable) {
  watches_.push_back(std::make_unique<Watch>(Watch{fd, std::move(on_readable)}));
  if (running_) arm_watch(*watches_.back());
}

void UringLoop::arm_watch(Watch& watch) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_poll_add(sqe, watch.fd, POLLIN);
  io_uring_sqe_set_data64(sqe, tagged(&watch, Op::kWatch));
  watch.armed = true;
  ++requests_in_flight_;
}

void UringLoop::cancel_recv(Slot& slot) {
  if (!slot.recv_armed || slot.recv_cancelling) return;
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_cancel64(sqe, tagged(&slot, Op::kRecv), 0);
  io_uring_sqe_set_data64(sqe, tagged(nullptr, Op::kCancel));
  slot.recv_cancelling = true;
  ++requests_in_flight_;
}

void UringLoop::start_send(Slot& slot) {
  Connection& conn = slot.conn;
  if (slot.send_in_flight || conn.closing_now()) return;
  resp::ByteBuffer& sending = conn.in_flight_output();
  if (sending.empty()) {
    const size_t sendable = conn.sendable_output();
    if (sendable == 0) return;
    // Replies queued from now on go to the other buffer; this one stays put
    // while the kernel reads it.
    if (sendable == conn.output().size()) {
      std::swap(sending, conn.output());
    } else {
      // Replies held for the AOF's sync stay behind.
      sending.append(conn.output().data(), sendable);
      conn.output().consume(sendable);
    }
  }
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_send(sqe, conn.fd(), sending.data(), sending.size(), MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, tagged(&slot, Op::kSend));
  slot.send_in_flight = true;
  conn.waiting_writable = true;
  ++slot.requests;
  ++requests_in_flight_;
}

void UringLoop::run() {
  running_ = true;
  for (auto& listener : listeners_) {
    if (!listener->accept_armed && !listener->removed) arm_accept(*listener);
  }
  for (auto& watch : watches_) {
    if (!watch->armed) arm_watch(*watch);
  }
  ticks_.start();
  while (running_) {
    int rc = submit_and_wait(ticks_.wait_budget_us());
    if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
      throw std::runtime_error("io_uring_enter: " + describe(rc));
    }
    handle_completions();
    ticks_.run_if_due(handler_);
    // After a shutdown request nothing more is sent, as with Redis.
    if (!running_) break;
    handler_.before_wait();
    if (!kept_for_busy_.empty()) [[unlikely]]
      handle_kept_completions();
    flush_all();
    close_all_pending();
  }
}

void UringLoop::serve_while_busy(Connection& busy) {
  if (walking_completions_) return;
  const Slot& busy_slot = slot_of(busy);
  // Input this iteration received before the busy command began is served now
  // too (its connection is run again afterwards, with nothing left to do).
  for (Connection* conn : received_.pending()) {
    if (conn == &busy || conn->input().empty()) continue;
    run_input(slot_of(*conn));
  }
  // Submits what is queued and collects what has completed, without waiting.
  io_uring_submit_and_get_events(&ring_);
  unsigned head = 0;
  unsigned seen = 0;
  io_uring_cqe* cqe = nullptr;
  walking_completions_ = true;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    if (seen == 0) clock::update();
    ++seen;
    handle_completion_while_busy(*cqe, busy_slot);
  }
  io_uring_cq_advance(&ring_, seen);
  walking_completions_ = false;
  buffers_->publish();
  for (Slot* slot : received_while_busy_) run_input(*slot);
  received_while_busy_.clear();
  size_t kept = 0;
  for (Slot* slot : flush_list_) {
    if (slot == &busy_slot) {
      flush_list_[kept++] = slot;
      continue;
    }
    slot->conn.flush_pending = false;
    start_send(*slot);
  }
  flush_list_.resize(kept);
  // The replies go now, not when the script next lets the loop run.
  io_uring_submit(&ring_);
}

void UringLoop::handle_completion_while_busy(const io_uring_cqe& cqe, const Slot& busy) {
  const Op op = op_of(cqe.user_data);
  if (op != Op::kRecv && op != Op::kSend) return handle_completion(cqe);
  Slot& slot = object_of<Slot>(cqe.user_data);
  // The busy command still reads its connection's input and writes its
  // output: both stay as they are until it ends.
  if (&slot == &busy) return kept_for_busy_.push_back(cqe);
  if (op == Op::kSend) return on_sent(slot, cqe);
  // Not received_: the loop may be going through it (the busy command runs
  // from there), and a push_back could move it.
  if (on_received(slot, cqe)) received_while_busy_.push_back(&slot);
}

// A command that held the loop has ended: what its own connection's requests
// brought meanwhile is handled now, in the order it came, and before_wait runs
// again so that what this runs reaches the AOF before its replies go out. A
// command run here may hold the loop in turn.
void UringLoop::handle_kept_completions() {
  while (!kept_for_busy_.empty()) {
    std::vector<io_uring_cqe> kept;
    kept.swap(kept_for_busy_);
    for (const io_uring_cqe& cqe : kept) handle_completion(cqe);
    run_received();
    handler_.before_wait();
  }
}

// Submits everything queued and waits, in one io_uring_enter, for a
// completion or until timeout_us has passed.
int UringLoop::submit_and_wait(int64_t timeout_us) {
  __kernel_timespec timeout{};
  timeout.tv_sec = timeout_us / 1'000'000;
  timeout.tv_nsec = (timeout_us % 1'000'000) * 1000;
  io_uring_cqe* cqe = nullptr;
  return io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &timeout, nullptr);
}

void UringLoop::handle_completions() {
  unsigned head = 0;
  unsigned seen = 0;
  io_uring_cqe* cqe = nullptr;
  walking_completions_ = true;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    if (seen == 0) clock::update();
    ++seen;
    handle_completion(*cqe);
  }
  io_uring_cq_advance(&ring_, seen);
  walking_completions_ = false;
  run_received();
}

void UringLoop::run_received() {
  buffers_->publish();
  received_.run(handler_, [this](Connection& conn) { run_input(slot_of(conn)); });
}

void UringLoop::handle_completion(const io_uring_cqe& cqe) {
  switch (op_of(cqe.user_data)) {
    case Op::kAccept:
      on_accepted(object_of<Listener>(cqe.user_data), cqe);
      break;
    case Op::kRecv: {
      auto& slot = object_of<Slot>(cqe.user_data);
      if (on_received(slot, cqe)) received_.add(slot.conn);
      break;
    }
    case Op::kSend:
      on_sent(object_of<Slot>(cqe.user_data), cqe);
      break;
    case Op::kWatch: {
      auto& watch = object_of<Watch>(cqe.user_data);
      watch.armed = false;
      --requests_in_flight_;
      if (cqe.res == -ECANCELED || !running_) break;
      watch.on_readable();
      arm_watch(watch);
      break;
    }
    case Op::kCancel:
      --requests_in_flight_;
      break;
  }
}

void UringLoop::on_accepted(Listener& listener, const io_uring_cqe& cqe) {
  bool more = cqe.flags & IORING_CQE_F_MORE;
  if (!more) {
    listener.accept_armed = false;
    --requests_in_flight_;
  }
  if (cqe.res >= 0 && listener.removed) {
    ::close(cqe.res);
  } else if (cqe.res >= 0) {
    int fd = cqe.res;
    const ListenerSpec& spec = listener.spec;
    if (static_cast<size_t>(fd) >= slots_.size()) slots_.resize(fd + 1);
    slots_[fd] =
        std::make_unique<Slot>(fd, peer_address_of(fd, spec.is_unix, spec.unix_path),
                               local_address_of(fd, spec.is_unix, spec.unix_path), spec.is_unix);
    Slot& slot = *slots_[fd];
    handler_.on_open(slot.conn);
    if (slot.conn.closing()) {
      want_close(slot.conn);
    } else {
      arm_recv(slot);
    }
  } else if (cqe.res == -EINVAL && features_.multishot_accept && !listener.removed) {
    spdlog::warn("io_uring: multishot accept is unavailable ({}); one accept request per client",
                 describe(cqe.res));
    features_.multishot_accept = false;
  }
  if (listener.accept_armed) return;
  if (!listener.removed) {
    if (running_) arm_accept(listener);
    return;
  }
  ::close(listener.spec.fd);
  for (size_t i = 0; i < listeners_.size(); ++i) {
    if (listeners_[i].get() == &listener) {
      listeners_.erase(listeners_.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
}

// Takes a receive's bytes into the input; true when there are new bytes to run.
bool UringLoop::on_received(Slot& slot, const io_uring_cqe& cqe) {
  slot.recv_armed = false;
  slot.recv_cancelling = false;
  --slot.requests;
  --requests_in_flight_;
  Connection& conn = slot.conn;
  bool accepted = cqe.res > 0 && !slot.closed && !conn.closing();
  if (cqe.flags & IORING_CQE_F_BUFFER) {
    auto id = static_cast<uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
    if (accepted) conn.input().append(buffers_->data(id), static_cast<size_t>(cqe.res));
    buffers_->give_back(id);
  }
  if (slot.closed) {
    release_if_done(slot);
    return false;
  }
  if (accepted) {
    conn.bytes_received += static_cast<uint64_t>(cqe.res);
    // The next receive is armed once the input has run: running it may
    // pause reading.
    return true;
  }
  if (cqe.res == 0 || (cqe.res < 0 && cqe.res != -ENOBUFS && cqe.res != -ECANCELED)) {
    // Peer closed (or the socket failed): send what is already queued, then close.
    if (!conn.closing()) {
      conn.close_after_flush();
      want_close(conn);
    }
    return false;
  }
  // -ENOBUFS: every provided buffer was taken; they are back now.
  if (!conn.closing() && !conn.reading_paused) arm_recv(slot);
  return false;
}

void UringLoop::run_input(Slot& slot) {
  Connection& conn = slot.conn;
  if (conn.closing()) return;
  // Bytes that were already on their way when reading paused wait in the
  // input until on_output_drained runs them.
  if (conn.reading_paused) return;
  handler_.on_input(conn);
  if (conn.closing()) return want_close(conn);
  // A pass while a command held the loop may have armed it already.
  if (!conn.reading_paused && !slot.recv_armed) arm_recv(slot);
}

void UringLoop::on_sent(Slot& slot, const io_uring_cqe& cqe) {
  slot.send_in_flight = false;
  --slot.requests;
  --requests_in_flight_;
  if (slot.closed) return release_if_done(slot);
  Connection& conn = slot.conn;
  if (cqe.res <= 0) {
    conn.close_now();
    want_close(conn);
    return;
  }
  conn.in_flight_output().consume(static_cast<size_t>(cqe.res));
  conn.bytes_sent += static_cast<uint64_t>(cqe.res);
  if (conn.closing_now()) return;
  if (!conn.in_flight_output().empty() || conn.sendable_output() > 0) return start_send(slot);
  if (conn.pending_output() > 0) {
    // The rest waits for the AOF's sync; releasing it asks for a flush.
    conn.waiting_writable = false;
    return;
  }
  output_drained(slot);
}

void UringLoop::output_drained(Slot& slot) {
  Connection& conn = slot.conn;
  conn.waiting_writable = false;
  conn.output().release_if_idle(Connection::kIdleOutputKeep);
  conn.in_flight_output().release_if_idle(Connection::kIdleOutputKeep);
  if (conn.closing_after_flush()) want_close(conn);
  if (conn.reading_paused && !conn.closing()) {
    handler_.on_output_drained(conn);
    if (conn.closing()) want_close(conn);
  }
}

void UringLoop::want_flush(Connection& conn) {
  Slot& slot = slot_of(conn);
  // A send in flight carries on with whatever was queued when it completes.
  if (conn.flush_pending || slot.send_in_flight) return;
  conn.flush_pending = true;
  flush_list_.push_back(&slot);
}

void UringLoop::flush_all() {
  for (Slot* slot : flush_list_) {
    slot->conn.flush_pending = false;
    start_send(*slot);
  }
  flush_list_.clear();
}

void UringLoop::want_close(Connection& conn) {
  if (conn.close_pending) return;
  Slot& slot = slot_of(conn);
  conn.close_pending = true;
  close_list_.push_back(&slot);
  conn.reading_paused = true;
  cancel_recv(slot);
}

void UringLoop::close_all_pending() {
  size_t kept = 0;
  for (Slot* slot : close_list_) {
    Connection& conn = slot->conn;
    // A connection closing after its replies waits while they are still going out.
    if (!conn.closing_now() && conn.closing_after_flush() && conn.pending_output() > 0) {
      start_send(*slot);
      close_list_[kept++] = slot;
      continue;
    }
    finish_close(*slot);
  }
  close_list_.resize(kept);
}

void UringLoop::finish_close(Slot& slot) {
  handler_.on_close(slot.conn);
  slot.closed = true;
  // Ends the receive and any send still waiting for room, so their
  // completions come back and the slot can go.
  if (slot.requests > 0) ::shutdown(slot.conn.fd(), SHUT_RDWR);
  release_if_done(slot);
}

void UringLoop::release_if_done(Slot& slot) {
  if (!slot.closed || slot.requests > 0) return;
  slots_[slot.conn.fd()].reset();  // closes the socket
}

void UringLoop::drain_in_flight() {
  int64_t deadline_us = clock::monotonic_us() + kDrainTimeoutUs;
  while (requests_in_flight_ > 0 && clock::monotonic_us() < deadline_us) {
    submit_and_wait(100'000);
    handle_completions();
  }
}

void UringLoop::pause_reading(Connection& conn, bool paused) {
  if (conn.reading_paused == paused) return;
  conn.reading_paused = paused;
  Slot& slot = slot_of(conn);
  if (paused) {
    cancel_recv(slot);
  } else if (!slot.recv_armed && !conn.closing()) {
    arm_recv(slot);
  }
}

UringLoop::Slot& UringLoop::slot_of(Connection& conn) { return *slots_[conn.fd()]; }

}  // namespace fkvs::net
