#include "net/event_loop.h"

#include <stdexcept>

#include "fkvs_build_config.h"
#if FKVS_HAVE_EPOLL
#include "net/epoll_loop.h"
#endif
#if FKVS_HAVE_KQUEUE
#include "net/kqueue_loop.h"
#endif
#if FKVS_HAVE_LIBURING
#include "net/uring_loop.h"
#endif

namespace fkvs::net {

std::unique_ptr<EventLoop> make_event_loop(std::string_view backend, ConnectionHandler& handler,
                                           std::string& why) {
#if FKVS_HAVE_EPOLL
  if (backend == "auto" || backend == "epoll") return std::make_unique<EpollLoop>(handler);
#else
  if (backend == "epoll") {
    why = "epoll exists only on Linux";
    return nullptr;
  }
#endif
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
#if FKVS_HAVE_KQUEUE
  if (backend == "auto" || backend == "kqueue") return std::make_unique<KqueueLoop>(handler);
#else
  if (backend == "kqueue") {
    why = "kqueue exists only on BSD and macOS";
    return nullptr;
  }
#endif
  why = "unknown io backend '" + std::string(backend) + "'";
  return nullptr;
}

}  // namespace fkvs::net
