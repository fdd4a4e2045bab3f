#pragma once

#include "net/epoll_poller.h"
#include "net/readiness_loop.h"

namespace fkvs::net {

// The Linux backend.
using EpollLoop = ReadinessLoop<EpollPoller>;

// Compiled once, in epoll_loop.cc.
extern template class ReadinessLoop<EpollPoller>;

}  // namespace fkvs::net
