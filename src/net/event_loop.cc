#include "net/event_loop.h"

#include <stdexcept>

#include "fkvs_build_config.h"
#include "net/epoll_loop.h"
#if FKVS_HAVE_LIBURING
#include "net/uring_loop.h"
#endif

namespace fkvs::net {

std::unique_ptr<EventLoop> make_event_loop(std::string_view backend, ConnectionHandler& handler,
                                           std::string& why) {
  if (backend == "auto" || backend == "epoll") return std::make_unique<EpollLoop>(handler);
  if (backend == "uring") {
#if FKVS_HAVE_LIBURING
    try {
      return std::make_unique<UringLoop>(handler);
    } catch (const std::runtime_error& error) {
      why = error.what();
      return nullptr;
    }
#else
    why = "this build has no liburing";
    return nullptr;
#endif
  }
  if (backend == "kqueue") {
    why = "kqueue exists only on BSD and macOS";
    return nullptr;
  }
  why = "unknown io backend '" + std::string(backend) + "'";
  return nullptr;
}

}  // namespace fkvs::net
