#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "byte_buffer.h"

namespace fkvs::net {

// One client socket as the event loop sees it: the bytes received and not
// yet parsed, the reply bytes not yet sent, and whether it is closing.
// Backends put received bytes into input() and send from output(); nothing
// here assumes the socket is read with read() (io_uring hands over buffers).
class Connection {
 public:
  // Output buffers above this are freed when they drain, so an idle client
  // does not keep the memory of its largest reply.
  static constexpr size_t kIdleOutputKeep = 64 * 1024;

  Connection(int fd, std::string peer_address, std::string local_address, bool is_unix);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd() const { return fd_; }
  resp::ByteBuffer& input() { return input_; }
  resp::ByteBuffer& output() { return output_; }
  const resp::ByteBuffer& input() const { return input_; }
  const resp::ByteBuffer& output() const { return output_; }
  // Output already handed to the kernel by a completion-based backend, which
  // must not move while a send reads from it; replies queued meanwhile go to
  // output(). Always empty under readiness backends, which send in place.
  resp::ByteBuffer& in_flight_output() { return in_flight_output_; }
  // Reply bytes not yet sent, wherever they wait (output limits, omem).
  size_t pending_output() const { return output_.size() + in_flight_output_.size(); }
  size_t output_capacity() const { return output_.capacity() + in_flight_output_.capacity(); }

  // Output is counted over the connection's life: a reply queued now starts
  // at queued_output_end().
  uint64_t queued_output_end() const { return bytes_sent + pending_output(); }
  // Replies from position on stay queued until release_output() or a later
  // hold (appendfsync always: they wait for the AOF sync they depend on).
  void hold_output_from(uint64_t position) { held_from_ = position; }
  void release_output() { held_from_ = kNotHeld; }
  bool output_held() const { return held_from_ != kNotHeld; }
  // How many bytes at the front of output() may be sent now.
  size_t sendable_output() const {
    if (held_from_ == kNotHeld) return output_.size();
    const uint64_t output_start = bytes_sent + in_flight_output_.size();
    if (held_from_ <= output_start) return 0;
    return static_cast<size_t>(std::min<uint64_t>(held_from_ - output_start, output_.size()));
  }

  // "ip:port" (or "path:0" for unix sockets), as CLIENT LIST prints them.
  const std::string& peer_address() const { return peer_address_; }
  const std::string& local_address() const { return local_address_; }
  bool is_unix() const { return is_unix_; }

  // Stop reading; close once everything queued so far is sent (QUIT,
  // protocol errors).
  void close_after_flush() { close_after_flush_ = true; }
  bool closing_after_flush() const { return close_after_flush_; }
  // Close as soon as the loop gets to it, dropping unsent output (CLIENT KILL,
  // output buffer limits).
  void close_now() { close_now_ = true; }
  bool closing_now() const { return close_now_; }
  bool closing() const { return close_now_ || close_after_flush_; }

  // The server's per-connection state (its Client).
  void* owner() const { return owner_; }
  void set_owner(void* owner) { owner_ = owner; }

  // Loop bookkeeping: set while the connection is on the loop's flush list
  // or waiting for the socket to become writable.
  bool flush_pending = false;
  bool waiting_writable = false;
  bool close_pending = false;
  bool reading_paused = false;
  // Bytes moved in each direction, for INFO's net counters.
  uint64_t bytes_received = 0;
  uint64_t bytes_sent = 0;

 private:
  int fd_;
  std::string peer_address_;
  std::string local_address_;
  bool is_unix_;
  bool close_after_flush_ = false;
  bool close_now_ = false;
  static constexpr uint64_t kNotHeld = std::numeric_limits<uint64_t>::max();
  uint64_t held_from_ = kNotHeld;
  void* owner_ = nullptr;
  resp::ByteBuffer input_;
  resp::ByteBuffer output_;
  resp::ByteBuffer in_flight_output_;
};

}  // namespace fkvs::net
