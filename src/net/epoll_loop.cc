#include "net/epoll_loop.h"

namespace fkvs::net {

template class ReadinessLoop<EpollPoller>;

}  // namespace fkvs::net
