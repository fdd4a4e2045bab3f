#include "net/event_loop.h"

#include "net/epoll_loop.h"

namespace fkvs::net {

std::unique_ptr<EventLoop> make_event_loop(std::string_view backend, ConnectionHandler& handler,
                                           std::string& why) {
  if (backend == "auto" || backend == "epoll") return std::make_unique<EpollLoop>(handler);
  if (backend == "uring") {
    why = "the io_uring backend is not part of this build yet";
    return nullptr;
  }
  if (backend == "kqueue") {
    why = "kqueue exists only on BSD and macOS";
    return nullptr;
  }
  why = "unknown io backend '" + std::string(backend) + "'";
  return nullptr;
}

}  // namespace fkvs::net
