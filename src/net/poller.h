#pragma once

#include <concepts>

namespace fkvs::net {

// Which kinds of readiness a poller reports for a descriptor.
struct Interest {
  bool read;
  bool write;
};

// One readiness report, a view of the kernel's own event record so that
// reading it costs no more than testing the kernel's flags. kqueue reports its
// read and write filters as separate events, so one descriptor may come twice
// out of a wait; epoll reports both in one.
template <typename E>
concept PollEvent = requires(const E& ev) {
  { ev.fd() } -> std::same_as<int>;
  // Bytes or a client to take, or the peer has finished sending.
  { ev.readable() } -> std::same_as<bool>;
  { ev.writable() } -> std::same_as<bool>;
  // The peer takes no more output, or the socket failed.
  { ev.hung_up() } -> std::same_as<bool>;
};

// The kernel interface under ReadinessLoop (epoll, kqueue). A template
// parameter rather than a virtual base, so that dispatching an event costs
// the epoll loop no more than it did before the loop was shared.
//
//   add(fd)                  start reporting fd as readable; false (errno set) if refused
//   set_interest(fd, which)  report fd's readability and writability as asked
//   remove(fd)               stop reporting fd, which is closed right after
//   wait(timeout_ms)         wait up to timeout_ms (>= 0); the number of events
//                            ready, -1 if a signal cut the wait short; throws
//                            std::runtime_error on any other failure
//   event(i)                 the i-th of those events
//
// A poller is level-triggered: a descriptor that stays ready is reported by
// every wait. Interest changes take effect by the next wait at the latest.
template <typename P>
concept Poller = requires(P poller, const P& waited, int fd, Interest which, int timeout_ms,
                          int index) {
  { P::kName } -> std::convertible_to<const char*>;  // INFO's multiplexing_api
  { poller.add(fd) } -> std::same_as<bool>;
  poller.set_interest(fd, which);
  poller.remove(fd);
  { poller.wait(timeout_ms) } -> std::same_as<int>;
  { waited.event(index) } -> PollEvent;
};

}  // namespace fkvs::net
